"""The request mixes the load benchmark sends: varied, seeded, drawn from the generator's own vocabulary.

- ``search_text``: ``package_search`` with 1-2 free-text words and five facets (the dataset search page).
- ``search_fq``: ``package_search`` with an ``fq`` filter (organization, theme, tag, format, licence, or two of
  them ANDed) and the same facets (the page after a facet click).
- ``show``: ``package_show`` of a random existing dataset by name.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import numpy as np

from bench.catalogue.generate import Catalogue
from bench.catalogue.vocabulary import FORMATS, LICENSES, ORGANIZATIONS, PLACES, SUBJECTS, THEMES

FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
ACTION = "/api/3/action/"


def search_words() -> list[str]:
    """What people type: subject words, place names and theme words, most common first."""
    words = [w for s in SUBJECTS for w in s.split() if len(w) > 3]
    words += [p for p in PLACES if " " not in p]
    words += [w for _, ws in THEMES.values() for w in ws]
    return list(dict.fromkeys(words))


def text_paths(rng: np.random.Generator, n: int) -> list[str]:
    words = search_words()
    p = 1.0 / np.arange(1, len(words) + 1) ** 0.7
    p /= p.sum()
    out = []
    for _ in range(n):
        q = " ".join(words[i] for i in rng.choice(len(words), size=int(rng.integers(1, 3)), p=p))
        out.append(ACTION + "package_search?" + urlencode({"q": q, "facet.field": FACETS}))
    return out


def fq_paths(rng: np.random.Generator, n: int) -> list[str]:
    cat = Catalogue.build()
    top_tags = cat.tags[:200]
    filters = [
        lambda: f"organization:{ORGANIZATIONS[int(rng.integers(len(ORGANIZATIONS)))][0]}",
        lambda: f"groups:{list(THEMES)[int(rng.integers(len(THEMES)))]}",
        lambda: f'tags:"{top_tags[int(rng.integers(len(top_tags)))]}"',
        lambda: f"res_format:{FORMATS[int(rng.integers(len(FORMATS)))][0]}",
        lambda: f"license_id:{LICENSES[int(rng.integers(len(LICENSES)))][0]}",
    ]
    out = []
    for _ in range(n):
        picks = rng.choice(len(filters), size=int(rng.integers(1, 3)), replace=False)
        fq = " AND ".join(filters[i]() for i in picks)
        out.append(ACTION + "package_search?" + urlencode({"fq": fq, "facet.field": FACETS}))
    return out


def show_paths(rng: np.random.Generator, names: list[str], n: int) -> list[str]:
    return [ACTION + "package_show?" + urlencode({"id": names[int(i)]}) for i in rng.integers(len(names), size=n)]
