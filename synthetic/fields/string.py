"""Strings: categories (rare ones merged before fitting); output always inside enum and pattern."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synthetic.fields.base import FieldCodec, clean_text


class StringCodec(FieldCodec):
    kind = "categorical"

    def parse(self, column: pd.Series) -> pd.Series:
        values = clean_text(column)
        if self.spec.enum is not None:
            allowed = {str(v) for v in self.spec.enum}
            bad = values.notna() & ~values.isin(allowed)
            if bad.any():
                raise self.fail(column, bad, f"in the enum {sorted(allowed)}")
        if self.spec.pattern:
            pattern = re.compile(self.spec.pattern)
            bad = values.map(lambda v: v is not None and not pattern.fullmatch(v)).astype(bool)
            if bad.any():
                raise self.fail(column, bad, f"matching the pattern {self.spec.pattern!r}")
        return values

    def allows(self, value: str) -> bool:
        """Whether a label (such as the merge label for rare categories) satisfies the constraints."""
        if self.spec.enum is not None and value not in {str(v) for v in self.spec.enum}:
            return False
        if self.spec.pattern and not re.fullmatch(self.spec.pattern, value):
            return False
        return True

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype=object)
