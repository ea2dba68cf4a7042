"""Vectorised proofs for ISO dates and datetimes, by calendar arithmetic on the raw bytes.

Cells written exactly as YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS) with a real calendar date and time are accepted
by Python's strptime and dateutil's isoparse, which frictionless uses; anything else is left unproven.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from .patterns import char_columns
from .spec import FieldSpec

EPOCH = date(1970, 1, 1)
DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
BOUND_TESTS = {
    "minimum": np.greater_equal,
    "maximum": np.less_equal,
    "exclusiveMinimum": np.greater,
    "exclusiveMaximum": np.less,
}


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm, vectorised)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _two(chars: list[np.ndarray], at: int) -> np.ndarray:
    return chars[at].astype(np.int32) * 10 + chars[at + 1] - 528  # 528 = 11 * ord("0")


def iso_layout(raw: pa.Array, missing: np.ndarray, separators: dict[int, str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Prove cells laid out as YYYY-MM-DD[THH:MM:SS] with a real date and time.

    Returns (proven, [year, month, day(, hour, minute, second)]) as int32 arrays (zero where not proven)."""
    width = max(separators) + 3
    chars, chosen = char_columns(raw, width)
    ok = np.ones(len(chars[0]), dtype=bool)
    for position in range(width):
        if position in separators:
            ok &= chars[position] == ord(separators[position])
        else:
            ok &= (chars[position] - np.uint8(48)) <= np.uint8(9)  # wraps anything below "0" above 9
    year = _two(chars, 0) * 100 + _two(chars, 2)
    month, day = _two(chars, 5), _two(chars, 8)
    leap = (year & 3 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = DAYS_IN_MONTH[np.clip(month, 0, 12)] + ((month == 2) & leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    parts = [year, month, day]
    if width > 10:
        parts += [_two(chars, 11), _two(chars, 14), _two(chars, 17)]
        ok &= (parts[3] <= 23) & (parts[4] <= 59) & (parts[5] <= 59)
    if chosen is None:
        return ok & ~missing, parts
    # Some cells have another length: spread the results over all cells.
    proven = np.zeros(len(raw), dtype=bool)
    proven[chosen] = ok
    full = [np.zeros(len(raw), dtype=np.int32) for _ in parts]
    for target, part in zip(full, parts, strict=True):
        target[chosen] = part
    return proven & ~missing, full


def _days(parts: list[np.ndarray]) -> np.ndarray:
    return _days_from_civil(parts[0].astype(np.int64), parts[1], parts[2])


def check_date(spec: FieldSpec, raw: pa.Array, missing: np.ndarray):
    from .columns import Checked

    bounded = [n for n in BOUND_TESTS if n in spec.constraints]
    if spec.format not in ("default", None) or "enum" in spec.constraints:
        return Checked(np.zeros(len(raw), dtype=bool))
    if any(spec.typed.get(n) is None for n in bounded):
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, parts = iso_layout(raw, missing, {4: "-", 7: "-"})
    if bounded:
        # Dates compare as YYYYMMDD numbers.
        ymd = parts[0] * 10000 + parts[1] * 100 + parts[2]
        for name in bounded:
            bound = spec.typed[name]
            ok &= BOUND_TESTS[name](ymd, bound.year * 10000 + bound.month * 100 + bound.day)
    return Checked(ok, lambda: _days(parts).view(np.uint64))


def check_datetime(spec: FieldSpec, raw: pa.Array, missing: np.ndarray):
    from .columns import Checked

    constrained = {*BOUND_TESTS, "enum"} & set(spec.constraints)
    if spec.format not in ("default", None) or constrained:
        return Checked(np.zeros(len(raw), dtype=bool))
    ok, parts = iso_layout(raw, missing, {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"})

    def seconds() -> np.ndarray:
        clock = parts[3].astype(np.int64) * 3600 + parts[4] * 60 + parts[5]
        return (_days(parts) * 86400 + clock).view(np.uint64)

    return Checked(ok, seconds)
