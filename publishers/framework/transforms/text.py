"""Text transforms: placeholders for no value, case, codes, recoding, patterns, Excel's damage to bands."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from publishers.framework.transforms.base import Transform, _mask, _text


@dataclass(frozen=True, repr=False)
class Nulls(Transform):
    """Placeholders a system writes for 'no value' ("NULL", "N/A", "-") become empty cells."""

    tokens: tuple[str, ...] = ("NULL", "null", "N/A", "n/a", "NA", "#N/A", "-", "None")

    def apply(self, values, ctx):
        return values.where(~values.isin(list(self.tokens)), ""), np.zeros(len(values), dtype=bool)


def nulls(*tokens: str) -> Nulls:
    return Nulls(tokens) if tokens else Nulls()


@dataclass(frozen=True, repr=False)
class _Case(Transform):
    how: str = "upper"

    def apply(self, values, ctx):
        return (values.str.upper() if self.how == "upper" else values.str.lower()), np.zeros(len(values), dtype=bool)


def upper() -> Transform:
    return _Case("upper")


def lower() -> Transform:
    return _Case("lower")


class Slug(Transform):
    """Free labels to stable codes: 'Anti-social behaviour' -> 'anti-social-behaviour'."""

    def apply(self, values, ctx):
        out = values.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
        return out, np.zeros(len(values), dtype=bool)


def slug() -> Slug:
    return Slug()


@dataclass(frozen=True, repr=False)
class Map(Transform):
    """Recode values through a table (matched without case or surrounding spaces); unknown values are
    problems unless ``other`` is given, which then replaces them."""

    table: tuple[tuple[str, str], ...]
    other: str | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(sorted({k for k, _ in self.table})[:12])

    def apply(self, values, ctx):
        lookup = {k.strip().lower(): v for k, v in self.table}
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        targets = [lookup.get(str(u).strip().lower(), self.other) if str(u).strip() else "" for u in uniques]
        mapped = np.array(["" if v is None else v for v in targets] + [""], dtype=object)[codes]
        bad = np.array([v is None for v in targets] + [False], dtype=bool)[codes]
        return _text(pd.Series(mapped, index=values.index)), bad


def recode(table: dict[str, str], other: str | None = None) -> Map:
    return Map(tuple(table.items()), other)


class ExcelBands(Transform):
    """Undo Excel's habit of reading age bands as dates: 'Oct-17' was '10-17', '18-Jan' was '18-1'."""

    MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

    def apply(self, values, ctx):
        def fix(text: str) -> str:
            match = re.fullmatch(r"([A-Za-z]{3})-(\d{1,2})", text.strip())
            if match and match[1].lower() in self.MONTHS:
                return f"{self.MONTHS[match[1].lower()]}-{int(match[2])}"
            match = re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})", text.strip())
            if match and match[2].lower() in self.MONTHS:
                return f"{int(match[1])}-{self.MONTHS[match[2].lower()]}"
            return text

        codes, uniques = pd.factorize(values)
        fixed = np.array([fix(u) for u in uniques] + [""], dtype=object)
        return _text(pd.Series(fixed[codes], index=values.index)), np.zeros(len(values), dtype=bool)


def excel_bands() -> ExcelBands:
    return ExcelBands()


@dataclass(frozen=True, repr=False)
class Pattern(Transform):
    """Keep a regex group (e.g. the code in 'N1 Abuse or neglect'); cells without a match are problems."""

    regex: str
    group: int = 1
    what: str = "a value matching the expected pattern"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.what

    def apply(self, values, ctx):
        found = values.str.extract(self.regex, expand=False) if re.compile(self.regex).groups else None
        if found is None:
            raise ValueError(f"pattern {self.regex!r} needs a capturing group")
        present = _mask(values.str.strip().ne(""))
        return _text(found.fillna("")), present & _mask(found.isna())


def extract(regex: str, what: str = "a value matching the expected pattern") -> Pattern:
    return Pattern(regex, 1, what)
