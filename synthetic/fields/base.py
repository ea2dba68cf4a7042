"""What every field codec does: turn real values into model values and model values back into typed output.

Model values are either ``numeric`` (float64, NaN for missing) or ``categorical`` (strings or booleans, None
for missing). Codecs are fitted on the real column so they can remember e.g. the decimal precision to write
back."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from synthetic.schema import FieldSpec, SchemaError


class FieldCodec:
    """Base class; subclasses set ``kind`` and override ``parse``/``to_output``."""

    kind: ClassVar[str] = "numeric"

    def __init__(self, spec: FieldSpec) -> None:
        self.spec = spec

    def fit(self, values: pd.Series) -> FieldCodec:
        """Learn output details (such as precision) from parsed real values."""
        return self

    def parse(self, column: pd.Series) -> pd.Series:
        """Real column to model values; raise SchemaError with the first bad rows."""
        raise NotImplementedError

    def finish(self, values: np.ndarray) -> np.ndarray:
        """Bring sampled model values inside the constraints at the output's precision (model space)."""
        return values

    def to_output(self, values: np.ndarray) -> pd.Series:
        """Finished model values (or category labels) to a column of the schema's type."""
        raise NotImplementedError

    def smooth(self, values: np.ndarray, leaf_sd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Perturb sampled donor values so rows are not stitched from exact real values; default: none."""
        return values

    def fail(self, column: pd.Series, bad: pd.Series, expected: str) -> SchemaError:
        rows = list(column.index[bad.to_numpy()][:5])
        examples = [column.loc[r] for r in rows[:3]]
        return SchemaError(
            f"column {self.spec.name!r}: {int(bad.sum())} value(s) are not {expected}, first at rows {rows} "
            f"(e.g. {examples!r}); fix the data or the field's type in the schema"
        )


def clean_text(column: pd.Series) -> pd.Series:
    """Values as stripped strings (object dtype), None where missing (null, empty or blank). Works on the
    distinct values only, so it stays fast on a million rows."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    stripped = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    stripped[stripped == ""] = None
    return pd.Series(stripped[codes], index=column.index, dtype=object)


def missing_mask(column: pd.Series) -> pd.Series:
    """Missing means null or an empty/blank string."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column.isna()
    return clean_text(column).isna()


def clip_to_bounds(values: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    out = values.astype(float, copy=True)
    finite = ~np.isnan(out)
    if low is not None:
        out[finite] = np.maximum(out[finite], float(low))
    if high is not None:
        out[finite] = np.minimum(out[finite], float(high))
    return out


def max_defined(*values: float | None) -> float | None:
    defined = [float(v) for v in values if v is not None]
    return max(defined) if defined else None


def min_defined(*values: float | None) -> float | None:
    defined = [float(v) for v in values if v is not None]
    return min(defined) if defined else None
