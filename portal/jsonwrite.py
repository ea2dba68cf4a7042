"""Writing answers as JSON, with parts that were written once and kept (:class:`RawJson`) spliced in as they are.

A page of search results is mostly datasets whose JSON has not changed since the last page that showed them;
writing it again from dicts (and parsing the stored record into those dicts first) was most of a search's
cost outside the search itself.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class RawJson:
    """A value already written as JSON (by :func:`dumps`), to be copied into an answer unchanged."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def value(self) -> Any:
        """The value itself, for the rare caller that must read it (the json module reads big integers exactly)."""
        return json.loads(self.data)


def _fragment(obj: Any) -> Any:
    if isinstance(obj, RawJson):
        return orjson.Fragment(obj.data)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def _value(obj: Any) -> Any:
    if isinstance(obj, RawJson):
        return obj.value()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON; orjson where it can (several times faster), the json module for what orjson
    refuses, such as an integer beyond 64 bits that a client stored."""
    try:
        return orjson.dumps(value, default=_fragment)
    except orjson.JSONEncodeError:
        return json.dumps(value, default=_value, separators=(",", ":")).encode()


def try_dumps(value: Any) -> bytes | None:
    """``value`` as orjson writes it, or None where orjson refuses it (the caller keeps the value instead)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None
