"""Booleans: two categories, read with the schema's trueValues/falseValues."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.base import FieldCodec, missing_mask

DEFAULT_TRUE = ("true", "True", "TRUE", "1", "yes", "Yes", "Y")
DEFAULT_FALSE = ("false", "False", "FALSE", "0", "no", "No", "N")


class BooleanCodec(FieldCodec):
    kind = "categorical"

    def parse(self, column: pd.Series) -> pd.Series:
        true_values = set(self.spec.extra.get("trueValues", DEFAULT_TRUE))
        false_values = set(self.spec.extra.get("falseValues", DEFAULT_FALSE))
        missing = missing_mask(column)
        text = column.astype("string").str.strip()
        # Plain numpy masks: pandas 3 keeps a string column's dtype through ``map``, so a Series of flags
        # built that way would be strings.
        values = column.to_numpy(dtype=object)
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in values), dtype=bool, count=len(values))
        truthy = (is_bool & (values == True)) | text.isin(true_values).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        falsy = (is_bool & (values == False)) | text.isin(false_values).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        bad = pd.Series(~(truthy | falsy | missing.to_numpy(dtype=bool)), index=column.index)
        if bad.any():
            raise self.fail(column, bad, f"booleans ({sorted(true_values)} / {sorted(false_values)})")
        out = pd.Series(np.where(truthy, True, False), index=column.index, dtype=object)
        out[missing.to_numpy()] = None
        return out

    def allows(self, value: object) -> bool:
        return False

    def to_output(self, values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype="boolean")
