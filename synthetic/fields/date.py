"""Dates: modelled as days since 1970 so trees see order; donor dates keep month and weekday seasonality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.base import FieldCodec, clip_to_bounds, missing_mask

DAY_NS = 86_400 * 10**9


def parse_datetimes(codec: FieldCodec, column: pd.Series) -> pd.Series:
    """Parse with the schema's strptime format (or ISO 8601 for default/any); report bad rows."""
    missing = missing_mask(column)
    fmt = codec.spec.format
    kwargs = {"format": fmt} if fmt not in ("default", "any", None) else {"format": "ISO8601"}
    if fmt == "any":
        kwargs = {"format": "mixed"}
    source = column.where(~missing)
    if pd.api.types.is_datetime64_any_dtype(source):
        parsed = pd.to_datetime(source)
    else:
        parsed = pd.to_datetime(source.astype(object), errors="coerce", **kwargs)
    bad = parsed.isna() & ~missing
    if bad.any():
        raise codec.fail(column, bad, f"{codec.spec.type}s in format {fmt!r}")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def bound_ns(value: object) -> float | None:
    return None if value is None else float(pd.Timestamp(value).value)


class DateCodec(FieldCodec):
    kind = "numeric"

    def parse(self, column: pd.Series) -> pd.Series:
        parsed = parse_datetimes(self, column).dt.normalize()
        ns = parsed.astype("int64").astype(float).where(parsed.notna())
        return ns / DAY_NS

    def finish(self, values: np.ndarray) -> np.ndarray:
        low, high = bound_ns(self.spec.minimum), bound_ns(self.spec.maximum)
        return clip_to_bounds(
            np.floor(values),
            None if low is None else np.ceil(low / DAY_NS),
            None if high is None else np.floor(high / DAY_NS),
        )

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(values * DAY_NS, unit="ns"), dtype="datetime64[ns]")
