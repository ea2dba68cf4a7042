"""Streaming duplicate detection over 64-bit keys, with memory of 16 bytes per distinct value.

frictionless keeps a dict of every value seen. We keep sorted numpy runs of (key, row) (a small
log-structured merge): membership for a whole batch is one ``searchsorted`` per run, merging two runs is a
linear timsort pass, and a batch whose keys all exceed every key seen so far (an increasing id column)
needs no lookup at all. Only rows whose key was seen before (or repeats within the batch) are walked in
Python, in row order, so the "same as in the row at position N" note names the latest earlier row exactly
as frictionless does. (A vectorised hash table was tried: its random memory accesses cost more here.)
"""

from __future__ import annotations

import numpy as np

from .keys import combine_keys

__all__ = ["SeenKeys", "combine_keys"]


class SeenKeys:
    """Remembers keys with the row where each was last seen."""

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._latest: dict[int, int] = {}
        self._max: int | None = None

    def _find(self, sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Look sorted keys up in every run that overlaps them."""
        found = np.zeros(len(sorted_keys), dtype=bool)
        rows = np.zeros(len(sorted_keys), dtype=np.int64)
        for run_keys, run_rows in self._runs:
            if run_keys[0] > sorted_keys[-1] or run_keys[-1] < sorted_keys[0]:
                continue
            index = np.searchsorted(run_keys, sorted_keys).clip(max=len(run_keys) - 1)
            hit = run_keys[index] == sorted_keys
            found |= hit
            rows[hit] = run_rows[index[hit]]
        return found, rows

    def check(self, keys: np.ndarray, row_numbers: np.ndarray) -> dict[int, int]:
        """Record keys (in row order) and return {row number: earlier row number} for repeats."""
        if not len(keys):
            return {}
        if (self._max is None or keys[0] > self._max) and bool(np.all(keys[1:] > keys[:-1])):
            self._max = int(keys[-1])
            self._add(keys, row_numbers)
            return {}
        # Any order among equal keys will do (numpy's quicksort is SIMD and several times faster than its stable
        # sort here): a key met more than once in a batch is walked below in row order and its latest row
        # kept in ``_latest``, which takes precedence over the row stored in the runs.
        order = np.argsort(keys)
        sorted_keys, sorted_rows = keys[order], row_numbers[order]
        found, first_rows = self._find(sorted_keys)
        same = sorted_keys[1:] == sorted_keys[:-1]
        repeated = found.copy()
        repeated[1:] |= same
        repeated[:-1] |= same
        new = ~found
        new[1:] &= ~same
        duplicates: dict[int, int] = {}
        if repeated.any():
            walk = np.flatnonzero(repeated)
            walk = walk[np.argsort(sorted_rows[walk])]  # row numbers are distinct
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
        self._runs.append((keys, rows))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            (k2, r2), (k1, r1) = self._runs.pop(), self._runs.pop()
            if k1[-1] < k2[0]:
                self._runs.append((np.concatenate([k1, k2]), np.concatenate([r1, r2])))
                continue
            merged = np.concatenate([k1, k2])
            order = np.argsort(merged, kind="stable")  # timsort: a linear merge of the two runs
            self._runs.append((merged[order], np.concatenate([r1, r2])[order]))
