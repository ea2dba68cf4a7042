"""Generated differential corpus: valid base tables and seeded mutations covering every error type."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MIXED_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "lsoa_code", "type": "string", "constraints": {"required": True, "pattern": r"E01\d{6}"}},
        {"name": "day", "type": "date", "constraints": {"minimum": "2015-01-01"}},
        {"name": "at", "type": "datetime"},
        {"name": "category", "type": "string", "constraints": {"enum": ["fire", "police", "flood"]}},
        {"name": "pumps", "type": "integer", "constraints": {"minimum": 0, "maximum": 20}},
        {"name": "cost", "type": "number", "constraints": {"minimum": 0, "maximum": 100000}},
        {"name": "attended", "type": "boolean"},
        {"name": "station", "type": "string", "constraints": {"minLength": 3, "maxLength": 12}},
        {"name": "year", "type": "year", "constraints": {"maximum": 2030}},
        {"name": "month", "type": "yearmonth"},
        {"name": "uprn", "type": "integer", "constraints": {"minimum": 1, "maximum": 999999999999}},
    ],
    "primaryKey": ["id"],
    "missingValues": ["", "NA"],
}

DEMAND_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "lsoa_code", "type": "string", "constraints": {"required": True, "pattern": r"[EW]01\d{6}"}},
        {"name": "period_start", "type": "date", "constraints": {"required": True}},
        {"name": "service", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "rate", "type": "number"},
        {"name": "suppressed", "type": "boolean", "constraints": {"required": True}},
        {"name": "ref", "type": "string", "constraints": {"unique": True, "pattern": "(?=R)R[0-9]+"}},
    ],
    "primaryKey": ["lsoa_code", "period_start", "service"],
    "missingValues": [""],
}

CATEGORIES = ["fire", "police", "flood"]
SERVICES = ["police", "fire", "ambulance"]


@dataclass
class Case:
    """One corpus file: its rows and header, schema, dialect, encoding and validation options."""

    name: str
    header: list[str]
    rows: list[list[str]]
    schema: dict[str, Any]
    delimiter: str = ","
    line_end: str = "\r\n"
    encoding: str = "utf-8"
    raw_tail: bytes = b""
    options: dict[str, Any] = field(default_factory=dict)
    limit_errors: int = 1000

    def to_bytes(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.line_end)
        writer.writerow(self.header)
        for row in self.rows:
            if row == ["<EMPTY-LINE>"]:
                buffer.write(self.line_end)
            else:
                writer.writerow(row)
        return buffer.getvalue().encode(self.encoding) + self.raw_tail


def mixed_rows(n: int, rng: np.random.Generator) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        day = np.datetime64("2016-01-01") + int(rng.integers(0, 2500))
        rows.append(
            [
                str(i),
                f"E01{rng.integers(0, 999999):06d}",
                str(day),
                f"{day}T{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:{rng.integers(0, 60):02d}",
                CATEGORIES[int(rng.integers(0, 3))],
                str(rng.integers(0, 21)),
                f"{rng.uniform(0, 5000):.2f}",
                ["true", "false"][int(rng.integers(0, 2))],
                f"Station {rng.integers(1, 99)}",
                str(rng.integers(2000, 2030)),
                f"{rng.integers(2000, 2030)}-{rng.integers(1, 13):02d}",
                str(rng.integers(1, 10**11)),
            ]
        )
    return rows


def demand_rows(n: int, rng: np.random.Generator) -> list[list[str]]:
    rows = []
    for i in range(n):
        suppressed = rng.random() < 0.2
        rows.append(
            [
                f"E01{10000 + i:06d}",
                "2019-01-01",
                SERVICES[int(rng.integers(0, 3))],
                "" if suppressed else str(rng.integers(0, 300)),
                f"{rng.uniform(0, 50):.3f}",
                "true" if suppressed else "false",
                f"R{i}",
            ]
        )
    return rows


# Mutations: each edits a case in place, using the seeded generator for places and values.

Mutation = Callable[[Case, np.random.Generator], None]


def _cell(case: Case, rng: np.random.Generator, names: list[str] | None = None) -> tuple[int, int]:
    fields = [f["name"] for f in case.schema["fields"]]
    candidates = [i for i, n in enumerate(fields) if names is None or n in names]
    return int(rng.integers(0, len(case.rows))), candidates[int(rng.integers(0, len(candidates)))]


def _set(case: Case, rng: np.random.Generator, values: list[str], names: list[str] | None = None) -> None:
    row, col = _cell(case, rng, names)
    if len(case.rows[row]) > col:
        case.rows[row][col] = values[int(rng.integers(0, len(values)))]


def type_errors(case, rng):
    _set(case, rng, ["x", "1.5", "2019-13-01", "maybe", "1,000", "2019/01/01", "--5"], None)


def required_missing(case, rng):
    _set(case, rng, [""], ["id", "lsoa_code", "period_start", "service", "suppressed"])


def bounds(case, rng):
    _set(
        case,
        rng,
        ["-1", "21", "100000.0000001", "-0.5", "2014-12-31", "2031", "1000000000000"],
        ["pumps", "cost", "day", "year", "uprn", "count"],
    )


def pattern_enum_length(case, rng):
    _set(
        case,
        rng,
        ["E0212345", "e01000001", "E01 00001", "ambulance", "St", "Station 1234567", "X1", " R1"],
        ["lsoa_code", "category", "station", "ref"],
    )


def tricky_valid_values(case, rng):
    _set(
        case,
        rng,
        [
            " 5",
            "+5",
            "007",
            "1e3",
            "Infinity",
            "nan",
            "٣",
            "TRUE",
            "0",
            "2019-2-3",
            "2020-02-29",
            "2019-02-30",
            "0000-01-01",
            "2019-01-01T10:00:00Z",
            "2019-01-01 10:00:00",
            "2019-01-01T10:00:00.5",
            "12345678901234567890",
            "-0",
            ".5",
            "5.",
            "1_000",
            "E01000001\n",
            "  ",
            "NA",
            "0999",
            "2019-00",
            "0x10",
            "1e400",
            "-.5",
            "+.5",
            "1E5",
        ],
    )


def duplicate_keys(case, rng):
    src = int(rng.integers(0, len(case.rows) - 1))
    for _ in range(int(rng.integers(1, 4))):
        dst = int(rng.integers(0, len(case.rows)))
        if len(case.rows[dst]) == len(case.rows[src]):
            case.rows[dst] = list(case.rows[src])


def duplicate_id_only(case, rng):
    a, b = sorted(int(x) for x in rng.choice(len(case.rows), 2, replace=False))
    if len(case.rows[b]) and len(case.rows[a]):
        case.rows[b][0] = case.rows[a][0]


def equal_integers(case, rng):
    a, b = sorted(int(x) for x in rng.choice(len(case.rows), 2, replace=False))
    if case.schema is MIXED_SCHEMA and case.rows[a] and case.rows[b]:
        case.rows[b][0] = "0" + case.rows[a][0]


def extra_cells(case, rng):
    row = int(rng.integers(0, len(case.rows)))
    case.rows[row] = case.rows[row] + ["extra"] * int(rng.integers(1, 3))


def missing_cells(case, rng):
    row = int(rng.integers(0, len(case.rows)))
    case.rows[row] = case.rows[row][: int(rng.integers(1, len(case.header)))]


def blank_rows(case, rng):
    row = int(rng.integers(0, len(case.rows)))
    blank = ["<EMPTY-LINE>"] if rng.random() < 0.4 else [""] * len(case.header)
    case.rows.insert(row, blank)


def quoted_multiline(case, rng):
    row, col = _cell(case, rng, ["station", "service"])
    if len(case.rows[row]) > col:
        case.rows[row][col] = 'Stn,\nwith "quotes"'


def header_labels(case, rng):
    col = int(rng.integers(0, len(case.header)))
    choice = int(rng.integers(0, 4))
    if choice == 0:
        case.header[col] = case.header[col].upper() + "x"
    elif choice == 1:
        case.header[col] = ""
    elif choice == 2:
        case.header[col] = case.header[(col + 1) % len(case.header)]
    else:
        case.header[col] = " " + case.header[col]


def header_count(case, rng):
    if rng.random() < 0.5:
        case.header = case.header + ["spare"]
        case.rows = [r + ["1"] for r in case.rows]
    else:
        case.header = case.header[:-1]
        case.rows = [r[:-1] for r in case.rows]


def semicolons(case, rng):
    case.delimiter = ";"


def line_endings(case, rng):
    case.line_end = ["\n", "\r\n", "\r"][int(rng.integers(0, 3))]


def legacy_encoding(case, rng):
    case.encoding = "cp1252"
    _set(case, rng, ["Café £500", "Pâté", "Ærø"], ["station", "service"])


def broken_utf8(case, rng):
    case.raw_tail = b"999,E01000001,2019-01-01,,fire,1,2,true,Caf\xe9 \xff\xfe,2019,2019-01,5\r\n"


def late_broken_utf8(case, rng):
    """Invalid UTF-8 after the sample frictionless uses to detect the encoding: an encoding-error."""
    if case.schema is MIXED_SCHEMA:
        case.rows += mixed_rows(1200, rng)
        for i, row in enumerate(case.rows, start=1):
            if row and row != ["<EMPTY-LINE>"]:
                row[0] = str(i)
        broken_utf8(case, rng)


def hash_and_bytes(case, rng):
    if rng.random() < 0.5:
        case.options["hash"] = "sha256:" + "0" * 64
    else:
        case.options["bytes"] = 10


def small_limit(case, rng):
    case.limit_errors = int(rng.integers(1, 6))


MUTATIONS: dict[str, Mutation] = {
    "type": type_errors,
    "required": required_missing,
    "bounds": bounds,
    "pattern": pattern_enum_length,
    "tricky": tricky_valid_values,
    "duplicate-row": duplicate_keys,
    "duplicate-id": duplicate_id_only,
    "equal-integers": equal_integers,
    "extra-cell": extra_cells,
    "missing-cell": missing_cells,
    "blank-row": blank_rows,
    "multiline": quoted_multiline,
    "labels": header_labels,
    "label-count": header_count,
    "semicolon": semicolons,
    "line-end": line_endings,
    "cp1252": legacy_encoding,
    "broken-utf8": broken_utf8,
    "late-broken-utf8": late_broken_utf8,
    "hash-bytes": hash_and_bytes,
    "limit": small_limit,
}
REPEATABLE = {
    "type",
    "required",
    "bounds",
    "pattern",
    "tricky",
    "duplicate-id",
    "extra-cell",
    "missing-cell",
    "blank-row",
    "multiline",
}


def build_corpus(count: int = 220, seed: int = 20261123) -> list[Case]:
    """Every mutation alone on each base, then random combinations, all from one seed."""
    rng = np.random.default_rng(seed)
    cases = []
    names = list(MUTATIONS)
    plans = [[n] for n in names] * 2
    while len(plans) < count:
        picked = list(rng.choice(names, int(rng.integers(1, 5)), replace=False))
        picked += [n for n in picked if n in REPEATABLE] * int(rng.integers(0, 6))
        plans.append(picked)
    for index, plan in enumerate(plans[:count]):
        mixed = index % 2 == 0
        schema = MIXED_SCHEMA if mixed else DEMAND_SCHEMA
        rows = (mixed_rows if mixed else demand_rows)(int(rng.integers(5, 60)), rng)
        header = [f["name"] for f in schema["fields"]]
        case = Case(f"case-{index:03d}-{'-'.join(plan)}"[:80], header, rows, schema)
        for name in plan:
            if name in ("broken-utf8", "late-broken-utf8") and not mixed:
                continue
            MUTATIONS[name](case, rng)
        cases.append(case)
    return cases
