"""Register of the partners' agreed standard schemas (Table Schema JSON files in this folder).

A schema is stored as ``<name>.json`` (the current version) and, when an older major version is still
supported, as ``<name>-v<major>.json``. Every field carries a ``disclosure`` class that tells publishers
what they may release.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent
DISCLOSURE_CLASSES = ("direct-identifier", "quasi-identifier", "sensitive", "none")
_VERSIONED = re.compile(r"^(?P<name>[a-z0-9-]+?)-v(?P<major>\d+)$")


class SchemaNotFoundError(LookupError):
    """Raised when a schema name or path does not resolve to a standard schema."""


def _schema_files() -> list[Path]:
    return sorted(p for p in SCHEMA_DIR.glob("*.json") if not p.name.startswith("_"))


@lru_cache(maxsize=64)
def _read(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


def list_schemas() -> list[dict[str, Any]]:
    """Summaries of every registered schema version, current versions first, sorted by name."""
    summaries = []
    for path in _schema_files():
        descriptor = _read(str(path))
        summaries.append(
            {
                "name": descriptor["name"],
                "title": descriptor.get("title", ""),
                "description": descriptor.get("description", ""),
                "version": descriptor.get("version", ""),
                "major": _major(descriptor.get("version", "0")),
                "current": not _VERSIONED.match(path.stem),
                "fields": len(descriptor.get("fields", [])),
                "path": str(path),
            }
        )
    return sorted(summaries, key=lambda s: (s["name"], not s["current"], -s["major"]))


def load_schema(name: str | Path) -> dict[str, Any]:
    """Return a copy of a standard schema descriptor.

    ``name`` is a registered name (``emergency-incidents``), a name with a major version
    (``emergency-incidents-v1`` or ``emergency-incidents@1``) or the path of a Table Schema JSON file.
    """
    text = str(name)
    if text.endswith(".json") or Path(text).is_file():
        path = Path(text)
        if not path.is_file():
            raise SchemaNotFoundError(f"schema file not found: {path}")
        return json.loads(path.read_text(encoding="utf-8"))
    base, _, major = text.partition("@")
    match = _VERSIONED.match(base)
    if match:
        base, major = match["name"], match["major"]
    for summary in list_schemas():
        if summary["name"] != base:
            continue
        if (major and summary["major"] == int(major)) or (not major and summary["current"]):
            return json.loads(json.dumps(_read(summary["path"])))
    known = ", ".join(sorted({s["name"] for s in list_schemas()}))
    raise SchemaNotFoundError(f"unknown schema {text!r}; known schemas: {known} (or give a path to a .json file)")


def field_disclosure(schema: dict[str, Any]) -> dict[str, str]:
    """Map each field name to its disclosure class (``none`` when a custom schema omits it)."""
    return {field["name"]: field.get("disclosure", "none") for field in schema.get("fields", [])}
