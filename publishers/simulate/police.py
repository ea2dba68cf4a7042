"""Simulated data.police.uk street-level crime files, one a month: anti-social behaviour with no Crime ID, a
few crimes with no location (and so no LSOA), points snapped to 'On or near ...' street names."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from publishers.simulate.areas import Area, pick

CRIME_TYPES = {
    "Anti-social behaviour": 0.30, "Violence and sexual offences": 0.25, "Criminal damage and arson": 0.09,
    "Public order": 0.07, "Other theft": 0.06, "Shoplifting": 0.06, "Burglary": 0.04, "Vehicle crime": 0.04,
    "Drugs": 0.03, "Other crime": 0.02, "Theft from the person": 0.01, "Bicycle theft": 0.01,
    "Possession of weapons": 0.01, "Robbery": 0.01,
}  # fmt: skip
OUTCOMES = ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
            "Local resolution", "Awaiting court outcome", "Offender given a caution"]  # fmt: skip
STREETS = ["High Street", "Station Road", "Church Lane", "Park Avenue", "Supermarket", "Parking Area", "Petrol Station",
           "Mill Lane", "Nightclub", "Sports/Recreation Area", "Shopping Area", "Police Station"]  # fmt: skip
HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
          "LSOA name", "Crime type", "Last outcome category", "Context"]  # fmt: skip
FORCE = "North Yorkshire Police"


def write(raw: Path, areas: list[Area], rng: np.random.Generator, scale: float) -> list[Path]:
    folder = raw / "police"
    folder.mkdir(parents=True, exist_ok=True)
    types = list(CRIME_TYPES)
    weights = np.array(list(CRIME_TYPES.values()))
    written = []
    for month in ("2024-01", "2024-02", "2024-03"):
        n = int(1200 * scale)
        path = folder / f"{month}-north-yorkshire-street.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(HEADER)
            for i, area in enumerate(pick(rng, areas, n)):
                kind = types[rng.choice(len(types), p=weights / weights.sum())]
                located = rng.random() > 0.008
                crime_id = "" if kind == "Anti-social behaviour" else _crime_id(month, i)
                writer.writerow([
                    crime_id, month, FORCE, FORCE,
                    f"{area.lon + rng.normal(0, 0.005):.6f}" if located else "",
                    f"{area.lat + rng.normal(0, 0.003):.6f}" if located else "",
                    f"On or near {STREETS[int(rng.integers(len(STREETS)))]}" if located else "No Location",
                    area.lsoa_code if located else "", area.lsoa_name if located else "", kind,
                    "" if kind == "Anti-social behaviour" else OUTCOMES[int(rng.integers(len(OUTCOMES)))], "",
                ])  # fmt: skip
        written.append(path)
    return written


def _crime_id(month: str, serial: int) -> str:
    return hashlib.sha256(f"generated-{month}-{serial}".encode()).hexdigest()
