"""frictionless's cell readers for fields inside the light ground, rebuilt from the same Python calls.

Importing frictionless and building its Schema costs about 0.2 s of CPU, which a file with a few bad cells
paid only to read those cells. For the types and constraints ``spec.light_schema`` accepts (default format,
bare numbers), frictionless-py 5's value readers are thin wrappers around Python builtins: ``int`` and
``Decimal`` of the stripped text, ``datetime.strptime(cell, "%Y-%m-%d")``, dateutil's ``isoparse`` behind
two guards, a dict of true and false values. This module repeats those calls, the constraint checks (in each
type's ``supported_constraints`` order, bounds and enums read by the value reader) and the notes' wording,
so the answers are frictionless's by construction (``test_light_path`` compares them cell by cell).
Types it does not cover (``yearmonth``, ``time``) still use frictionless's own reader.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .spec import FieldSpec

CellResult = tuple[Any, dict[str, str] | None]
ValueReader = Callable[[Any], Any]

# frictionless.fields.<Type>Field.supported_constraints, in their order (the order of the notes).
BOUNDED = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
SUPPORTED_CONSTRAINTS = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": BOUNDED,
    "number": BOUNDED,
    "boolean": ["required", "enum"],
    "date": BOUNDED,
    "datetime": BOUNDED,
    "year": BOUNDED,
}
BOUND_COMPARE = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
DATE_PATTERN = "%Y-%m-%d"  # frictionless.settings.DEFAULT_DATE_PATTERN


def _read_string(cell: Any) -> Any:
    return cell if isinstance(cell, str) else None


def _read_integer(cell: Any) -> Any:
    if isinstance(cell, str):
        try:
            return int(cell.strip())
        except Exception:
            return None
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell % 1 == 0:
        return int(cell)
    return None


def _read_number(cell: Any) -> Any:
    if isinstance(cell, str):
        try:
            return Decimal(cell.strip())
        except Exception:
            return None
    if isinstance(cell, Decimal):
        return cell
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return Decimal(str(cell))
    return None


def _read_date(cell: Any) -> Any:
    if isinstance(cell, datetime):
        if cell.hour == 0 and cell.minute == 0 and cell.second == 0:
            return datetime(cell.year, cell.month, cell.day).date()
        return None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    try:
        return datetime.strptime(cell, DATE_PATTERN).date()
    except Exception:
        return None


def _read_datetime(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return cell
    if not isinstance(cell, str):
        return None
    try:
        # frictionless guards against the shorter forms dateutil accepts (with assert statements).
        if cell[16] != ":" or len(cell) < 19:
            return None
        from dateutil.parser import isoparse

        return isoparse(cell)
    except Exception:
        return None


def _read_year(cell: Any) -> Any:
    if not isinstance(cell, int):
        if not isinstance(cell, str) or len(cell) != 4:
            return None
        try:
            cell = int(cell)
        except Exception:
            return None
    if cell < 0 or cell > 9999:
        return None
    return cell


def _boolean_reader(spec: FieldSpec) -> ValueReader:
    mapping: dict[str, bool] = {}
    for value in spec.true_values:
        mapping[value] = True
    for value in spec.false_values:
        mapping[value] = False

    def read(cell: Any) -> Any:
        if cell is True or cell is False:
            return cell
        if isinstance(cell, str):
            return mapping.get(cell)
        return None

    return read


VALUE_READERS: dict[str, ValueReader] = {
    "string": _read_string,
    "integer": _read_integer,
    "number": _read_number,
    "date": _read_date,
    "datetime": _read_datetime,
    "year": _read_year,
}


def _check(name: str, constraint: Any, read: ValueReader) -> Callable[[Any], bool]:
    """frictionless.schema.field's check_<name>, with its constraint prepared the way it prepares it."""
    if name == "required":
        return lambda cell: not (constraint and cell is None)
    if name == "minLength":
        return lambda cell: cell is None or len(cell) >= constraint
    if name == "maxLength":
        return lambda cell: cell is None or len(cell) <= constraint
    if name == "pattern":
        compiled = re.compile(f"^{constraint}$")
        return lambda cell: cell is None or bool(compiled.match(cell))
    if name == "enum":
        allowed = list(map(read, constraint))
        return lambda cell: cell is None or cell in allowed
    bound, compare = read(constraint), BOUND_COMPARE[name]
    # NaN is unequal to itself and incomparable: frictionless fails it before comparing.
    return lambda cell: cell is None or (cell == cell and bool(compare(cell, bound)))


def light_cell_reader(spec: FieldSpec) -> Callable[[Any], CellResult] | None:
    """The cell reader frictionless would create for this field, or None when only frictionless's will do."""
    if not spec.light or spec.format != "default" or spec.type not in SUPPORTED_CONSTRAINTS:
        return None
    if spec.custom_number or not spec.plain_integer:
        return None
    read = _boolean_reader(spec) if spec.type == "boolean" else VALUE_READERS[spec.type]
    constraints = spec.constraints
    checks = {
        name: _check(name, constraints[name], read)
        for name in SUPPORTED_CONSTRAINTS[spec.type]
        if constraints.get(name) is not None
    }
    missing = list(spec.missing_values)
    type_note = f'type is "{spec.type}/{spec.format}"'

    def cell_reader(cell: Any) -> CellResult:
        notes: dict[str, str] | None = None
        if str(cell) in missing:
            cell = None
        if cell is not None:
            cell = read(cell)
            if cell is None:
                notes = {"type": type_note}
        if not notes and checks:
            for name, check in checks.items():
                if not check(cell):
                    notes = notes or {}
                    notes[name] = f'constraint "{name}" is "{constraints[name]}"'
        return cell, notes

    return cell_reader
