"""Simulated fire and rescue incident exports, in the layout London Fire Brigade publishes, with its quirks:
``NULL`` for no value, unpadded ``2024/1/3 3:01`` times, trailing spaces, a pound sign in a header in cp1252,
a renamed column in the older file, coordinates of 0 for unknown, and a few UPRNs Excel turned into 1.0E+11.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from publishers.simulate.areas import Area, pick

TYPES = {
    "Fire": (0.30, ["Primary Fire", "Secondary Fire", "Chimney Fire"],
             ["Dwelling", "Outdoor", "Road Vehicle", "Non Residential"]),
    "Special Service": (0.35, ["Road Traffic Collision", "Flooding", "Animal assistance", "Effecting entry/exit",
                               "Assist other agencies", "Lift Release"], ["Dwelling", "Road Vehicle", "Outdoor"]),
    "False Alarm": (0.35, ["AFA", "Good Intent", "Malicious"], ["Dwelling", "Non Residential"]),
}  # fmt: skip
PROPERTY = {
    "Dwelling": ["House - single occupancy ", "Purpose Built Flats/Maisonettes - 4 to 9 storeys ",
                 "Bungalow - single occupancy "],
    "Outdoor": ["Grassland, woodland and crops", "Wheelie Bin", "Tree scrub"],
    "Road Vehicle": ["Car", "Van", "Lorry/HGV"],
    "Non Residential": ["Pub/wine bar/bar ", "Warehouse", "Supermarket"],
}  # fmt: skip
HEADER = [
    "IncidentNumber", "DateTimeOfCall", "CalYear", "FinYear", "TypeOfIncident", "PumpCount", "PumpHoursTotal",
    "HourlyNotionalCost(£)", "IncidentNotionalCost(£)", "FinalDescription", "PropertyCategory", "PropertyType",
    "SpecialServiceTypeCategory", "WardCode", "Ward", "BoroughCode", "Borough", "StnGroundName", "UPRN", "Street",
    "USRN", "PostcodeDistrict", "LSOA code", "Latitude", "Longitude",
]  # fmt: skip


def write(raw: Path, areas: list[Area], rng: np.random.Generator, scale: float) -> list[Path]:
    folder = raw / "fire"
    folder.mkdir(parents=True, exist_ok=True)
    n = int(2500 * scale)
    rows = [_incident(rng, area, i) for i, area in enumerate(pick(rng, areas, n))]
    rows.sort(key=lambda r: r["when"])
    old = [r for r in rows if r["when"].year == 2023]
    new = [r for r in rows if r["when"].year == 2024]
    older_header = [("IncidentGroup" if h == "TypeOfIncident" else h) for h in HEADER]  # the column was renamed
    return [
        _write(folder / "incidents-2023.csv", older_header, old, rng),
        _write(folder / "incidents-2024.csv", HEADER, new, rng),
    ]


def _incident(rng: np.random.Generator, area: Area, serial: int) -> dict:
    kinds = list(TYPES)
    kind = kinds[rng.choice(len(kinds), p=[TYPES[k][0] for k in kinds])]
    _, subtypes, categories = TYPES[kind]
    category = categories[int(rng.integers(len(categories)))]
    hour = int(rng.choice(24, p=_HOURS))
    when = datetime(2023, 1, 1) + timedelta(days=int(rng.integers(730)), hours=hour, minutes=int(rng.integers(60)))
    pumps = int(rng.choice([1, 1, 1, 2, 2, 3, 4]))
    hours = max(1, int(pumps * rng.gamma(1.5, 1.0)))
    has_uprn = category in ("Dwelling", "Non Residential") and rng.random() < 0.8
    return {
        "when": when,
        "IncidentNumber": f"{when:%y%m%d}{serial:05d}",
        "TypeOfIncident": kind,
        "PumpCount": pumps,
        "PumpHoursTotal": hours,
        "HourlyNotionalCost(£)": 364 if when.year == 2023 else 388,
        "IncidentNotionalCost(£)": hours * (364 if when.year == 2023 else 388),
        "PropertyCategory": category,
        "PropertyType": PROPERTY[category][int(rng.integers(len(PROPERTY[category])))],
        "SpecialServiceTypeCategory": subtypes[int(rng.integers(len(subtypes)))]
        if kind == "Special Service"
        else "NULL",
        "area": area,
        "UPRN": str(int(rng.integers(10_000_000, 200_099_999_999))) if has_uprn else "NULL",
        "USRN": str(int(rng.integers(10_000_000, 99_999_999))) if rng.random() < 0.6 else "NULL",
    }


_HOURS = np.array([2, 1.5, 1.2, 1, 1, 1.2, 2, 3, 4, 4.5, 5, 5.5, 6, 6, 6, 6.5, 7, 7.5, 7.5, 7, 6, 5, 4, 3])
_HOURS = _HOURS / _HOURS.sum()


def _write(path: Path, header: list[str], rows: list[dict], rng: np.random.Generator) -> Path:
    with path.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for r in rows:
            a, when = r["area"], r["when"]
            uprn = r["UPRN"]
            if uprn != "NULL" and rng.random() < 0.004:
                uprn = f"{int(uprn) / 10 ** (len(uprn) - 1):.5f}E+{len(uprn) - 1:02d}"  # Excel damage
            located = rng.random() > 0.03
            values = {
                **r,
                "DateTimeOfCall": f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}",
                "CalYear": when.year,
                "FinYear": f"{when.year - (when.month < 4)}/{(when.year - (when.month < 4) + 1) % 100:02d}",
                "IncidentGroup": r["TypeOfIncident"],
                "FinalDescription": "Redacted",
                "WardCode": a.ward_code, "Ward": a.ward_name.upper(), "BoroughCode": a.la_code,
                "Borough": a.la_name.upper(), "StnGroundName": a.lsoa_name.split()[0], "UPRN": uprn,
                "Street": "Redacted", "PostcodeDistrict": a.district, "LSOA code": a.lsoa_code,
                "Latitude": f"{a.lat + rng.normal(0, 0.004):.6f}" if located else "0",
                "Longitude": f"{a.lon + rng.normal(0, 0.006):.6f}" if located else "0",
            }  # fmt: skip
            writer.writerow([values.get(h, "NULL") for h in header])
    return path
