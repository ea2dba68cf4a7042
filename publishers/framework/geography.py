"""The geography lookups publishers check area codes against (LSOA, ward, local authority).

Any ONS-style lookup CSV works: the columns are found by their usual names (``LSOA11CD``, ``LSOA21CD``,
``lsoa_code``, ``WD19CD``, ``LAD19CD``...). An LSOA code must exist in the lookup, not merely look right,
because a code from the wrong census or a typo would silently drop rows out of an area's counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from publishers.framework.errors import SetupError
from publishers.framework.extract import normalise_label
from publishers.framework.transforms.base import arrow_text, text_series

ALIASES = {
    "lsoa": ("lsoa11cd", "lsoa21cd", "lsoacd", "lsoacode", "lsoacode2011", "lsoacode2021"),
    "lsoa_name": ("lsoa11nm", "lsoa21nm", "lsoaname", "lsoaname2011"),
    "ward": ("wd19cd", "wd20cd", "wd21cd", "wd22cd", "wd23cd", "wardcd", "wardcode"),
    "local_authority": (
        "lad19cd", "lad20cd", "lad21cd", "lad22cd", "lad23cd", "ladcd", "localauthoritycode",
        "localauthoritydistrictcode2019", "lacode",
    ),
}  # fmt: skip


@dataclass
class Geography:
    codes: dict[str, set[str]] = field(default_factory=dict)
    lsoa_authority: dict[str, str] = field(default_factory=dict)

    def known(self, kind: str, values: pd.Series) -> np.ndarray:
        """True where the code is in the lookup (or where no lookup of that kind was loaded)."""
        codes = self.codes.get(kind)
        if not codes:
            return np.ones(len(values), dtype=bool)
        return values.isin(codes).to_numpy(dtype=bool, na_value=False)

    def authority_of(self, lsoa: pd.Series) -> pd.Series:
        """Each LSOA's local authority ("" when unknown), looked up once per distinct code."""
        text = arrow_text(lsoa)
        encoded = text.dictionary_encode()
        found = pa.array([self.lsoa_authority.get(u, "") for u in encoded.dictionary.to_pylist()], text.type)
        return text_series(found.take(encoded.indices), lsoa.index)

    def __len__(self) -> int:
        return len(self.codes.get("lsoa", ()))


def load_geography(paths: list[Path]) -> Geography:
    """Read one or more lookup CSVs into one Geography."""
    geo = Geography()
    for path in paths:
        if not path.is_file():
            raise SetupError(f"geography lookup not found: {path}")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding_errors="replace")
        columns = {normalise_label(c): c for c in frame.columns}
        found = {kind: next((columns[a] for a in names if a in columns), None) for kind, names in ALIASES.items()}
        if not any(found[k] for k in ("lsoa", "ward", "local_authority")):
            raise SetupError(f"{path.name}: no LSOA, ward or local authority code column (e.g. LSOA11CD, LAD19CD)")
        for kind in ("lsoa", "ward", "local_authority"):
            if found[kind]:
                geo.codes.setdefault(kind, set()).update(v.strip() for v in frame[found[kind]] if v.strip())
        if found["lsoa"] and found["local_authority"]:
            pairs = frame[[found["lsoa"], found["local_authority"]]].drop_duplicates(found["lsoa"])
            geo.lsoa_authority.update(zip(pairs.iloc[:, 0], pairs.iloc[:, 1], strict=True))
    return geo
