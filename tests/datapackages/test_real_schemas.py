"""Each standard schema is satisfiable by real published data mapped onto it, and rejects corrupted copies.

The mappings here are deliberately plain (rename, reformat dates, drop "NULL"); the publishers own the real
ones. Schemas with no public real data (contacts, children's social care) are checked with generated rows.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datapackages.schemas import load_schema
from datapackages.validate import validate_file

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
POLICE = "police_street_north_yorkshire/2019-01-north-yorkshire-street.csv"
LFB = "lfb_animal_rescue/Animal Rescue incidents attended by LFB from Jan 2009.csv"
WARDS = "ons_lsoa_lookups/Lower_Layer_Super_Output_Area_(2011)_to_Ward_(2019)_Lookup_in_England_and_Wales.csv"
IMD = "ons_lsoa_lookups/Index_of_Multiple_Deprivation_(December_2019)_Lookup_in_England.csv"


def _read(relative: str, **options) -> pd.DataFrame:
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"real data not available at {path} (needs ../shared beside the checkout)")
    return pd.read_csv(path, dtype=str, keep_default_na=False, **options)


def _conform(frame: pd.DataFrame, schema_name: str) -> pd.DataFrame:
    names = [f["name"] for f in load_schema(schema_name)["fields"]]
    return frame.reindex(columns=names, fill_value="")


def _errors(path: Path, schema: str) -> list[tuple]:
    report = validate_file(path, schema, limit_errors=100000)
    return [(e["type"], e.get("rowNumber"), e.get("fieldName"), e.get("cell")) for e in report["tasks"][0]["errors"]]


def _check(frame: pd.DataFrame, schema: str, tmp_path: Path, corrupt: dict[str, str]) -> None:
    """The mapped frame validates; a copy with one corrupted cell per named field does not, at that cell."""
    frame = _conform(frame, schema)
    good = tmp_path / f"{schema}.csv"
    frame.to_csv(good, index=False)
    errors = _errors(good, schema)
    assert errors == [], errors[:5]
    bad = frame.copy()
    for position, (field, value) in enumerate(corrupt.items(), start=1):
        bad.loc[bad.index[position], field] = value
    bad_path = tmp_path / f"{schema}-corrupt.csv"
    bad.to_csv(bad_path, index=False)
    found = {(row, field) for _, row, field, _ in _errors(bad_path, schema)}
    for position, field in enumerate(corrupt, start=1):
        assert (position + 2, field) in found, (field, sorted(found, key=str)[:5])


def police_incidents() -> pd.DataFrame:
    crimes = _read(POLICE)
    generated = "nyp-2019-01-" + crimes.index.astype(str)
    return pd.DataFrame(
        {
            "incident_id": crimes["Crime ID"].where(crimes["Crime ID"] != "", generated),
            "service": "police",
            "agency": crimes["Reported by"],
            "incident_month": crimes["Month"],
            "incident_category": crimes["Crime type"],
            "outcome": crimes["Last outcome category"],
            "location_description": crimes["Location"],
            "lsoa_code": crimes["LSOA code"],
            "latitude": crimes["Latitude"],
            "longitude": crimes["Longitude"],
        }
    )


def _not_null(series: pd.Series) -> pd.Series:
    return series.where(~series.isin(["NULL", "0"]), "")


def fire_incidents() -> pd.DataFrame:
    rescues = _read(LFB, encoding="latin-1")
    called = pd.to_datetime(rescues["DateTimeOfCall"], format="%Y/%m/%d %H:%M")
    return pd.DataFrame(
        {
            "incident_id": rescues["IncidentNumber"],
            "service": "fire-and-rescue",
            "agency": "London Fire Brigade",
            "incident_month": called.dt.strftime("%Y-%m"),
            "incident_datetime": called.dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "incident_category": rescues["SpecialServiceTypeCategory"],
            "incident_subcategory": rescues["SpecialServiceType"],
            "ward_code": _not_null(rescues["WardCode"]).where(rescues["WardCode"].str.match(r"^E05\d{6}$"), ""),
            "local_authority_code": rescues["BoroughCode"].where(rescues["BoroughCode"].str.match(r"^E0\d{7}$"), ""),
            "postcode_district": _not_null(rescues["PostcodeDistrict"]).str.upper(),
            "uprn": _not_null(rescues["UPRN"]).str.replace(r"\.0+$", "", regex=True),
            "usrn": _not_null(rescues["USRN"]),
            "latitude": _not_null(rescues["Latitude"]),
            "longitude": _not_null(rescues["Longitude"]),
            "pump_count": _not_null(rescues["PumpCount"]).where(rescues["PumpCount"] != "0", "0"),
            "notional_cost_gbp": _not_null(rescues.iloc[:, 8]),
        }
    )


def test_emergency_incidents_police(tmp_path):
    _check(
        police_incidents(),
        "emergency-incidents",
        tmp_path,
        {"lsoa_code": "E1027558", "incident_month": "2019-13", "service": "ambulance"},
    )


def test_emergency_incidents_fire_with_uprn_and_usrn(tmp_path):
    frame = fire_incidents()
    assert (frame["uprn"] != "").sum() > 1000
    _check(
        frame,
        "emergency-incidents",
        tmp_path,
        {"uprn": "1000000000000", "usrn": "123456789", "postcode_district": "SE1 9XX", "latitude": "0"},
    )


def test_service_demand_from_police_crimes_with_suppression(tmp_path):
    crimes = _read(POLICE)
    lookup = _read(WARDS)[["LSOA11CD", "LAD19CD"]].drop_duplicates("LSOA11CD")
    crimes = crimes[crimes["LSOA code"] != ""]
    counts = crimes.groupby(["LSOA code", "Crime type"]).size().reset_index(name="n")
    counts = counts.merge(lookup, left_on="LSOA code", right_on="LSOA11CD", how="left").fillna("")
    suppressed = counts["n"] < 3
    frame = pd.DataFrame(
        {
            "lsoa_code": counts["LSOA code"],
            "local_authority_code": counts["LAD19CD"],
            "period_start": "2019-01-01",
            "period_end": "2019-01-31",
            "period_type": "month",
            "service": "police",
            "demand_measure": counts["Crime type"].str.lower().str.replace(r"[^a-z]+", "-", regex=True),
            "count": counts["n"].astype(str).where(~suppressed, ""),
            "suppressed": np.where(suppressed, "true", "false"),
        }
    )
    assert 0 < suppressed.sum() < len(frame)
    _check(frame, "service-demand-lsoa", tmp_path, {"count": "-3", "suppressed": "", "period_start": "2019-02-30"})


SPEND_ALIASES = {
    "body_name": ["body name", "body_name", "organisation"],
    "service_area": ["organisational unit", "organisational_unit", "service area"],
    "expenditure_category": [
        "expenditure category",
        "expenditure_category",
        "expenditure catergory",
        "expenditure unit",
    ],
    "expenditure_code": ["expenditure code", "expenditure_code"],
    "payment_date": ["paid date", "paid_date"],
    "transaction_number": ["trans no", "trans_no"],
    "amount_gbp": ["amount"],
    "capital_or_revenue": ["type", "caporrev", "capital or revenue", "type of expenditure"],
    "supplier_id": ["supplier id", "supplier_id"],
    "supplier_name": ["supplier name", "supplier_name"],
}


def spend(relative: str) -> pd.DataFrame:
    raw = _read(relative, encoding="latin-1")
    raw.columns = [c.strip().lower() for c in raw.columns]
    raw = raw[raw.get("trans no", raw.get("trans_no")) != ""]
    frame = pd.DataFrame(index=raw.index)
    for target, aliases in SPEND_ALIASES.items():
        source = next((a for a in aliases if a in raw.columns), None)
        frame[target] = raw[source].str.strip() if source else ""
    frame["body_name"] = frame["body_name"].where(frame["body_name"] != "", "Oxford City Council")
    # Oxford leaves the payee blank where it is a private individual: the schema's redaction marker.
    frame["supplier_name"] = frame["supplier_name"].where(frame["supplier_name"] != "", "REDACTED PERSONAL DATA")
    paid = pd.to_datetime(frame["payment_date"], format="%d/%m/%Y", errors="coerce")
    frame["payment_date"] = paid.dt.strftime("%Y-%m-%d").fillna("")
    return frame


SPEND_FILES = sorted(p.name for p in (REAL / "oxford_spend_over_500" / "data").glob("*.csv")) if REAL.exists() else []
DEFECTIVE_SPEND = {
    "expenditure-over-500-apr-jun-2014.csv": ("constraint-error", "payment_date"),  # every date is 00:00:00
    "expenditure-over-500-jul-sep-2017.csv": ("constraint-error", "expenditure_category"),  # column dropped
}
CLEAN_SPEND = [f for f in SPEND_FILES if f not in DEFECTIVE_SPEND]


@pytest.mark.parametrize("name", CLEAN_SPEND or ["absent"])
def test_spend_over_500_quarters(name, tmp_path):
    frame = spend(f"oxford_spend_over_500/data/{name}")
    repeated = frame["transaction_number"].duplicated()
    assert repeated.sum() <= 2  # one quarter repeats a transaction line; the schema flags it (below)
    frame = frame[~repeated]
    _check(
        frame,
        "spend-over-500",
        tmp_path,
        {"amount_gbp": "£500", "payment_date": "21/01/2014", "capital_or_revenue": "Both"},
    )


@pytest.mark.parametrize("name", sorted(DEFECTIVE_SPEND))
def test_spend_schema_catches_real_defects(name, tmp_path):
    """Quarters the council published with unusable dates or without categories are rejected, as they should be."""
    frame = _conform(spend(f"oxford_spend_over_500/data/{name}"), "spend-over-500")
    path = tmp_path / "spend.csv"
    frame.to_csv(path, index=False)
    kinds = {(kind, field) for kind, _, field, _ in _errors(path, "spend-over-500")}
    assert DEFECTIVE_SPEND[name] in kinds


def test_spend_schema_flags_a_repeated_transaction_line(tmp_path):
    frames = [spend(f"oxford_spend_over_500/data/{name}") for name in CLEAN_SPEND]
    repeated = next(f for f in frames if f["transaction_number"].duplicated().any())
    path = tmp_path / "repeated.csv"
    _conform(repeated, "spend-over-500").to_csv(path, index=False)
    kinds = {kind for kind, _, field, _ in _errors(path, "spend-over-500")}
    assert {"unique-error", "primary-key"} <= kinds


def lsoa_lookup() -> pd.DataFrame:
    wards = _read(WARDS).drop_duplicates("LSOA11CD")
    imd = _read(IMD)[["LSOA11CD", "IMD19"]]
    joined = wards.merge(imd, on="LSOA11CD", how="left").fillna("")
    ranks = pd.to_numeric(joined["IMD19"], errors="coerce")
    deciles = ranks.map(lambda r: "" if math.isnan(r) else str(math.ceil(r * 10 / 32844)))
    return pd.DataFrame(
        {
            "lsoa_code": joined["LSOA11CD"],
            "lsoa_name": joined["LSOA11NM"],
            "ward_code": joined["WD19CD"],
            "ward_name": joined["WD19NM"],
            "local_authority_code": joined["LAD19CD"],
            "local_authority_name": joined["LAD19NM"],
            "imd_rank": joined["IMD19"],
            "imd_decile": deciles,
        }
    )


def test_lsoa_geography_from_ons_lookups(tmp_path):
    frame = lsoa_lookup()
    assert len(frame) > 30000 and (frame["local_authority_code"] == "E06000014").sum() > 100
    _check(frame, "lsoa-geography", tmp_path, {"lsoa_code": "E1000001", "imd_decile": "11", "ward_code": "W5"})


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_contacts_schema_with_generated_rows(tmp_path):
    rng = np.random.default_rng(7)
    n = 300
    callers = [_key(f"caller-{i}") for i in rng.integers(0, 80, n)]
    frame = pd.DataFrame(
        {
            "contact_id": [f"C-{i:05d}" for i in range(n)],
            "agency": "North Yorkshire Police",
            "contact_datetime": [
                f"2024-03-{d:02d}T{h:02d}:15:00"
                for d, h in zip(rng.integers(1, 29, n), rng.integers(0, 24, n), strict=True)
            ],
            "channel": rng.choice(["phone-999", "phone-101", "online"], n),
            "caller_key": callers,
            "contacts_by_caller_12m": rng.integers(1, 9, n).astype(str),
            "repeat_caller": rng.choice(["true", "false"], n),
            "contact_reason": rng.choice(["Concern for welfare", "Noise"], n),
            "caller_age_band": rng.choice(["18-24", "75+", ""], n),
            "lsoa_code": "E01013358",
            "local_authority_code": "E06000014",
            "duration_seconds": rng.integers(0, 900, n).astype(str),
        }
    )
    _check(
        frame,
        "contacts-repeat-callers",
        tmp_path,
        {"caller_key": "07700900123", "channel": "fax", "contact_id": "C-00001"},
    )


def test_childrens_referrals_schema_with_generated_rows(tmp_path):
    rng = np.random.default_rng(8)
    n = 200
    frame = pd.DataFrame(
        {
            "referral_id": [f"R{i:06d}" for i in range(n)],
            "child_key": [_key(f"child-{i}") for i in rng.integers(0, 150, n)],
            "referral_date": [
                f"2024-{m:02d}-{d:02d}" for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
            ],
            "referral_source": rng.choice(["police", "school", "health"], n),
            "age_at_referral": rng.integers(0, 18, n).astype(str),
            "sex": rng.choice(["female", "male"], n),
            "primary_need": rng.choice(["N1", "N2", "N4"], n),
            "outcome": rng.choice(["assessment", "no-further-action"], n),
            "local_authority_code": "E06000014",
        }
    )
    _check(
        frame,
        "childrens-social-care-referrals",
        tmp_path,
        {"age_at_referral": "26", "referral_id": "R000000", "local_authority_code": ""},
    )
