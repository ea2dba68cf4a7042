"""Vectorised, conservative cell checks: one small checker per field type, looked up in a dict.

A checker never decides that a cell is wrong. It only marks the cells it can prove frictionless would
accept; every other non-missing cell is re-read by frictionless's own cell reader (see ``cells.py``), so the
report's notes and decisions are exactly frictionless's. Checkers also return typed values (as ``uint64``
keys) for uniqueness checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import arrow
from .dates import check_date, check_datetime
from .keys import python_key, string_keys
from .patterns import compile_fixed, match_fixed
from .spec import FieldSpec

__all__ = ["CHECKERS", "Checked", "check_other", "prove_one", "python_key", "string_keys"]

NUMBER_RE = r"^-?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})$"
YEAR_RE = r"^[0-9]{4}$"
BOUND_TESTS = {
    "minimum": np.greater_equal,
    "maximum": np.less_equal,
    "exclusiveMinimum": np.greater,
    "exclusiveMaximum": np.less,
}


@dataclass
class Checked:
    """``ok``: cells proven acceptable (missing cells count as not ok); ``key_maker``: builds typed values as
    uint64 uniqueness keys, called only for unique and primary-key fields."""

    ok: np.ndarray
    key_maker: Callable[[], np.ndarray] | None = None

    @property
    def keys(self) -> np.ndarray | None:
        return self.key_maker() if self.key_maker else None


Checker = Callable[[FieldSpec, pa.Array, np.ndarray], Checked]


def _nothing(raw: pa.Array) -> Checked:
    return Checked(np.zeros(len(raw), dtype=bool))


def _bounds(spec: FieldSpec, values: np.ndarray, ok: np.ndarray, kind: type) -> np.ndarray:
    """Apply minimum/maximum/exclusive bounds exactly on the typed values (int64 or float64, no nulls).
    numpy compares an int64 array with any Python int exactly, even one outside int64's range."""
    for name, compare in BOUND_TESTS.items():
        if name in spec.constraints:
            ok &= compare(values, kind(spec.typed[name]))
    return ok


def _fill(raw: pa.Array, ok: np.ndarray, filler: str) -> pa.Array:
    return raw if ok.all() else arrow.where(ok, raw, arrow.string_scalar(filler))


def check_string(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    if spec.format not in ("default", None):
        return _nothing(raw)
    ok = ~missing
    c = spec.constraints
    if "minLength" in c or "maxLength" in c:
        length = _lengths(raw)
        if "minLength" in c:
            ok &= length >= c["minLength"]
        if "maxLength" in c:
            ok &= length <= c["maxLength"]
    if "pattern" in c:
        ok &= pattern_ok(raw, c["pattern"])
    if "enum" in c:
        ok &= arrow.is_in(raw, arrow.strings([str(v) for v in c["enum"]]))
    return Checked(ok)


def _lengths(raw: pa.Array) -> np.ndarray:
    """Python's len() of every cell: the byte lengths when the cells are ASCII (the usual case, read
    straight from the offsets), else code points counted by Arrow."""
    bounds = arrow.offsets(raw)
    data = arrow.data_bytes(raw)[bounds[0] : bounds[-1]]
    if raw.null_count == 0 and (not len(data) or data.max() < 128):
        return np.diff(bounds)
    return arrow.to_numpy(arrow.utf8_length(arrow.call("coalesce", raw, arrow.string_scalar(""))))


def pattern_ok(raw: pa.Array, pattern: str) -> np.ndarray:
    branches = compile_fixed(pattern)
    if branches is not None:
        return match_fixed(branches, raw)
    return _regex_ok(raw, pattern)


def _regex_ok(raw: pa.Array, pattern: str) -> np.ndarray:
    """RE2 is stricter than Python (ASCII classes, a true end anchor); if it cannot compile, prove nothing."""
    try:
        return arrow.matches_regex(raw, f"^(?:^{pattern}$)")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.zeros(len(raw), dtype=bool)


def _plain_integers(raw: pa.Array) -> np.ndarray:
    """Cells that are an optional minus and 1 to 18 ASCII digits (safe for int64)."""
    return arrow.matches_regex(raw, r"^-?[0-9]{1,18}$")


CAST_SLICE = 4096
INTEGER_BYTES = b"0123456789-"
NUMBER_BYTES = INTEGER_BYTES + b".eE+"


def _only_bytes(array: pa.Array, allowed: bytes) -> bool:
    """Whether every byte of every cell is in ``allowed`` (``bytes.translate`` over Arrow's data buffer)."""
    bounds = arrow.offsets(array)
    data = array.buffers()[2]
    if data is None or bounds[-1] == bounds[0]:
        return True
    return not memoryview(data)[bounds[0] : bounds[-1]].tobytes().translate(None, allowed)


def _strict_cast(array: pa.Array, to_type: pa.DataType, allowed: bytes) -> pa.Array | None:
    """Arrow's cast when it succeeds on cells made only of ``allowed`` bytes (it also takes "0x10" as an
    integer and "inf" as a number, which Python rejects or treats apart), else None."""
    if not _only_bytes(array, allowed):
        return None
    try:
        return arrow.cast(array, to_type)
    except (pa.ArrowInvalid, ValueError):
        return None


def _cast_proven(
    raw: pa.Array,
    missing: np.ndarray,
    to_type: pa.DataType,
    allowed: bytes,
    slow: Callable[[pa.Array], np.ndarray],
) -> tuple[np.ndarray, pa.Array]:
    """Prove non-missing cells by a strict cast; a cast fails as a whole on one bad cell, so failing
    slices are proven cell by cell with ``slow`` instead."""
    filled = _fill(raw, ~missing, "0")
    values = _strict_cast(filled, to_type, allowed)
    if values is not None:
        return ~missing, values
    oks, parts = [], []
    for start in range(0, len(raw), CAST_SLICE):
        part, part_missing = raw.slice(start, CAST_SLICE), missing[start : start + CAST_SLICE]
        values = _strict_cast(filled.slice(start, CAST_SLICE), to_type, allowed)
        if values is not None:
            parts.append(values)
            oks.append(~part_missing)
        else:
            part_ok = slow(part) & ~part_missing
            parts.append(arrow.cast(_fill(part, part_ok, "0"), to_type))
            oks.append(part_ok)
    return np.concatenate(oks), pa.concat_arrays(parts)


def _typed_present(spec: FieldSpec, names: tuple[str, ...]) -> bool:
    return all(spec.typed.get(n) is not None for n in names if n in spec.constraints)


def check_integer(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    if not spec.plain_integer or not _typed_present(spec, (*BOUND_TESTS, "enum")):
        return _nothing(raw)
    ok, values = _cast_proven(raw, missing, pa.int64(), INTEGER_BYTES, _plain_integers)
    ok = _bounds(spec, arrow.to_numpy(values), ok, int)
    if "enum" in spec.constraints:
        allowed = [int(v) for v in spec.typed["enum"] if v is not None]
        ok &= arrow.is_in(values, arrow.numbers(np.array(allowed, dtype=np.int64)))
    return Checked(ok, lambda: arrow.to_numpy(values).view(np.uint64))


def check_number(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    if spec.custom_number or "enum" in spec.constraints or not _typed_present(spec, tuple(BOUND_TESTS)):
        return _nothing(raw)
    ok, values = _cast_proven(
        raw, missing, pa.float64(), NUMBER_BYTES, lambda part: arrow.matches_regex(part, NUMBER_RE)
    )
    floats = arrow.to_numpy(values)
    for name in BOUND_TESTS:
        if name in spec.constraints:
            # A float equal (or nearly) to the bound may differ as a Decimal: leave it to frictionless.
            bound = float(spec.typed[name])
            ok &= np.abs(floats - bound) > 1e-9 * max(1.0, abs(bound))
    ok = _bounds(spec, floats, ok, float)
    return Checked(ok, lambda: (floats + 0.0).view(np.uint64))


def check_boolean(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    if "enum" in spec.constraints:
        return _nothing(raw)
    true = arrow.strings([str(v) for v in spec.true_values])
    false = arrow.strings([str(v) for v in spec.false_values])
    ok = arrow.is_in(raw, pa.concat_arrays([true, false])) & ~missing
    return Checked(ok, lambda: arrow.is_in(raw, true).astype(np.uint64))


def check_year(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    if "enum" in spec.constraints or not _typed_present(spec, tuple(BOUND_TESTS)):
        return _nothing(raw)
    ok = arrow.matches_regex(raw, YEAR_RE) & ~missing
    values = arrow.cast(_fill(raw, ok, "0"), pa.int64())
    ok = _bounds(spec, arrow.to_numpy(values), ok, int)
    return Checked(ok, lambda: arrow.to_numpy(values).view(np.uint64))


def check_other(spec: FieldSpec, raw: pa.Array, missing: np.ndarray) -> Checked:
    """Types not vectorised yet: prove nothing, so frictionless reads every cell."""
    return _nothing(raw)


CHECKERS: dict[str, Checker] = {
    "string": check_string,
    "integer": check_integer,
    "number": check_number,
    "boolean": check_boolean,
    "date": check_date,
    "datetime": check_datetime,
    "year": check_year,
}


def prove_one(spec: FieldSpec, cell: str) -> bool:
    """Whether the checker for ``spec`` proves a single cell (used to vouch for schema examples)."""
    raw = arrow.strings([cell])
    missing = np.array([cell in spec.missing_values])
    return bool(CHECKERS.get(spec.type, check_other)(spec, raw, missing).ok[0])
