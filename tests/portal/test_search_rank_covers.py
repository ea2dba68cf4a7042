"""The two-word shortcut of the in-memory ``ts_rank_cd`` finds exactly the covers, and the scores, of the general
algorithm (which the search tests compare with PostgreSQL's own ranking)."""

from __future__ import annotations

import numpy as np
import pytest

from portal.search.memory.pgtext import _all_covers, _pair_covers, _row_sums


def entries(rng: np.random.Generator, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted entry keys as cover_density builds them (slot, position, weight, lexeme), with item bits 1 or 2;
    some positions hold both words' lexemes (two entries at one position)."""
    keys, items = [], []
    for slot in range(n_docs):
        if rng.random() < 0.2:
            continue  # a document without entries
        for _ in range(int(rng.integers(1, 12))):
            position = int(rng.integers(1, 40))
            item = int(rng.integers(1, 3))
            weight = int(rng.integers(0, 4))
            keys.append((slot << 40) | (position << 26) | (weight << 24) | item)
            items.append(item)
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    key, bits = np.array(keys, dtype=np.int64)[order], np.array(items, dtype=np.uint64)[order]
    first = np.r_[True, key[1:] != key[:-1]]
    return key[first], bits[first]


@pytest.mark.parametrize("seed", range(8))
def test_pair_covers_score_exactly_as_all_covers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    key, items = entries(rng, n)
    rows = np.arange(n)
    expected = _all_covers(key, items, 2, rows)
    got = _pair_covers(key, items, rows)
    assert got.dtype == expected.dtype == np.float32
    assert got.tobytes() == expected.tobytes()  # bit for bit: ties must fall as in the database
    assert (expected > 0).sum() > n // 4


def test_no_entries() -> None:
    empty = np.zeros(0, dtype=np.int64)
    rows = np.arange(3)
    assert _pair_covers(empty, empty.astype(np.uint64), rows).tolist() == [0.0, 0.0, 0.0]
    assert _all_covers(empty, empty.astype(np.uint64), 2, rows).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("seed", range(4))
def test_each_rows_covers_are_summed_in_order_whatever_rows_are_asked_for(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    cover_slot = np.sort(rng.choice(n, size=900))
    contribution = rng.random(900) / rng.integers(1, 30, size=900)
    rows = np.unique(np.r_[cover_slot, rng.choice(n, size=60)])  # ascending, some rows without covers
    expected = np.zeros(n, dtype=np.float64)
    for slot, value in zip(cover_slot.tolist(), contribution.tolist(), strict=True):
        expected[slot] += value  # left to right, as PostgreSQL's C loop adds
    got = _row_sums(cover_slot, contribution, rows)
    assert got.dtype == np.float32
    assert got.tobytes() == expected[rows].astype(np.float32).tobytes()
