"""Places: postcodes and districts, GSS area codes checked against the geography lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from publishers.framework.transforms.base import Transform, _mask, _text

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")


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


class AuthorityOfLsoa(Transform):
    """The local authority an LSOA lies in, from the geography lookup (empty when no lookup is loaded)."""

    expected = "an LSOA code the geography lookup places in a local authority"

    def apply(self, values, ctx):
        if ctx.geography is None or not ctx.geography.lsoa_authority:
            return _text(values.where(values.eq(""), "")), np.zeros(len(values), dtype=bool)
        return _text(ctx.geography.authority_of(values.str.strip().str.upper())), np.zeros(len(values), dtype=bool)


def authority_of_lsoa() -> AuthorityOfLsoa:
    return AuthorityOfLsoa()
