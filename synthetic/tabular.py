"""Shared helpers that put real and synthetic frames on the same footing for metrics, gate and report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.fields.base import clean_text
from synthetic.schema import FieldSpec, TableSpec

NUMERIC_TYPES = ("number", "integer", "year", "date", "datetime")


def comparable_fields(table: TableSpec) -> list[FieldSpec]:
    """Fields worth comparing: learned ones (fresh identifiers and dropped text say nothing of fidelity)."""
    return table.learned


def is_numeric(spec: FieldSpec) -> bool:
    return spec.type in NUMERIC_TYPES


def numeric_values(column: pd.Series, spec: FieldSpec) -> np.ndarray:
    """Numbers as floats; dates and datetimes as seconds since 1970; NaN for missing or unparseable."""
    if spec.type in ("date", "datetime"):
        parsed = pd.to_datetime(column, errors="coerce", format="mixed")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        parsed = parsed.astype("datetime64[ns]")
        return np.where(parsed.isna(), np.nan, parsed.astype("int64") / 1e9)
    return pd.to_numeric(column, errors="coerce").astype(float).to_numpy()


def category_values(column: pd.Series) -> pd.Series:
    """Categories as stripped strings, missing as None (so it counts as a category where metrics want it)."""
    return clean_text(column).reset_index(drop=True)


def _boolean_labels(column: pd.Series, spec: FieldSpec) -> pd.Series:
    from synthetic.fields.boolean import BooleanCodec

    try:
        parsed = BooleanCodec(spec).parse(column)
    except ValueError:
        return category_values(column)
    return parsed.map({True: "true", False: "false"}).astype(object).where(parsed.notna(), None)


def aligned(real: pd.DataFrame, synth: pd.DataFrame, table: TableSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames with numeric fields as floats and categorical ones as strings, index reset."""
    return _normalise(real, table), _normalise(synth, table)


def _normalise(df: pd.DataFrame, table: TableSpec) -> pd.DataFrame:
    data = {}
    for spec in comparable_fields(table):
        column = df[spec.name].reset_index(drop=True)
        if is_numeric(spec):
            data[spec.name] = numeric_values(column, spec)
        elif spec.type == "boolean":
            data[spec.name] = _boolean_labels(column, spec)
        else:
            data[spec.name] = category_values(column)
    return pd.DataFrame(data)


def frame_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hash per row of a normalised frame, for exact-copy checks shared by the model and the gate."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    return pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()


def normalise(df: pd.DataFrame, table: TableSpec) -> pd.DataFrame:
    """One frame with numeric fields as floats and categorical ones as strings (see ``aligned``)."""
    return _normalise(df, table)
