"""Reading action parameters that arrive as JSON values or as query-string and form strings."""

from __future__ import annotations

import json
from typing import Any

from portal.errors import ValidationError
from portal.validation import to_bool, to_int


def as_int_param(data: dict[str, Any], key: str, default: int | None, *, minimum: int = 0) -> Any:
    value = data.get(key)
    if value in (None, ""):
        return default
    number = to_int(value)
    if number is None or number < minimum:
        raise ValidationError({key: ["Invalid integer" if number is None else f"Must be at least {minimum}"]})
    return number


def as_bool_param(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value in (None, ""):
        return default
    parsed = to_bool(value)
    if parsed is None:
        raise ValidationError({key: ["Must be a boolean (true or false)"]})
    return parsed


def as_list_param(data: dict[str, Any], key: str) -> list[str]:
    """A list sent as a JSON list, a JSON-encoded string (``'["tags"]'``) or repeated query parameters."""
    value = data.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip().startswith("[") else [value]
        except ValueError:
            raise ValidationError({key: ["Must be a JSON list of strings"]}) from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({key: ["Must be a list of strings"]})
    return value
