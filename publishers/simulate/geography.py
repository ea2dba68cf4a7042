"""Simulated geography: an ONS-style LSOA lookup CSV and an IMD 2019 'File 1'-style workbook."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from publishers.simulate.areas import Area


def write(raw: Path, areas: list[Area], rng: np.random.Generator) -> list[Path]:
    folder = raw / "geography"
    folder.mkdir(parents=True, exist_ok=True)
    lookup = folder / "lsoa-lookup.csv"
    with lookup.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"])
        for i, a in enumerate(areas, start=1):
            writer.writerow([i, a.lsoa_code, a.lsoa_name, a.ward_code, a.ward_name, a.la_code, a.la_name])
    return [lookup, _imd_workbook(folder / "imd2019.xlsx", areas)]


def _imd_workbook(path: Path, areas: list[Area]) -> Path:
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "English Indices of Deprivation 2019 (GENERATED DEMONSTRATION COPY: invented areas and ranks)"
    notes["A3"] = "Ranks: 1 is the most deprived LSOA. Deciles: 1 is the most deprived 10%."
    sheet = book.create_sheet("IMD2019")
    sheet.append([
        "LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
        "Local Authority District name (2019)", "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ])  # fmt: skip
    for a in areas:
        decile = min(10, 1 + (a.imd_rank - 1) * 10 // 32844)
        sheet.append([a.lsoa_code, a.lsoa_name, a.la_code, a.la_name, a.imd_rank, decile])
    book.save(path)
    return path
