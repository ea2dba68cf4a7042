"""Reading uploaded files for display: bounded, streamed through the storage interface, never whole.

The visitor's right to read the dataset is checked by the caller (``package_show``/``resource_show``) first.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app

from portal import authz
from portal.errors import ActionError
from portal.web_context import action_context

PREVIEW_ROWS = 100
PREVIEW_MAX_BYTES = 4 * 1024 * 1024
JSON_MAX_BYTES = 2 * 1024 * 1024
MAX_CELL = 500
csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True)
class Preview:
    header: list[str]
    rows: list[list[str]]
    truncated: bool  # the file has more rows than the preview shows
    error: str = ""


def storage_key(resource_id: str) -> str | None:
    """The stored object of an uploaded resource, or None for links and missing files."""
    try:
        res = authz.find_resource(action_context(), resource_id)
    except ActionError:
        return None
    return res.storage_key if res.url_type == "upload" else None


def read_bytes(key: str, limit: int) -> Iterator[bytes]:
    """The object's first ``limit`` bytes, chunk by chunk."""
    storage = current_app.extensions["portal"].storage
    stored = storage.stat(key)
    if stored is None:
        return iter(())
    return storage.read(key, 0, min(stored.size, limit))


def read_json(resource: dict[str, Any]) -> Any:
    """A small JSON resource (a report, a datapackage.json) parsed, or None if absent, too big or not JSON."""
    key = storage_key(resource["id"])
    if key is None:
        return None
    storage = current_app.extensions["portal"].storage
    stored = storage.stat(key)
    if stored is None or stored.size > JSON_MAX_BYTES:
        return None
    try:
        return json.loads(b"".join(storage.read(key, 0, stored.size)).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    """Text lines from byte chunks: UTF-8 (with or without BOM), falling back to Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    fallback = codecs.getincrementaldecoder("cp1252")(errors="replace")
    pending = ""
    for chunk in chunks:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError:
            decoder = fallback
            text = decoder.decode(chunk)
        pending += text
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def csv_preview(resource: dict[str, Any], rows: int = PREVIEW_ROWS) -> Preview | None:
    """The header and first ``rows`` rows of a CSV resource, reading at most a few megabytes."""
    if (resource.get("format") or "").lower() not in ("csv", "text/csv"):
        return None
    key = storage_key(resource["id"])
    if key is None:
        return None
    stored = current_app.extensions["portal"].storage.stat(key)
    if stored is None:
        return None
    cut_short = stored.size > PREVIEW_MAX_BYTES
    reader = csv.reader(_lines(read_bytes(key, PREVIEW_MAX_BYTES)))
    try:
        header = [cell[:MAX_CELL] for cell in next(reader, [])]
        body: list[list[str]] = []
        for row in reader:
            if len(body) == rows:
                return Preview(header, body, truncated=True)
            body.append([cell[:MAX_CELL] for cell in row])
    except csv.Error as exc:
        return Preview([], [], False, f"This file could not be read as CSV ({exc}).")
    if cut_short and body:
        body.pop()  # the read stopped inside this row: never show half a row
    return Preview(header, body, truncated=cut_short)
