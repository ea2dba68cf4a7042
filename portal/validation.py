"""Turn a client's dataset and resource dicts into clean values, or a Validation Error naming each bad field.

Unknown and read-only keys are ignored (CKAN drops them too); resources keep unknown keys as extras.
Booleans come as JSON booleans or as the strings forms and query strings carry.
"""

from __future__ import annotations

import json
import re
from typing import Any

from portal.errors import ValidationError

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG_RE = re.compile(r"^[\w .-]{2,100}$", re.UNICODE)
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

PACKAGE_TEXT_FIELDS = {
    "title": 2000,
    "notes": 100_000,
    "url": 2000,
    "version": 100,
    "author": 500,
    "author_email": 500,
    "maintainer": 500,
    "maintainer_email": 500,
    "license_id": 100,
    "type": 100,
}
RESOURCE_TEXT_FIELDS = {
    "url": 4000,
    "name": 2000,
    "description": 100_000,
    "format": 100,
    "mimetype": 200,
    "hash": 200,
    "url_type": 50,
    "resource_type": 100,
}
RESOURCE_READ_ONLY = {
    "id", "package_id", "position", "created", "metadata_modified", "state", "datastore_active",
    "cache_url", "cache_last_updated", "mimetype_inner", "upload", "clear_upload", "tracking_summary",
    "revision_id", "storage_key", "size", "last_modified",
}  # fmt: skip
STATES = {"active", "draft", "deleted"}


class Errors:
    """Collects messages per field, CKAN style: ``{"name": ["Missing value"]}``."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def to_bool(value: Any) -> bool | None:
    """JSON booleans or the strings clients send; ``None`` if it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {
        "true",
        "false",
        "1",
        "0",
        "yes",
        "no",
        "on",
        "off",
    }:
        return value.strip().lower() in {"true", "1", "yes", "on"}
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def text(errors: Errors, data: dict[str, Any], field: str, max_len: int) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(field, "Must be a string")
        return None
    if len(value) > max_len:
        errors.add(field, f"Must be at most {max_len} characters long")
    return value


def check_name(errors: Errors, value: Any, field: str = "name") -> str | None:
    if value is None or value == "":
        errors.add(field, "Missing value")
        return None
    if not isinstance(value, str):
        errors.add(field, "Must be a string")
        return None
    if not NAME_RE.match(value):
        errors.add(
            field,
            "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_ "
            "and between 2 and 100 characters long",
        )
        return None
    return value


def check_client_id(errors: Errors, value: Any, field: str = "id") -> str | None:
    """Client-supplied ids are kept (ckanapi load relies on it) but must be UUIDs: they name files."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not UUID_RE.match(value.lower()):
        errors.add(field, "Must be a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6")
        return None
    return value.lower()


def package_fields(errors: Errors, data: dict[str, Any]) -> dict[str, Any]:
    """The scalar fields of a dataset; missing ones come back as ``None`` (update replaces)."""
    out: dict[str, Any] = {f: text(errors, data, f, n) for f, n in PACKAGE_TEXT_FIELDS.items()}
    out["type"] = out["type"] or "dataset"
    private = data.get("private", False)
    parsed = to_bool(private) if private not in (None, "") else False
    if parsed is None:
        errors.add("private", "Must be a boolean (true or false)")
    out["private"] = bool(parsed)
    state = data.get("state")
    if state not in (None, "") and state not in STATES:
        errors.add("state", f"Must be one of: {', '.join(sorted(STATES))}")
    out["state"] = state or None
    return out


def tag_names(errors: Errors, data: dict[str, Any]) -> list[str] | None:
    """Tags from ``tags`` (list of dicts or strings) or ``tag_string``; ``None`` if neither was sent."""
    raw: Any
    if "tags" in data:
        raw = data["tags"]
    elif "tag_string" in data:
        raw = [t.strip() for t in str(data["tag_string"] or "").split(",") if t.strip()]
    else:
        return None
    raw = _maybe_json(raw)
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add("tags", 'Must be a list of tags such as [{"name": "crime"}]')
        return None
    names: list[str] = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not TAG_RE.match(name.strip()):
            errors.add(
                "tags",
                f"Tag {name!r} must be 2 to 100 characters of letters, digits, spaces and -_.",
            )
            continue
        if name.strip() not in names:
            names.append(name.strip())
    return names


def group_refs(errors: Errors, data: dict[str, Any]) -> list[str] | None:
    if "groups" not in data:
        return None
    raw = _maybe_json(data["groups"])
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add("groups", 'Must be a list of groups such as [{"name": "crime-and-justice"}]')
        return None
    refs = []
    for item in raw:
        ref = (item.get("id") or item.get("name")) if isinstance(item, dict) else item
        if not isinstance(ref, str) or not ref:
            errors.add("groups", "Each group needs an id or a name")
            continue
        refs.append(ref)
    return refs


def extras(errors: Errors, data: dict[str, Any], reserved: set[str]) -> dict[str, Any] | None:
    if "extras" not in data:
        return None
    raw = _maybe_json(data["extras"])
    if raw in (None, ""):
        return {}
    if not isinstance(raw, list):
        errors.add("extras", 'Must be a list of {"key": ..., "value": ...} objects')
        return None
    out: dict[str, Any] = {}
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            errors.add("extras", "Each extra needs a non-empty string key")
            continue
        key = item["key"]
        if key in reserved:
            errors.add("extras", f"There is a schema field with the same name: {key}")
        elif key in out:
            errors.add("extras", f"Duplicate key {key!r}")
        elif item.get("deleted") not in (None, False, "", "false", "False"):
            continue
        else:
            value = item.get("value")
            out[key] = value if isinstance(value, str) or value is None else json.dumps(value)
    return out


def resource_fields(errors: Errors, data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Core resource fields plus everything unknown as extras (kept at the top level on output)."""
    sub = Errors()
    out: dict[str, Any] = {f: text(sub, data, f, n) for f, n in RESOURCE_TEXT_FIELDS.items()}
    if data.get("size") not in (None, ""):
        size = to_int(data.get("size"))
        if size is None or size < 0:
            sub.add("size", "Must be a whole number of bytes")
        out["size"] = size
    extras_out: dict[str, Any] = {}
    for key, value in data.items():
        if key in RESOURCE_TEXT_FIELDS or key in RESOURCE_READ_ONLY or key.startswith("_"):
            continue
        if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
            extras_out[key] = value
        else:
            sub.add(key, "Must be a JSON value")
    out["extras"] = extras_out
    for field, messages in sub.fields.items():
        for message in messages:
            errors.add(prefix + field if not prefix else prefix, f"{field}: {message}" if prefix else message)
    return out


def _maybe_json(value: Any) -> Any:
    """Form posts carry lists as JSON strings; decode them so forms and JSON bodies behave alike."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
