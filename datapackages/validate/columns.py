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

from .patterns import compile_fixed, match_fixed

NUMBER_RE = r"^-?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})$"
YEAR_RE = r"^[0-9]{4}$"
EPOCH = date(1970, 1, 1)


@dataclass
class Checked:
    """``ok``: cells proven acceptable (missing cells count as not ok); ``key_maker``: builds typed values as
    uint64 uniqueness keys, called only for unique and primary-key fields."""

    ok: np.ndarray
    key_maker: Callable[[], np.ndarray] | None = None

    @property
    def keys(self) -> np.ndarray | None:
        return self.key_maker() if self.key_maker else None


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
    branches = compile_fixed(pattern)
    if branches is not None:
        chars, fits = _char_columns(raw, len(branches[0]))
        return match_fixed(branches, chars, fits)
    return _regex_ok(raw, pattern)


def _regex_ok(raw: pa.Array, pattern: str) -> np.ndarray:
    """RE2 is stricter than Python (ASCII classes, a true end anchor); if it cannot compile, prove nothing."""
    try:
        return _matches(raw, f"^(?:^{pattern}$)")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.zeros(len(raw), dtype=bool)


def _plain_integers(raw: pa.Array) -> np.ndarray:
    """Cells that are an optional minus and 1 to 18 ASCII digits (safe for int64)."""
    negative = pc.starts_with(raw, "-")
    body = pc.if_else(negative, pc.utf8_slice_codeunits(raw, 1), raw)
    short = pc.less_equal(pc.binary_length(body), 18)
    return _mask(pc.and_(pc.ascii_is_decimal(body), short))


CAST_SLICE = 4096
INTEGER_BYTES = np.zeros(256, dtype=bool)
INTEGER_BYTES[list(b"0123456789-")] = True
NUMBER_BYTES = INTEGER_BYTES.copy()
NUMBER_BYTES[list(b".eE+")] = True


def _only_bytes(array: pa.Array, allowed: np.ndarray) -> bool:
    """Whether every byte of every cell is in ``allowed`` (one pass over Arrow's data buffer)."""
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    if data_buffer is None or offsets[-1] == offsets[0]:
        return True
    return bool(allowed[np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]].all())


def _strict_cast(array: pa.Array, to_type: pa.DataType, allowed: np.ndarray) -> pa.Array | None:
    """Arrow's cast when it succeeds on cells made only of ``allowed`` bytes (it also takes "0x10" as an
    integer and "inf" as a number, which Python rejects or treats apart), else None."""
    if not _only_bytes(array, allowed):
        return None
    try:
        return pc.cast(array, to_type)
    except (pa.ArrowInvalid, ValueError):
        return None


def _cast_proven(
    raw: pa.Array,
    missing: np.ndarray,
    to_type: pa.DataType,
    allowed: np.ndarray,
    slow: Callable[[pa.Array], np.ndarray],
) -> tuple[np.ndarray, pa.Array]:
    """Prove non-missing cells by a strict cast; a cast fails as a whole on one bad cell, so failing
    slices are proven cell by cell with ``slow`` instead."""
    filled = _safe(raw, ~missing, "0")
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
            parts.append(pc.cast(_safe(part, part_ok, "0"), to_type))
            oks.append(part_ok)
    return np.concatenate(oks), pa.concat_arrays(parts)


def check_integer(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if field.has_defined("bare_number") and not field.bare_number:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, values = _cast_proven(raw, missing, pa.int64(), INTEGER_BYTES, _plain_integers)
    ok = _bounds(field, values, ok, lambda v: pa.scalar(int(v), pa.int64()))
    if "enum" in field.constraints:
        allowed = [field.read_cell(v)[0] for v in field.constraints["enum"]]
        ok &= _mask(pc.is_in(values, pa.array([int(v) for v in allowed if v is not None], pa.int64())))
    return Checked(ok, lambda: values.to_numpy().view(np.uint64))


def check_number(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    custom = {"bare_number", "group_char", "decimal_char", "float_number"} & set(field.list_defined())
    if custom or "enum" in field.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, values = _cast_proven(raw, missing, pa.float64(), NUMBER_BYTES, lambda part: _matches(part, NUMBER_RE))
    for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if name in field.constraints:
            # A float equal (or nearly) to the bound may differ as a Decimal: leave it to frictionless.
            bound = float(field.constraints[name])
            ok &= _mask(pc.greater(pc.abs(pc.subtract(values, bound)), 1e-9 * max(1.0, abs(bound))))
    ok = _bounds(field, values, ok, lambda v: pa.scalar(float(v), pa.float64()))
    return Checked(ok, lambda: (values.to_numpy() + 0.0).view(np.uint64))


def check_boolean(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if "enum" in field.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    true = pa.array([str(v) for v in field.true_values], pa.string())
    false = pa.array([str(v) for v in field.false_values], pa.string())
    ok = _mask(pc.is_in(raw, pa.concat_arrays([true, false]))) & ~missing
    return Checked(ok, lambda: _mask(pc.is_in(raw, true)).astype(np.uint64))


def _char_columns(raw: pa.Array, width: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Byte ``p`` of every ``width``-byte cell, for each position ``p``, and which cells have that width.

    When every cell has the width (the usual case) this is a zero-copy view of Arrow's data buffer."""
    validity, offsets_buffer, data_buffer = raw.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[raw.offset : raw.offset + len(raw) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    fits = np.diff(offsets) == width
    if validity is not None:
        fits &= np.asarray(raw.is_valid())
    n = len(raw)
    if fits.all():
        matrix = data[offsets[0] : offsets[0] + n * width].reshape(n, width)
        return [matrix[:, p] for p in range(width)], fits
    if data.size < width:
        data = np.zeros(width, dtype=np.uint8)
    starts = np.where(fits, offsets[:-1], 0)
    return [data[starts + p] for p in range(width)], fits


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm, vectorised)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _iso_layout(raw: pa.Array, missing: np.ndarray, separators: dict[int, str]) -> tuple[np.ndarray, np.ndarray]:
    """Prove cells written exactly as YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS) with a real calendar date and time.

    Python's strptime and dateutil's isoparse accept every such cell; anything else is left unproven.
    Returns (proven, seconds since the epoch)."""
    width = max(separators) + 3
    chars, ok = _char_columns(raw, width)
    ok &= ~missing
    for position, char in separators.items():
        ok &= chars[position] == ord(char)
    digits = [(chars[i] - 48).astype(np.int64) for i in range(width) if i not in separators]
    for digit in digits:
        ok &= digit <= 9  # uint8 arithmetic wrapped anything below "0" above 9
    year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
    month, day = digits[4] * 10 + digits[5], digits[6] * 10 + digits[7]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = DAYS_IN_MONTH[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    seconds = _days_from_civil(year, month, day) * 86400
    if width > 10:
        hour, minute, second = (digits[i] * 10 + digits[i + 1] for i in (8, 10, 12))
        ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
        seconds = seconds + hour * 3600 + minute * 60 + second
    return ok, seconds


def check_date(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    if field.format not in ("default", None) or "enum" in field.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, seconds = _iso_layout(raw, missing, {4: "-", 7: "-"})
    days = seconds // 86400
    tests = {
        "minimum": np.greater_equal,
        "maximum": np.less_equal,
        "exclusiveMinimum": np.greater,
        "exclusiveMaximum": np.less,
    }
    for name, compare in tests.items():
        if name in field.constraints:
            bound = field.read_cell(field.constraints[name])[0]
            ok &= compare(days, (bound - EPOCH).days)
    return Checked(ok, lambda: days.view(np.uint64))


def check_datetime(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    bounded = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"} & set(field.constraints)
    if field.format not in ("default", None) or bounded:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, seconds = _iso_layout(raw, missing, {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"})
    return Checked(ok, lambda: seconds.view(np.uint64))


def check_year(field: Field, raw: pa.Array, missing: np.ndarray) -> Checked:
    ok = _matches(raw, YEAR_RE) & ~missing
    values = pc.cast(_safe(raw, ok, "0"), pa.int64())
    ok = _bounds(field, values, ok, lambda v: pa.scalar(int(v), pa.int64()))
    if "enum" in field.constraints:
        ok &= False
    return Checked(ok, lambda: values.to_numpy().view(np.uint64))


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
    """64-bit hashes of strings (pandas' SipHash), used as uniqueness keys.

    Distinct strings collide with probability about n^2 / 2^65 (3e-8 for a million values)."""
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
