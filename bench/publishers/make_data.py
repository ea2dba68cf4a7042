"""A data.police.uk-style street-level crime extract of any size, generated with numpy (seeded).

Same columns and quirks as the real file: blank Crime ID for anti-social behaviour, a few rows with no
location, 'On or near ...' locations. Written with pyarrow so a million rows take seconds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

TYPES = np.array(["Anti-social behaviour", "Violence and sexual offences", "Criminal damage and arson", "Public order",
                  "Other theft", "Shoplifting", "Burglary", "Vehicle crime", "Drugs", "Other crime"])  # fmt: skip
WEIGHTS = np.array([30, 25, 9, 7, 6, 6, 4, 4, 3, 2], dtype=float)
OUTCOMES = np.array(["Investigation complete; no suspect identified", "Unable to prosecute suspect",
                     "Under investigation", "Local resolution", "Awaiting court outcome"])  # fmt: skip
STREETS = np.array(["On or near High Street", "On or near Station Road", "On or near Supermarket",
                    "On or near Parking Area", "On or near Church Lane", "On or near Park Avenue"])  # fmt: skip
AREAS = 1000


def lookup(path: Path) -> list[str]:
    codes = [f"E0102{7000 + i:04d}" for i in range(AREAS)]
    rows = ["LSOA11CD,LSOA11NM,LAD19CD,LAD19NM"]
    rows += [f"{c},Area {i:04d}A,{'E06000014' if i % 3 == 0 else 'E06000065'},X" for i, c in enumerate(codes)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return codes


def write(path: Path, rows: int, codes: list[str], seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    kind = TYPES[rng.choice(len(TYPES), size=rows, p=WEIGHTS / WEIGHTS.sum())]
    asb = kind == "Anti-social behaviour"
    ids = np.char.add("c", np.arange(rows).astype(str))
    located = rng.random(rows) > 0.008
    area = rng.integers(0, len(codes), size=rows)
    lsoa = np.where(located, np.array(codes)[area], "")
    table = pa.table({
        "Crime ID": np.where(asb, "", ids),
        "Month": np.char.add("2024-", np.char.zfill((rng.integers(1, 13, size=rows)).astype(str), 2)),
        "Reported by": np.full(rows, "North Yorkshire Police"),
        "Falls within": np.full(rows, "North Yorkshire Police"),
        "Longitude": np.where(located, np.round(rng.uniform(-2.4, -0.4, rows), 6).astype(str), ""),
        "Latitude": np.where(located, np.round(rng.uniform(53.7, 54.5, rows), 6).astype(str), ""),
        "Location": np.where(located, STREETS[rng.integers(0, len(STREETS), size=rows)], "No Location"),
        "LSOA code": lsoa,
        "LSOA name": np.where(located, np.char.add("Area ", area.astype(str)), ""),
        "Crime type": kind,
        "Last outcome category": np.where(asb, "", OUTCOMES[rng.integers(0, len(OUTCOMES), size=rows)]),
        "Context": np.full(rows, ""),
    })  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--raw", type=Path, default=Path("/tmp/publish-bench/raw"))
    args = parser.parse_args()
    codes = lookup(args.raw / "geography" / "lsoa-lookup.csv")
    print(write(args.raw / "police" / "2024-north-yorkshire-street.csv", args.rows, codes))


if __name__ == "__main__":
    main()
