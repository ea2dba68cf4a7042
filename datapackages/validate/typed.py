"""Integer and number columns read as numbers while parsing, for pieces whose cells all prove valid.

Reading a numeric column as text and then casting it builds a string column only to parse it again; pyarrow's
CSV reader can read it as int64 or float64 directly (about a tenth of the CPU time on an all-numeric file).
What that reader accepts, next to what frictionless accepts (Python's ``int`` and ``Decimal`` of the stripped
text): spaces and tabs around the number (stripped by both, same value); hexadecimal integers such as
"0x1F", which Python refuses, so integer columns are read as numbers only in pieces without an "x" or "X";
"inf", "nan" and exponents out of range, which come out non-finite and are never proven; for the rest,
decimal literals that ``Decimal`` reads to the same (correctly rounded) double. A cell it cannot read fails
the whole piece. A piece is taken this way only when every cell is proven valid and no row has an error;
otherwise it is read as text and checked as usual, and after two such pieces the rest of the file is read
as text from the start. Rows the file-order pass later finds in error (repeated keys) get their text by
parsing the piece again (``Parsed.retext``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .columns import BOUND_TESTS, _typed_present
from .engine import FieldPlan, Findings, _check_column
from .reader import CsvDialect, Parsed

GIVE_UP_AFTER = 2  # pieces that needed their text before the rest of the file is read as text


def numeric_type(plan: FieldPlan) -> pa.DataType | None:
    """The type pyarrow may read this field's cells as, or None to read them as text."""
    spec = plan.spec
    if spec.missing_values != [""]:
        return None
    if spec.type == "integer" and spec.plain_integer and _typed_present(spec, (*BOUND_TESTS, "enum")):
        return pa.int64()
    if spec.type == "number" and not spec.custom_number and "enum" not in spec.constraints:
        return pa.float64() if _typed_present(spec, tuple(BOUND_TESTS)) else None
    return None


class TypedPieces:
    """Decides, piece by piece, which columns to read as numbers, and gives up when pieces need their text."""

    def __init__(self, plans: list[FieldPlan]) -> None:
        self.plans = plans
        self.types = [numeric_type(plan) for plan in plans]
        self.failures = 0  # updated from the worker threads; only ever makes the choice more cautious

    @property
    def active(self) -> bool:
        return any(t is not None for t in self.types) and self.failures < GIVE_UP_AFTER

    def types_for(self, data: bytearray) -> list[pa.DataType] | None:
        hexadecimal = data.find(b"x") >= 0 or data.find(b"X") >= 0
        types = [pa.string() if t is None or (hexadecimal and t == pa.int64()) else t for t in self.types]
        return types if any(t != pa.string() for t in types) else None

    def check(self, parsed: Parsed) -> Findings | None:
        """The findings of a piece in which every cell is proven valid, else None (its text is needed)."""
        blank = np.ones(len(parsed.local), dtype=bool)
        keyed, proven = {}, []
        empty = np.zeros(0, dtype=np.int64)
        for plan, column in zip(self.plans, parsed.columns, strict=True):
            if pa.types.is_string(column.type):
                missing, failed, keys, ok = _check_column(plan, column)
                if len(failed):
                    return None
            else:
                found = _check_numbers(plan, column)
                if found is None:
                    return None
                missing, keys, ok = found
            blank &= missing
            proven.append(ok)
            if keys is not None:
                keyed[plan.number] = keys
        if blank.any():
            return None
        return Findings(empty, empty, keyed, proven)

    def failed(self) -> None:
        self.failures += 1


def _check_numbers(plan: FieldPlan, column: pa.Array) -> tuple[np.ndarray, tuple | None, np.ndarray] | None:
    """(missing, keys and nulls if keyed, proven) for a column read as numbers, or None when a present cell
    (or a missing one in a required field) is not proven valid."""
    spec = plan.spec
    present = _valid(column)
    kind = np.float64 if pa.types.is_floating(column.type) else np.int64
    values = np.frombuffer(column.buffers()[1], dtype=kind)[column.offset : column.offset + len(column)]
    ok = present.copy()
    with np.errstate(invalid="ignore", over="ignore"):  # null slots hold arbitrary values; they are not ok
        if kind is np.float64:
            ok &= np.isfinite(values)
            for name in BOUND_TESTS:
                if name in spec.constraints:
                    # A float equal (or nearly) to the bound may differ as a Decimal: not proven here.
                    bound = float(spec.typed[name])
                    ok &= np.abs(values - bound) > 1e-9 * max(1.0, abs(bound))
        for name, compare in BOUND_TESTS.items():
            if name in spec.constraints:
                ok &= compare(values, (float if kind is np.float64 else int)(spec.typed[name]))
        if "enum" in spec.constraints:
            ok &= np.isin(values, [int(v) for v in spec.typed["enum"] if v is not None])
    missing = ~present
    if (~ok & (present | spec.required)).any():
        return None
    if not plan.keyed:
        return missing, None, ok
    keys = values.view(np.uint64) if kind is np.int64 else (values + 0.0).view(np.uint64)
    return missing, (keys, missing), ok


def _valid(column: pa.Array) -> np.ndarray:
    if column.null_count == 0:
        return np.ones(len(column), dtype=bool)
    bits = np.frombuffer(column.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, count=column.offset + len(column), bitorder="little")[column.offset :].view(bool)


def parse_typed(
    pieces: TypedPieces, data: bytearray, n_columns: int, dialect: CsvDialect
) -> tuple[Parsed, Findings] | None:
    """Read a piece with its numeric columns as numbers, if it proves entirely valid that way."""
    from .chunks import parse_piece

    types = pieces.types_for(data)
    if types is None:
        return None
    try:
        parsed = parse_piece(data, n_columns, dialect, types)
    except pa.ArrowInvalid:
        pieces.failed()
        return None
    findings = pieces.check(parsed)
    if findings is None:
        pieces.failed()
        return None
    return parsed, findings
