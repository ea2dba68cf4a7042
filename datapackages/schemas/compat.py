"""Schema versioning rule: a change that could make existing valid data invalid needs a new major version.

Released versions are frozen as ``released/<name>-<version>.json``; ``check_register`` compares each current
schema with the released versions of the same major and lists any breaking change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RELEASED_DIR = Path(__file__).resolve().parent / "released"
NUMERIC_BOUNDS = {
    "minimum": 1,
    "exclusiveMinimum": 1,
    "minLength": 1,
    "maximum": -1,
    "exclusiveMaximum": -1,
    "maxLength": -1,
}


def _tightened(name: str, old: Any, new: Any) -> bool:
    if old == new:
        return False
    if old is None:
        return not (name in ("required", "unique") and not new)
    if new is None:
        return False
    if name in ("required", "unique"):
        return bool(new) and not old
    if name == "enum":
        return not set(map(str, old)) <= set(map(str, new))
    if name in NUMERIC_BOUNDS:
        try:
            return (float(new) - float(old)) * NUMERIC_BOUNDS[name] > 0
        except (TypeError, ValueError):
            return str(new) != str(old)
    return True  # pattern or anything else changed: cannot prove it accepts the same data


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in ``new`` could reject data that ``old`` accepted (empty when compatible)."""
    problems = []
    old_fields, new_fields = old.get("fields", []), new.get("fields", [])
    if [f["name"] for f in old_fields] != [f["name"] for f in new_fields]:
        problems.append("fields were added, removed, renamed or reordered")
    new_by_name = {f["name"]: f for f in new_fields}
    for field in old_fields:
        other = new_by_name.get(field["name"])
        if other is None:
            continue
        for key in ("type", "format", "trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber"):
            if field.get(key) != other.get(key):
                problems.append(f"field {field['name']!r}: {key} changed")
        old_c, new_c = field.get("constraints", {}), other.get("constraints", {})
        for name in sorted(set(old_c) | set(new_c)):
            if _tightened(name, old_c.get(name), new_c.get(name)):
                problems.append(f"field {field['name']!r}: constraint {name} tightened")
    if old.get("primaryKey") != new.get("primaryKey"):
        problems.append("primaryKey changed")
    if not set(old.get("missingValues", [""])) <= set(new.get("missingValues", [""])):
        problems.append("missingValues narrowed")
    return problems


def _major(version: str) -> int:
    return int(version.split(".")[0])


def check_register(current: list[dict[str, Any]], released_dir: Path = RELEASED_DIR) -> list[str]:
    """Problems across the register: breaking changes within a major version, or edited released versions."""
    problems = []
    for schema in current:
        for path in sorted(released_dir.glob(f"{schema['name']}-*.json")):
            released = json.loads(path.read_text(encoding="utf-8"))
            if released.get("name") != schema["name"] or _major(released["version"]) != _major(schema["version"]):
                continue
            if released["version"] == schema["version"] and released != schema:
                problems.append(f"{schema['name']} {schema['version']} differs from its released copy; bump version")
            for problem in breaking_changes(released, schema):
                problems.append(
                    f"{schema['name']} {released['version']} -> {schema['version']}: {problem}; "
                    "a breaking change needs a new major version"
                )
    return problems
