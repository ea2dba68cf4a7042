"""Integers: numbers written back as nullable integers (so many-zeros spikes and bounds survive exactly)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.number import NumberCodec


class IntegerCodec(NumberCodec):
    max_decimals = 0

    def parse(self, column: pd.Series) -> pd.Series:
        parsed = super().parse(column)
        fractional = parsed.notna() & (parsed != np.round(parsed))
        if fractional.any() and not self.spec.coarsen_to:
            raise self.fail(column, fractional, "whole numbers")
        return parsed

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype="float64").astype("Int64")
