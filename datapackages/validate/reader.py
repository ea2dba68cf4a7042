"""Stream a CSV as all-string pyarrow batches, numbering rows the way frictionless does.

Rows whose cell count differs from the header are not in the batches: pyarrow hands them to us one by
one (with their record number, the header being row 1) and we parse them with Python's csv module, the
parser frictionless itself uses, so that they can be checked cell by cell exactly as frictionless would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

# pyarrow reads ahead several blocks whatever we consume, so small blocks bound memory; we then group
# blocks into batches of about ROWS_PER_BATCH rows so that per-batch overhead stays small.
BLOCK_SIZE = 1 << 20
ROWS_PER_BATCH = 1 << 16


class NeedRowNumbers(Exception):
    """A ragged row turned up while pyarrow parsed with threads, which leaves ragged rows unnumbered."""


@dataclass
class Batch:
    """A slice of the file: string columns of the regular rows, their row numbers, and ragged rows."""

    columns: list[pa.Array]
    row_numbers: np.ndarray
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class CsvDialect:
    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None


class RaggedRowCollector:
    """Collects rows pyarrow rejects because their cell count differs from the header."""

    def __init__(self, dialect: CsvDialect) -> None:
        self.pending: list[tuple[int, str]] = []
        self._dialect = dialect
        self.unnumbered = False

    def __call__(self, row: pv.InvalidRow) -> str:
        if row.number is None:
            self.unnumbered = True
        self.pending.append((row.number or 0, row.text))
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


def _row_numbers(start: int, count: int, skipped: set[int]) -> np.ndarray:
    """The first ``count`` record numbers from ``start`` on that are not ragged rows."""
    span = np.arange(start, start + count + len(skipped) + 1, dtype=np.int64)
    if skipped:
        span = span[~np.isin(span, np.fromiter(skipped, dtype=np.int64))]
    return span[:count]


def arrow_encoding(encoding: str) -> str:
    """pyarrow transcodes through Python codecs unless told exactly "utf8"; UTF-8 and ASCII need no transcoding."""
    return "utf8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "ascii", "us-ascii") else encoding


def stream_batches(
    path: Path,
    n_columns: int,
    encoding: str,
    dialect: CsvDialect,
    block_size: int = BLOCK_SIZE,
    rows_per_batch: int = ROWS_PER_BATCH,
    threads: bool = False,
) -> Iterator[Batch]:
    """Yield batches of about ``rows_per_batch`` rows in file order, each with the ragged rows among them.

    With ``threads`` pyarrow parses blocks in parallel but cannot number ragged rows: the first one raises
    NeedRowNumbers, and the caller starts again without threads."""
    pending: list[Batch] = []
    for batch in _blocks(path, n_columns, encoding, dialect, block_size, threads):
        pending.append(batch)
        if sum(len(b.row_numbers) for b in pending) >= rows_per_batch:
            yield _join(pending)
            pending = []
    if pending:
        yield _join(pending)


def _join(batches: list[Batch]) -> Batch:
    if len(batches) == 1:
        return batches[0]
    columns = [pa.concat_arrays([b.columns[i] for b in batches]) for i in range(len(batches[0].columns))]
    numbers = np.concatenate([b.row_numbers for b in batches])
    return Batch(columns, numbers, [r for b in batches for r in b.ragged])


def _blocks(
    path: Path, n_columns: int, encoding: str, dialect: CsvDialect, block_size: int, threads: bool
) -> Iterator[Batch]:
    """One batch per pyarrow block; ragged rows ride on the batch whose rows follow them."""
    names = [f"c{i}" for i in range(n_columns)]
    collector = RaggedRowCollector(dialect)
    reader = pv.open_csv(
        path,
        read_options=pv.ReadOptions(
            column_names=names,
            skip_rows=1,
            use_threads=threads,
            block_size=block_size,
            encoding=arrow_encoding(encoding),
        ),
        parse_options=pv.ParseOptions(
            delimiter=dialect.delimiter,
            quote_char=dialect.quote_char or False,
            double_quote=dialect.double_quote,
            escape_char=dialect.escape_char or False,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=collector,
        ),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
    next_row = 2
    for record_batch in reader:
        if collector.unnumbered:
            raise NeedRowNumbers()
        ragged_numbers = {number for number, _ in collector.pending}
        numbers = _row_numbers(next_row, record_batch.num_rows, ragged_numbers)
        last = int(numbers[-1]) if len(numbers) else next_row - 1
        ragged = [(n, collector.parse(t)) for n, t in collector.pending if n < last]
        collector.pending = [(n, t) for n, t in collector.pending if n >= last]
        next_row = max([last + 1, *(n + 1 for n, _ in ragged)])
        yield Batch(
            [c if isinstance(c, pa.Array) else c.combine_chunks() for c in record_batch.columns], numbers, ragged
        )
    tail = [(n, collector.parse(t)) for n, t in collector.pending]
    if tail:
        yield Batch([pa.array([], pa.string()) for _ in names], np.array([], dtype=np.int64), tail)
