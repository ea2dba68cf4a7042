"""Choose how to validate a file, from the lightest way that gives frictionless's exact answer to frictionless.

1. Light: the schema is inside ``spec``'s ground and ``detect`` reproduces frictionless's opening of the
   file with a header equal to the field names, so no header error is possible: nothing of frictionless is
   imported unless a cell of a type ``light_cells`` does not read (yearmonth, time) has to be read by it.
2. Opened: frictionless opens the file (encoding, dialect, header and label errors) and the pipeline
   validates the body.
3. frictionless validates the whole file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from . import pipeline
from .detect import NotDetected, detect, resource_name
from .digest import digest_of
from .fallback import Opened, frictionless_report, open_with_frictionless
from .reader import CsvDialect
from .report import Place, build_report
from .spec import OutsideGround, light_schema


def open_light(path: Path, descriptor: dict[str, Any]) -> Opened | str:
    """The light reading of schema and file, or why it stands aside."""
    try:
        table = light_schema(descriptor)
        found = detect(path)
    except (OutsideGround, NotDetected) as error:
        return str(error)
    if found.header_row != 1:
        return "header is not exactly the first row"
    if found.labels != table.names:
        return "header labels differ from the field names"
    if not all("" in f.missing_values for f in table.fields):
        return "a field does not treat empty cells as missing"
    where = Place(resource_name(path), path.name, found.labels)
    return Opened(table, CsvDialect(delimiter=found.delimiter), found.encoding, [], where)


def validate(
    path: str | Path,
    descriptor: dict[str, Any],
    limit_errors: int,
    options: dict[str, Any],
    sizes: pipeline.Sizes,
    info: dict[str, str],
) -> dict[str, Any]:
    started = time.perf_counter()
    path = Path(path)
    digest = digest_of(path)
    opened: Opened | str = "options given"
    light = not any(v is not None for v in options.values())
    if light:
        opened = open_light(path, descriptor)
    if isinstance(opened, str):
        info["light"] = opened
        opened = open_with_frictionless(path, descriptor, **options)
    if isinstance(opened, str):
        info.update(engine="frictionless", reason=opened)
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)
    try:
        validator = pipeline.run(
            path, opened.table, opened.encoding, opened.dialect, limit_errors, opened.header_errors, sizes
        )
        digest.finish()
    except (UnicodeDecodeError, OSError, ValueError, RuntimeError) as error:
        # pyarrow raises ArrowInvalid (a ValueError) on undecodable text; frictionless reports it its own way.
        info.update(engine="frictionless", reason=f"stream failed: {error}")
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)
    if opened.encoding.lower() in ("ascii", "us-ascii") and not digest.ascii:
        # An ASCII declaration lets frictionless fail on later non-ASCII bytes; we parse as UTF-8, so check.
        info.update(engine="frictionless", reason="non-ASCII bytes in a file read as ASCII")
        return frictionless_report(path, descriptor, limit_errors=limit_errors, **options)
    info.update(engine="fast", reason="")
    expected = (options.get("hash"), options.get("bytes"))
    return build_report(opened.where, validator, digest, time.perf_counter() - started, expected)
