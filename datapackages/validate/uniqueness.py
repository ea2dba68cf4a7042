"""Streaming duplicate detection over 64-bit keys, with memory of 16 bytes per distinct value.

frictionless keeps a dict of every value seen. We keep sorted numpy runs of (key, row) (a small
log-structured merge): membership for a whole batch is one ``searchsorted`` per run, merging two runs is a
linear timsort pass, and a batch whose keys all exceed every key seen so far (an increasing id column)
needs no lookup at all. Keys that are hashes (strings, composite keys) are spread over the whole range, so
each step of a binary search misses the cache: for them a filter of one byte per key bucket (8 MiB) sends
only the keys whose bucket was seen to the searches. (Typed keys are often clustered, and searched cheaply.)
Only rows whose key was seen before (or repeats within the batch) are walked in
Python, in row order, so the "same as in the row at position N" note names the latest earlier row exactly
as frictionless does. (A vectorised hash table was tried: its random memory accesses cost more here.)
"""

from __future__ import annotations

import numpy as np

from .keys import MULTIPLY, combine_keys

__all__ = ["SeenKeys", "combine_keys"]

FILTER_BITS = 23  # 2**23 buckets: about 6% of lookups still searched at a million distinct keys
FILTER_FROM = 4096  # keys looked up at once before the filter pays for itself


class SeenKeys:
    """Remembers keys with the row where each was last seen."""

    def __init__(self, hashed: bool = False) -> None:
        self._hashed = hashed
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._latest: dict[int, int] = {}
        self._max: int | None = None
        self._filter: np.ndarray | None = None  # built on the first lookup, then kept up to date by _add

    @staticmethod
    def _buckets(keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (keys * MULTIPLY) >> np.uint64(64 - FILTER_BITS)

    def _find(self, sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Look sorted keys up in every run that overlaps them (only those whose bucket holds a key)."""
        found = np.zeros(len(sorted_keys), dtype=bool)
        rows = np.zeros(len(sorted_keys), dtype=np.int64)
        if not self._runs:
            return found, rows
        if self._filter is None and self._hashed and len(sorted_keys) >= FILTER_FROM:
            self._filter = np.zeros(1 << FILTER_BITS, dtype=bool)
            for run_keys, _ in self._runs:
                self._filter[self._buckets(run_keys)] = True
        if self._filter is None:
            maybe = np.arange(len(sorted_keys))
        else:
            maybe = np.flatnonzero(self._filter[self._buckets(sorted_keys)])
        if not len(maybe):
            return found, rows
        candidates = sorted_keys[maybe]
        for run_keys, run_rows in self._runs:
            if run_keys[0] > candidates[-1] or run_keys[-1] < candidates[0]:
                continue
            index = np.searchsorted(run_keys, candidates).clip(max=len(run_keys) - 1)
            hit = run_keys[index] == candidates
            found[maybe[hit]] = True
            rows[maybe[hit]] = run_rows[index[hit]]
        return found, rows

    def check(self, keys: np.ndarray, row_numbers: np.ndarray) -> dict[int, int]:
        """Record keys (in row order) and return {row number: earlier row number} for repeats."""
        if not len(keys):
            return {}
        fresh = self._fresh(keys)
        count = int(np.count_nonzero(fresh))
        if count == len(keys) or count * 2 >= len(keys):
            # Keys above every key seen so far (records of an increasing id) are new: store them as a run
            # and look up only the others (rows after them, so their earlier rows are found in that run).
            self._max = int(keys[fresh][-1])
            self._add(keys[fresh], row_numbers[fresh])
            if count == len(keys):
                return {}
            keys, row_numbers = keys[~fresh], row_numbers[~fresh]
        return self._check_sorted(keys, row_numbers)

    def _fresh(self, keys: np.ndarray) -> np.ndarray:
        """Keys greater than every key before them, in this batch and before it."""
        fresh = np.empty(len(keys), dtype=bool)
        before = np.maximum.accumulate(keys[:-1])
        if self._max is None:
            fresh[0] = True
        else:
            fresh[0] = keys[0] > self._max
            np.maximum(before, np.uint64(self._max), out=before)
        np.greater(keys[1:], before, out=fresh[1:])
        return fresh

    def _check_sorted(self, keys: np.ndarray, row_numbers: np.ndarray) -> dict[int, int]:
        # The unstable sort is several times faster; a stable one is needed only to order equal keys.
        order = np.argsort(keys)
        sorted_keys = keys[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        if same.any():
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
        sorted_rows = row_numbers[order]
        found, first_rows = self._find(sorted_keys)
        repeated = found.copy()
        repeated[1:] |= same
        repeated[:-1] |= same
        new = ~found
        new[1:] &= ~same
        duplicates: dict[int, int] = {}
        if repeated.any():
            walk = np.flatnonzero(repeated)
            walk = walk[np.argsort(sorted_rows[walk], kind="stable")]
            for i in walk.tolist():
                key, row = int(sorted_keys[i]), int(sorted_rows[i])
                previous = self._latest.get(key)
                if previous is None and found[i]:
                    previous = int(first_rows[i])
                if previous is not None:
                    duplicates[row] = previous
                self._latest[key] = row
        top = int(sorted_keys[-1])
        self._max = top if self._max is None else max(self._max, top)
        self._add(sorted_keys[new], sorted_rows[new])
        return duplicates

    def _add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add distinct, sorted keys not seen before; merge runs while the newest is at least half the size."""
        if not len(keys):
            return
        if self._filter is not None:
            self._filter[self._buckets(keys)] = True
        self._runs.append((keys, rows))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            (k2, r2), (k1, r1) = self._runs.pop(), self._runs.pop()
            self._runs.append(_merge(k1, r1, k2, r2))


def _merge(k1: np.ndarray, r1: np.ndarray, k2: np.ndarray, r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted runs of distinct keys (no key is in both). Only where their ranges overlap are keys
    interleaved: with increasing keys and a few strays (a mistyped id far above the rest) a few keys are
    inserted into one side, and everything else is copied; otherwise the overlap is merged by timsort."""
    low = int(np.searchsorted(k1, k2[0]))
    high = int(np.searchsorted(k2, k1[-1], side="right"))
    (ka, ra), (kb, rb) = (k1[low:], r1[low:]), (k2[:high], r2[:high])
    if len(ka) > len(kb):
        (ka, ra), (kb, rb) = (kb, rb), (ka, ra)
    if not len(ka):
        middle_keys, middle_rows = kb, rb
    elif len(ka) <= 16:
        at = np.searchsorted(kb, ka).tolist()
        cuts = list(zip([0, *at], [*at, len(kb)], strict=True))
        middle_keys = np.concatenate([p for i, (a, b) in enumerate(cuts) for p in (kb[a:b], ka[i : i + 1])])
        middle_rows = np.concatenate([p for i, (a, b) in enumerate(cuts) for p in (rb[a:b], ra[i : i + 1])])
    else:
        middle_keys = np.concatenate([ka, kb])
        order = np.argsort(middle_keys, kind="stable")  # timsort: a linear merge of the two runs
        middle_keys, middle_rows = middle_keys[order], np.concatenate([ra, rb])[order]
    keys = np.concatenate([k1[:low], middle_keys, k2[high:]])
    return keys, np.concatenate([r1[:low], middle_rows, r2[high:]])
