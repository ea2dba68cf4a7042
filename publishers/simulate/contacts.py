"""Simulated control-room call logs (police CSV, fire XLSX) full of personal data (names, phone numbers,
dates of birth, call-takers' notes), with the repeat-contact pattern real logs show: most callers call once,
a few call dozens of times."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from publishers.simulate.areas import Area, pick, postcode

FIRST = ["Alex", "Sam", "Jo", "Chris", "Pat", "Jamie", "Robin", "Kim", "Lee", "Morgan", "Ashley", "Charlie"]
LAST = ["Example", "Sample", "Testcase", "Placeholder", "Madeup", "Notreal", "Invented", "Fictional"]
POLICE_REASONS = {"Concern for welfare": 0.2, "Anti-social behaviour": 0.18, "Suspicious activity": 0.12,
                  "Domestic incident": 0.1, "Noise": 0.1, "Theft": 0.1, "Road related": 0.1, "Missing person": 0.05,
                  "Admin / enquiry": 0.05}  # fmt: skip
FIRE_REASONS = {"Fire": 0.35, "Alarm actuating": 0.3, "Road traffic collision": 0.15, "Flooding": 0.1,
                "Assist other agency": 0.1}  # fmt: skip
POLICE_CHANNELS = {"999": 0.35, "101": 0.45, "Online": 0.12, "Email": 0.04, "Front Counter": 0.04}
OUTCOMES = ["Resourced", "Advice given", "Referred to partner agency", "Closed - no further action", "Crime recorded"]


def _callers(rng: np.random.Generator, areas: list[Area], n: int) -> list[dict]:
    people = []
    for i, area in enumerate(pick(rng, areas, n)):
        born = date(1940, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 66)))
        mobile = rng.random() < 0.8
        phone = f"07700 9{int(rng.integers(0, 100000)):05d}" if mobile else f"01904 {int(rng.integers(100000, 999999))}"
        people.append({
            "name": f"{FIRST[i % len(FIRST)]} {LAST[int(rng.integers(len(LAST)))]}",
            "phone": phone,
            "born": born, "sex": "MFU"[int(rng.choice(3, p=[0.48, 0.48, 0.04]))], "area": area,
            "postcode": postcode(rng, area.district),
            "calls": int(min(60, rng.zipf(2.3))),  # most call once; a few call again and again
        })  # fmt: skip
    return people


def _choose(rng: np.random.Generator, table: dict[str, float]) -> str:
    keys = list(table)
    weights = np.array(list(table.values()))
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def _calls(rng: np.random.Generator, people: list[dict], reasons: dict[str, float]) -> list[dict]:
    calls = []
    for person in people:
        first = datetime(2023, 4, 1) + timedelta(minutes=int(rng.integers(0, 60 * 24 * 360)))
        for k in range(person["calls"]):
            when = first + timedelta(days=float(rng.exponential(20)) * k, minutes=int(rng.integers(0, 600)))
            reason = _choose(rng, reasons)
            calls.append({"person": person, "when": when, "reason": reason, "k": k})
    calls.sort(key=lambda c: c["when"])
    return calls


def write(raw: Path, areas: list[Area], rng: np.random.Generator, scale: float) -> list[Path]:
    folder = raw / "contacts"
    folder.mkdir(parents=True, exist_ok=True)
    police = _calls(rng, _callers(rng, areas, int(1500 * scale)), POLICE_REASONS)
    fire = _calls(rng, _callers(rng, areas, int(400 * scale)), FIRE_REASONS)
    return [
        _police_csv(folder / "police-calls-2023-24.csv", police, rng),
        _fire_xlsx(folder / "fire-control-calls.xlsx", fire, rng),
    ]


def _police_csv(path: Path, calls: list[dict], rng: np.random.Generator) -> Path:
    header = ["Call Ref", "Received", "Channel", "Caller Name", "Caller Phone", "Caller DOB", "Gender",
              "Caller Postcode", "Incident LSOA", "Reason", "Duration (s)", "Outcome", "Call Taker Notes"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for i, call in enumerate(calls):
            p = call["person"]
            writer.writerow([
                f"NYP-{call['when']:%y%m%d}-{i:05d}", call["when"].strftime("%d/%m/%Y %H:%M:%S"),
                _choose(rng, POLICE_CHANNELS), p["name"], p["phone"], p["born"].strftime("%d/%m/%Y"), p["sex"],
                p["postcode"], p["area"].lsoa_code, call["reason"], int(rng.gamma(2, 120)),
                OUTCOMES[int(rng.integers(len(OUTCOMES)))],
                f"Caller {p['name']} rang again ({call['k'] + 1}); lives at {p['postcode']}",
            ])  # fmt: skip
    return path


def _fire_xlsx(path: Path, calls: list[dict], rng: np.random.Generator) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Calls"
    sheet.append(["NYFRS Control - call log extract (GENERATED DEMONSTRATION DATA)"])
    sheet.append([])
    sheet.append(["Incident Ref", "Call Time", "Call Type", "Telephone", "Caller Name", "Date of Birth", "Sex",
                  "Postcode", "LSOA", "Nature of Call", "Call Duration Seconds", "Result"])  # fmt: skip
    for i, call in enumerate(calls):
        p = call["person"]
        line = "999" if rng.random() < 0.9 else "Admin line"
        sex = {"M": "Male", "F": "Female", "U": "Unknown"}[p["sex"]]
        sheet.append([
            f"F{call['when']:%y}{i:06d}", call["when"].replace(microsecond=0), line,
            p["phone"], p["name"], p["born"].strftime("%d/%m/%Y"), sex,
            p["postcode"], p["area"].lsoa_code, call["reason"], int(rng.gamma(2, 90)),
            "Attended" if rng.random() < 0.7 else "Advice given",
        ])  # fmt: skip
    book.save(path)
    return path
