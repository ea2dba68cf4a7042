"""The report dict, shaped (and worded) as ``frictionless validate --json`` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cells import error_dict
from .digest import FileDigest
from .engine import TableValidator


@dataclass(frozen=True)
class Place:
    """How frictionless names the resource in its report."""

    name: str
    place: str
    labels: list[str]


def end_errors(digest: FileDigest, hash: str | None, size: int | None) -> list[dict[str, Any]]:
    """Hash and byte-count errors, as frictionless's baseline check emits them after the rows."""
    found = []
    if hash:
        algorithm, _, expected = hash.rpartition(":")
        actual = {"md5": digest.md5, "sha256": digest.sha256}.get(algorithm or "md5")
        if actual is not None and actual.hexdigest() != expected:
            note = f'expected is "{expected}" and actual is "{actual.hexdigest()}"'
            found.append(error_dict("HashCountError", note=note))
    if size and size != digest.bytes:
        found.append(error_dict("ByteCountError", note=f'expected is "{size}" and actual is "{digest.bytes}"'))
    return found


def build_report(
    where: Place,
    validator: TableValidator,
    digest: FileDigest,
    seconds: float,
    expected: tuple[str | None, int | None] = (None, None),
) -> dict[str, Any]:
    """The whole report for one validated table."""
    errors = validator.errors
    warnings = []
    if validator.partial:
        warnings.append(f"reached error limit: {validator.limit}")
    else:
        errors = errors + end_errors(digest, *expected)
    stats: dict[str, Any] = {"errors": len(errors), "warnings": len(warnings), "seconds": round(seconds, 3)}
    if not validator.partial:
        stats.update(md5=digest.md5.hexdigest(), sha256=digest.sha256.hexdigest())
    stats["bytes"] = digest.bytes
    stats["fields"] = len(validator.plans)
    if validator.rows:
        stats["rows"] = validator.rows
    valid = not errors
    task = {
        "name": where.name,
        "type": "table",
        "valid": valid,
        "place": where.place,
        "labels": list(where.labels),
        "stats": stats,
        "warnings": warnings,
        "errors": errors,
    }
    summary = {"tasks": 1, "errors": len(errors), "warnings": len(warnings), "seconds": stats["seconds"]}
    return {"valid": valid, "stats": summary, "warnings": [], "errors": [], "tasks": [task]}
