"""Write an Arrow table of text as a CSV file and validate it without reading the file back.

A publisher that has its rows in memory would otherwise write the CSV, then read, hash and parse every byte
of it again to validate it. When the body is written unquoted (no cell holds a comma, a quote or a line
break, which pyarrow refuses cheaply in that style), every line of the file is one record whose cells are
exactly the table's strings, so pyarrow parsing the file would give back the very columns we hold. Then the
checks run on the columns themselves (on two threads, in runs, like the cut-up file reading), the file's
md5 and sha256 are computed from the bytes as they are written, and frictionless's opening of the file
(encoding, dialect, header, labels) is still decided from the written file's head by ``detect``. The report
is the one ``validate_file`` gives for the written file; anything outside that ground (quoted values, a
dialect or encoding the light path does not read as written, a schema outside its ground) is validated
from the file by ``validate_file`` itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
from collections.abc import Iterator
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


class WrittenDigest:
    """md5, sha256, byte count and ASCII-ness of the bytes written, shaped like ``digest.FileDigest``."""

    def __init__(self, parts: list[bytes | pa.Buffer]) -> None:
        self.bytes = sum(len(p) for p in parts)
        self.ascii = all(_ascii(p) for p in parts)
        self.md5, self.sha256 = hashlib.md5(), hashlib.sha256()
        # hashlib releases the GIL: both digests run beside the checks, on their own threads.
        digests = (self.md5, self.sha256)
        self._running = [threading.Thread(target=_update, args=(h, parts), daemon=True) for h in digests]
        for thread in self._running:
            thread.start()

    def finish(self) -> WrittenDigest:
        for thread in self._running:
            thread.join()
        return self


def _update(digest: Any, parts: list[bytes | pa.Buffer]) -> None:
    for part in parts:
        digest.update(memoryview(part))


def _ascii(part: bytes | pa.Buffer) -> bool:
    data = np.frombuffer(part, dtype=np.uint8)
    return not len(data) or int(data.max()) < 128


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


def _body(table: pa.Table, quoting: str) -> list[pa.Buffer]:
    """The body as CSV bytes, written in slices on the thread pool (the slices' bytes, joined, are the
    whole table's: each record is written on its own)."""
    options = pv.WriteOptions(include_header=False, quoting_style=quoting)
    step = _step(table.num_rows)

    def write(start: int) -> pa.Buffer:
        sink = pa.BufferOutputStream()
        pv.write_csv(table.slice(start, step), sink, write_options=options)
        return sink.getvalue()

    futures = [_pool().submit(write, start) for start in range(0, table.num_rows, step)]
    return [f.result() for f in futures]


def csv_parts(table: pa.Table) -> tuple[list[bytes | pa.Buffer], bool]:
    """``table`` as CSV bytes (UTF-8, comma-separated, header first, values quoted only if some value needs
    quotes), in parts, and whether the body is unquoted."""
    table = text_table(table)
    header = header_line(table.column_names)
    try:
        return [header, *_body(table, "none")], True
    except pa.ArrowInvalid:  # a value holds a comma, a quote or a line break
        return [header, *_body(table, "needed")], False


def _write(parts: list[bytes | pa.Buffer], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for part in parts:
            out.write(memoryview(part))


def write_csv(table: pa.Table, path: Path) -> tuple[list[bytes | pa.Buffer], bool]:
    """Write ``table`` to ``path`` as ``csv_parts`` gives it. Returns the parts and whether unquoted."""
    parts, unquoted = csv_parts(table)
    _write(parts, path)
    return parts, unquoted


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


class WriteBehind(threading.Thread):
    """Writes the file's head at once and the rest on a thread while the checks run: writing 150 MB can wait
    on a busy disk for longer than the checks take. ``finish`` waits for it and raises what it met."""

    def __init__(self, parts: list[bytes | pa.Buffer], path: Path, head: int) -> None:
        super().__init__(daemon=True, name="datapackages-write")
        self.parts, self.path, self.error = parts, path, None
        path.parent.mkdir(parents=True, exist_ok=True)
        self.out = path.open("wb")
        try:
            for part in parts[:head]:
                self.out.write(memoryview(part))
            self.out.flush()
        except BaseException:
            self.out.close()
            raise
        self.rest = parts[head:]
        self.start()

    def run(self) -> None:
        try:
            with self.out:
                for part in self.rest:
                    self.out.write(memoryview(part))
        except BaseException as error:  # noqa: BLE001 - handed to the caller by finish()
            self.error = error

    def finish(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


def _head_parts(parts: list[bytes | pa.Buffer], first_rows: int) -> int:
    """How many parts to write before reading the file's head: the header and the first slice when it holds
    more than everything ``detect`` reads (100,000 bytes and 100 lines), else every part."""
    if len(parts) > 2 and first_rows >= 2 * SAMPLE_LINES and len(parts[1]) >= 10 * BUFFER_SIZE:
        return 2
    return len(parts)


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
    parts, unquoted = csv_parts(table)
    if not unquoted:
        _write(parts, path)
        info["memory"] = "quoted values"
        return validate_file(path, descriptor, limit_errors=limit_errors, engine_info=info)
    digest = WrittenDigest(parts)  # hashing runs while the file is written
    writer = WriteBehind(parts, path, _head_parts(parts, min(_step(table.num_rows), table.num_rows)))
    try:
        report = _validate_in_memory(table, path, descriptor, parts[0], digest, limit_errors, info, started)
    finally:
        writer.finish()
    if report is None:
        return validate_file(path, descriptor, limit_errors=limit_errors, engine_info=info)
    return report


def _validate_in_memory(
    table: pa.Table,
    path: Path,
    descriptor: dict[str, Any],
    header: bytes,
    digest: WrittenDigest,
    limit_errors: int,
    info: dict[str, str],
    started: float,
) -> dict[str, Any] | None:
    """The report from the table's columns, or None (with the reason in ``info``) to validate the file."""
    opened = _in_memory(path, descriptor, header)
    if opened is None:
        info["memory"] = "outside the light path's ground"
        return None
    validator = TableValidator(opened.table, limit_errors, opened.header_errors)
    base = 1
    try:
        for parsed, findings in _ordered(_runs(table, validator), 2 * WORKERS):
            if not validator.process(parsed, findings, base):
                break
            base += parsed.lines
    except (UnicodeDecodeError, OSError, ValueError, RuntimeError) as error:  # as run.validate does
        info["memory"] = f"checks failed: {error}"
        return None
    digest.finish()
    if opened.encoding.lower() in ("ascii", "us-ascii") and not digest.ascii:
        info["memory"] = "non-ASCII bytes in a file read as ASCII"
        return None
    info.update(engine="fast", reason="", memory="")
    return build_report(opened.where, validator, digest, time.perf_counter() - started)
