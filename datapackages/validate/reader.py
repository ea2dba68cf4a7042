"""Parse CSV text into all-string pyarrow columns, numbering rows the way frictionless does.

Rows whose cell count differs from the header are not in the columns: pyarrow hands them to us one by one
(with their record number) and we parse them with Python's csv module, the parser frictionless itself uses,
so that they can be checked cell by cell exactly as frictionless would. Every piece of the file comes out as
a ``Parsed`` unit numbered from 1 within itself; the caller adds the number of records before it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from .arrow import strings

# pyarrow reads ahead several blocks whatever we consume, so small blocks bound memory; we then group
# blocks into units of about ROWS_PER_BATCH rows so that per-unit overhead stays small.
BLOCK_SIZE = 1 << 20
ROWS_PER_BATCH = 1 << 16


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None


@dataclass
class Parsed:
    """A run of consecutive records: string columns of the regular rows, their record numbers within the
    run (from 1), the ragged rows with theirs, and how many records the run covers."""

    columns: list[pa.Array]
    local: np.ndarray
    lines: int
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)
    # Set when some columns were read as numbers: parses the same text again as string columns.
    retext: Callable[[], list[pa.Array]] | None = None

    def text_columns(self) -> list[pa.Array]:
        """The columns as the text of their cells."""
        return self.columns if self.retext is None else self.retext()


class RaggedRowCollector:
    """Collects rows pyarrow rejects because their cell count differs from the header."""

    def __init__(self, dialect: CsvDialect) -> None:
        self.pending: list[tuple[int, str]] = []
        self._dialect = dialect

    def __call__(self, row: pv.InvalidRow) -> str:
        if row.number is None:
            raise RuntimeError("pyarrow gave a ragged row without its number")
        self.pending.append((row.number, row.text))
        return "skip"

    def parse(self, text: str) -> list[str]:
        d = self._dialect
        reader = csv.reader(
            [text],
            delimiter=d.delimiter,
            quotechar=d.quote_char,
            doublequote=d.double_quote,
            escapechar=d.escape_char,
        )
        return next(reader, [])


def arrow_encoding(encoding: str) -> str:
    """pyarrow transcodes through Python codecs unless told exactly "utf8"; UTF-8 and ASCII need no transcoding
    (pyarrow skips a UTF-8 byte order mark, and it only ever precedes the header, which we skip)."""
    plain = ("utf-8", "utf8", "utf-8-sig", "ascii", "us-ascii")
    return "utf8" if encoding.lower().replace("_", "-") in plain else encoding


def csv_options(
    n_columns: int,
    dialect: CsvDialect,
    collector: RaggedRowCollector,
    newlines_in_values: bool = True,
    check_utf8: bool = True,
    types: list[pa.DataType] | None = None,
    **read: object,
):
    """pyarrow options that read every cell as a string, exactly as written (or, with ``types``, some columns
    as numbers, their empty cells as nulls)."""
    names = [f"c{i}" for i in range(n_columns)]
    read_options = pv.ReadOptions(column_names=names, use_threads=False, **read)
    parse_options = pv.ParseOptions(
        delimiter=dialect.delimiter,
        quote_char=dialect.quote_char or False,
        double_quote=dialect.double_quote,
        escape_char=dialect.escape_char or False,
        newlines_in_values=newlines_in_values,
        ignore_empty_lines=False,
        invalid_row_handler=collector,
    )
    convert_options = pv.ConvertOptions(
        column_types=dict(zip(names, types, strict=True)) if types else dict.fromkeys(names, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[""] if types else [],
        check_utf8=check_utf8,
    )
    return read_options, parse_options, convert_options


def _regular_numbers(start: int, count: int, skipped: set[int]) -> np.ndarray:
    """The first ``count`` record numbers from ``start`` on that are not ragged rows."""
    span = np.arange(start, start + count + len(skipped) + 1, dtype=np.int64)
    if skipped:
        span = span[~np.isin(span, np.fromiter(skipped, dtype=np.int64))]
    return span[:count]


def stream_units(
    source: pa.NativeFile,
    n_columns: int,
    encoding: str,
    dialect: CsvDialect,
    skip_header: bool,
    block_size: int = BLOCK_SIZE,
    rows_per_batch: int = ROWS_PER_BATCH,
) -> Iterator[Parsed]:
    """Yield units of about ``rows_per_batch`` rows in file order, each with the ragged rows among them."""
    pending: list[Parsed] = []
    for unit in _blocks(source, n_columns, encoding, dialect, skip_header, block_size):
        pending.append(unit)
        if sum(len(u.local) for u in pending) >= rows_per_batch:
            yield join(pending)
            pending = []
    if pending:
        yield join(pending)


def join(units: list[Parsed]) -> Parsed:
    """One unit from consecutive units."""
    if len(units) == 1:
        return units[0]
    columns = [pa.concat_arrays([u.columns[i] for u in units]) for i in range(len(units[0].columns))]
    offset, numbers, ragged = 0, [], []
    for unit in units:
        numbers.append(unit.local + offset)
        ragged.extend((n + offset, cells) for n, cells in unit.ragged)
        offset += unit.lines
    return Parsed(columns, np.concatenate(numbers), offset, ragged)


def _blocks(
    source: pa.NativeFile, n_columns: int, encoding: str, dialect: CsvDialect, skip_header: bool, block_size: int
) -> Iterator[Parsed]:
    """One unit per pyarrow block; ragged rows ride on the unit whose rows follow them."""
    collector = RaggedRowCollector(dialect)
    options = csv_options(
        n_columns, dialect, collector, skip_rows=int(skip_header), block_size=block_size, encoding=encoding
    )
    reader = pv.open_csv(source, read_options=options[0], parse_options=options[1], convert_options=options[2])
    next_row = 1 + int(skip_header)  # pyarrow numbers the skipped header too
    for record_batch in reader:
        ragged_numbers = {number for number, _ in collector.pending}
        numbers = _regular_numbers(next_row, record_batch.num_rows, ragged_numbers)
        last = int(numbers[-1]) if len(numbers) else next_row - 1
        ragged = [(n, collector.parse(t)) for n, t in collector.pending if n < last]
        collector.pending = [(n, t) for n, t in collector.pending if n >= last]
        end = max([last + 1, *(n + 1 for n, _ in ragged)])
        columns = [c if isinstance(c, pa.Array) else c.combine_chunks() for c in record_batch.columns]
        start = next_row - 1
        yield Parsed(columns, numbers - start, end - next_row, [(n - start, cells) for n, cells in ragged])
        next_row = end
    tail = [(n, collector.parse(t)) for n, t in collector.pending]
    if tail:
        start = next_row - 1
        empty = [strings([]) for _ in range(n_columns)]
        end = max(n for n, _ in tail) + 1
        yield Parsed(empty, np.array([], dtype=np.int64), end - next_row, [(n - start, c) for n, c in tail])
