"""Exact per-cell and per-row decisions, made by frictionless's own readers and error classes.

Only the cells the vectorised checkers could not prove valid come here, so this path is rare on good
data. Fields read by the light path use ``light_cells``' copies of frictionless's readers; other fields
import frictionless when first taken. Results are cached per distinct value because readers are pure
functions of the cell text.
"""

from __future__ import annotations

import threading
from typing import Any

from .spec import FieldSpec

CACHE_LIMIT = 200_000

# (type, title, description, template, tags) of the frictionless-py 5 error classes we report, so that an
# error needs no import of frictionless (``test_light_path`` checks them against frictionless.errors).
_TABLE_ROW = ["#table", "#row"]
_CELL = [*_TABLE_ROW, "#cell"]
_SHORT_ROW = (
    "This row has {} values compared to the header row (the first row in the data source). A key concept "
    "is that all the rows in tabular data must have the same number of columns."
)
ERROR_CLASSES: dict[str, tuple[str, str, str, str, list[str]]] = {
    "TypeError": (
        "type-error",
        "Type Error",
        "The value does not match the schema type and format for this field.",
        'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at position '
        '"{fieldNumber}": {note}',
        _CELL,
    ),
    "ConstraintError": (
        "constraint-error",
        "Constraint Error",
        "A field value does not conform to a constraint.",
        'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
        '"{fieldNumber}" does not conform to a constraint: {note}',
        _CELL,
    ),
    "UniqueError": (
        "unique-error",
        "Unique Error",
        "This field is a unique field but it contains a value that has been used in another row.",
        'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at position '
        '"{fieldNumber}": {note}',
        _CELL,
    ),
    "PrimaryKeyError": (
        "primary-key",
        "PrimaryKey Error",
        "Values in the primary key fields should be unique for every row",
        'Row at position "{rowNumber}" violates the primary key: {note}',
        _TABLE_ROW,
    ),
    "BlankRowError": (
        "blank-row",
        "Blank Row",
        "This row is empty. A row should contain at least one value.",
        'Row at position "{rowNumber}" is completely blank',
        _TABLE_ROW,
    ),
    "ExtraCellError": (
        "extra-cell",
        "Extra Cell",
        _SHORT_ROW.format("more"),
        'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"',
        _CELL,
    ),
    "MissingCellError": (
        "missing-cell",
        "Missing Cell",
        _SHORT_ROW.format("less"),
        'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position "{fieldNumber}"',
        _CELL,
    ),
    "HashCountError": (
        "hash-count",
        "Hash Count Error",
        "This error can happen if the data is corrupted.",
        "The data source does not match the expected hash count: {note}",
        ["#file"],
    ),
    "ByteCountError": (
        "byte-count",
        "Byte Count Error",
        "This error can happen if the data is corrupted.",
        "The data source does not match the expected byte count: {note}",
        ["#file"],
    ),
}


class _Blank(dict):
    """frictionless.helpers.safe_format's mapping: a missing key formats as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def error_dict(class_name: str, **props: Any) -> dict[str, Any]:
    """The descriptor ``frictionless.errors.<class_name>(...).to_descriptor()`` gives, built without its
    metadata machinery (which costs about half a millisecond per error). ``props`` use descriptor keys."""
    kind, title, description, template, tags = ERROR_CLASSES[class_name]
    head = {
        "type": kind,
        "title": title,
        "description": description,
        "message": template.format_map(_Blank(props)),
        "tags": list(tags),
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
                    from .light_cells import light_cell_reader  # only files with a cell to read need it

                    light = light_cell_reader(self.spec)
                    self._read = light or self.spec.frictionless_field().create_cell_reader()
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
