"""Generate realistic CKAN dataset dicts for the catalogue load benchmark, from a seeded numpy Generator.

Each dataset has an owner organization (a few partners publish most), 0-2 themes, 2-8 tags drawn from a
Zipf-like vocabulary (a few tags are everywhere, most are rare), 1-4 link resources with formats, a licence,
extras and 30-120 words of notes. The dicts are what a client would send to ``package_create``, plus
``metadata_created``/``metadata_modified`` so the catalogue has a history to sort by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from bench.catalogue.vocabulary import (
    BREAKDOWNS,
    FORMATS,
    FREQUENCIES,
    LICENSES,
    ORGANIZATIONS,
    PLACES,
    PROSE_WORDS,
    SUBJECTS,
    TAG_WORDS,
    THEMES,
)

EPOCH = datetime(2012, 1, 1)
HISTORY_DAYS = 14 * 365
PRIVATE_SHARE = 0.04


def zipf_weights(n: int, exponent: float = 1.1) -> np.ndarray:
    """Probabilities proportional to 1 / rank**exponent: word and tag frequencies in real catalogues."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def tag_vocabulary() -> list[str]:
    """About 2,500 tags: single words first (most frequent), then word pairs and place tags."""
    singles = list(TAG_WORDS)
    places = [_slug(p) for p in PLACES]
    pairs = [f"{a}-{b}" for a in singles for b in singles if a < b]
    order = np.random.default_rng(7).permutation(len(pairs))
    return singles + places + [pairs[i] for i in order[:2400]]


@dataclass
class Catalogue:
    """The weighted choices a generator draws from, built once."""

    tags: list[str]
    tag_p: np.ndarray
    prose_p: np.ndarray
    org_p: np.ndarray
    format_p: np.ndarray
    license_p: np.ndarray

    @classmethod
    def build(cls) -> Catalogue:
        def norm(pairs: list[tuple[Any, ...]]) -> np.ndarray:
            w = np.array([p[-1] for p in pairs], dtype=float)
            return w / w.sum()

        tags = tag_vocabulary()
        return cls(
            tags=tags,
            tag_p=zipf_weights(len(tags)),
            prose_p=zipf_weights(len(PROSE_WORDS), 0.9),
            org_p=norm(ORGANIZATIONS),
            format_p=norm(FORMATS),
            license_p=norm(LICENSES),
        )


def datasets(count: int, rng: np.random.Generator, start: int = 0) -> Iterator[dict[str, Any]]:
    """Yield ``count`` dataset dicts numbered from ``start`` (names stay unique across calls)."""
    cat = Catalogue.build()
    for number in range(start, start + count):
        yield dataset(number, rng, cat)


def dataset(number: int, rng: np.random.Generator, cat: Catalogue) -> dict[str, Any]:
    org = ORGANIZATIONS[rng.choice(len(ORGANIZATIONS), p=cat.org_p)][0]
    subject = SUBJECTS[int(rng.integers(len(SUBJECTS)))]
    place = PLACES[int(rng.integers(len(PLACES)))]
    breakdown = BREAKDOWNS[int(rng.integers(len(BREAKDOWNS)))]
    year = int(rng.integers(2012, 2027))
    title = " ".join(p for p in (subject.capitalize(), breakdown, "in", place, str(year)) if p)
    themes = [t for t in THEMES if any(w in subject for w in THEMES[t][1])]
    extra_themes = list(rng.choice(list(THEMES), size=int(rng.integers(0, 2)), replace=False))
    groups = list(dict.fromkeys(themes[:1] + extra_themes))
    created = EPOCH + timedelta(days=float(rng.uniform(0, HISTORY_DAYS)))
    modified = created + timedelta(days=float(rng.exponential(120)))
    name = f"{_slug(title)[:80]}-{number}"
    return {
        "name": name,
        "title": title,
        "owner_org": org,
        "notes": notes(rng, cat, subject, place),
        "license_id": LICENSES[rng.choice(len(LICENSES), p=cat.license_p)][0],
        "private": bool(rng.random() < PRIVATE_SHARE),
        "author": f"{THEMES[groups[0]][0] if groups else 'Open data'} team",
        "maintainer": "Open data team",
        "maintainer_email": "opendata@example.org",
        "version": f"{year}.{int(rng.integers(1, 5))}",
        "tags": [{"name": t} for t in _tags(rng, cat, subject, place)],
        "groups": [{"name": g} for g in groups],
        "extras": [
            {"key": "update_frequency", "value": FREQUENCIES[int(rng.integers(len(FREQUENCIES)))]},
            {"key": "spatial_coverage", "value": place},
        ],
        "resources": resources(rng, cat, name, year),
        "metadata_created": created,
        "metadata_modified": min(modified, datetime(2026, 11, 1)),
    }


def notes(rng: np.random.Generator, cat: Catalogue, subject: str, place: str) -> str:
    words = list(rng.choice(PROSE_WORDS, size=int(rng.integers(30, 121)), p=cat.prose_p))
    sentences, pos = [], 0
    while pos < len(words):
        length = int(rng.integers(8, 18))
        sentences.append(" ".join(words[pos : pos + length]).capitalize() + ".")
        pos += length
    intro = f"{subject.capitalize()} for {place}, published by the partnership as open data."
    return " ".join([intro, *sentences])


def resources(rng: np.random.Generator, cat: Catalogue, name: str, year: int) -> list[dict[str, Any]]:
    out = []
    for position in range(int(rng.integers(1, 5))):
        fmt = FORMATS[rng.choice(len(FORMATS), p=cat.format_p)][0]
        out.append(
            {
                "name": f"{name.replace('-', ' ')} part {position + 1} ({fmt})",
                "url": f"https://data.example.org/{name}/{year}-{position + 1}.{fmt.lower()}",
                "format": fmt,
                "description": f"Part {position + 1} of the {year} release.",
                "size": int(rng.integers(2_000, 50_000_000)),
            }
        )
    return out


def _tags(rng: np.random.Generator, cat: Catalogue, subject: str, place: str) -> list[str]:
    drawn = rng.choice(len(cat.tags), size=int(rng.integers(2, 9)), p=cat.tag_p)
    tags = [_slug(subject)[:100], _slug(place)] + [cat.tags[i] for i in drawn]
    return list(dict.fromkeys(tags))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
