"""Exact per-cell and per-row decisions, made by frictionless's own readers and error classes.

Only the cells the vectorised checkers could not prove valid come here, so this path is rare on good
data; results are cached per distinct value because readers are pure functions of the cell text.
"""

from __future__ import annotations

from typing import Any

from frictionless import Field, errors

CACHE_LIMIT = 200_000


class CellReader:
    """frictionless's cell reader for one field, memoised by cell text."""

    def __init__(self, field: Field, field_number: int) -> None:
        self.field = field
        self.field_number = field_number
        self._read = field.create_cell_reader()
        self._cache: dict[Any, tuple[Any, dict[str, str] | None]] = {}

    def __call__(self, source: Any) -> tuple[Any, dict[str, str] | None]:
        try:
            return self._cache[source]
        except KeyError:
            result = self._read(source)
            if len(self._cache) < CACHE_LIMIT:
                self._cache[source] = result
            return result

    def errors(self, source: Any, notes: dict[str, str], cells: list[str], row_number: int) -> list:
        """The type or constraint errors frictionless's Row would raise for this cell, in its order."""
        common = {
            "cells": cells,
            "row_number": row_number,
            "cell": str(source),
            "field_name": self.field.name,
            "field_number": self.field_number,
        }
        notes = dict(notes)
        found = []
        type_note = notes.pop("type", None)
        if type_note:
            found.append(errors.TypeError(note=type_note, **common))
        found.extend(errors.ConstraintError(note=note, **common) for note in notes.values())
        return found


def unique_error(row_number: int, cells: list[str], value: Any, field: Field, number: int, previous: int):
    return errors.UniqueError(
        note=f"the same as in the row at position {previous}",
        cells=cells,
        row_number=row_number,
        cell=str(value),
        field_name=field.name,
        field_number=number,
    )


def primary_key_error(row_number: int, cells: list[str], previous: int | None):
    note = (
        'cells composing the primary keys are all "None"'
        if previous is None
        else f"the same as in the row at position {previous}"
    )
    return errors.PrimaryKeyError(note=note, cells=cells, row_number=row_number)


def blank_row_error(row_number: int, cells: list[str]):
    return errors.BlankRowError(note="", cells=cells, row_number=row_number)
