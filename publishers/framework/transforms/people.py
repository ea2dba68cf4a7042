"""Data about people: keyed pseudonyms, and payees who are individuals redacted."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from publishers.framework.transforms.base import Transform, _mask, _text


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
