"""Fast validation of CSV files against Table Schemas, reporting exactly as frictionless-py does.

``validate_file`` opens the file with frictionless only to read its sample (encoding, dialect, header and
label errors), then streams the body through pyarrow in bounded batches (see ``engine``). Anything outside
the fast path's proven ground (other formats, foreign keys, header/field count mismatch, unusual dialects,
undecodable text) is validated by frictionless itself, so the answer is always frictionless's answer.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

from frictionless import Resource, Schema, errors, settings

from ..schemas import load_schema
from .engine import TableValidator
from .reader import BLOCK_SIZE, ROWS_PER_BATCH, CsvDialect, NeedRowNumbers, stream_batches

__all__ = ["validate_file", "frictionless_report"]


def _schema_descriptor(schema: dict[str, Any] | str | Path) -> dict[str, Any]:
    return schema if isinstance(schema, dict) else load_schema(schema)


def _resource(path: str | Path, schema: dict[str, Any], **options: Any) -> Resource:
    options = {k: v for k, v in options.items() if v is not None}
    path = Path(path).resolve()
    return Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), **options)


def frictionless_report(path: str | Path, schema: dict | str | Path, *, limit_errors: int = 1000, **options):
    """Validate with frictionless itself (the reference implementation and our fallback)."""
    resource = _resource(path, _schema_descriptor(schema), **options)
    return resource.validate(limit_errors=limit_errors).to_descriptor()


class _Hasher(threading.Thread):
    """Reads the file once for md5, sha256 and byte count while the parser runs (hashlib drops the GIL)."""

    def __init__(self, path: Path, check_ascii: bool = False) -> None:
        super().__init__(daemon=True)
        self.path, self.md5, self.sha256, self.bytes = path, hashlib.md5(), hashlib.sha256(), 0
        self.check_ascii, self.ascii = check_ascii, True

    def run(self) -> None:
        with self.path.open("rb") as stream:
            while chunk := stream.read(4 << 20):
                self.md5.update(chunk)
                self.sha256.update(chunk)
                self.bytes += len(chunk)
                if self.check_ascii and self.ascii:
                    self.ascii = chunk.isascii()


def _plain_ascii(path: str | Path) -> str | None:
    """ "utf-8" when frictionless's detector would certainly say so, sparing its slow byte-statistics pass.

    It maps a sample that chardet calls ASCII to UTF-8. We only claim that for a sample of plain ASCII with
    no escape byte, "~" or "+" (which could start ISO-2022, HZ or UTF-7 sequences); otherwise we let it look.
    """
    try:
        with Path(path).open("rb") as stream:
            sample = stream.read(settings.DEFAULT_BUFFER_SIZE)
    except OSError:
        return None
    if sample and sample.isascii() and not any(mark in sample for mark in (b"\x1b", b"~", b"+")):
        return "utf-8"
    return None


def _fast_path_plan(resource: Resource) -> tuple[CsvDialect, str] | str:
    """Return (dialect, encoding) when the fast path reproduces frictionless exactly, else the reason not."""
    dialect = resource.dialect
    control = dialect.get_control("csv") if dialect.has_control("csv") else None
    schema = resource.schema
    missing = [f.missing_values if f.has_defined("missing_values") else schema.missing_values for f in schema.fields]
    reasons = {
        "not a plain CSV file": resource.format != "csv" or resource.compression or resource.innerpath,
        "header is not exactly the first row": dialect.header_rows != [1],
        "comment rows": dialect.comment_char or dialect.comment_rows,
        "foreign keys": schema.foreign_keys,
        "no header labels": not resource.labels,
        "header and schema differ in column count": len(resource.labels or []) != len(schema.fields),
        "a field does not treat empty cells as missing": not all("" in m for m in missing),
        "unusual CSV dialect": control is not None
        and (control.skip_initial_space or control.line_terminator not in ("\r\n", None)),
    }
    for reason, applies in reasons.items():
        if applies:
            return reason
    csv_dialect = CsvDialect()
    if control is not None:
        csv_dialect = CsvDialect(
            delimiter=control.delimiter,
            quote_char=control.quote_char,
            double_quote=control.double_quote,
            escape_char=control.escape_char,
        )
    return csv_dialect, resource.encoding or "utf-8"


def _end_errors(resource: Resource, hasher: _Hasher) -> list:
    """Hash and byte-count errors, as frictionless's baseline check emits them after the rows."""
    found = []
    if resource.hash:
        algorithm, _, expected = resource.hash.rpartition(":")
        actual = {"md5": hasher.md5, "sha256": hasher.sha256}.get(algorithm or "md5")
        if actual is not None and actual.hexdigest() != expected:
            found.append(errors.HashCountError(note=f'expected is "{expected}" and actual is "{actual.hexdigest()}"'))
    if resource.bytes and resource.bytes != hasher.bytes:
        found.append(errors.ByteCountError(note=f'expected is "{resource.bytes}" and actual is "{hasher.bytes}"'))
    return found


def validate_file(
    path: str | Path,
    schema: dict[str, Any] | str | Path,
    *,
    limit_errors: int = 1000,
    encoding: str | None = None,
    hash: str | None = None,
    bytes: int | None = None,
    block_size: int = BLOCK_SIZE,
    batch_rows: int = ROWS_PER_BATCH,
    engine_info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validate one CSV file; return a report dict shaped (and decided) like ``frictionless validate --json``.

    ``schema`` is a Table Schema dict, a registered standard schema name, or a path to a schema JSON file.
    ``hash`` (``sha256:<hex>`` or an md5 hex) and ``bytes`` are the expected values a datapackage states.
    ``block_size`` (bytes pyarrow parses at a time) and ``batch_rows`` (rows checked together) trade memory
    for per-batch overhead. ``engine_info``, when given, is filled with which engine answered (``fast`` or
    ``frictionless``) and why.
    """
    info = engine_info if engine_info is not None else {}
    started = time.perf_counter()
    descriptor = _schema_descriptor(schema)
    options = {"encoding": encoding, "hash": hash, "bytes": bytes}
    try:
        resource = _resource(path, descriptor, **{**options, "encoding": encoding or _plain_ascii(path)})
        resource.to_descriptor(validate=True)
        resource.open()
    except Exception as error:
        info.update(engine="frictionless", reason=f"could not open: {error}")
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)
    try:
        plan = _fast_path_plan(resource)
        header_errors = list(resource.header.errors)
    finally:
        resource.close()
    if isinstance(plan, str):
        info.update(engine="frictionless", reason=plan)
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)
    try:
        info.update(engine="fast", reason="")
        return _validate_fast(resource, plan, header_errors, limit_errors, (block_size, batch_rows), started)
    except (UnicodeDecodeError, OSError, ValueError, RuntimeError) as error:
        info.update(engine="frictionless", reason=f"stream failed: {error}")
        # pyarrow raises ArrowInvalid (a ValueError) on undecodable text; frictionless reports it its own way.
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)


def _run(resource, header_errors, limit_errors, path, encoding, dialect, sizes, threads: bool) -> TableValidator:
    validator = TableValidator(resource.schema, limit_errors, header_errors)
    for batch in stream_batches(path, len(resource.labels), encoding, dialect, *sizes, threads=threads):
        if not validator.process(batch):
            break
    return validator


def _validate_fast(resource, plan, header_errors, limit_errors, sizes, started) -> dict[str, Any]:
    dialect, encoding = plan
    path = Path(resource.normpath)
    # A sample detected as ASCII lets frictionless fail on later non-ASCII bytes; we parse as UTF-8, so check.
    declared_ascii = encoding.lower() in ("ascii", "us-ascii")
    hasher = _Hasher(path, check_ascii=declared_ascii)
    hasher.start()
    try:
        validator = _run(resource, header_errors, limit_errors, path, encoding, dialect, sizes, threads=True)
    except NeedRowNumbers:
        validator = _run(resource, header_errors, limit_errors, path, encoding, dialect, sizes, threads=False)
    hasher.join()
    if declared_ascii and not hasher.ascii:
        raise UnicodeDecodeError("ascii", b"", 0, 1, "non-ASCII bytes after an ASCII sample")
    task_errors = validator.errors
    warnings = []
    if validator.partial:
        warnings.append(f"reached error limit: {limit_errors}")
    else:
        task_errors = task_errors + _end_errors(resource, hasher)
    stats: dict[str, Any] = {"errors": len(task_errors), "warnings": len(warnings)}
    stats["seconds"] = round(time.perf_counter() - started, 3)
    if not validator.partial:
        stats.update(md5=hasher.md5.hexdigest(), sha256=hasher.sha256.hexdigest())
    stats["bytes"] = hasher.bytes
    stats["fields"] = len(resource.schema.fields)
    if validator.rows:
        stats["rows"] = validator.rows
    return _report(resource, task_errors, warnings, stats)


def _report(resource: Resource, task_errors: list, warnings: list[str], stats: dict) -> dict[str, Any]:
    valid = not task_errors
    task = {
        "name": resource.name,
        "type": "table",
        "valid": valid,
        "place": resource.place,
        "labels": list(resource.labels),
        "stats": stats,
        "warnings": warnings,
        "errors": [e if isinstance(e, dict) else e.to_descriptor() for e in task_errors],
    }
    summary = {"tasks": 1, "errors": len(task_errors), "warnings": len(warnings), "seconds": stats["seconds"]}
    return {"valid": valid, "stats": summary, "warnings": [], "errors": [], "tasks": [task]}
