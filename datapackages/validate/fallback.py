"""frictionless itself: the reference report, and opening a file when the light reader stands aside.

frictionless reads the sample (encoding, dialect, header and label errors) of files outside the light path's
ground; the body is still validated by the pipeline whenever the file is within the fast path's ground
(a plain CSV, the header on the first row with one label per field, no foreign keys, ordinary dialect).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .reader import CsvDialect
from .report import Place
from .spec import TableSpec, frictionless_spec


def _resource(path: str | Path, schema: dict[str, Any], **options: Any):
    from frictionless import Resource, Schema

    options = {k: v for k, v in options.items() if v is not None}
    path = Path(path).resolve()
    return Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), **options)


def frictionless_report(path: str | Path, schema: dict[str, Any], *, limit_errors: int = 1000, **options: Any):
    """Validate with frictionless itself (the reference implementation and our fallback)."""
    resource = _resource(path, schema, **options)
    return resource.validate(limit_errors=limit_errors).to_descriptor()


@dataclass
class Opened:
    """What frictionless found on opening the file, in the pipeline's terms."""

    table: TableSpec
    dialect: CsvDialect
    encoding: str
    header_errors: list
    where: Place


def _reason(resource: Any) -> str | None:
    """Why the pipeline cannot reproduce frictionless on this file, if it cannot."""
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
    return next((reason for reason, applies in reasons.items() if applies), None)


def open_with_frictionless(path: Path, schema: dict[str, Any], **options: Any) -> Opened | str:
    """Let frictionless open the file; return what the pipeline needs, or why frictionless must do it all."""
    try:
        resource = _resource(path, schema, **options)
        resource.to_descriptor(validate=True)
        resource.open()
    except Exception as error:
        return f"could not open: {error}"
    try:
        reason = _reason(resource)
        header_errors = list(resource.header.errors)
    finally:
        resource.close()
    if reason:
        return reason
    control = resource.dialect.get_control("csv") if resource.dialect.has_control("csv") else None
    dialect = CsvDialect()
    if control is not None:
        dialect = CsvDialect(control.delimiter, control.quote_char, control.double_quote, control.escape_char)
    where = Place(resource.name, resource.place, list(resource.labels))
    return Opened(frictionless_spec(resource.schema), dialect, resource.encoding or "utf-8", header_errors, where)
