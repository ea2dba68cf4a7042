"""Numbers: kept as floats; spikes (values held by many rows, such as zero) are never smoothed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.base import FieldCodec, clip_to_bounds, max_defined, min_defined, missing_mask

SPIKE_SHARE = 0.01
MIN_DISTINCT_TO_SMOOTH = 30


class NumberCodec(FieldCodec):
    kind = "numeric"
    max_decimals = 6

    def parse(self, column: pd.Series) -> pd.Series:
        missing = missing_mask(column)
        parsed = pd.to_numeric(column.where(~missing), errors="coerce").astype(float)
        bad = parsed.isna() & ~missing
        if bad.any():
            raise self.fail(column, bad, "numbers")
        if self.spec.coarsen_to:
            step = self.spec.coarsen_to
            parsed = np.floor(parsed / step) * step + step / 2
        return parsed

    def fit(self, values: pd.Series) -> NumberCodec:
        finite = values.dropna().to_numpy(dtype=float)
        self.decimals = _decimals(finite, self.max_decimals)
        counts = pd.Series(finite).value_counts(normalize=True)
        self.spikes = counts.index[counts >= SPIKE_SHARE].to_numpy(dtype=float)
        self.smoothable = len(counts) >= MIN_DISTINCT_TO_SMOOTH
        self.low = float(finite.min()) if finite.size else None
        self.high = float(finite.max()) if finite.size else None
        return self

    def smooth(self, values: np.ndarray, leaf_sd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if not self.smoothable:
            return values
        noisy = values + rng.standard_normal(values.size) * leaf_sd
        keep = np.isnan(values) | np.isin(values, self.spikes)
        return np.where(keep, values, noisy)

    def finish(self, values: np.ndarray) -> np.ndarray:
        low = max_defined(self.spec.minimum, self.low)
        high = min_defined(self.spec.maximum, self.high)
        return np.round(clip_to_bounds(values, low, high), self.decimals)

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype="float64")


def _decimals(values: np.ndarray, cap: int) -> int:
    for d in range(cap + 1):
        if np.allclose(values, np.round(values, d), rtol=0, atol=1e-9):
            return d
    return cap
