"""Streaming duplicate detection over 64-bit keys with memory of 16 bytes per distinct value.

frictionless keeps a dict of every value seen. We keep sorted numpy runs (a small log-structured merge):
membership for a whole batch is a few ``searchsorted`` calls, and only rows whose key was seen before (or
repeats within the batch) are walked in Python, in row order, so the "same as in the row at position N"
note names the latest earlier row exactly as frictionless does.
"""

from __future__ import annotations

import numpy as np


class SeenKeys:
    """Remembers keys with the row where each was last seen."""

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._latest: dict[int, int] = {}

    def _find(self, keys: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Look keys up in every run; queries go in sorted order, which keeps memory access local."""
        sorted_keys = keys[order]
        found_sorted = np.zeros(len(keys), dtype=bool)
        rows_sorted = np.zeros(len(keys), dtype=np.int64)
        for run_keys, run_rows in self._runs:
            index = np.searchsorted(run_keys, sorted_keys).clip(max=len(run_keys) - 1)
            hit = run_keys[index] == sorted_keys
            found_sorted |= hit
            rows_sorted[hit] = run_rows[index[hit]]
        found = np.empty_like(found_sorted)
        rows = np.empty_like(rows_sorted)
        found[order], rows[order] = found_sorted, rows_sorted
        return found, rows

    def check(self, keys: np.ndarray, row_numbers: np.ndarray) -> dict[int, int]:
        """Record keys (in row order) and return {row number: earlier row number} for repeats."""
        if not len(keys):
            return {}
        # Unstable order is fine: which of several equal keys lands in a run does not matter, because every
        # repeated key is walked below and its latest row is then kept in ``_latest``, which wins.
        order = np.argsort(keys)
        found, first_rows = self._find(keys, order)
        sorted_keys = keys[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        repeated = np.zeros(len(keys), dtype=bool)
        repeated[order[1:][same]] = True
        first_in_batch = np.ones(len(keys), dtype=bool)
        first_in_batch[order[1:][same]] = False
        repeated[order[:-1][same]] = True
        duplicates: dict[int, int] = {}
        for i in np.flatnonzero(found | repeated):
            key, row = int(keys[i]), int(row_numbers[i])
            previous = self._latest.get(key)
            if previous is None and found[i]:
                previous = int(first_rows[i])
            if previous is not None:
                duplicates[row] = previous
            self._latest[key] = row
        new_sorted = (first_in_batch & ~found)[order]
        self._add(sorted_keys[new_sorted], row_numbers[order][new_sorted])
        return duplicates

    def _add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add distinct, sorted keys not seen before."""
        if not len(keys):
            return
        self._runs.append((keys, rows))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            (k2, r2), (k1, r1) = self._runs.pop(), self._runs.pop()
            self._runs.append(_merge_sorted(k1, r1, k2, r2))


def _merge_sorted(k1: np.ndarray, r1: np.ndarray, k2: np.ndarray, r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted runs in linear time (keys are distinct across runs)."""
    positions = np.searchsorted(k1, k2) + np.arange(len(k2))
    keys = np.empty(len(k1) + len(k2), dtype=k1.dtype)
    rows = np.empty(len(keys), dtype=r1.dtype)
    mask = np.ones(len(keys), dtype=bool)
    mask[positions] = False
    keys[positions], rows[positions] = k2, r2
    keys[mask], rows[mask] = k1, r1
    return keys, rows


def combine_keys(parts: list[np.ndarray]) -> np.ndarray:
    """Mix several uint64 key columns into one (for composite primary keys)."""
    combined = np.zeros(len(parts[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for part in parts:
            combined = combined * np.uint64(0x9E3779B97F4A7C15) + part
            combined ^= combined >> np.uint64(29)
    return combined
