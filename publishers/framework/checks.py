"""Validation against the standard schema (datapackages' validator), with problems traced back to the
partner's own file and line, and the rows-held-back policy applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from datapackages.validate import written
from publishers.framework.errors import DataError, Problem
from publishers.framework.mapping import PROBLEMS_KEPT, Mapped
from publishers.framework.spec import Rejects

MAX_PASSES = 20


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8, comma-separated, header first: the form every resource takes. Values are quoted only when some
    value needs it (pyarrow's 'needed' style quotes every text value, so use it only then)."""
    written.write_csv(text_table(frame), path)
    return path


def text_table(frame: pd.DataFrame) -> pa.Table:
    """The frame's columns as Arrow text, as they will be written."""
    return pa.table({name: _arrow_text(frame[name]) for name in frame.columns})


def _arrow_text(values: pd.Series) -> pa.Array:
    if isinstance(values.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(values.dtype):
        array = pa.array(values.fillna(""), type=pa.string(), from_pandas=True)
    else:
        array = pa.array(values.astype(str).to_numpy(dtype=object), pa.string())
    return array


def validate_frame(frame: pd.DataFrame, schema: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the rows as the CSV file ``path`` and validate that file: datapackages checks the columns in
    memory when that gives the same report as reading the file back (it does for unquoted UTF-8 text)."""
    return written.write_and_validate(text_table(frame), path, schema, limit_errors=PROBLEMS_KEPT)


def _errors(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for task in report.get("tasks", []) for e in task.get("errors", [])]


def report_problems(mapped: Mapped, report: dict[str, Any]) -> tuple[list[Problem], np.ndarray]:
    """The report's errors as problems in the source files, and the output rows they fall on."""
    problems: list[Problem] = []
    rows: list[int] = []
    for error in _errors(report):
        number = error.get("rowNumber")
        if not number or number < 2 or number - 2 >= len(mapped.frame):
            problems.append(Problem("(mapped data)", None, error.get("fieldName", ""), "", error.get("message", "")))
            continue
        row = number - 2
        rows.append(row)
        ((file, line),) = mapped.locate(np.array([row]))
        field = error.get("fieldName") or ""
        column = mapped.column_for(field, row) if field else ""
        problems.append(Problem(file, line, column or field, str(error.get("cell", "")), _expected(error, field)))
    return problems, np.asarray(sorted(set(rows)), dtype=np.int64)


def _expected(error: dict[str, Any], field: str) -> str:
    note = error.get("note") or error.get("description") or error.get("type", "")
    return f"{field}: {note}" if field else str(note)


def check_rows(
    mapped: Mapped, schema: dict[str, Any], work: Path, rejects: Rejects
) -> tuple[Mapped, dict[str, Any], int, int]:
    """Validate the mapped rows. Returns (rows to publish, final report, rows held back, problems found).

    With ``fail`` any problem ends the run; with ``quarantine`` problem rows are held back (they stay in
    the partner's work folder, never published) while they are at most ``max_share`` of the rows."""
    held = int(mapped.bad.sum())
    problems = list(mapped.problems)
    total = mapped.problem_count
    if held and rejects.policy == "fail":
        raise DataError(f"{total} cell(s) could not be mapped onto the schema", problems, total)
    current = mapped.keep(~mapped.bad) if held else mapped
    for _ in range(MAX_PASSES):
        report = validate_frame(current.frame, schema, work / "checked.csv")
        if report["valid"]:
            break
        found, rows = report_problems(current, report)
        if rejects.policy == "fail" or not len(rows):
            count = report["tasks"][0]["stats"].get("errors", len(found)) if report.get("tasks") else len(found)
            raise DataError(f"{count} problem(s) against schema {schema.get('name')}", problems + found, total + count)
        problems += found
        total += len(found)
        mask = np.ones(len(current.frame), dtype=bool)
        mask[rows] = False
        held += len(rows)
        current = current.keep(mask)
    else:
        raise DataError("rows kept failing validation after removing problem rows", problems, total)
    share = held / max(mapped.rows_in, 1)
    if held and share > rejects.max_share:
        raise DataError(
            f"{held} of {mapped.rows_in} rows ({share:.1%}) have problems, more than the {rejects.max_share:.1%} "
            "this publisher may hold back",
            problems,
            total,
        )
    if held:
        _keep_rejects(problems, work)
    return current, report, held, total


def _keep_rejects(problems: list[Problem], work: Path) -> None:
    """The held-back problems, for the data officer: they stay in the local work folder."""
    frame = pd.DataFrame([p.as_dict() for p in problems])
    frame.to_csv(work / "held-back-rows.csv", index=False)
