"""Write an Arrow table of text as a CSV file and validate it without reading the file back.

A publisher that has its rows in memory would otherwise write the CSV, then read, hash and parse every byte
of it again to validate it. When the body is written unquoted (no cell holds a comma, a quote or a line
break, which pyarrow refuses cheaply in that style), every line of the file is one record whose cells are
exactly the table's strings, so pyarrow parsing the file would give back the very columns we hold. Then the
checks run on the columns themselves (on two threads, in runs, like the cut-up file reading), the file's
md5 and sha256 are computed from the bytes as each slice of them is written, the file is written behind, and
frictionless's opening of the file (encoding, dialect, header, labels) is still decided from the written
file's head by ``detect``. Everything overlaps: on a busy machine the longest chain (md5 over every byte) no
longer waits for the writing to finish before it starts. The report is the one ``validate_file`` gives for
the written file (``tests/datapackages/test_written.py`` compares them); anything outside that ground (quoted
values, a dialect or encoding the light path does not read as written, a schema outside its ground) is
validated from the file by ``validate_file`` itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from . import arrow, run
from .chunks import body_start
from .detect import SAMPLE_LINES
from .encoding import BUFFER_SIZE
from .engine import Findings, TableValidator, check_unit
from .fallback import Opened
from .pipeline import WORKERS, _ordered, _pool
from .reader import Parsed, arrow_encoding
from .report import build_report

RUN_ROWS = 1 << 16  # rows checked together: about the size of the file reader's pieces
WRITE_PARTS = 8  # the body is written in this many slices, on the check threads

Part = bytes | pa.Buffer


def header_line(names: list[str]) -> bytes:
    """The header as Python's csv module writes it (quoted only where needed), ending in a line feed."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(names)
    return line.getvalue().encode("utf-8")


def text_table(table: pa.Table) -> pa.Table:
    """Every column as one chunk of ``string`` without nulls (a null is written, and so read, as "")."""
    columns = []
    for column in table.columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            raise TypeError(f"write_and_validate takes text columns only, not {column.type}")
        array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        if array.null_count:
            array = arrow.call("coalesce", array, pa.scalar("", array.type))
        columns.append(array.cast(pa.string()) if pa.types.is_large_string(array.type) else array)
    return pa.table(columns, names=table.column_names)


def _step(rows: int) -> int:
    """Rows per written slice."""
    return max(1, -(-rows // WRITE_PARTS))


class Body:
    """A text table as CSV bytes: the header, then the body written slice by slice on the thread pool (the
    slices' bytes, joined, are the whole table's: each record is written on its own). ``parts`` yields them in
    order as each is ready, to any number of consumers; a slice that pyarrow refuses to write unquoted raises
    ``pa.ArrowInvalid`` there."""

    def __init__(self, table: pa.Table, quoting: str) -> None:
        self.header = header_line(table.column_names)
        self.step = _step(table.num_rows)
        self.first_rows = min(self.step, table.num_rows)
        options = pv.WriteOptions(include_header=False, quoting_style=quoting)

        def write(start: int) -> pa.Buffer:
            sink = pa.BufferOutputStream()
            pv.write_csv(table.slice(start, self.step), sink, write_options=options)
            return sink.getvalue()

        self.slices: list[Future] = [_pool().submit(write, s) for s in range(0, table.num_rows, self.step)]

    def parts(self) -> Iterator[Part]:
        yield self.header
        for future in self.slices:
            yield future.result()

    def settle(self) -> None:
        """Wait until no slice is still being written."""
        for future in self.slices:
            future.exception()


def csv_parts(table: pa.Table) -> tuple[list[Part], bool]:
    """``table`` as CSV bytes (UTF-8, comma-separated, header first, values quoted only if some value needs
    quotes), in parts, and whether the body is unquoted."""
    table = text_table(table)
    unquoted = Body(table, "none")
    try:
        return list(unquoted.parts()), True
    except pa.ArrowInvalid:  # a value holds a comma, a quote or a line break
        unquoted.settle()
        return list(Body(table, "needed").parts()), False


def _write(parts: list[Part], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for part in parts:
            out.write(memoryview(part))


def write_csv(table: pa.Table, path: Path) -> tuple[list[Part], bool]:
    """Write ``table`` to ``path`` as ``csv_parts`` gives it. Returns the parts and whether unquoted."""
    parts, unquoted = csv_parts(table)
    _write(parts, path)
    return parts, unquoted


class _Consumer(threading.Thread):
    """A thread taking a body's parts in order as they are written; ``error`` is what stopped it."""

    def __init__(self, body: Body, name: str) -> None:
        super().__init__(daemon=True, name=name)
        self.body, self.error = body, None

    def run(self) -> None:
        try:
            for index, part in enumerate(self.body.parts()):
                self.take(index, part)
        except BaseException as error:  # noqa: BLE001 - handed to the caller, who decides
            self.error = error
        finally:
            self.done()

    def take(self, index: int, part: Part) -> None:
        raise NotImplementedError

    def done(self) -> None:
        """Called last, whatever happened."""


class _Hashing(_Consumer):
    def __init__(self, body: Body, digest: Any, count: bool) -> None:
        super().__init__(body, "datapackages-hash")
        self.digest, self.count, self.bytes, self.ascii = digest, count, 0, True

    def take(self, index: int, part: Part) -> None:
        self.digest.update(memoryview(part))  # hashlib releases the GIL
        if self.count:
            self.bytes += len(part)
            self.ascii = self.ascii and _ascii(part)


class WrittenDigest:
    """md5, sha256, byte count and ASCII-ness of the bytes as they are written, like ``digest.FileDigest``;
    the two hashes run side by side on their own threads."""

    def __init__(self, body: Body) -> None:
        self.md5, self.sha256 = hashlib.md5(), hashlib.sha256()
        self._threads = [_Hashing(body, self.md5, True), _Hashing(body, self.sha256, False)]
        for thread in self._threads:
            thread.start()

    def finish(self) -> WrittenDigest:
        for thread in self._threads:
            thread.join()
        self.bytes, self.ascii = self._threads[0].bytes, self._threads[0].ascii
        for thread in self._threads:
            if thread.error is not None:
                raise thread.error
        return self


def _ascii(part: Part) -> bool:
    data = np.frombuffer(part, dtype=np.uint8)
    return not len(data) or int(data.max()) < 128


class WriteBehind(_Consumer):
    """Writes the file as its slices come, while the checks run. ``head`` is set once the file's head (all
    that ``detect`` reads) is on disk, or once writing ended, however it ended."""

    def __init__(self, body: Body, path: Path) -> None:
        super().__init__(body, "datapackages-write")
        self.head = threading.Event()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.out = path.open("wb")
        self.start()

    def take(self, index: int, part: Part) -> None:
        self.out.write(memoryview(part))
        if index == 1 and _head_enough(part, self.body.first_rows):
            self.out.flush()
            self.head.set()

    def done(self) -> None:
        self.out.close()
        self.head.set()


def _head_enough(first: Part, rows: int) -> bool:
    """Whether the header and the first slice hold more than everything ``detect`` reads (100,000 bytes and
    100 lines), so that the file's opening can be decided while the rest is written."""
    return rows >= 2 * SAMPLE_LINES and len(first) >= 10 * BUFFER_SIZE


def _runs(table: pa.Table, validator: TableValidator) -> Iterator:
    """Jobs checking runs of ``RUN_ROWS`` records, numbered as the file reader numbers its pieces."""
    columns = table.columns
    for start in range(0, table.num_rows, RUN_ROWS):
        count = min(RUN_ROWS, table.num_rows - start)

        def job(start: int = start, count: int = count) -> tuple[Parsed, Findings]:
            parsed = Parsed([c.chunk(0).slice(start, count) for c in columns], np.arange(1, count + 1), count)
            return parsed, check_unit(validator.plans, parsed)

        yield job


def _in_memory(path: Path, descriptor: dict[str, Any], header: bytes) -> Opened | None:
    """The light opening of the written file, when parsing its body would give back the table's columns."""
    opened = run.open_light(path, descriptor)
    if isinstance(opened, str) or arrow_encoding(opened.encoding) != "utf8":
        return None
    if opened.dialect.delimiter != "," or len(opened.table.names) < 2:  # one column: a blank line is a record
        return None
    try:
        if body_start(path, opened.encoding, opened.dialect) != len(header):
            return None
    except (UnicodeDecodeError, csv.Error):
        return None
    return opened


def _check(table: pa.Table, opened: Opened, limit_errors: int) -> TableValidator:
    validator = TableValidator(opened.table, limit_errors, opened.header_errors)
    base = 1
    for parsed, findings in _ordered(_runs(table, validator), 2 * WORKERS):
        if not validator.process(parsed, findings, base):
            break
        base += parsed.lines
    return validator


def write_and_validate(
    table: pa.Table,
    path: str | Path,
    schema: dict[str, Any] | str | Path,
    *,
    limit_errors: int = 1000,
    engine_info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write ``table`` (text columns) as the CSV file ``path`` and return ``validate_file(path, schema)``'s
    report, computed from the table in memory whenever that gives the same answer."""
    from . import _schema_descriptor, validate_file

    started = time.perf_counter()
    path = Path(path)
    descriptor = _schema_descriptor(schema)
    info = engine_info if engine_info is not None else {}
    table = text_table(table)
    body = Body(table, "none")
    digest = WrittenDigest(body)
    writer = WriteBehind(body, path)
    opened: Opened | None = None
    validator: TableValidator | None = None
    reason = "outside the light path's ground"
    try:
        writer.head.wait()
        if writer.error is None and (opened := _in_memory(path, descriptor, body.header)) is not None:
            try:
                validator = _check(table, opened, limit_errors)
            except (UnicodeDecodeError, OSError, ValueError, RuntimeError) as error:  # as run.validate does
                reason = f"checks failed: {error}"
    finally:
        writer.join()
        body.settle()
    if isinstance(writer.error, pa.ArrowInvalid):  # a value holds a comma, a quote or a line break
        _write(list(Body(table, "needed").parts()), path)
        info["memory"] = "quoted values"
        return validate_file(path, descriptor, limit_errors=limit_errors, engine_info=info)
    if writer.error is not None:
        raise writer.error
    digest.finish()
    if opened is not None and opened.encoding.lower() in ("ascii", "us-ascii") and not digest.ascii:
        validator, reason = None, "non-ASCII bytes in a file read as ASCII"
    if opened is None or validator is None:
        info["memory"] = reason
        return validate_file(path, descriptor, limit_errors=limit_errors, engine_info=info)
    info.update(engine="fast", reason="", memory="")
    return build_report(opened.where, validator, digest, time.perf_counter() - started)
