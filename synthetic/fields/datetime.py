"""Datetimes: seconds since 1970; smoothing re-draws the minutes within the donor's hour, so hour, weekday
and month are kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.base import FieldCodec, clip_to_bounds, max_defined, min_defined
from synthetic.fields.date import bound_ns, parse_datetimes

HOUR = 3600.0


class DatetimeCodec(FieldCodec):
    kind = "numeric"

    def parse(self, column: pd.Series) -> pd.Series:
        parsed = parse_datetimes(self, column)
        return parsed.astype("int64").astype(float).where(parsed.notna()) / 1e9

    def fit(self, values: pd.Series) -> DatetimeCodec:
        finite = values.dropna().to_numpy()
        self.resolution = 60.0 if finite.size and np.all(finite % 60 == 0) else 1.0
        # The top- and bottom-coded extremes: re-drawn minutes must not carry a time past them.
        self.low = float(finite.min()) if finite.size else None
        self.high = float(finite.max()) if finite.size else None
        return self

    def smooth(self, values: np.ndarray, leaf_sd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        hour_start = np.floor(values / HOUR) * HOUR
        offset = np.floor(rng.random(values.size) * HOUR / self.resolution) * self.resolution
        return hour_start + offset

    def finish(self, values: np.ndarray) -> np.ndarray:
        low, high = bound_ns(self.spec.minimum), bound_ns(self.spec.maximum)
        low = max_defined(None if low is None else low / 1e9, self.low)
        high = min_defined(None if high is None else high / 1e9, self.high)
        seconds = clip_to_bounds(values, low, high)
        return np.round(seconds)

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(values, unit="s"), dtype="datetime64[ns]")
