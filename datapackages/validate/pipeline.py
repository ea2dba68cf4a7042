"""Stream a CSV through the checks: parse and check runs of rows on two threads, take them in file order.

Each job parses a piece (or takes a run the streaming reader produced) and runs the column checks; a small
window of jobs runs ahead on the thread pool while the calling thread takes finished runs in order and does
the order-dependent work (uniqueness, primary keys, error layout).
"""

from __future__ import annotations

import csv
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from .chunks import CHUNK_SIZE, StreamFrom, body_start, parse_piece, pieces
from .engine import FieldPlan, Findings, TableValidator, check_unit
from .reader import BLOCK_SIZE, ROWS_PER_BATCH, CsvDialect, Parsed, arrow_encoding, stream_units
from .spec import TableSpec
from .typed import TypedPieces, parse_typed

WORKERS = min(2, os.cpu_count() or 1)

Job = Callable[[], tuple[Parsed, Findings]]


@dataclass(frozen=True)
class Sizes:
    """Bytes per cut piece, bytes per streaming block, rows per streamed run: memory against overhead."""

    piece: int = CHUNK_SIZE
    block: int = BLOCK_SIZE
    rows: int = ROWS_PER_BATCH


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """pyarrow's parser and kernels and numpy release the GIL, so two threads use two cores."""
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="datapackages-check")


def _ordered(jobs: Iterator[Job], ahead: int) -> Iterator[tuple[Parsed, Findings]]:
    pool, running = _pool(), deque()
    try:
        for job in jobs:
            running.append(pool.submit(job))
            if len(running) > ahead:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()
    finally:
        for future in running:
            future.cancel()


def _start(path: Path, encoding: str, dialect: CsvDialect) -> int | None:
    """Where the cut-up reading can start (after the header), or None to stream the whole file."""
    if arrow_encoding(encoding) != "utf8" or dialect.quote_char != '"' or dialect.escape_char:
        return None
    try:
        return body_start(path, encoding, dialect)
    except (UnicodeDecodeError, csv.Error):
        return None


def _jobs(path: Path, plans: list[FieldPlan], encoding: str, dialect: CsvDialect, sizes: Sizes) -> Iterator[Job]:
    n_columns = len(plans)
    start = _start(path, encoding, dialect)
    offset, skip_header = 0, True
    if start is not None:
        typed = TypedPieces(plans)
        for item in pieces(path, start, b'"', sizes.piece):
            if isinstance(item, StreamFrom):
                offset, skip_header = item.offset, False
                break

            def job(data: bytearray = item) -> tuple[Parsed, Findings]:
                if typed.active and (done := parse_typed(typed, data, n_columns, dialect)) is not None:
                    return done
                parsed = parse_piece(data, n_columns, dialect)
                return parsed, check_unit(plans, parsed)

            yield job
        else:
            return
    with pa.OSFile(str(path)) as source:
        source.seek(offset)
        encoding = arrow_encoding(encoding)
        for parsed in stream_units(source, n_columns, encoding, dialect, skip_header, sizes.block, sizes.rows):
            yield lambda parsed=parsed: (parsed, check_unit(plans, parsed))


def run(
    path: Path,
    table: TableSpec,
    encoding: str,
    dialect: CsvDialect,
    limit_errors: int,
    header_errors: list,
    sizes: Sizes = Sizes(),
) -> TableValidator:
    """Validate the body of the file (every record after the header row)."""
    validator = TableValidator(table, limit_errors, header_errors)
    base = 1
    for parsed, findings in _ordered(_jobs(path, validator.plans, encoding, dialect, sizes), 2 * WORKERS):
        if not validator.process(parsed, findings, base):
            break
        base += parsed.lines
    return validator
