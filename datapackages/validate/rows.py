"""Lay out one row's errors in exactly the order frictionless produces them.

frictionless reads a row lazily: the uniqueness and primary-key checks read their fields first (so those
fields' cell errors come first), and the first unique or primary-key error makes it read the rest of the row
(remaining cells in field order, then extra cells, then missing cells, or instead a single blank-row error)
before appending the unique or primary-key error. Only rows with some error come here.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cells import blank_row_error, error_dict, primary_key_error, unique_error

if TYPE_CHECKING:
    from .engine import FieldPlan


@dataclass
class RowKeys:
    """Key findings for one row: earlier rows of unique-field duplicates, and the primary-key verdict."""

    duplicates: dict[int, int] = field(default_factory=dict)
    pk_error: bool = False
    pk_previous: int | None = None


class RowReplay:
    """Replays frictionless's lazy reading of one row."""

    def __init__(self, number: int, cells: list[str], plans: list[FieldPlan], proven: AbstractSet[int]) -> None:
        self.number, self.cells, self.plans, self.proven = number, cells, plans, proven
        self.errors: list = []
        self.read: set[int] = set()
        self.blank = 0
        self.full = False

    def cell(self, plan: FieldPlan):
        source = self.cells[plan.number - 1] if len(self.cells) >= plan.number else None
        return source, *plan.reader(source)

    def read_field(self, plan: FieldPlan) -> None:
        if self.full or plan.number in self.read:
            return
        self.read.add(plan.number)
        if plan.number in self.proven:
            return  # a present, valid cell: no error, not blank
        source, target, notes = self.cell(plan)
        if target is None and not (notes and "type" in notes):
            self.blank += 1
        if notes:
            self.errors.extend(plan.reader.errors(source, notes, self.cells, self.number))

    def read_all(self) -> None:
        if self.full:
            return
        for plan in self.plans:
            self.read_field(plan)
        self.full = True
        n_fields = len(self.plans)
        for number, cell in enumerate(self.cells[n_fields:], start=n_fields + 1):
            self.errors.append(
                error_dict(
                    "ExtraCellError",
                    note="",
                    cells=self.cells,
                    rowNumber=self.number,
                    cell=str(cell),
                    fieldName="",
                    fieldNumber=number,
                )
            )
        for plan in self.plans[len(self.cells) :]:
            self.errors.append(
                error_dict(
                    "MissingCellError",
                    note="",
                    cells=self.cells,
                    rowNumber=self.number,
                    cell="",
                    fieldName=plan.spec.name,
                    fieldNumber=plan.number,
                )
            )
        if self.blank == n_fields:
            self.errors = [blank_row_error(self.number, self.cells)]


def row_errors(
    number: int,
    cells: list[str],
    plans: list[FieldPlan],
    unique: list[int],
    pk: list[int],
    keys: RowKeys,
    proven: AbstractSet[int] = frozenset(),
) -> list:
    """All errors of one row, in frictionless's order; ``proven`` fields hold cells the vectorised checkers
    proved valid (frictionless reads them without a note, as a value)."""
    replay = RowReplay(number, cells, plans, proven)
    for field_number in unique:
        plan = plans[field_number - 1]
        replay.read_field(plan)
        if field_number in keys.duplicates:
            replay.read_all()
            value = replay.cell(plan)[1]
            previous = keys.duplicates[field_number]
            replay.errors.append(unique_error(number, cells, value, plan.spec, previous))
    for field_number in pk:
        replay.read_field(plans[field_number - 1])
    if keys.pk_error:
        replay.read_all()
        replay.errors.append(primary_key_error(number, cells, keys.pk_previous))
    replay.read_all()
    return replay.errors
