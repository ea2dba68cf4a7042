"""Rare combinations of a few attribute values, for the copy filter (statistical disclosure control).

An attacker who knows a handful of a person's attributes can single them out when that combination of values is
held by one real person, even if no synthetic row copies the person's whole record. Following SUDA (the special
uniques detection that ONS used for census microdata), we look at every combination of up to ``size``
attributes: numbers (and dates) in bands of about a tenth of the real rows each, categories as they are, missing
as a value. A synthetic row that reproduces a combination held by at least one but fewer than ``k`` real rows
points at those people and is not released; combinations no real row holds point at nobody and are kept.

Only whether each combination is rare is kept (one flag per possible combination, or the rare keys themselves
when the combinations are too many), never real rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

BANDS = 10
MAX_CELLS = 1 << 20
MAX_TOTAL = 1 << 23
CHUNK = 64


@dataclass
class _Coder:
    """Maps one column's normalised values to small integer codes: bands for numbers, one code per category."""

    edges: np.ndarray | None = None
    categories: dict[object, int] = field(default_factory=dict)

    @classmethod
    def fit(cls, column: pd.Series, numeric: bool) -> _Coder:
        if numeric:
            finite = column.to_numpy(dtype=float)
            finite = finite[~np.isnan(finite)]
            quantiles = np.quantile(finite, np.linspace(0, 1, BANDS + 1)[1:-1]) if finite.size else np.zeros(0)
            return cls(edges=np.unique(quantiles))
        values = column.dropna().unique()
        return cls(categories={v: i for i, v in enumerate(values)})

    @property
    def size(self) -> int:
        """Codes used: the bands or categories, then one for missing and one for values the real data lacks."""
        return (self.edges.size + 1 if self.edges is not None else len(self.categories)) + 2

    def encode(self, column: pd.Series) -> np.ndarray:
        missing = self.size - 2
        if self.edges is not None:
            values = column.to_numpy(dtype=float)
            codes = np.searchsorted(self.edges, values, side="right")
            return np.where(np.isnan(values), missing, codes).astype(np.int64)
        codes = column.map(self.categories)
        codes = codes.where(column.notna(), missing).fillna(self.size - 1)
        return codes.to_numpy(dtype=np.int64)


@dataclass
class RareCombinations:
    """Flags rows reproducing a combination of up to ``size`` values held by 1 to k-1 real rows.

    Every combination of columns gets its own range of one shared flag table, so all of them are counted and
    looked up in a few vectorised passes (chunks of ``CHUNK`` column combinations bound the memory); the rare
    keys of combinations too large for the table are kept sorted instead."""

    names: list[str]
    coders: list[_Coder]
    subsets: np.ndarray
    offsets: np.ndarray
    table: np.ndarray
    sparse: list[tuple[tuple[int, ...], np.ndarray]]
    k: int
    size: int

    @classmethod
    def fit(cls, real: pd.DataFrame, numeric: list[str], k: int, size: int) -> RareCombinations:
        """real: normalised frame (numbers as floats, categories as strings), one column per learned field."""
        names = list(real.columns)
        coders = [_Coder.fit(real[n], n in numeric) for n in names]
        codes = _codes(coders, names, real)
        sizes = np.array([c.size for c in coders], dtype=np.int64)
        dense: list[tuple[int, ...]] = []
        sparse: list[tuple[tuple[int, ...], np.ndarray]] = []
        total = 0
        for width in range(1, min(size, len(names)) + 1):
            for cols in combinations(range(len(names)), width):
                cells = int(np.prod(sizes[list(cols)]))
                if cells <= MAX_CELLS and total + cells <= MAX_TOTAL:
                    dense.append(cols)
                    total += cells
                else:
                    keys, counts = np.unique(_keys(codes, sizes, _padded([cols], width), np.int64), return_counts=True)
                    sparse.append((cols, keys[counts < k]))
        subsets = _padded(dense, size)
        cells = np.array([int(np.prod(sizes[list(c)])) for c in dense], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(cells)[:-1]]).astype(np.int32)[:, None]
        counts = np.zeros(int(cells.sum()), dtype=np.int32)
        for lo in range(0, len(dense), CHUNK):
            keys = _keys(codes, sizes, subsets[lo : lo + CHUNK]) + offsets[lo : lo + CHUNK]
            counts += np.bincount(keys.ravel(), minlength=counts.size).astype(np.int32)
        table = (counts > 0) & (counts < k)
        return cls(names, coders, subsets, offsets, table, sparse, k, size)

    def flag(self, frame: pd.DataFrame) -> np.ndarray:
        """True for rows of a normalised frame that reproduce a rare real combination."""
        out = np.zeros(len(frame), dtype=bool)
        if len(frame) == 0:
            return out
        codes = _codes(self.coders, self.names, frame.reset_index(drop=True))
        sizes = np.array([c.size for c in self.coders], dtype=np.int64)
        for lo in range(0, len(self.subsets), CHUNK):
            keys = _keys(codes, sizes, self.subsets[lo : lo + CHUNK]) + self.offsets[lo : lo + CHUNK]
            out |= self.table[keys].any(axis=0)
        for cols, rare in self.sparse:
            out |= np.isin(_keys(codes, sizes, _padded([cols], len(cols)), np.int64)[0], rare)
        return out


def _codes(coders: list[_Coder], names: list[str], frame: pd.DataFrame) -> np.ndarray:
    """Codes of every column (one row each), with a last row of zeros that pads narrower combinations."""
    rows = [c.encode(frame[n]) for c, n in zip(coders, names, strict=True)]
    return np.vstack(rows + [np.zeros(len(frame), dtype=np.int32)]).astype(np.int32)


def _padded(subsets: list[tuple[int, ...]], size: int) -> np.ndarray:
    """Column combinations as rows of ``size`` indices; -1 (the zeros row, of size 1) pads short ones."""
    out = np.full((len(subsets), max(size, 1)), -1, dtype=np.int64)
    for i, cols in enumerate(subsets):
        out[i, : len(cols)] = cols
    return out


def _keys(codes: np.ndarray, sizes: np.ndarray, subsets: np.ndarray, dtype: type = np.int32) -> np.ndarray:
    """Mixed-radix key of each row under each combination of columns: combinations x rows."""
    sizes = np.append(sizes, 1).astype(dtype)
    keys = np.zeros((subsets.shape[0], codes.shape[1]), dtype=dtype)
    for position in range(subsets.shape[1]):
        cols = subsets[:, position]
        keys *= sizes[cols][:, None]
        keys += codes[cols]
    return keys
