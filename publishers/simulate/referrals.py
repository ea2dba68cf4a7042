"""A simulated children's social care case-management extract (XLSX): a report title and run date above the
header, children's names and dates of birth, a totals row at the bottom, and outcomes that depend on who
referred the child and why."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from publishers.simulate.areas import Area, pick, postcode

SOURCES = {"School": 0.22, "Police": 0.25, "Health": 0.15, "Individual": 0.1, "Local Authority": 0.1, "Housing": 0.04,
           "Anonymous": 0.04, "Legal": 0.02, "Other": 0.08}  # fmt: skip
NEEDS = {"N1 Abuse or neglect": 0.55, "N2 Child's disability": 0.05, "N3 Parental illness/disability": 0.05,
         "N4 Family in acute stress": 0.12, "N5 Family dysfunction": 0.13, "N6 Socially unacceptable behaviour": 0.03,
         "N7 Low income": 0.01, "N8 Absent parenting": 0.02, "N9 Cases other than children in need": 0.04}  # fmt: skip
ETHNICITY = {"White British": 0.86, "White Other": 0.04, "Mixed": 0.04, "Asian British": 0.03, "Black British": 0.01,
             "Other": 0.01, "Not stated": 0.01}  # fmt: skip


def _choose(rng: np.random.Generator, table: dict[str, float]) -> str:
    keys = list(table)
    weights = np.array(list(table.values()))
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def _outcome(rng: np.random.Generator, source: str, need: str, age: int) -> str:
    s47 = 0.25 if need.startswith("N1") and source in ("Police", "Health") else 0.08
    early = 0.15 if age < 5 else 0.25
    table = {"Single Assessment": 0.45, "Section 47": s47, "Early Help": early, "NFA": 0.2, "Other": 0.05}
    return _choose(rng, table)


def write(raw: Path, areas: list[Area], rng: np.random.Generator, scale: float) -> list[Path]:
    folder = raw / "childrens"
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Referrals"
    sheet.append(["Children's Social Care: contacts and referrals (GENERATED DEMONSTRATION DATA)"])
    sheet.append(["Run date: 2025-04-02 07:00  Report: CSC-REF-002"])
    sheet.append([])
    sheet.append(["Referral ID", "Child ID", "Child Name", "DOB", "Referral Date", "Source", "Age at Referral",
                  "Gender", "Ethnicity", "Disability", "Primary Need", "Re-referral", "Outcome", "Home Postcode",
                  "LSOA"])  # fmt: skip
    n = int(2500 * scale)
    children = int(n * 0.85)
    for i, area in enumerate(pick(rng, areas, n)):
        child = int(rng.integers(children))
        age = int(min(17, rng.gamma(2.2, 3.5)))
        referred = date(2023, 4, 1) + timedelta(days=int(rng.integers(0, 730)))
        born = referred - timedelta(days=365 * age + int(rng.integers(0, 365)))
        source, need = _choose(rng, SOURCES), _choose(rng, NEEDS)
        sheet.append([
            f"REF{200000 + i}", f"C{500000 + child}", f"Child {child} Notreal", born, referred, source, age,
            "Male" if rng.random() < 0.52 else "Female", _choose(rng, ETHNICITY), "Y" if rng.random() < 0.08 else "N",
            need, "Y" if rng.random() < 0.2 else "N", _outcome(rng, source, need, age),
            postcode(rng, area.district), area.lsoa_code,
        ])  # fmt: skip
    sheet.append(["Total referrals", n])
    path = folder / "referrals.xlsx"
    book.save(path)
    return [path]
