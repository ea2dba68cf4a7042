"""Small-cell suppression: primary and secondary, checked by a differencing attack and an LP audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic.aggregate import TOTAL, counts, recoverable_cells, recoverable_cells_lp, suppress


def _table(seed: int, areas: int = 12, periods: int = 6, lam: float = 6.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(f"E0{i:07d}", f"2024-{m:02d}", int(rng.poisson(lam))) for i in range(areas) for m in range(1, periods + 1)]
    return pd.DataFrame(rows, columns=["area", "period", "count"])


def differencing_attack(published: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Recover hidden cells by repeatedly subtracting known cells from row and column totals."""
    cells = published[(published.area != TOTAL) & (published.period != TOTAL)]
    grid = cells.pivot(index="area", columns="period", values="count").astype("Float64")
    row_tot = published[published.period == TOTAL].set_index("area")["count"]
    col_tot = published[published.area == TOTAL].set_index("period")["count"]
    recovered: dict[tuple[str, str], int] = {}
    progress = True
    while progress:
        progress = False
        for axis, totals in ((1, row_tot), (0, col_tot)):
            lines = grid.iterrows() if axis == 1 else grid.items()
            for key, line in lines:
                unknown = line[line.isna()]
                if len(unknown) == 1 and key in totals.index:
                    value = int(totals[key] - line.dropna().sum())
                    other = unknown.index[0]
                    cell = (key, other) if axis == 1 else (other, key)
                    grid.loc[cell] = value
                    recovered[cell] = value
                    progress = True
    return recovered


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_hidden_cell_is_recovered_by_differencing(seed):
    out = suppress(_table(seed), with_totals=True)
    assert out["suppressed"].any()
    assert differencing_attack(out) == {}


def test_attack_does_recover_cells_under_primary_suppression_alone():
    table = _table(0)
    out = suppress(table, with_totals=True)
    naive = out.copy()
    original = table.set_index(["area", "period"])["count"]
    naive["count"] = [original.get((a, p), c) for a, p, c in zip(naive.area, naive.period, naive["count"], strict=True)]
    cells = (naive.area != TOTAL) & (naive.period != TOTAL)
    naive.loc[cells & (naive["count"] > 0) & (naive["count"] < 5), "count"] = pd.NA
    recovered = differencing_attack(naive)
    assert recovered, "primary suppression alone must be breakable, or the attack proves nothing"
    assert all(original[cell] == value for cell, value in recovered.items())


def test_every_line_has_none_or_several_hidden_cells_and_lp_audit_is_clean():
    table = _table(5, areas=20, periods=8, lam=4.0)
    out = suppress(table)
    grid = out.pivot(index="area", columns="period", values="suppressed").to_numpy()
    values = table.pivot(index="area", columns="period", values="count").to_numpy()
    assert set(grid.sum(axis=1)) - {0} and min(set(grid.sum(axis=1)) - {0}) >= 2
    assert min(set(grid.sum(axis=0)) - {0}) >= 2
    assert recoverable_cells(values, grid) == []
    primary = (values > 0) & (values < 5)
    assert (grid | ~primary).all(), "every small cell is hidden"


def test_lp_audit_catches_a_pattern_the_two_per_line_rule_misses():
    values = np.array([[1, 0, 9], [0, 0, 9], [9, 9, 9]])
    hidden = np.array([[True, True, False], [True, True, False], [False, False, False]])
    assert recoverable_cells(values, hidden) != []
    fixed = suppress(
        pd.DataFrame(
            [(r, c, int(values[r, c])) for r in range(3) for c in range(3)], columns=["area", "period", "count"]
        )
    )
    grid = fixed.pivot(index="area", columns="period", values="suppressed").to_numpy()
    assert recoverable_cells(values, grid) == []


@pytest.mark.parametrize("seed", range(60))
def test_path_audit_agrees_with_linear_programming(seed):
    """The fast audit (paths in the hidden-cell graph) finds exactly the cells the LP pins to one value."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 7)), int(rng.integers(1, 7)))
    values = rng.poisson(rng.uniform(0.3, 4), size=shape)
    hidden = rng.random(shape) < rng.uniform(0.1, 0.7)
    assert recoverable_cells(values, hidden) == recoverable_cells_lp(values, hidden)


def test_output_marks_suppression_as_nullable_count_and_flag():
    out = suppress(_table(0))
    assert str(out["count"].dtype) == "Int64"
    assert out.loc[out["suppressed"], "count"].isna().all()
    assert out.loc[~out["suppressed"], "count"].notna().all()
    marked = suppress(_table(0), marker="[c]", flag_column=None)
    assert "suppressed" not in marked.columns
    assert (marked["count"] == "[c]").sum() == out["suppressed"].sum()


def test_threshold_and_zero_options():
    table = pd.DataFrame({"area": ["a", "a", "b", "b"], "period": ["p", "q", "p", "q"], "count": [0, 7, 9, 8]})
    assert not suppress(table)["suppressed"].any()
    assert suppress(table, suppress_zeros=True)["suppressed"].sum() == 4
    assert suppress(table, threshold=8)["suppressed"].sum() == 4


def test_rounding_to_a_base():
    out = suppress(_table(0), rounding_base=5, with_totals=True)
    assert not out["suppressed"].any()
    assert (out["count"] % 5 == 0).all()


def test_counts_builds_every_area_period_pair():
    records = pd.DataFrame({"lsoa": ["x", "x", "y"], "when": ["2024-01-03", "2024-02-05", "2024-01-09"]})
    table = counts(records, area="lsoa", period="when", freq="M")
    assert len(table) == 4
    assert table.set_index(["lsoa", "when"])["count"][("y", "2024-02")] == 0


def test_bad_input_is_reported():
    with pytest.raises(ValueError, match="columns"):
        suppress(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="whole counts"):
        suppress(pd.DataFrame({"area": ["a"], "period": ["p"], "count": [-1]}))


def test_a_single_period_table_settles_and_protects_each_hidden_cell():
    """One period only: each area's total is its one cell, so only the period total links hidden cells."""
    counts = [i % 7 for i in range(30)]
    table = pd.DataFrame({"area": [f"a{i}" for i in range(30)], "period": "2024Q1", "count": counts})
    out = suppress(table)
    hidden = out["suppressed"].to_numpy()[:, None]
    values = table["count"].to_numpy()[:, None]
    assert hidden.sum() >= 2 and recoverable_cells(values, hidden) == []
