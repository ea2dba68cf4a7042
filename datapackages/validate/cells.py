"""Exact per-cell and per-row decisions, made by frictionless's own readers and error classes.

Only the cells the vectorised checkers could not prove valid come here, so this path is rare on good
data, and frictionless is imported only when it is first taken; results are cached per distinct value
because readers are pure functions of the cell text.
"""

from __future__ import annotations

import threading
from typing import Any

from .spec import FieldSpec

CACHE_LIMIT = 200_000


def error_dict(class_name: str, **props: Any) -> dict[str, Any]:
    """The descriptor ``frictionless.errors.<class_name>(...).to_descriptor()`` gives, built without its
    metadata machinery (which costs about half a millisecond per error). ``props`` use descriptor keys."""
    from frictionless import errors
    from frictionless.helpers import safe_format

    error_class = getattr(errors, class_name)
    head = {
        "type": error_class.type,
        "title": error_class.title,
        "description": error_class.description,
        "message": safe_format(error_class.template, props),
        "tags": list(error_class.tags),
    }
    return {**head, **props}


class CellReader:
    """frictionless's cell reader for one field, created on first use and memoised by cell text."""

    def __init__(self, spec: FieldSpec) -> None:
        self.spec = spec
        self._read: Any = None
        self._lock = threading.Lock()
        self._cache: dict[Any, tuple[Any, dict[str, str] | None]] = {}

    def __call__(self, source: Any) -> tuple[Any, dict[str, str] | None]:
        try:
            return self._cache[source]
        except KeyError:
            pass
        if self._read is None:
            with self._lock:
                if self._read is None:
                    self._read = self.spec.frictionless_field().create_cell_reader()
        result = self._read(source)
        if len(self._cache) < CACHE_LIMIT:
            self._cache[source] = result
        return result

    def errors(self, source: Any, notes: dict[str, str], cells: list[str], row_number: int) -> list:
        """The type or constraint errors frictionless's Row would raise for this cell, in its order."""
        common = {
            "cells": cells,
            "rowNumber": row_number,
            "cell": str(source),
            "fieldName": self.spec.name,
            "fieldNumber": self.spec.number,
        }
        notes = dict(notes)
        found = []
        type_note = notes.pop("type", None)
        if type_note:
            found.append(error_dict("TypeError", note=type_note, **common))
        found.extend(error_dict("ConstraintError", note=note, **common) for note in notes.values())
        return found


def unique_error(row_number: int, cells: list[str], value: Any, spec: FieldSpec, previous: int):
    return error_dict(
        "UniqueError",
        note=f"the same as in the row at position {previous}",
        cells=cells,
        rowNumber=row_number,
        cell=str(value),
        fieldName=spec.name,
        fieldNumber=spec.number,
    )


def primary_key_error(row_number: int, cells: list[str], previous: int | None):
    note = (
        'cells composing the primary keys are all "None"'
        if previous is None
        else f"the same as in the row at position {previous}"
    )
    return error_dict("PrimaryKeyError", note=note, cells=cells, rowNumber=row_number)


def blank_row_error(row_number: int, cells: list[str]):
    return error_dict("BlankRowError", note="", cells=cells, rowNumber=row_number)
