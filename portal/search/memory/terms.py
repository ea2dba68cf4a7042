"""Exact-match fields in memory: the facet index (``facet_terms``) and any other ``search_terms`` field.

Both keep every (dataset, value) pair, duplicates included, because the database counts facet rows, not
datasets: a dataset with two resources of the same name counts twice for ``res_name``, there and here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from portal.search.memory.arrays import group_rows, member_mask, ranges

# Below this share of a segment's slots, counting gathers the matching rows; above it, each value held by
# at least one slot in DENSE_SHARE is counted as a bitset (AND with the mask's bits, then popcount), and the
# pairs of the other values in one sparse matrix-vector product (one tight C loop).
GATHER_SHARE = 0.07
DENSE_SHARE = 64


@dataclass
class Pairs:
    """(slot, code) pairs grouped both ways: by slot to count, by code to filter."""

    n: int
    ptr: np.ndarray  # slot -> range in ``codes``
    codes: np.ndarray  # int64, grouped by slot, in the database's order within a slot
    inv_ptr: np.ndarray  # code -> range in ``inv_slots``
    inv_slots: np.ndarray
    _dense: Any = field(default=None, repr=False)

    @classmethod
    def build(cls, n: int, slots: np.ndarray, codes: np.ndarray, n_codes: int) -> Pairs:
        slots = np.asarray(slots, dtype=np.int64)
        codes = np.asarray(codes, dtype=np.int64)
        ptr, by_slot = group_rows(slots, n)
        inv_ptr, by_code = group_rows(codes, n_codes)
        return cls(n, ptr, codes[by_slot], inv_ptr, slots[by_code])

    def having(self, codes: Sequence[int] | np.ndarray) -> np.ndarray:
        """Slots holding any of ``codes``."""
        codes = np.asarray(codes, dtype=np.int64)
        codes = codes[(codes >= 0) & (codes < len(self.inv_ptr) - 1)]
        starts = self.inv_ptr[codes]
        return member_mask(self.n, self.inv_slots[ranges(starts, self.inv_ptr[codes + 1] - starts)])

    def any(self) -> np.ndarray:
        return np.diff(self.ptr) > 0

    def counts(self, mask: np.ndarray, n_codes: int) -> np.ndarray:
        """How many pairs of each code the masked slots hold."""
        rows = np.flatnonzero(mask)
        if len(rows) < GATHER_SHARE * self.n:
            starts = self.ptr[rows]
            return np.bincount(self.codes[ranges(starts, self.ptr[rows + 1] - starts)], minlength=n_codes)
        dense = self._dense or self._split()
        counted = dense.sparse @ mask.view(np.int8)
        out = np.zeros(max(n_codes, len(counted)), dtype=np.int64)
        out[: len(counted)] = counted
        if len(dense.codes):
            bits = np.zeros(dense.bits.shape[1] * 8, dtype=np.uint8)
            packed = np.packbits(mask, bitorder="little")
            bits[: len(packed)] = packed
            out[dense.codes] += np.bitwise_count(dense.bits & bits.view(np.uint64)).sum(axis=1, dtype=np.int64)
        return out

    def _split(self) -> DenseCounts:
        """Frequent values as bitsets over the slots; the rest of the pairs (rare values, and a slot's second
        and later pairs of one value, which a bitset cannot hold) as a sparse matrix, value by slot."""
        from scipy.sparse import csr_matrix

        per_code = np.diff(self.inv_ptr)
        n_codes = len(per_code)
        code_of = np.repeat(np.arange(n_codes), per_code)
        slots = self.inv_slots  # grouped by code, slots ascending within a code: repeats are adjacent
        first = np.ones(len(slots), dtype=bool)
        first[1:] = (slots[1:] != slots[:-1]) | (code_of[1:] != code_of[:-1])
        is_dense = per_code >= max(self.n // DENSE_SHARE, 1)
        in_bits = is_dense[code_of] & first
        row = np.cumsum(is_dense) - 1
        words = (self.n + 63) // 64
        flags = np.zeros((int(is_dense.sum()), words * 64), dtype=bool)
        flags[row[code_of[in_bits]], slots[in_bits]] = True
        bits = np.packbits(flags, axis=1, bitorder="little").view(np.uint64)
        rest = ~in_bits
        ptr = np.zeros(n_codes + 1, dtype=np.int64)
        np.cumsum(np.bincount(code_of[rest], minlength=n_codes), out=ptr[1:])
        ones = np.ones(int(rest.sum()), dtype=np.int32)
        sparse = csr_matrix((ones, slots[rest], ptr), shape=(n_codes, self.n))
        self._dense = DenseCounts(np.flatnonzero(is_dense), bits, sparse)
        return self._dense


@dataclass(frozen=True)
class DenseCounts:
    codes: np.ndarray  # the frequent values, one row of ``bits`` each
    bits: np.ndarray  # uint64 words: bit s of a row is set when slot s holds that value
    sparse: Any  # scipy CSR, value by slot: every other pair


@dataclass
class TermField:
    """One ``search_terms`` field of a segment, its values numbered in first-seen order."""

    values: list[str]
    index: dict[str, int]
    pairs: Pairs
    _folded: list[str] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, n: int, slots: Sequence[int], values: Sequence[str]) -> TermField:
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
        return cls(list(index), index, Pairs.build(n, np.asarray(slots, dtype=np.int64), codes, len(index)))

    def equals(self, value: str) -> np.ndarray:
        return self.pairs.having([self.index.get(value, -1)])

    def matching(self, test: Callable[[str], bool]) -> np.ndarray:
        return self.pairs.having([code for code, value in enumerate(self.values) if test(value)])

    def any(self) -> np.ndarray:
        return self.pairs.any()

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        counted = self.pairs.counts(mask, len(self.values))
        return {self.values[code]: int(counted[code]) for code in np.flatnonzero(counted)}


def facet_pairs_from_text(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``facet_terms`` as text ('{1,2}' from PostgreSQL, '[1, 2]' from SQLite) into (slot, vid) pairs."""
    lengths = np.zeros(len(texts), dtype=np.int64)
    parts = []
    for i, raw in enumerate(texts):
        body = raw.strip()[1:-1].strip()
        if body:
            lengths[i] = body.count(",") + 1
            parts.append(body)
    joined = ",".join(parts)
    vids = np.array(joined.split(","), dtype=np.int64) if joined else np.zeros(0, dtype=np.int64)
    slots = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    assert len(vids) == len(slots)
    return slots, vids
