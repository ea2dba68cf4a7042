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

if TYPE_CHECKING:
    from publishers.framework.geography import Geography

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
EXCEL_NUMBER = r"^-?\d+(\.\d+)?[Ee][+-]?\d+$"


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
        keys = values.str.strip().str.lower()
        mapped = keys.map(lookup)
        known = _mask(mapped.notna()) | _mask(values.eq(""))
        if self.other is not None:
            return _text(mapped.fillna(self.other).where(values.ne(""), "")), np.zeros(len(values), dtype=bool)
        return _text(mapped.where(values.ne(""), "")), ~known


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
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        for fmt in self.formats:
            todo = present & _mask(parsed.isna())
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
        bad = present & _mask(parsed.isna())
        out = parsed.dt.strftime(self.output).fillna("")
        return _text(out), bad


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
        text = values.str.strip().str.replace(r"(?i)^(gbp|£|\u00a3)\s*|\s*(gbp)$", "", regex=True)
        text = text.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True).str.replace(" ", "", regex=False)
        negative = _mask(text.str.fullmatch(r"\(.*\)"))
        text = text.str.strip("()").str.replace(r"^[£\u00a3]", "", regex=True)
        plain = _mask(text.str.fullmatch(r"[-+]?\d+(\.\d+)?|[-+]?\.\d+"))
        scientific = _mask(text.str.fullmatch(r"[-+]?\d+(\.\d+)?[Ee][-+]?\d+"))
        out = text.copy()
        if scientific.any():
            out[scientific] = [_plain_decimal(v) for v in text[scientific]]
        out = out.str.lstrip("+")
        out[negative & (plain | scientific)] = "-" + out[negative & (plain | scientific)].str.lstrip("-")
        present = _mask(values.str.strip().ne(""))
        return _text(out.where(present, "")), present & ~(plain | scientific)


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
        text = values.str.strip().str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
        text = text.str.replace(r"^([-+]?\d+)\.0+$", r"\1", regex=True)
        pattern = rf"[-+]?\d{{1,{self.max_digits}}}" if self.max_digits else r"[-+]?\d+"
        ok = _mask(text.str.fullmatch(pattern))
        present = _mask(values.str.strip().ne(""))
        return _text(text.str.lstrip("+").where(present, "")), present & ~ok


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
