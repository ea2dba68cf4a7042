"""Streaming duplicate detection over 64-bit keys: a vectorised open-addressing hash table.

frictionless keeps a dict of every value seen, with the row where it was last seen. We keep two numpy arrays
(key, row) with linear probing, at most 70% full (about 16-23 bytes per distinct value). A whole batch is
inserted in a few vectorised probing rounds; only batches with a repeated key walk those keys in Python, in
row order, so the "same as in the row at position N" note names the latest earlier row exactly as
frictionless does.
"""

from __future__ import annotations

import numpy as np

from .keys import MULTIPLY, combine_keys

__all__ = ["SeenKeys", "combine_keys"]

MAX_LOAD = 0.7


class SeenKeys:
    """Remembers keys with the row where each was last seen (row 0 marks an empty slot)."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._allocate(capacity)
        self.count = 0

    def _allocate(self, capacity: int) -> None:
        self._bits = max(int(capacity - 1).bit_length(), 4)
        self._keys = np.zeros(1 << self._bits, dtype=np.uint64)
        self._rows = np.zeros(1 << self._bits, dtype=np.int64)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys * MULTIPLY) >> np.uint64(64 - self._bits)).astype(np.int64)

    def _grow(self, extra: int) -> None:
        if self.count + extra <= MAX_LOAD * len(self._rows):
            return
        occupied = self._rows != 0
        keys, rows = self._keys[occupied], self._rows[occupied]
        self._allocate(int((self.count + extra) / MAX_LOAD * 1.5))
        self._insert(keys, rows)

    def _insert(self, keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Probe every key into the table; return (found, row found) per key. New keys claim empty slots."""
        mask = (1 << self._bits) - 1
        slots = self._home(keys)
        found = np.zeros(len(keys), dtype=bool)
        found_rows = np.zeros(len(keys), dtype=np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            at = slots[pending]
            occupant = self._rows[at]
            empty = occupant == 0
            same = ~empty & (self._keys[at] == keys[pending])
            found[pending[same]] = True
            found_rows[pending[same]] = occupant[same]
            moving = ~empty & ~same
            slots[pending[moving]] = (at[moving] + 1) & mask
            claim, claim_at = pending[empty], at[empty]
            self._rows[claim_at] = rows[claim]
            self._keys[claim_at] = keys[claim]
            won = self._rows[claim_at] == rows[claim]
            self.count += int(won.sum())
            pending = np.concatenate([pending[moving], claim[~won]])
        return found, found_rows

    def _slot(self, key: int) -> int:
        mask = (1 << self._bits) - 1
        slot = int(self._home(np.array([key], dtype=np.uint64))[0])
        while int(self._keys[slot]) != key or self._rows[slot] == 0:
            slot = (slot + 1) & mask
        return slot

    def check(self, keys: np.ndarray, row_numbers: np.ndarray) -> dict[int, int]:
        """Record keys (rows ascending) and return {row number: latest earlier row number} for repeats."""
        if not len(keys):
            return {}
        self._grow(len(keys))
        first_row = int(row_numbers[0])
        found, found_rows = self._insert(keys, row_numbers)
        if not found.any():
            return {}
        latest = {int(k): int(r) for k, r in zip(keys[found], found_rows[found], strict=True) if r < first_row}
        repeated = np.isin(keys, np.unique(keys[found]))
        duplicates: dict[int, int] = {}
        for key, row in zip(keys[repeated].tolist(), row_numbers[repeated].tolist(), strict=True):
            previous = latest.get(key)
            if previous is not None:
                duplicates[row] = previous
            latest[key] = row
        for key, row in latest.items():
            self._rows[self._slot(key)] = row
        return duplicates
