"""What every transform shares: the context it may need, the base class, and column helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

if TYPE_CHECKING:
    from publishers.framework.geography import Geography


@dataclass
class Context:
    """What transforms may need beyond the cell: the geography lookups and the partner's secret key."""

    geography: Geography | None = None
    secret: bytes = b""
    file: str = ""
    notes: list[str] = field(default_factory=list)


def _mask(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=bool, na_value=False)


def _text(values: pd.Series) -> pd.Series:
    return values.astype(pd.StringDtype("pyarrow")).fillna("")


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array ("" for missing), without a Python object per cell."""
    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        values = _text(values)
    array = pa.array(values.array)
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    return array.fill_null("") if array.null_count else array


def text_series(array: pa.Array, index: pd.Index) -> pd.Series:
    """An Arrow string array as a text column on ``index``."""
    return pd.Series(ArrowStringArray(pa.chunked_array([array])), index=index)


def _per_unique(values: pd.Series, todo: np.ndarray, parse) -> tuple[pd.Series, np.ndarray]:  # noqa: ANN001
    """Run a Python ``parse`` (text -> text or None) once per distinct value among the ``todo`` cells only, so
    the common case (cells already clean) costs one vectorised check and no Python per cell."""
    bad = np.zeros(len(values), dtype=bool)
    if not todo.any():
        return values, bad
    codes, uniques = pd.factorize(values[todo].to_numpy(dtype=object))
    parsed = [parse(u) for u in uniques]
    fixed = np.array(["" if p is None else p for p in parsed] + [""], dtype=object)[codes]
    out = values.copy()
    out[todo] = fixed
    bad[todo] = np.array([p is None for p in parsed] + [True], dtype=bool)[codes]
    return _text(out), bad


class Transform:
    """Base: ``apply`` returns (values, bad cells). ``expected`` says what a good cell looks like."""

    expected = "a valid value"

    def apply(self, values: pd.Series, ctx: Context) -> tuple[pd.Series, np.ndarray]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
