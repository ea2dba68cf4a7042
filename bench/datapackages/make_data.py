"""Generate the validator benchmark files (never committed: written to /tmp or a given folder).

Files: ``mixed`` (12 columns of mixed types and constraints, the issue's main benchmark), ``strings`` (string
heavy: patterns, enums, lengths) and ``wide`` (40 numeric columns). ``--error-rate`` corrupts about that
fraction of rows with type, constraint, uniqueness and ragged-row errors, at seeded random places.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

CATEGORIES = ["fire", "police", "ambulance", "flood", "rescue", "other"]


def _mixed(rows: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict]:
    days = np.datetime64("2015-01-01") + rng.integers(0, 3650, rows).astype("timedelta64[D]")
    secs = rng.integers(0, 86400, rows).astype("timedelta64[s]")
    columns = {
        "id": np.arange(1, rows + 1).astype(str),
        "lsoa_code": np.char.add("E010", rng.integers(10000, 99999, rows).astype(str)),
        "incident_date": days.astype(str),
        "reported_at": (days.astype("datetime64[s]") + secs).astype(str),
        "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)],
        "pumps": rng.integers(0, 12, rows).astype(str),
        "cost": np.char.mod("%.2f", rng.gamma(2.0, 300.0, rows)),
        "attended": np.array(["true", "false"])[rng.integers(0, 2, rows)],
        "station": np.char.add("Station ", rng.integers(1, 60, rows).astype(str)),
        "latitude": np.char.mod("%.6f", rng.uniform(53.4, 54.6, rows)),
        "postcode_district": np.char.add("YO", rng.integers(1, 62, rows).astype(str)),
        "uprn": rng.integers(1, 10**11, rows).astype(str),
    }
    fields = [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "lsoa_code", "type": "string", "constraints": {"required": True, "pattern": r"E01\d{6}"}},
        {"name": "incident_date", "type": "date", "constraints": {"minimum": "2015-01-01"}},
        {"name": "reported_at", "type": "datetime"},
        {"name": "category", "type": "string", "constraints": {"enum": CATEGORIES}},
        {"name": "pumps", "type": "integer", "constraints": {"minimum": 0, "maximum": 20}},
        {"name": "cost", "type": "number", "constraints": {"minimum": 0}},
        {"name": "attended", "type": "boolean"},
        {"name": "station", "type": "string", "constraints": {"maxLength": 20}},
        {"name": "latitude", "type": "number", "constraints": {"minimum": 49, "maximum": 61}},
        {"name": "postcode_district", "type": "string", "constraints": {"pattern": r"[A-Z]{1,2}\d[A-Z\d]?"}},
        {"name": "uprn", "type": "integer", "constraints": {"minimum": 1, "maximum": 999999999999}},
    ]
    return columns, {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def _strings(rows: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict]:
    words = np.array(["North", "York", "Harrogate", "Scarborough", "Selby", "Craven", "Ryedale", "Hambleton"])
    columns = {
        "ref": np.char.add("REF-", np.arange(rows).astype(str)),
        "lsoa_code": np.char.add("E010", rng.integers(10000, 99999, rows).astype(str)),
        "ward_code": np.char.add("E0500", rng.integers(1000, 9999, rows).astype(str)),
        "lad_code": np.char.add("E0700", rng.integers(1000, 9999, rows).astype(str)),
        "postcode_district": np.char.add("YO", rng.integers(1, 62, rows).astype(str)),
        "place": words[rng.integers(0, len(words), rows)],
        "street": np.char.add(words[rng.integers(0, len(words), rows)], " Road"),
        "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)],
        "note": np.char.add("Attended by crew ", rng.integers(1, 999, rows).astype(str)),
        "caller_key": np.char.mod("%016x", rng.integers(0, 2**62, rows)),
    }
    fields = [
        {"name": "ref", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "lsoa_code", "type": "string", "constraints": {"pattern": r"E01\d{6}"}},
        {"name": "ward_code", "type": "string", "constraints": {"pattern": r"E05\d{6}"}},
        {"name": "lad_code", "type": "string", "constraints": {"pattern": r"(E06|E07|E08|E09)\d{6}"}},
        {"name": "postcode_district", "type": "string", "constraints": {"pattern": r"[A-Z]{1,2}\d[A-Z\d]?"}},
        {"name": "place", "type": "string", "constraints": {"enum": [str(w) for w in words]}},
        {"name": "street", "type": "string", "constraints": {"minLength": 3, "maxLength": 40}},
        {"name": "category", "type": "string", "constraints": {"required": True, "enum": CATEGORIES}},
        {"name": "note", "type": "string"},
        {"name": "caller_key", "type": "string", "constraints": {"pattern": "[0-9a-f]{16}"}},
    ]
    return columns, {"fields": fields, "missingValues": [""]}


def _wide(rows: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict]:
    columns, fields = {}, []
    for i in range(40):
        if i % 2:
            columns[f"n{i}"] = np.char.mod("%.3f", rng.normal(100, 15, rows))
            fields.append({"name": f"n{i}", "type": "number", "constraints": {"minimum": -1000}})
        else:
            columns[f"n{i}"] = rng.integers(0, 10**6, rows).astype(str)
            fields.append({"name": f"n{i}", "type": "integer", "constraints": {"maximum": 10**6}})
    return columns, {"fields": fields, "missingValues": [""]}


KINDS = {"mixed": _mixed, "strings": _strings, "wide": _wide}
BAD_VALUES = ["x", "-5", "", "9999999999999", "2015-13-45", "ZZ", "1e999x"]


def _corrupt(columns: dict[str, np.ndarray], rate: float, rng: np.random.Generator) -> list[int]:
    """Overwrite random cells with bad values; return the row indexes that become ragged."""
    rows = len(next(iter(columns.values())))
    count = max(1, int(rows * rate))
    names = list(columns)
    for row in rng.choice(rows, count, replace=False):
        name = names[rng.integers(0, len(names))]
        col = columns[name].astype(object) if columns[name].dtype != object else columns[name]
        col[row] = BAD_VALUES[rng.integers(0, len(BAD_VALUES))]
        columns[name] = col
    if "id" in columns:
        dups = rng.choice(rows - 1, max(1, count // 20), replace=False) + 1
        columns["id"] = columns["id"].astype(object)
        columns["id"][dups] = columns["id"][dups - 1]
    return sorted(rng.choice(rows, max(1, count // 20), replace=False).tolist())


def write_file(kind: str, rows: int, out: Path, error_rate: float = 0.0, seed: int = 0) -> tuple[Path, Path]:
    """Write ``<out>/<kind>-<rows>[-errors].csv`` and its schema JSON; return both paths."""
    rng = np.random.default_rng(seed)
    columns, schema = KINDS[kind](rows, rng)
    ragged = _corrupt(columns, error_rate, rng) if error_rate else []
    suffix = "-errors" if error_rate else ""
    path = out / f"{kind}-{rows}{suffix}.csv"
    table = pa.table({k: pa.array(v.astype(str)) for k, v in columns.items()})
    pv.write_csv(table, path, write_options=pv.WriteOptions(quoting_style="none"))
    if ragged:
        _make_ragged(path, ragged)
    schema_path = out / f"{kind}.schema.json"
    schema_path.write_text(json.dumps(schema, indent=2))
    return path, schema_path


def _make_ragged(path: Path, rows: list[int]) -> None:
    """Drop the last cell of a few data lines (the file has no multi-line cells)."""
    targets = {r + 1 for r in rows}
    tmp = path.with_suffix(".tmp")
    with path.open("rb") as src, tmp.open("wb") as dst:
        for index, line in enumerate(src):
            if index in targets:
                line = line.rstrip(b"\r\n").rsplit(b",", 1)[0] + b"\n"
            dst.write(line)
    tmp.replace(path)


@click.command()
@click.option("--kind", type=click.Choice(sorted(KINDS)), default="mixed")
@click.option("--rows", type=int, default=1_000_000)
@click.option("--error-rate", type=float, default=0.0, help="Fraction of rows to corrupt, e.g. 0.0005.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("/tmp/dp-bench"))
@click.option("--seed", type=int, default=0)
def main(kind: str, rows: int, error_rate: float, out: Path, seed: int) -> None:
    """Write one benchmark CSV and its schema."""
    out.mkdir(parents=True, exist_ok=True)
    path, schema = write_file(kind, rows, out, error_rate, seed)
    click.echo(f"{path} ({path.stat().st_size:,} bytes), schema {schema}")


if __name__ == "__main__":
    main()
