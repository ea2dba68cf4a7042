"""Repeat callers to police and fire: who calls again and again, released only as a synthetic look-alike.

The raw extracts are the control rooms' call logs, with callers' phone numbers, names, dates of birth and
call-takers' notes. Phone numbers become keyed pseudonyms (the key stays with the partner) so repeat contact
can be counted; names and notes are never mapped; the real rows never leave: the catalogue gets synthetic rows
that passed the privacy gate, with the report that shows how close they are and how safe.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from publishers.framework import Catalogue, Column, Input, Link, PublisherSpec, Rejects, Source, Synthetic
from publishers.framework import transforms as t

RECEIVED = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
CHANNELS = {
    "999": "phone-999", "emergency": "phone-999", "101": "phone-101", "non-emergency": "phone-101",
    "phone": "phone-other", "telephone": "phone-other", "online": "online", "web": "online", "email": "email",
    "e-mail": "email", "front counter": "in-person", "in person": "in-person", "walk-in": "in-person",
}  # fmt: skip
SEXES = {"f": "female", "female": "female", "m": "male", "male": "male", "u": "not-known", "unknown": "not-known",
         "not known": "not-known", "x": "other", "other": "other"}  # fmt: skip
AGE_BANDS = [(0, "0-17"), (18, "18-24"), (25, "25-34"), (35, "35-44"), (45, "45-54"), (55, "55-64"), (65, "65-74"),
             (75, "75+")]  # fmt: skip
REPEAT_AT = 3  # contacts in 12 months that make a repeat caller


def _columns(agency: str) -> tuple[Column, ...]:
    return (
        Column("contact_id", ("Call Ref", "Incident Ref", "Log Number")),
        Column("agency", value=agency),
        Column("contact_datetime", ("Received", "Call Received", "Call Time"), (t.datetime_(*RECEIVED),)),
        Column("channel", ("Channel", "Call Type", "Source"), (t.recode(CHANNELS, other="other"),)),
        Column("caller_key", ("Caller Phone", "Telephone", "Caller Number"), (t.pseudonym(),)),
        Column("contact_reason", ("Reason", "Call Reason", "Nature of Call")),
        # The date of birth rides in the age-band field until ``derive`` turns it into a band.
        Column(
            "caller_age_band", ("Caller DOB", "DOB", "Date of Birth"), (t.date("%d/%m/%Y", "%Y-%m-%d"),), required=False
        ),
        Column("caller_sex", ("Gender", "Sex", "Caller Gender"), (t.recode(SEXES, other="not-known"),), required=False),
        Column("lsoa_code", ("LSOA", "Incident LSOA", "LSOA code"), (t.nulls(), t.lsoa()), required=False),
        Column(
            "local_authority_code",
            ("LSOA", "Incident LSOA", "LSOA code"),
            (t.nulls(), t.authority_of_lsoa()),
            required=False,
        ),
        Column(
            "postcode_district", ("Caller Postcode", "Postcode"), (t.nulls(), t.postcode_district()), required=False
        ),
        Column(
            "duration_seconds", ("Duration (s)", "Call Duration Seconds", "Duration"), (t.integer(),), required=False
        ),
        Column("outcome", ("Outcome", "Result", "Disposal"), required=False),
    )


POLICE_CALLS = Input(
    Source("contacts/police-calls-*.csv", header_contains=("Call Ref", "Caller Phone")),
    _columns("North Yorkshire Police"),
)
FIRE_CALLS = Input(
    Source("contacts/fire-control-calls.xlsx", sheet="Calls", header_contains=("Incident Ref", "Telephone")),
    _columns("North Yorkshire Fire and Rescue Service"),
)


def repeat_contacts(frame: pd.DataFrame) -> pd.DataFrame:
    """Contacts by the same caller in the 12 months up to each contact, the repeat flag, and age bands."""
    frame = frame.copy()
    when = pd.to_datetime(frame["contact_datetime"], errors="coerce")
    counts = np.ones(len(frame), dtype=np.int64)
    order = np.lexsort((when.to_numpy(), frame["caller_key"].to_numpy(dtype=str)))
    keys = frame["caller_key"].to_numpy(dtype=str)[order]
    times = when.to_numpy()[order]
    start = 0
    for end in range(1, len(order) + 1):
        if end == len(order) or keys[end] != keys[start]:
            block = times[start:end]
            earliest = np.searchsorted(block, block - np.timedelta64(365, "D"), side="left")
            counts[order[start:end]] = np.arange(end - start) - earliest + 1
            start = end
    frame["contacts_by_caller_12m"] = counts.astype(str)
    frame["repeat_caller"] = np.where(counts >= REPEAT_AT, "true", "false")
    frame["caller_age_band"] = _age_bands(frame["caller_age_band"], when)
    return frame


def _age_bands(born: pd.Series, at: pd.Series) -> pd.Series:
    birth = pd.to_datetime(born.where(born.ne(""), None), errors="coerce")
    years = (at.dt.year - birth.dt.year) - (
        (at.dt.month < birth.dt.month) | ((at.dt.month == birth.dt.month) & (at.dt.day < birth.dt.day))
    )
    bands = pd.Series("", index=born.index, dtype=object)
    for low, label in AGE_BANDS:
        bands[years.ge(low).fillna(False).to_numpy(dtype=bool)] = label
    return bands


SPEC = PublisherSpec(
    name="repeat-callers-police-fire",
    schema="contacts-repeat-callers",
    inputs=(POLICE_CALLS, FIRE_CALLS),
    release=Synthetic(seed=11),
    rejects=Rejects("quarantine", max_share=0.02),
    derive=repeat_contacts,
    description="Calls to police and fire control rooms and repeat callers (synthetic only)",
    catalogue=Catalogue(
        title="Repeat callers to police and fire (synthetic)",
        summary=(
            "Calls to the police and fire control rooms, with how often the same caller got in touch in the "
            "previous 12 months: the repeat-callers pilot. Callers are people, so only a synthetic look-alike is "
            "published."
        ),
        organization="north-yorkshire-police",
        frequency="quarterly",
        themes=("crime-and-justice", "emergency-services"),
        tags=("repeat-callers", "contacts", "synthetic-data"),
        temporal_field="contact_datetime",
        sources=(Link("NYP command and control call log"), Link("NYFRS control room call log")),
        contact_name="NYP Information Management",
        contact_email="data@northyorkshire.police.example.org",
    ),
)

if __name__ == "__main__":  # pragma: no cover
    from publishers.cli import main

    main(["run", "repeat-callers"])
