"""Dates, date-times and months in any of several formats, written as ISO 8601."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from publishers.framework.transforms.base import Transform, _mask, _text


@dataclass(frozen=True, repr=False)
class _Dates(Transform):
    formats: tuple[str, ...]
    output: str
    label: str

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a {self.label} like {' or '.join(self.formats)}"

    def apply(self, values, ctx):
        present = _mask(values.ne(""))
        bad = np.zeros(len(values), dtype=bool)
        if not present.any():
            return values, bad
        codes, uniques = pd.factorize(values[present].to_numpy(dtype=object))
        parsed = _parse_times(pa.array(uniques, pa.string()), self.formats)
        formatted = pc.strftime(parsed, format=self.output).to_numpy(zero_copy_only=False)
        known = np.append(formatted, None)[codes]
        out = values.copy()
        out[present] = np.where(pd.isna(known), "", known)
        bad[present] = pd.isna(known)
        return _text(out), bad


def _parse_times(texts: pa.Array, formats: tuple[str, ...]) -> pa.Array:
    """Each text parsed with the first format that reads it (Arrow's parser; Python's for what it cannot)."""
    parsed = pa.nulls(len(texts), pa.timestamp("s"))
    for fmt in formats:
        todo = pc.is_null(parsed)
        if not pc.any(todo).as_py():
            break
        attempt = pc.strptime(texts, format=fmt, unit="s", error_is_null=True)
        attempt = pc.if_else(pc.greater_equal(pc.year(attempt), 1000), attempt, None)  # '14' is not a year 14
        if "%b" in fmt or "%B" in fmt or "%p" in fmt:
            fallback = pd.to_datetime(texts.to_pandas(), format=fmt, errors="coerce").astype("datetime64[s]")
            attempt = pc.coalesce(attempt, pa.array(fallback, pa.timestamp("s")))
        parsed = pc.if_else(todo, attempt, parsed)
    return parsed


def date(*formats: str) -> _Dates:
    """Dates in any of ``formats`` (strptime codes) to ISO 8601 ``YYYY-MM-DD``."""
    return _Dates(formats or ("%Y-%m-%d",), "%Y-%m-%d", "date")


def datetime_(*formats: str) -> _Dates:
    """Dates and times to ISO 8601 ``YYYY-MM-DDTHH:MM:SS`` (local time, as the source recorded it)."""
    return _Dates(formats or ("%Y-%m-%dT%H:%M:%S",), "%Y-%m-%dT%H:%M:%S", "date and time")


def month(*formats: str) -> _Dates:
    """Dates or months to ``YYYY-MM``."""
    return _Dates(formats or ("%Y-%m",), "%Y-%m", "month")
