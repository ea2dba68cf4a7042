"""Fast validation of CSV files against Table Schemas, reporting exactly as frictionless-py does.

For an ordinary CSV file and schema, ``validate_file`` reproduces frictionless's opening of the file itself
(``detect``, ``spec``) and streams the body through pyarrow on two threads (``pipeline``); cells the
vectorised checks cannot prove are read by copies of frictionless's cell readers (``light_cells``), or by
frictionless's own for the types those do not cover. Files outside that ground are opened by frictionless,
or validated by it entirely (``run``), so the answer is always frictionless's answer.

This module imports nothing heavy, so that the command line can start hashing the file (``digest``) before
numpy and pyarrow are loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["validate_file", "frictionless_report", "write_and_validate"]


def _schema_descriptor(schema: dict[str, Any] | str | Path) -> dict[str, Any]:
    from ..schemas import load_schema

    return schema if isinstance(schema, dict) else load_schema(schema)


def frictionless_report(path: str | Path, schema: dict | str | Path, *, limit_errors: int = 1000, **options):
    """Validate with frictionless itself (the reference implementation and our fallback)."""
    from .fallback import frictionless_report as report

    return report(path, _schema_descriptor(schema), limit_errors=limit_errors, **options)


def validate_file(
    path: str | Path,
    schema: dict[str, Any] | str | Path,
    *,
    limit_errors: int = 1000,
    encoding: str | None = None,
    hash: str | None = None,
    bytes: int | None = None,
    block_size: int | None = None,
    batch_rows: int | None = None,
    engine_info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Validate one CSV file; return a report dict shaped (and decided) like ``frictionless validate --json``.

    ``schema`` is a Table Schema dict, a registered standard schema name, or a path to a schema JSON file.
    ``hash`` (``sha256:<hex>`` or an md5 hex) and ``bytes`` are the expected values a datapackage states.
    ``block_size`` (bytes parsed at a time) and ``batch_rows`` (rows checked together when streaming) trade
    memory for per-batch overhead. ``engine_info``, when given, is filled with which engine answered
    (``fast`` or ``frictionless``) and why, and why the light reading stood aside (``light``).
    """
    from . import run
    from .pipeline import Sizes

    defaults = Sizes()
    sizes = Sizes(
        piece=block_size or defaults.piece,
        block=block_size or defaults.block,
        rows=batch_rows or defaults.rows,
    )
    options = {"encoding": encoding, "hash": hash, "bytes": bytes}
    info = engine_info if engine_info is not None else {}
    return run.validate(path, _schema_descriptor(schema), limit_errors, options, sizes, info)


def write_and_validate(
    table: Any,
    path: str | Path,
    schema: dict[str, Any] | str | Path,
    *,
    limit_errors: int = 1000,
    engine_info: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write a ``pyarrow.Table`` of text as the CSV file ``path`` and return the report ``validate_file`` gives
    for that file, checking the columns in memory instead of reading the file back whenever that gives the
    same answer (``written``)."""
    from .written import write_and_validate as write_then_report

    return write_then_report(table, path, schema, limit_errors=limit_errors, engine_info=engine_info)
