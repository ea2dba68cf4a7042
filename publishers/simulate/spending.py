"""Simulated council 'spending over £500' quarterly extracts, each quarter with its own quirks: headers that
drift (typos, underscores, trailing spaces), a cp1252 file with a title preamble and a totals row, amounts as
'£1,534.24' or 'GBP 2,332', day-month-name dates, and payees who are private individuals."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SUPPLIERS = [
    "Yorkshire Water Services Ltd", "Northern Powergrid", "Acme Highways Contractors Ltd", "York Schools Trust",
    "Ouse Valley Care Services", "Minster Office Supplies Ltd", "Pennine IT Solutions Ltd", "Dales Waste Management",
    "Vale of York Housing Association", "Ryedale Taxis", "Shambles Catering Ltd", "Citywide Security Group",
    "North Yorkshire Fire and Rescue Authority", "Harrogate Agricultural Society", "Moorland Builders Ltd",
]  # fmt: skip
PEOPLE = ["Mr A Example", "Mrs B Sample", "Ms C Placeholder", "Miss D Invented", "Dr E Fictional"]
SERVICES = ["Adult Social Care", "Children's Services", "Highways", "Waste and Recycling", "Housing", "Corporate"]
CATEGORIES = ["Third Party Payments", "Supplies and Services", "Premises", "Transport", "Capital Works", "Fees"]
STYLES = [
    # (file name, header, encoding, preamble, totals, amount style, date style)
    ("expenditure-over-500-apr-jun-2024.csv", ["Body Name", "Service Area", "Expenditure Category", "Expenditure Code",
     "Paid Date", "Trans No", "Amount", "Capital or Revenue", "Supplier ID", "Supplier Name"], "utf-8", False, False,
     "plain", "%d/%m/%Y"),
    ("expenditure-over-500-jul-sep-2024.csv", ["Body Name", "Service Area", "Expenditure Category", "Expenditure Code",
     "Paid Date", "Trans No", "Amount", "Capital or Revenue", "Supplier ID", "Supplier Name"], "cp1252", True, True,
     "pound", "%d/%m/%Y"),
    ("expenditure-over-500-oct-dec-2024.csv", ["Body_Name", "Service Area", "Expenditure Catergory", "Expenditure Code",
     "Paid Date", "Trans No ", "Amount", "caporrev", "Supplier ID", "Supplier Name "], "utf-8", False, False, "gbp",
     "%d/%m/%Y"),
    ("expenditure-over-500-jan-mar-2025.csv", ["Organisation", "Service Area", "Expenditure Category",
     "Expenditure Code", "Paid Date", "Trans No", "Amount", "Type", "Supplier ID", "Supplier Name"], "utf-8-sig",
     False, True, "plain", "%d-%b-%Y"),
]  # fmt: skip
QUARTER_START = [date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)]


def write(raw: Path, rng: np.random.Generator, scale: float) -> list[Path]:
    folder = raw / "spending"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    serial = 40_000_000
    for style, start in zip(STYLES, QUARTER_START, strict=True):
        name, header, encoding, preamble, totals, amounts, dates = style
        rows = []
        for _ in range(int(600 * scale)):
            serial += int(rng.integers(1, 30))
            person = rng.random() < 0.03
            amount = round(float(500 + rng.lognormal(7, 1.2)), 2) * (-1 if rng.random() < 0.01 else 1)
            rows.append([
                "City of York Council", SERVICES[int(rng.integers(len(SERVICES)))],
                CATEGORIES[int(rng.integers(len(CATEGORIES)))], f"{int(rng.integers(1000, 9999))}",
                (start + timedelta(days=int(rng.integers(90)))).strftime(dates), str(serial),
                _amount(amount, amounts), "Capital" if rng.random() < 0.15 else "Revenue",
                "" if person else f"S{int(rng.integers(10000, 99999))}",
                PEOPLE[int(rng.integers(len(PEOPLE)))] if person else SUPPLIERS[int(rng.integers(len(SUPPLIERS)))],
            ])  # fmt: skip
        path = folder / name
        with path.open("w", encoding=encoding, newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            if preamble:
                writer.writerow(["City of York Council - Expenditure over £500 - GENERATED DEMONSTRATION DATA"])
                writer.writerow([])
            writer.writerow(header)
            writer.writerows(rows)
            if totals:
                total = sum(float(_plain(r[6])) for r in rows)
                writer.writerow(["Total", "", "", "", "", "", _amount(round(total, 2), amounts), "", "", ""])
        written.append(path)
    return written


def _amount(value: float, style: str) -> str:
    if style == "pound":
        return f"£{value:,.2f}"
    if style == "gbp":
        return f"GBP {value:,.2f}"
    return f"{value:.2f}"


def _plain(text: str) -> str:
    return text.replace("£", "").replace("GBP", "").replace(",", "").strip()
