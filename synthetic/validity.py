"""Does a synthetic table satisfy its schema? Used by the gate (an invalid release is refused)."""

from __future__ import annotations

import re

import pandas as pd

from synthetic.fields.base import missing_mask
from synthetic.schema import TableSpec
from synthetic.tabular import is_numeric, numeric_values


def schema_violations(df: pd.DataFrame, table: TableSpec, limit: int = 20) -> list[str]:
    """Human-readable violations (column, first rows, rule), at most ``limit`` of them."""
    problems: list[str] = []
    missing_cols = [n for n in table.names if n not in df.columns]
    if missing_cols:
        return [f"columns {missing_cols} are missing from the synthetic table"]
    for spec in table.fields:
        column = df[spec.name].reset_index(drop=True)
        missing = missing_mask(column)
        present = column[~missing]
        checks: list[tuple[str, pd.Series]] = []
        if spec.required:
            checks.append(("required but missing", missing))
        if spec.unique:
            checks.append(("not unique", column.duplicated(keep=False) & ~missing))
        if spec.enum is not None:
            allowed = {str(v) for v in spec.enum}
            checks.append((f"not in enum {sorted(allowed)}", ~missing & ~column.astype(str).isin(allowed)))
        if spec.pattern and not is_numeric(spec):
            matcher = re.compile(spec.pattern).fullmatch
            bad = present.astype(str).map(lambda v, match=matcher: match(v) is None)
            checks.append((f"not matching {spec.pattern!r}", bad.reindex(column.index, fill_value=False)))
        if is_numeric(spec) and (spec.minimum is not None or spec.maximum is not None):
            checks.extend(_bound_checks(column, spec))
        for rule, bad in checks:
            if bad.any():
                rows = list(column.index[bad.to_numpy()][:5])
                problems.append(f"column {spec.name!r}: {int(bad.sum())} value(s) {rule}, first at rows {rows}")
    return problems[:limit]


def _bound_checks(column: pd.Series, spec) -> list[tuple[str, pd.Series]]:
    values = pd.Series(numeric_values(column, spec))
    out = []
    if spec.minimum is not None:
        low = numeric_values(pd.Series([spec.minimum]), spec)[0]
        out.append((f"below minimum {spec.minimum}", values < low))
    if spec.maximum is not None:
        high = numeric_values(pd.Series([spec.maximum]), spec)[0]
        out.append((f"above maximum {spec.maximum}", values > high))
    return out
