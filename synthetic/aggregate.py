"""Disclosure-controlled counts by area and period.

Primary suppression hides small cells (1 to threshold-1; zeros too if asked). Secondary suppression then
hides more cells until no hidden cell can be worked out from the row and column totals: every row and column
has none or at least two hidden cells, and a linear-programming audit confirms each hidden cell could still
take at least two whole-number values given all published figures. Alternatively counts are rounded to a
base."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

TOTAL = "Total"
MAX_AUDIT_CELLS = 400


def counts(records: pd.DataFrame, *, area: str, period: str, freq: str | None = None) -> pd.DataFrame:
    """Count rows by area and period, listing every area x period pair (zeros included) in long form."""
    keys = records[[area, period]].copy()
    if freq is not None:
        keys[period] = pd.to_datetime(keys[period]).dt.to_period(freq).astype(str)
    table = keys.groupby([area, period], dropna=False).size().unstack(fill_value=0)
    return table.stack().rename("count").reset_index()


def suppress(
    table: pd.DataFrame,
    *,
    threshold: int = 5,
    rounding_base: int | None = None,
    area: str = "area",
    period: str = "period",
    count: str = "count",
    suppress_zeros: bool = False,
    with_totals: bool = False,
    flag_column: str | None = "suppressed",
    marker: str | None = None,
) -> pd.DataFrame:
    """Return the table with small counts hidden (nullable count, NA when hidden, plus a boolean flag column).

    rounding_base: round every count (and total) to the nearest multiple instead of suppressing.
    with_totals: append row, column and grand totals (true counts, as a publisher would show them).
    marker: write this text (such as "[c]") in hidden cells instead of NA.
    """
    _check(table, threshold, rounding_base, [area, period, count])
    matrix = table.pivot_table(index=area, columns=period, values=count, aggfunc="sum", fill_value=0)
    values = matrix.to_numpy(dtype=np.int64)
    if rounding_base is not None:
        hidden = np.zeros_like(values, dtype=bool)
        shown = _round(values, rounding_base)
    else:
        hidden = primary_mask(values, threshold, suppress_zeros)
        hidden = secondary_mask(values, hidden)
        shown = values
    out = _long(matrix, shown, hidden, area, period, count)
    if with_totals:
        out = pd.concat([out, _totals(matrix, values, rounding_base, area, period, count)], ignore_index=True)
    out.attrs["suppression"] = {
        "threshold": threshold,
        "rounding_base": rounding_base,
        "hidden": int(hidden.sum()),
    }
    return _mark(out, count, flag_column, marker)


def primary_mask(values: np.ndarray, threshold: int, suppress_zeros: bool = False) -> np.ndarray:
    low = 0 if suppress_zeros else 1
    return (values >= low) & (values < threshold)


def secondary_mask(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hide more cells until every line has 0 or >= 2 hidden cells and the audit finds nothing recoverable."""
    hidden = hidden.copy()
    for _ in range(values.size + 1):
        changed = _pair_lines(values, hidden)
        exposed = recoverable_cells(values, hidden)
        for r, c in exposed:
            _hide_partner(values, hidden, r, c)
        if not changed and not exposed:
            return hidden
    raise RuntimeError("secondary suppression did not settle; report this table to the maintainers")


def _pair_lines(values: np.ndarray, hidden: np.ndarray) -> bool:
    changed = False
    while True:
        lone = _lone_cells(hidden)
        if not lone:
            return changed
        axis, line = lone[0]
        _hide_smallest_in_line(values, hidden, axis, line)
        changed = True


def _lone_cells(hidden: np.ndarray) -> list[tuple[int, int]]:
    """(axis, index) of rows (0) and columns (1) with exactly one hidden cell and a total to protect."""
    out = []
    if hidden.shape[1] > 1:
        out += [(0, int(i)) for i in np.nonzero(hidden.sum(axis=1) == 1)[0]]
    if hidden.shape[0] > 1:
        out += [(1, int(j)) for j in np.nonzero(hidden.sum(axis=0) == 1)[0]]
    return out


def _hide_smallest_in_line(values: np.ndarray, hidden: np.ndarray, axis: int, line: int) -> None:
    """Hide one more visible cell of the line: a non-zero one if there is one (a hidden zero can only be
    raised, so it protects little), preferring cells whose crossing line already has hidden cells, smallest
    value first."""
    visible = ~(hidden[line, :] if axis == 0 else hidden[:, line])
    if not visible.any():
        return
    cells = values[line, :] if axis == 0 else values[:, line]
    crossing = hidden.sum(axis=0) if axis == 0 else hidden.sum(axis=1)
    order = np.lexsort((cells, crossing == 0, cells == 0))  # last key sorts first
    pick = int(order[visible[order]][0])
    if axis == 0:
        hidden[line, pick] = True
    else:
        hidden[pick, line] = True


def _hide_partner(values: np.ndarray, hidden: np.ndarray, r: int, c: int) -> None:
    for axis, line in ((0, r), (1, c)):
        _hide_smallest_in_line(values, hidden, axis, line)


def recoverable_cells(values: np.ndarray, hidden: np.ndarray, min_width: float = 1.0) -> list[tuple[int, int]]:
    """Hidden cells that the published cells and the line totals pin to a single value.

    Given every line total, the hidden cells are the non-negative solutions of a transportation problem whose
    constraint matrix is totally unimodular, so each cell's range has whole-number ends: a cell is safe exactly
    when it can move by one unit. Raising cell (r, c) by one needs a chain of compensating changes from row r
    to column c (lowering other hidden cells that are above zero, raising others); lowering it needs one from
    column c to row r. Both are reachability questions in a directed graph (rows and columns as nodes, hidden
    cells as edges), answered with breadth-first searches instead of linear programmes
    (``recoverable_cells_lp`` solves those, as the cross-check). ``min_width`` above 1 uses the programmes."""
    if min_width > 1.0:
        return recoverable_cells_lp(values, hidden, min_width)
    cells = np.argwhere(hidden)
    if len(cells) == 0:
        return []
    n_rows, n_cols = values.shape
    rows, cols = cells[:, 0], cells[:, 1] + n_rows
    positive = values[cells[:, 0], cells[:, 1]] > 0
    # Edges: column -> row raises a hidden cell (always possible); row -> column lowers one above zero. A line
    # with no total of its own (the only row or column) is free: it links both ways to a slack node.
    slack = n_rows + n_cols
    free = _free_lines(n_rows, n_cols)
    src = np.concatenate([cols, rows[positive], free, np.full(len(free), slack)])
    dst = np.concatenate([rows, cols[positive], np.full(len(free), slack), free])
    can_rise = _moves(rows, cols, positive, src, dst, slack, free)
    can_fall = _moves(cols, rows, np.ones(len(cells), bool), src, dst, slack, free) & positive
    return [(int(r), int(c)) for (r, c), safe in zip(cells, can_rise | can_fall, strict=True) if not safe]


def _free_lines(n_rows: int, n_cols: int) -> np.ndarray:
    """Lines whose total is just their one cell: rows of a one-column table, columns of a one-row table."""
    free = list(range(n_rows)) if n_cols == 1 else []
    free += list(range(n_rows, n_rows + n_cols)) if n_rows == 1 else []
    return np.asarray(free, dtype=np.int64)


def _moves(home, away, starts, src, dst, slack: int, free: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """For each cell (home -> away), is ``away`` reachable from ``home`` through other hidden cells?

    A simple path never returns to ``home``, so search the graph without that node, from each neighbour the
    path could step to first (cells of the same line that allow the first move, ``starts``, and the slack
    node when the line is free); the cell itself is one of those starts when it allows the move, so its own
    trivial reach is discounted."""
    result = np.zeros(len(home), dtype=bool)
    for node in np.unique(home):
        mine = np.flatnonzero(home == node)
        firsts = list(away[mine[starts[mine]]]) + ([slack] if node in free else [])
        if not firsts:
            continue
        keep = (src != node) & (dst != node)
        shape = (slack + 1, slack + 1)
        graph = csr_matrix((np.ones(int(keep.sum()), dtype=np.int8), (src[keep], dst[keep])), shape=shape)
        reached = np.zeros(slack + 1, dtype=np.int64)
        for first in firsts:
            reached[breadth_first_order(graph, int(first), directed=True, return_predecessors=False)] += 1
        result[mine] = reached[away[mine]] - starts[mine].astype(np.int64) >= 1
    return result


def recoverable_cells_lp(values: np.ndarray, hidden: np.ndarray, min_width: float = 1.0) -> list[tuple[int, int]]:
    """The same audit by linear programming: each hidden cell minimised and maximised subject to every line
    sum (lines of more than one cell) and non-negativity, in groups of cells linked through shared lines
    (groups above MAX_AUDIT_CELLS are skipped). Slower; kept as the reference the path audit is tested
    against, and for ``min_width`` > 1."""
    cells = np.argwhere(hidden)
    if len(cells) == 0:
        return []
    n_rows = values.shape[0]
    adjacency = np.zeros((len(cells), n_rows + values.shape[1]), dtype=bool)
    adjacency[np.arange(len(cells)), cells[:, 0]] = True
    adjacency[np.arange(len(cells)), n_rows + cells[:, 1]] = True
    link = (adjacency.astype(np.int32) @ adjacency.T.astype(np.int32)) > 0
    _, labels = connected_components(link, directed=False)
    exposed = []
    for group in np.unique(labels):
        members = cells[labels == group]
        if len(members) <= MAX_AUDIT_CELLS:
            exposed += _audit_group(values, hidden, members, min_width)
    return sorted(exposed)


def _audit_group(values, hidden, members: np.ndarray, min_width: float) -> list[tuple[int, int]]:
    lines = sorted({(0, int(r)) for r, _ in members} | {(1, int(c)) for _, c in members})
    # A line that is a single cell has no separate total to constrain it.
    lines = [(axis, line) for axis, line in lines if values.shape[1 - axis] > 1]
    a_eq = np.zeros((len(lines), len(members)))
    b_eq = np.zeros(len(lines))
    for i, (axis, line) in enumerate(lines):
        in_line = (members[:, 0] == line) if axis == 0 else (members[:, 1] == line)
        a_eq[i, in_line] = 1
        if axis == 0:
            b_eq[i] = values[line].sum() - values[line][~hidden[line]].sum()
        else:
            b_eq[i] = values[:, line].sum() - values[:, line][~hidden[:, line]].sum()
    exposed = []
    for v, (r, c) in enumerate(members):
        objective = np.zeros(len(members))
        objective[v] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and high.status == 0 and (-high.fun - low.fun) < min_width - 1e-9:
            exposed.append((int(r), int(c)))
    return exposed


def _round(values: np.ndarray, base: int) -> np.ndarray:
    return (np.floor(values / base + 0.5) * base).astype(np.int64)


def _long(matrix: pd.DataFrame, shown: np.ndarray, hidden: np.ndarray, area: str, period: str, count: str):
    frame = pd.DataFrame(shown, index=matrix.index, columns=matrix.columns)
    flags = pd.DataFrame(hidden, index=matrix.index, columns=matrix.columns)
    out = frame.stack().rename(count).reset_index()
    out[count] = out[count].astype("Int64")
    out["_hidden"] = flags.stack().to_numpy()
    out.loc[out["_hidden"], count] = pd.NA
    out.columns = [area, period, count, "_hidden"]
    return out


def _totals(matrix: pd.DataFrame, values: np.ndarray, base: int | None, area: str, period: str, count: str):
    fix = (lambda v: _round(np.asarray(v), base)) if base else (lambda v: np.asarray(v))  # noqa: E731
    rows = [
        pd.DataFrame({area: matrix.index, period: TOTAL, count: fix(values.sum(axis=1))}),
        pd.DataFrame({area: TOTAL, period: matrix.columns, count: fix(values.sum(axis=0))}),
        pd.DataFrame({area: [TOTAL], period: [TOTAL], count: fix([values.sum()])}),
    ]
    out = pd.concat(rows, ignore_index=True)
    out[count] = out[count].astype("Int64")
    out["_hidden"] = False
    return out


def _mark(out: pd.DataFrame, count: str, flag_column: str | None, marker: str | None) -> pd.DataFrame:
    hidden = out.pop("_hidden").astype(bool)
    if marker is not None:
        out[count] = out[count].astype(object).where(~hidden, marker)
    if flag_column is not None:
        out[flag_column] = hidden.to_numpy()
    return out


def _check(table: pd.DataFrame, threshold: int, base: int | None, columns: list[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"suppress: columns {missing} not in the table (have {list(table.columns)}); pass area=, period=, count="
        )
    if threshold < 1:
        raise ValueError(f"suppress: threshold must be at least 1, got {threshold}")
    if base is not None and base < 2:
        raise ValueError(f"suppress: rounding_base must be at least 2, got {base}")
    values = pd.to_numeric(table[columns[2]], errors="coerce")
    bad = values.isna() | (values < 0) | (values != np.round(values))
    if bad.any():
        rows = list(table.index[bad.to_numpy()][:5])
        raise ValueError(f"suppress: column {columns[2]!r} must hold whole counts >= 0; bad rows {rows}")
