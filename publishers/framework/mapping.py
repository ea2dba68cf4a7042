"""Mapping raw extracts onto a standard schema: find each field's column under its drifting header names,
apply the transforms, and remember for every output row which file and line it came from.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from publishers.framework.errors import DataError, Problem, SetupError
from publishers.framework.extract import TEXT, RawTable, normalise_label
from publishers.framework.spec import Column, Input
from publishers.framework.transforms import Context

PROBLEMS_KEPT = 1000


@dataclass
class Mapped:
    """Rows on the standard schema (strings), with their origin and the cells that could not be mapped."""

    frame: pd.DataFrame
    tables: list[RawTable]
    table_of_row: np.ndarray
    row_in_table: np.ndarray
    source_column: dict[str, dict[int, str]]  # field -> table index -> source header
    bad: np.ndarray  # rows with at least one problem
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.frame)

    def locate(self, rows: np.ndarray) -> list[tuple[str, int]]:
        """(file, line) of output rows."""
        out = []
        for row in np.asarray(rows, dtype=np.int64):
            table = self.tables[self.table_of_row[row]]
            out.append((table.file, int(table.lines(np.array([self.row_in_table[row]]))[0])))
        return out

    def column_for(self, field_name: str, row: int) -> str:
        return self.source_column.get(field_name, {}).get(int(self.table_of_row[row]), field_name)

    def keep(self, mask: np.ndarray) -> Mapped:
        """Only the rows where ``mask`` is true (origin arrays follow)."""
        positions = np.flatnonzero(mask)
        return Mapped(
            frame=self.frame.iloc[positions].reset_index(drop=True),
            tables=self.tables,
            table_of_row=self.table_of_row[positions],
            row_in_table=self.row_in_table[positions],
            source_column=self.source_column,
            bad=self.bad[positions],
            problems=self.problems,
            problem_count=self.problem_count,
            notes=self.notes,
        )


def _find(raw: RawTable, column: Column) -> str | None:
    wanted = {normalise_label(s) for s in column.source}
    return next((name for name in raw.frame.columns if normalise_label(name) in wanted), None)


def expected_headers(inputs: tuple[Input, ...]) -> list[str]:
    return [alias for inp in inputs for col in inp.columns for alias in col.source[:1] if col.required]


def map_table(
    raw: RawTable, inp: Input, fields: list[str], ctx: Context
) -> tuple[pd.DataFrame, np.ndarray, list[Problem], int, dict[str, str]]:
    """One file onto the schema's fields: (frame, bad rows, first problems, problem count, field -> header)."""
    unknown = [c.field for c in inp.columns if c.field not in fields]
    if unknown:
        raise SetupError(f"the spec maps {unknown} but the schema has no such field; fields are {fields}")
    n = len(raw.frame)
    missing = [c for c in inp.columns if c.value is None and c.required and _find(raw, c) is None]
    if missing:
        have = ", ".join(map(str, raw.frame.columns))
        raise DataError(
            f"{raw.file}: {len(missing)} required column(s) missing",
            [
                Problem(
                    raw.file, None, c.source[0], "(no such column)", f"one of {list(c.source)}; the file has: {have}"
                )
                for c in missing
            ],
        )
    ctx.file = raw.file
    out: dict[str, pd.Series] = {}
    headers: dict[str, str] = {}
    bad = np.zeros(n, dtype=bool)
    problems: list[Problem] = []
    count = 0
    # Columns are transformed on two threads (Arrow's kernels release the GIL); their problems and notes
    # are then taken in column order, so the outcome is the same as one column after another.
    running: dict[str, Future] = {}
    for column in inp.columns:
        header = _find(raw, column) if column.value is None else None
        if header is not None:
            headers[column.field] = header
            source = raw.frame[header]
            running[column.field] = _pool().submit(_transform, column, source, replace(ctx, notes=[]))
    for column in inp.columns:
        if column.field not in running:
            constant = column.value if column.value is not None else column.default
            if column.value is None and constant:
                ctx.notes.append(f"{raw.file}: no column for {column.field}; filled with {constant!r}")
            out[column.field] = constant_column(constant, n)
            continue
        values, original, found, notes = running[column.field].result()
        header = headers[column.field]
        for wrong, expected in found:
            count += int(wrong.sum())
            bad |= wrong
            problems += _problems(raw, header, original, wrong, expected, PROBLEMS_KEPT - len(problems))
        ctx.notes.extend(notes)
        out[column.field] = values
    frame = pd.DataFrame({f: out[f] if f in out else constant_column("", n) for f in fields})
    return frame, bad, problems, count, headers


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1), thread_name_prefix="publish-map")


def _transform(
    column: Column, source: pd.Series, ctx: Context
) -> tuple[pd.Series, pd.Series, list[tuple[np.ndarray, str]], list[str]]:
    """One column through its transforms: (values, original text, (bad cells, expected) per transform that
    found some, notes). A transform's bad cells are blanked before the next transform sees them."""
    original = source.astype(TEXT).fillna("")
    values = original.str.strip()
    found = []
    for transform in column.transforms:
        values, wrong = transform.apply(values, ctx)
        if wrong.any():
            found.append((wrong, transform.expected))
            values = values.where(~pd.Series(wrong, index=values.index), "")
    return values.reset_index(drop=True), original, found, ctx.notes


def constant_column(value: str, n: int) -> pd.Series:
    """``n`` copies of one string, built in Arrow (a Python list of a million strings costs seconds); Arrow
    arrays are immutable, so the columns of one value and length share one array."""
    return pd.Series(ArrowStringArray(_repeated(value, n)))


@lru_cache(maxsize=8)
def _repeated(value: str, n: int) -> pa.ChunkedArray:
    return pa.chunked_array([pa.repeat(pa.scalar(value, pa.large_string()), n)])


def _problems(raw: RawTable, header: str, original: pd.Series, wrong: np.ndarray, expected: str, room: int) -> list:
    if room <= 0:
        return []
    rows = np.flatnonzero(wrong)[:room]
    lines = raw.lines(rows)
    return [
        Problem(raw.file, int(line), header, str(original.iloc[row]), expected)
        for row, line in zip(rows, lines, strict=True)
    ]


def map_inputs(tables: list[tuple[Input, RawTable]], fields: list[str], ctx: Context) -> Mapped:
    """All inputs' files onto the schema, concatenated in order."""
    frames, bads, table_ids, rows = [], [], [], []
    problems: list[Problem] = []
    count = 0
    source_column: dict[str, dict[int, str]] = {}
    for index, (inp, raw) in enumerate(tables):
        frame, bad, found, n_bad, headers = map_table(raw, inp, fields, ctx)
        frames.append(frame)
        bads.append(bad)
        table_ids.append(np.full(len(frame), index, dtype=np.int32))
        rows.append(np.arange(len(frame), dtype=np.int64))
        problems += found[: PROBLEMS_KEPT - len(problems)] + raw.problems[: max(0, PROBLEMS_KEPT - len(problems))]
        count += n_bad + len(raw.problems)
        for name, header in headers.items():
            source_column.setdefault(name, {})[index] = header
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=fields)
    return Mapped(
        frame=frame,
        tables=[raw for _, raw in tables],
        table_of_row=np.concatenate(table_ids) if table_ids else np.zeros(0, np.int32),
        row_in_table=np.concatenate(rows) if rows else np.zeros(0, np.int64),
        source_column=source_column,
        bad=np.concatenate(bads) if bads else np.zeros(0, bool),
        problems=problems,
        problem_count=count,
        notes=[note for _, raw in tables for note in raw.notes] + ctx.notes,
    )
