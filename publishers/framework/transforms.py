"""Cell transforms a column mapping applies, vectorised over a whole column of strings.

Each transform returns the new values and a mask of cells it could not make sense of; those become
problems naming the file, row, column, value and what was expected. Empty cells stay empty: whether a value
is required is the standard schema's call, checked at validation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from publishers.framework.geography import Geography

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")


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


class Number(Transform):
    """Money and counts as plain decimals: '1,534.24', 'GBP 2,332', '£-45.00', '(120.50)' and Excel's
    '1.2E+03' all read; anything else is a problem."""

    expected = "a number such as 1534.24 (currency signs and thousands separators are fine)"

    def apply(self, values, ctx):
        text = values.str.strip()
        todo = _mask(text.ne("")) & ~_mask(text.str.fullmatch(r"-?\d+(\.\d+)?"))
        return _per_unique(text, todo, _number)


def _number(text: str) -> str | None:
    cleaned = re.sub(r"(?i)^(gbp|£)\s*|\s*gbp$", "", text.strip()).replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()").lstrip("£")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if re.fullmatch(r"[-+]?(\d+(\.\d+)?|\.\d+)", cleaned):
        plain = cleaned.lstrip("+")
    elif re.fullmatch(r"[-+]?\d+(\.\d+)?[Ee][-+]?\d+", cleaned):
        plain = _plain_decimal(cleaned)
    else:
        return None
    return "-" + plain.lstrip("-") if negative else plain


def _plain_decimal(text: str) -> str:
    from decimal import Decimal

    return format(Decimal(text).normalize(), "f")


def number() -> Number:
    return Number()


@dataclass(frozen=True, repr=False)
class Integer(Transform):
    """Whole numbers ('12', '12.0', '1,200'). An identifier that Excel turned into '1.00023E+11' has lost
    digits for good: it is a problem to re-export, never a value to guess."""

    max_digits: int | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        digits = f" of at most {self.max_digits} digits" if self.max_digits else ""
        return f"a whole number{digits} (if Excel shows 1.2E+11, re-export the column as text)"

    def apply(self, values, ctx):
        text = values.str.strip()
        digits = rf"-?\d{{1,{self.max_digits}}}" if self.max_digits else r"-?\d+"
        todo = _mask(text.ne("")) & ~_mask(text.str.fullmatch(digits))
        return _per_unique(text, todo, lambda t: self._integer(t, digits))

    @staticmethod
    def _integer(text: str, digits: str) -> str | None:
        cleaned = text.lstrip("+")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned):
            cleaned = cleaned.replace(",", "")
        cleaned = re.sub(r"^(-?\d+)\.0+$", r"\1", cleaned)
        return cleaned if re.fullmatch(digits, cleaned) else None


def integer(max_digits: int | None = None) -> Integer:
    return Integer(max_digits)


def uprn() -> Integer:
    """Unique Property Reference Number: a whole number of at most 12 digits."""
    return Integer(12)


def usrn() -> Integer:
    """Unique Street Reference Number: a whole number of at most 8 digits."""
    return Integer(8)


@dataclass(frozen=True, repr=False)
class Postcode(Transform):
    """UK postcodes in the Royal Mail form ('yo17hh' -> 'YO1 7HH'); ``district`` keeps the outward code."""

    district: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a UK postcode district such as YO1" if self.district else "a UK postcode such as YO1 7HH"

    def apply(self, values, ctx):
        squashed = values.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
        full = _mask(squashed.str.fullmatch(POSTCODE.pattern.strip("^$")))
        outward = squashed.str.slice(0, -3)
        present = _mask(values.str.strip().ne(""))
        if self.district:
            only_district = _mask(squashed.str.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?"))
            out = outward.where(full, squashed)
            return _text(out.where(present, "")), present & ~(full | only_district)
        out = outward + " " + squashed.str.slice(-3)
        return _text(out.where(present, "")), present & ~full


def postcode() -> Postcode:
    return Postcode(False)


def postcode_district() -> Postcode:
    return Postcode(True)


@dataclass(frozen=True, repr=False)
class Gss(Transform):
    """A GSS area code (LSOA E01/W01, ward E05, local authority E06-E09/W06). LSOA codes must also be in the
    geography lookup when one is loaded; ward and authority codes change every year or two, so a lookup of
    one vintage would reject another's valid codes: for them only the shape is checked."""

    kind: str = "lsoa"

    @property
    def expected(self) -> str:  # type: ignore[override]
        known = " known to the geography lookup" if self.kind == "lsoa" else ""
        return {"lsoa": "an LSOA code such as E01027558", "ward": "a ward code such as E05006000"}.get(
            self.kind, "a local authority code such as E06000014"
        ) + known

    def apply(self, values, ctx):
        text = values.str.strip().str.upper()
        pattern = {"lsoa": r"[EW]01\d{6}", "ward": r"[EW]05\d{6}"}.get(self.kind, r"(E0[6-9]|W06)\d{6}")
        ok = _mask(text.str.fullmatch(pattern))
        if ctx.geography is not None and self.kind == "lsoa":
            ok &= ctx.geography.known(self.kind, text)
        present = _mask(text.ne(""))
        return text, present & ~ok


def lsoa() -> Gss:
    return Gss("lsoa")


def ward() -> Gss:
    return Gss("ward")


def local_authority() -> Gss:
    return Gss("local_authority")


class Pseudonym(Transform):
    """A keyed hash (HMAC-SHA256, the partner's secret) so the same caller links across contacts without
    the phone number or name ever leaving the partner. Without the secret it cannot be reversed or rebuilt."""

    expected = "an identifier to pseudonymise"

    def apply(self, values, ctx):
        if not ctx.secret:
            raise ValueError("pseudonyms need the partner's secret key (PUBLISH_PSEUDONYM_KEY)")
        keys = values.str.upper().str.replace(r"[^A-Z0-9@.]", "", regex=True)
        codes, uniques = pd.factorize(keys)
        hashed = np.array([hmac.new(ctx.secret, u.encode(), hashlib.sha256).hexdigest() for u in uniques] + [""])
        out = pd.Series(hashed[codes], index=values.index, dtype=pd.StringDtype("pyarrow"))
        return out.where(keys.ne(""), ""), np.zeros(len(values), dtype=bool)


def pseudonym() -> Pseudonym:
    return Pseudonym()


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


INDIVIDUAL = re.compile(
    r"^(?:mr|mrs|ms|miss|mx|dr|prof|rev|sir|lady|master)\.?\s+[a-z]", re.IGNORECASE
)  # titled personal names
ORGANISATION = re.compile(
    r"\b(?:ltd|limited|plc|llp|llc|inc|co|company|council|trust|charity|association|society|services|group|"
    r"partnership|school|college|university|nhs|church|club|centre|center|hotel|bank|agency|authority|"
    r"department|ministry|board|fund|foundation|holdings|solutions|systems|consulting|consultants|& sons|"
    r"and sons|garage|motors|builders|contractors|supplies|design|media|studio|events|travel|housing|"
    r"cic|cio|t/a|trading as)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, repr=False)
class RedactIndividuals(Transform):
    """Payees who are private individuals become ``marker`` (Local Government Transparency Code 2015).

    A payee counts as an individual when the name is blank, carries a personal title ('Mr J Smith'), or is
    listed in the extract's own personal-data flag (mapped separately). Names of organisations are kept."""

    marker: str = "REDACTED PERSONAL DATA"

    def apply(self, values, ctx):
        text = values.str.strip()
        titled = _mask(text.str.contains(INDIVIDUAL.pattern, case=False, regex=True))
        organisation = _mask(text.str.contains(ORGANISATION.pattern, case=False, regex=True))
        redacted = _mask(text.str.upper().isin(["REDACTED", "REDACTED PERSONAL DATA", "PERSONAL DATA", ""]))
        person = (titled & ~organisation) | redacted
        if person.any():
            ctx.notes.append(f"{ctx.file}: {int(person.sum())} payee name(s) redacted as personal data")
        return _text(text.where(~pd.Series(person, index=text.index), self.marker)), np.zeros(len(values), dtype=bool)


def redact_individuals(marker: str = "REDACTED PERSONAL DATA") -> RedactIndividuals:
    return RedactIndividuals(marker)


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


class AuthorityOfLsoa(Transform):
    """The local authority an LSOA lies in, from the geography lookup (empty when no lookup is loaded)."""

    expected = "an LSOA code the geography lookup places in a local authority"

    def apply(self, values, ctx):
        if ctx.geography is None or not ctx.geography.lsoa_authority:
            return _text(values.where(values.eq(""), "")), np.zeros(len(values), dtype=bool)
        return _text(ctx.geography.authority_of(values.str.strip().str.upper())), np.zeros(len(values), dtype=bool)


def authority_of_lsoa() -> AuthorityOfLsoa:
    return AuthorityOfLsoa()
