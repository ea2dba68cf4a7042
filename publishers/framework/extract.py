"""Reading raw extracts (CSV, XLSX, JSON, a SQL query; local or ``s3://``) into tables of plain strings.

Every cell comes back as text ("" when empty) so that mapping decides what a value means, and every row keeps
where it came from (file and line) so that a problem can be shown where the data officer can fix it.
CSV bodies are parsed by pyarrow; exact line numbers are worked out only when a problem has to be shown.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from publishers.framework import s3
from publishers.framework.encoding import detect_encoding
from publishers.framework.errors import DataError, Problem, SetupError
from publishers.framework.spec import Source

HEADER_SCAN_ROWS = 50
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """One source file's rows: columns are the file's own headers, values strings."""

    frame: pd.DataFrame
    file: str
    first_line: int  # line of the first data row when lines run on without gaps
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # rows the reader could not take (ragged)
    exact_lines: np.ndarray | None = None  # line per row as read, when known exactly (XLSX, SQL, worked out)
    kept: np.ndarray | None = None  # position as read of each row still in ``frame`` (after dropped rows)
    path: Path | None = None  # the local file read (a download, for s3:// sources)
    _line_finder: object = None

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """Source line numbers of rows of ``frame`` (for CSV files, worked out exactly on first use)."""
        rows = np.asarray(rows, dtype=np.int64)
        read = self.kept[rows] if self.kept is not None else rows
        if self.exact_lines is None and callable(self._line_finder):
            self.exact_lines = self._line_finder()
        if self.exact_lines is not None and len(self.exact_lines):
            return self.exact_lines[np.minimum(read, len(self.exact_lines) - 1)]
        return read + self.first_line


def normalise_label(text: str) -> str:
    """Headers compared without case, spaces, punctuation or encoding debris: 'Trans No ' == 'trans_no'."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def read_source(source: Source, raw_dir: Path, expected: list[str]) -> list[RawTable]:
    """Every file the source names, read; ``expected`` are header labels that help find the header row."""
    fmt = source.format
    if fmt == "sql":
        return [_read_sql(source)]
    tables = []
    for path, label in _resolve(source.path, raw_dir):
        kind = fmt or _format_of(path)
        if kind == "csv":
            tables.append(_read_csv(path, label, source, expected))
        elif kind == "xlsx":
            tables.append(_read_xlsx(path, label, source, expected))
        elif kind == "json":
            tables.append(_read_json(path, label, source))
        else:
            raise SetupError(f"{label}: cannot read {kind!r} files; set Source.format to csv, xlsx, json or sql")
    return [_drop_rows(table, source) for table in tables]


def _resolve(pattern: str, raw_dir: Path) -> Iterator[tuple[Path, str]]:
    if pattern.startswith("s3://"):
        keys = s3.expand(pattern)
        if not keys:
            raise DataError(f"no raw extract at {pattern}", [Problem(pattern, None, "", "", "an S3 object")])
        for uri in keys:
            yield s3.download(uri), uri
        return
    full = Path(pattern) if Path(pattern).is_absolute() else raw_dir / pattern
    matches = sorted(Path(p) for p in glob.glob(str(full))) if glob.has_magic(str(full)) else [full]
    matches = [p for p in matches if p.is_file()]
    if not matches:
        raise DataError(f"no raw extract at {full}", [Problem(str(full), None, "", "", "an existing file")])
    for path in matches:
        yield path, path.name


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"txt": "csv", "tsv": "csv", "xlsm": "xlsx"}.get(suffix, suffix)


def _header_index(rows: list[list[str]], source: Source, expected: list[str]) -> int:
    """The first row that looks like the header: it holds the labels the spec expects, or is the first
    non-empty row when the spec does not say. Rows above it are a preamble (report titles, run dates)."""
    wanted = {normalise_label(x) for x in (source.header_contains or expected)} - {""}
    need = len(wanted) if source.header_contains else min(2, len(wanted))
    overlaps = [len(wanted & {normalise_label(c) for c in row}) for row in rows]
    for index, overlap in enumerate(overlaps):
        if wanted and overlap >= need:
            return index
    if wanted and max(overlaps, default=0) >= max(1, need // 2):
        return overlaps.index(max(overlaps))  # the likeliest header; mapping names what is missing from it
    for index, row in enumerate(rows):
        if any(c.strip() for c in row) and not wanted:
            return index
    shown = ", ".join(sorted(source.header_contains or expected)[:8])
    raise DataError(
        "could not find the header row",
        [Problem("", None, "", "", f"a header row within the first {HEADER_SCAN_ROWS} rows naming: {shown}")],
    )


def _read_csv(path: Path, label: str, source: Source, expected: list[str]) -> RawTable:
    encoding = detect_encoding(path, source.encoding, source.fallback_encoding)
    with path.open(encoding=encoding, newline="") as stream:
        head_text = "".join(line for _, line in zip(range(HEADER_SCAN_ROWS), stream, strict=False))
    delimiter = _delimiter(head_text)
    head = list(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    if source.names:  # no header row: the spec names the columns
        header_at, header, header_line = -1, list(source.names), -1
    else:
        try:
            header_at = _header_index(head, source, expected)
        except DataError as exc:
            raise DataError(f"{label}: {exc.message}", [_in_file(p, label) for p in exc.problems]) from None
        header = [h.strip() for h in head[header_at]]
        header_line = _physical_line(head_text, header_at, delimiter)
    rejected: list[Problem] = []

    def ragged(row: pacsv.InvalidRow) -> str:
        if row.text.strip(delimiter + " \r\n"):
            cells = f"{row.actual_columns} cells"
            rejected.append(Problem(label, None, "", row.text[:80], f"{row.expected_columns} cells, found {cells}"))
        return "skip"

    names = _unique_names(header)

    def parse(newlines: bool) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding == "utf-8" else encoding, skip_rows=header_line + 1, column_names=names
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=newlines, invalid_row_handler=ragged
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # pandas' own text type: no cast
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    # Quoted line breaks are rare and make parsing slower: parse without them, and only when some row came
    # out the wrong width parse again allowing them (telling a ragged row from a quoted line break).
    table = parse(newlines=False)
    if rejected:
        rejected.clear()
        table = parse(newlines=True)
    frame = _strings(table)
    raw = RawTable(frame, label, first_line=header_line + 2, problems=rejected, path=path)
    raw._line_finder = lambda: _exact_lines(path, encoding, delimiter, header_line, len(names))
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        raw.notes.append(f"{label}: read as {encoding}")
    if header_at > 0:
        raw.notes.append(f"{label}: skipped {header_at} preamble row(s) above the header")
    return raw


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=first.count)


def _physical_line(text: str, row_index: int, delimiter: str) -> int:
    """0-based physical line where CSV row ``row_index`` starts (quoted newlines span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    line = 0
    for index, _ in enumerate(reader):
        if index == row_index:
            return line
        line = reader.line_num
    return line


def _exact_lines(path: Path, encoding: str, delimiter: str, header_line: int, width: int) -> np.ndarray:
    """Line of each row pyarrow kept: it skips empty lines and rows of the wrong width, so do we."""
    lines = []
    with path.open(encoding=encoding, newline="") as stream:
        for _ in range(header_line + 1):
            stream.readline()
        reader = csv.reader(stream, delimiter=delimiter)
        start = header_line + 2
        for row in reader:
            if row and len(row) == width:
                lines.append(start)
            start = header_line + 2 + reader.line_num
    return np.asarray(lines, dtype=np.int64)


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for index, name in enumerate(header):
        name = name or f"column_{index + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


TEXT = pd.StringDtype("pyarrow")


def _strings(table: pa.Table) -> pd.DataFrame:
    """Arrow-backed text columns: string work runs in Arrow's kernels, not on a million Python objects."""
    return table.to_pandas(types_mapper={pa.string(): TEXT, pa.large_string(): TEXT}.get)


def _in_file(problem: Problem, label: str) -> Problem:
    return Problem(label, problem.row, problem.column, problem.value, problem.expected)


def _cell_text(value: object) -> str:
    """XLSX cells as a person reading the sheet would type them (dates ISO, whole numbers without .0)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, label: str, source: Source, expected: list[str]) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise DataError(
            f"{label} is not an Excel workbook", [Problem(label, None, "", type(exc).__name__, "an .xlsx file")]
        ) from None
    try:
        sheet = _sheet(book, source.sheet, label)
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    try:
        header_at = _header_index(rows[:HEADER_SCAN_ROWS], source, expected)
    except DataError as exc:
        raise DataError(f"{label}: {exc.message}", [_in_file(p, label) for p in exc.problems]) from None
    names = _unique_names([h.strip() for h in rows[header_at]])
    body = [r[: len(names)] + [""] * (len(names) - len(r)) for r in rows[header_at + 1 :]]
    numbers = np.arange(header_at + 2, header_at + 2 + len(body), dtype=np.int64)
    keep = np.array([any(c.strip() for c in r) for r in body], dtype=bool)
    frame = pd.DataFrame([r for r, k in zip(body, keep, strict=True) if k], columns=names, dtype=object)
    raw = RawTable(frame.fillna("").astype(TEXT), label, header_at + 2, exact_lines=numbers[keep], path=path)
    if header_at:
        raw.notes.append(f"{label}: skipped {header_at} preamble row(s) above the header")
    return raw


def _sheet(book, wanted: str | int | None, label: str):  # noqa: ANN001, ANN202
    if wanted is None:
        return book.worksheets[0]
    if isinstance(wanted, int) and wanted < len(book.worksheets):
        return book.worksheets[wanted]
    if isinstance(wanted, str) and wanted in book.sheetnames:
        return book[wanted]
    raise DataError(
        f"{label} has no sheet {wanted!r}", [Problem(label, None, "", str(wanted), f"one of {book.sheetnames}")]
    )


def _read_json(path: Path, label: str, source: Source) -> RawTable:
    try:
        data = json.loads(path.read_text(encoding=detect_encoding(path, source.encoding, source.fallback_encoding)))
    except ValueError as exc:
        problem = Problem(label, None, "", str(exc)[:80], "a JSON document")
        raise DataError(f"{label} is not valid JSON", [problem]) from None
    records = data.get(source.json_records) if source.json_records and isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        where = f"under {source.json_records!r}" if source.json_records else "at the top level"
        raise DataError(f"{label}: no list of records", [Problem(label, None, "", "", f"a list of objects {where}")])
    frame = pd.DataFrame(records, dtype=object)
    frame = frame.map(_cell_text).astype(TEXT)
    return RawTable(frame, label, first_line=1, exact_lines=np.arange(1, len(frame) + 1), path=path)


def _read_sql(source: Source) -> RawTable:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    if not source.query:
        raise SetupError("a SQL source needs Source.query")
    try:
        engine = create_engine(source.path)
        with engine.connect() as conn:
            frame = pd.read_sql_query(source.query, conn, dtype=object)
    except SQLAlchemyError as exc:
        raise SetupError(f"SQL source failed: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
    frame = frame.map(_cell_text).astype(TEXT)
    label = f"query on {engine.url.render_as_string(hide_password=True)}"
    return RawTable(frame, label, first_line=1, exact_lines=np.arange(1, len(frame) + 1))


def _drop_rows(table: RawTable, source: Source) -> RawTable:
    """Drop blank rows and rows matching the spec's patterns (totals, footers), keeping line numbers right."""
    frame = table.frame
    keep = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:  # a row is kept at its first non-blank cell: later columns see only the rest
        todo = np.flatnonzero(~keep)
        if not len(todo):
            break
        cells = frame[name] if len(todo) == len(frame) else frame[name].iloc[todo]
        keep[todo] = cells.str.strip().ne("").to_numpy(dtype=bool, na_value=False)
    for columns, pattern in source.drop_rows:
        wanted = {normalise_label(c) for c in ((columns,) if isinstance(columns, str) else columns)}
        match = [c for c in frame.columns if normalise_label(c) in wanted]
        for name in match:
            hit = frame[name].str.strip().str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool, na_value=False)
            if hit.any():
                table.notes.append(
                    f"{table.file}: dropped {int((hit & keep).sum())} row(s) where {name} matches {pattern!r}"
                )
            keep &= ~hit
    if keep.all():
        return table
    positions = np.flatnonzero(keep)
    table.kept = table.kept[positions] if table.kept is not None else positions
    table.frame = frame.iloc[positions].reset_index(drop=True)
    return table
