"""Vectorised, conservative cell checks: one small checker per field type, looked up in a dict.

A checker never decides that a cell is wrong. It only marks the cells it can prove frictionless would
accept; every other non-missing cell is re-read by frictionless's own cell reader (see ``cells.py``), so the
report's notes and decisions are exactly frictionless's. Checkers also return typed values (as ``uint64``
keys) for uniqueness checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import Field

INT_RE = r"^-?[0-9]{1,18}$"
NUMBER_RE = r"^-?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})$"
DATE_RE = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DATETIME_RE = DATE_RE[:-1] + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
YEAR_RE = r"^[0-9]{4}$"
EPOCH = date(1970, 1, 1)


@dataclass
class Checked:
    """``ok``: cells proven acceptable (missing cells count as not ok); ``keys``: typed values as uint64."""

    ok: np.ndarray
    keys: np.ndarray | None = None


Checker = Callable[[Field, pa.Array, np.ndarray], Checked]


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(array.fill_null(False), dtype=bool)


def _matches(raw: pa.Array, regex: str) -> np.ndarray:
    return _mask(pc.match_substring_regex(raw, regex))


def _bounds(field: Field, values: pa.Array, ok: np.ndarray, to_scalar: Callable) -> np.ndarray:
    """Apply minimum/maximum/exclusive bounds exactly on comparable typed values."""
    tests = {
        "minimum": pc.greater_equal,
        "maximum": pc.less_equal,
        "exclusiveMinimum": pc.greater,
        "exclusiveMaximum": pc.less,
    }
    for name, compare in tests.items():
        if name in field.constraints:
            bound = to_scalar(field.read_cell(field.constraints[name])[0])
            ok &= _mask(compare(values, bound))
    return ok


def _safe(raw: pa.Array, ok: np.ndarray, filler: str) -> pa.Array:
    return pc.if_else(pa.array(ok), raw, pa.scalar(filler))


def check_string(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if field.format not in ("default", None):
        return Checked(np.zeros(len(raw), dtype=bool))
    ok = ~missing
    c = field.constraints
    if "minLength" in c or "maxLength" in c:
        length = pc.utf8_length(raw)
        if "minLength" in c:
            ok &= _mask(pc.greater_equal(length, c["minLength"]))
        if "maxLength" in c:
            ok &= _mask(pc.less_equal(length, c["maxLength"]))
    if "pattern" in c:
        ok &= _pattern_ok(raw, c["pattern"])
    if "enum" in c:
        ok &= _mask(pc.is_in(raw, pa.array([str(v) for v in c["enum"]], pa.string())))
    return Checked(ok)


def _pattern_ok(raw: pa.Array, pattern: str) -> np.ndarray:
    """RE2 is stricter than Python (ASCII classes, a true end anchor); if it cannot compile, prove nothing."""
    try:
        return _matches(raw, f"^(?:^{pattern}$)")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.zeros(len(raw), dtype=bool)


def _plain_integers(raw: pa.Array) -> np.ndarray:
    """Cells that are an optional minus and 1 to 18 ASCII digits (int64-safe; the same as INT_RE, faster)."""
    negative = pc.starts_with(raw, "-")
    body = pc.if_else(negative, pc.utf8_slice_codeunits(raw, 1), raw)
    short = pc.less_equal(pc.binary_length(body), 18)
    return _mask(pc.and_(pc.ascii_is_decimal(body), short))


def check_integer(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if field.has_defined("bare_number") and not field.bare_number:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok = _plain_integers(raw) & ~missing
    values = pc.cast(_safe(raw, ok, "0"), pa.int64())
    ok = _bounds(field, values, ok, lambda v: pa.scalar(int(v), pa.int64()))
    if "enum" in field.constraints:
        allowed = [field.read_cell(v)[0] for v in field.constraints["enum"]]
        ok &= _mask(pc.is_in(values, pa.array([int(v) for v in allowed if v is not None], pa.int64())))
    return Checked(ok, values.to_numpy().view(np.uint64))


def check_number(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    custom = {"bare_number", "group_char", "decimal_char", "float_number"} & set(field.list_defined())
    if custom or "enum" in field.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok = _matches(raw, NUMBER_RE) & ~missing
    values = pc.cast(_safe(raw, ok, "0"), pa.float64())
    for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if name in field.constraints:
            # A float equal (or nearly) to the bound may differ as a Decimal: leave it to frictionless.
            bound = float(field.constraints[name])
            ok &= _mask(pc.greater(pc.abs(pc.subtract(values, bound)), 1e-9 * max(1.0, abs(bound))))
    ok = _bounds(field, values, ok, lambda v: pa.scalar(float(v), pa.float64()))
    keys = (values.to_numpy() + 0.0).view(np.uint64)
    return Checked(ok, keys)


def check_boolean(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if "enum" in field.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    true = pa.array([str(v) for v in field.true_values], pa.string())
    false = pa.array([str(v) for v in field.false_values], pa.string())
    ok = _mask(pc.is_in(raw, pa.concat_arrays([true, false]))) & ~missing
    keys = _mask(pc.is_in(raw, true)).astype(np.uint64)
    return Checked(ok, keys)


def _temporal(raw: pa.Array, missing: np.ndarray, regex: str, fmt: str, filler: str) -> tuple:
    ok = _matches(raw, regex) & ~missing
    safe = _safe(raw, ok, filler)
    parsed = pc.strptime(safe, format=fmt, unit="s", error_is_null=True)
    # Arrow rolls 2019-02-30 over to 2019-03-02: a proven date keeps the day it was written with.
    written_day = pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int64())
    ok &= _mask(pc.equal(pc.day(parsed), written_day))
    return ok, parsed


def check_date(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if field.format not in ("default", None):
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, parsed = _temporal(raw, missing, DATE_RE, "%Y-%m-%d", "2000-01-01")
    days = pc.cast(pc.cast(parsed, pa.date32()), pa.int32())
    ok = _bounds(field, days, ok, lambda v: pa.scalar((v - EPOCH).days, pa.int32()))
    if "enum" in field.constraints:
        ok &= False
    return Checked(ok, days.to_numpy(zero_copy_only=False).astype(np.int64).view(np.uint64))


def check_datetime(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    bounded = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"} & set(field.constraints)
    if field.format not in ("default", None) or bounded:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, parsed = _temporal(raw, missing, DATETIME_RE, "%Y-%m-%dT%H:%M:%S", "2000-01-01T00:00:00")
    seconds = pc.cast(parsed, pa.int64()).to_numpy(zero_copy_only=False)
    return Checked(ok, seconds.view(np.uint64))


def check_year(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    ok = _matches(raw, YEAR_RE) & ~missing
    values = pc.cast(_safe(raw, ok, "0"), pa.int64())
    ok = _bounds(field, values, ok, lambda v: pa.scalar(int(v), pa.int64()))
    if "enum" in field.constraints:
        ok &= False
    return Checked(ok, values.to_numpy().view(np.uint64))


def check_other(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    """Types not vectorised yet: prove nothing, so frictionless reads every cell."""
    return Checked(np.zeros(len(raw), dtype=bool))


CHECKERS: dict[str, Checker] = {
    "string": check_string,
    "integer": check_integer,
    "number": check_number,
    "boolean": check_boolean,
    "date": check_date,
    "datetime": check_datetime,
    "year": check_year,
}


def string_keys(raw: pa.Array) -> np.ndarray:
    """64-bit hashes of strings (pandas' SipHash), used as uniqueness keys."""
    import pandas as pd

    return pd.util.hash_array(raw.to_numpy(zero_copy_only=False).astype(object), categorize=False)


def python_key(value: object) -> int:
    """The uint64 key of one Python value, consistent with the vectorised keys above."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(np.array([value], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, date) and not isinstance(value, datetime):
        return int(np.array([(value - EPOCH).days], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, datetime) and value.tzinfo is None and not value.microsecond:
        seconds = (value.date() - EPOCH).days * 86400 + value.hour * 3600 + value.minute * 60 + value.second
        return int(np.array([seconds], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, (float, Decimal)):
        return int(np.array([float(value) + 0.0], dtype=np.float64).view(np.uint64)[0])
    if isinstance(value, str):
        return int(string_keys(pa.array([value]))[0])
    return int(string_keys(pa.array([re.sub(r"\s+", " ", repr(value))]))[0])
