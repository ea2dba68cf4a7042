"""Small numpy building blocks the in-memory index shares: compressed rows, range gathers, sequential sums."""

from __future__ import annotations

import bisect

import numpy as np

EMPTY_INT = np.zeros(0, dtype=np.int64)


def offsets(lengths: np.ndarray) -> np.ndarray:
    """Row pointers (length n + 1) from row lengths."""
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenated index ranges ``starts[i] .. starts[i] + lengths[i]``, without a Python loop."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return EMPTY_INT
    before = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - before, lengths) + np.arange(total, dtype=np.int64)


def group_rows(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """A stable grouping of entries by key: (row pointers over ``n_keys``, entry order)."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n_keys) if len(keys) else np.zeros(n_keys, dtype=np.int64)
    return offsets(counts), order


def sequential_sums(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each group's sum added strictly left to right, as a C loop adds: numpy's own reductions sum pairwise,
    which can differ in the last bit, and ranking ties must come out exactly as the database's."""
    acc = np.zeros(len(starts), dtype=np.float64)
    active = np.flatnonzero(lengths > 0)
    step = 0
    while active.size:
        acc[active] += values[starts[active] + step]
        step += 1
        active = active[lengths[active] > step]
    return acc


def member_mask(n: int, rows: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def word_ids(words: list[str], lookup: dict[str, int], word: str, prefix: bool) -> np.ndarray:
    """Ids of ``word`` in a sorted vocabulary, or with ``prefix`` of every word starting with it."""
    if not prefix:
        found = lookup.get(word)
        return np.array([] if found is None else [found], dtype=np.int64)
    low = bisect.bisect_left(words, word)
    high = low
    while high < len(words) and words[high].startswith(word):
        high += 1
    return np.arange(low, high, dtype=np.int64)
