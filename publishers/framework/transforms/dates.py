"""Dates, date-times and months in any of several formats, written as ISO 8601."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from publishers.framework.transforms.base import Transform, arrow_text, text_series


@dataclass(frozen=True, repr=False)
class _Dates(Transform):
    formats: tuple[str, ...]
    output: str
    label: str

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a {self.label} like {' or '.join(self.formats)}"

    def apply(self, values, ctx):
        """Each distinct text is parsed once (Arrow's dictionary encoding, no Python object per cell)."""
        text = arrow_text(values)
        present = pc.not_equal(text, "")
        if not pc.any(present).as_py():
            return values, np.zeros(len(values), dtype=bool)
        encoded = text.dictionary_encode()
        parsed = _parse_times(encoded.dictionary, self.formats)
        formatted = pc.strftime(parsed, format=self.output).cast(text.type).take(encoded.indices)
        bad = pc.and_(present, pc.is_null(formatted)).to_numpy(zero_copy_only=False)
        return text_series(formatted.fill_null(""), values.index), bad


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
