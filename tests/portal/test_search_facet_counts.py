"""Facet counting in memory: every path (gathered rows, bitsets of frequent values, the sparse rest) counts
exactly the (dataset, value) pairs the database counts, repeats included."""

from __future__ import annotations

import numpy as np
import pytest

from portal.search.memory import terms
from portal.search.memory.terms import Pairs


def naive(slots: np.ndarray, codes: np.ndarray, mask: np.ndarray, n_codes: int) -> np.ndarray:
    out = np.zeros(n_codes, dtype=np.int64)
    for slot, code in zip(slots.tolist(), codes.tolist(), strict=True):
        if mask[slot]:
            out[code] += 1
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("share", [0.0, 0.03, 0.3, 0.97, 1.0])
def test_counts_equal_a_plain_count_of_the_pairs(seed: int, share: float) -> None:
    rng = np.random.default_rng(seed)
    n, n_codes = 3_000 + seed * 17, 300
    # Frequent and rare values, and a slot holding one value more than once (two CSV resources, say).
    slots = np.sort(rng.integers(0, n, size=20_000))
    codes = np.minimum(rng.zipf(1.3, size=len(slots)) - 1, n_codes - 1)
    repeat = rng.random(len(slots)) < 0.05
    slots, codes = np.r_[slots, slots[repeat]], np.r_[codes, codes[repeat]]
    order = np.argsort(slots, kind="stable")
    slots, codes = slots[order], codes[order]
    pairs = Pairs.build(n, slots, codes, n_codes)
    mask = rng.random(n) < share
    got = pairs.counts(mask, n_codes + 5)
    assert got.tolist() == naive(slots, codes, mask, n_codes + 5).tolist()
    assert len(pairs._dense.codes if pairs._dense is not None else []) > 0 or share < terms.GATHER_SHARE


def test_a_segment_smaller_than_one_word_of_bits() -> None:
    pairs = Pairs.build(5, np.array([0, 0, 1, 3, 4, 4]), np.array([1, 1, 0, 1, 2, 1]), 3)
    mask = np.array([True, True, False, True, True])
    assert pairs.counts(mask, 3).tolist() == [1, 4, 1]


@pytest.mark.parametrize("seed", range(6))
def test_a_fields_values_are_ranked_by_count_then_the_databases_order_whatever_the_limit(seed: int) -> None:
    from portal.search.memory.values import FacetValues

    rng = np.random.default_rng(seed)
    rows = [(vid, "tags" if vid % 5 else "res_format", f"value {vid}") for vid in range(300)]
    ordered = [int(v) for v in rng.permutation(300)]  # the database's collation, whatever it is
    values = FacetValues.build(rows, ordered)
    counts = rng.integers(0, 6, size=300)  # many ties, and values not counted at all
    position = {vid: i for i, vid in enumerate(ordered)}
    for field in ("tags", "res_format"):
        for mincount in (0, 1, 3):
            everything = sorted(
                ((f"value {v}", int(counts[v])) for v, (f, _) in values.pairs.items() if f == field),
                key=lambda item: (-item[1], position[int(item[0].split()[1])]),
            )
            shown = [item for item in everything if item[1] >= max(mincount, 1)]
            for limit in (-1, 0, 1, 7, 50, len(shown) - 1, len(shown), len(shown) + 5):
                expected = shown if limit < 0 else shown[:limit]
                assert values.ranked(field, counts, limit, mincount) == expected
