"""Validating a table as it is written must give exactly the report of validating the written file.

``write_and_validate`` checks the columns in memory instead of reading the file back; every test here
compares its report with ``validate_file`` on the file it wrote (``validate_file`` itself is compared with
frictionless in test_differential.py and test_light_path.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from datapackages.schemas import load_schema
from datapackages.validate import validate_file
from datapackages.validate import written as written_module
from datapackages.validate.written import write_and_validate, write_csv
from tests.datapackages.dp_corpus import MIXED_SCHEMA, build_corpus

CORPUS = [
    case
    for case in build_corpus()
    if all(len(row) == len(case.header) for row in case.rows) and ["<EMPTY-LINE>"] not in case.rows
]


def _table(header: list[str], rows: list[list[str]]) -> pa.Table:
    columns = [pa.array([row[i] for row in rows], pa.string()) for i in range(len(header))]
    return pa.Table.from_arrays(columns, names=header)


def _without_seconds(report: dict[str, Any]) -> dict[str, Any]:
    report["stats"].pop("seconds", None)
    for task in report["tasks"]:
        task["stats"].pop("seconds", None)
    return report


def _both(table: pa.Table, path: Path, schema: dict, limit: int = 1000) -> tuple[dict, dict, dict]:
    info: dict[str, str] = {}
    report = write_and_validate(table, path, schema, limit_errors=limit, engine_info=info)
    return _without_seconds(report), _without_seconds(validate_file(path, schema, limit_errors=limit)), info


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of a few rows, so the corpus's small files cross run and write-slice boundaries."""
    monkeypatch.setattr(written_module, "RUN_ROWS", 7)
    monkeypatch.setattr(written_module, "WRITE_PARTS", 3)


def test_the_corpus_has_enough_cases_and_most_are_checked_in_memory(tmp_path: Path) -> None:
    assert len(CORPUS) >= 100
    in_memory = 0
    for index, case in enumerate(CORPUS):
        *_, info = _both(_table(case.header, case.rows), tmp_path / f"c{index}.csv", case.schema, case.limit_errors)
        in_memory += info.get("memory") == ""
    assert in_memory >= 0.6 * len(CORPUS), in_memory


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_report_is_the_written_files_report(case, tmp_path: Path) -> None:  # noqa: ANN001
    ours, files, _ = _both(_table(case.header, case.rows), tmp_path / "data.csv", case.schema, case.limit_errors)
    assert ours == files


def _incidents(n: int, rng: np.random.Generator) -> tuple[pa.Table, dict]:
    schema = load_schema("emergency-incidents")
    names = [f["name"] for f in schema["fields"]]
    columns = {name: [""] * n for name in names}
    columns["incident_id"] = [f"police-2024-01-{i:06d}" for i in range(n)]
    columns["service"] = ["police"] * n
    columns["agency"] = ["North Yorkshire Police"] * n
    columns["incident_month"] = [f"2024-{m:02d}" for m in rng.integers(1, 13, n)]
    columns["incident_category"] = ["Burglary"] * n
    columns["lsoa_code"] = [f"E0102{c:04d}" for c in rng.integers(7000, 8000, n)]
    columns["latitude"] = [f"{v:.4f}" for v in rng.uniform(53.7, 54.5, n)]
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}), schema


@pytest.mark.parametrize("limit", [1000, 3, 0])
def test_errors_across_runs_and_the_error_limit(tmp_path: Path, limit: int) -> None:
    table, schema = _incidents(60, np.random.default_rng(1))
    rows = table.to_pylist()
    rows[20]["incident_id"] = rows[3]["incident_id"]  # a duplicate in a later run
    rows[21]["incident_id"] = ""  # required and primary key
    rows[30]["incident_month"] = "2024-13"
    rows[31]["service"] = "ambulance"
    rows[40]["latitude"] = "62.5"
    rows[41]["uprn"] = "1.5"
    rows[50]["lsoa_code"] = "X01000000"
    ours, files, info = _both(pa.Table.from_pylist(rows, schema=table.schema), tmp_path / "data.csv", schema, limit)
    assert info["memory"] == ""
    assert ours == files
    assert not ours["valid"]


def test_non_ascii_text_and_nulls(tmp_path: Path) -> None:
    table, schema = _incidents(30, np.random.default_rng(2))
    agency = pa.array(["Heddlu Gogledd Cymru – Café £5"] * 29 + [None], pa.string())
    table = table.set_column(2, "agency", agency)  # a null is written, and read back, as ""
    ours, files, info = _both(table, tmp_path / "data.csv", schema)
    assert ours == files
    assert [e["rowNumber"] for e in ours["tasks"][0]["errors"]] == [31]


def test_values_that_need_quotes_are_validated_from_the_file(tmp_path: Path) -> None:
    table, schema = _incidents(20, np.random.default_rng(3))
    outcome = pa.array(['Charged, "in court"'] + ["Line\nbreak"] + [""] * 18, pa.string())
    table = table.set_column(7, "outcome", outcome)
    ours, files, info = _both(table, tmp_path / "data.csv", schema)
    assert info["memory"] == "quoted values"
    assert ours == files and ours["valid"]


def test_large_strings_empty_tables_and_one_column(tmp_path: Path) -> None:
    table, schema = _incidents(25, np.random.default_rng(4))
    large = pa.table({n: c.cast(pa.large_string()) for n, c in zip(table.column_names, table.columns, strict=True)})
    ours, files, info = _both(large, tmp_path / "large.csv", schema)
    assert ours == files and info["memory"] == ""
    ours, files, _ = _both(table.slice(0, 0), tmp_path / "empty.csv", schema)
    assert ours == files
    one = {"fields": [{"name": "id", "type": "string", "constraints": {"required": True}}]}
    ours, files, info = _both(pa.table({"id": pa.array(["a", "", "b"], pa.string())}), tmp_path / "one.csv", one)
    assert ours == files and info["memory"] == "outside the light path's ground"


def test_the_file_holds_the_table_and_the_report_its_hashes(tmp_path: Path) -> None:
    header = [f["name"] for f in MIXED_SCHEMA["fields"]]
    rows = [[f"{i}"] + ["x"] * (len(header) - 1) for i in range(1, 12)]
    path = tmp_path / "data.csv"
    report = write_and_validate(_table(header, rows), path, MIXED_SCHEMA)
    data = path.read_bytes()
    assert data == (",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)).encode()
    stats = report["tasks"][0]["stats"]
    assert stats["sha256"] == hashlib.sha256(data).hexdigest()
    assert stats["md5"] == hashlib.md5(data).hexdigest()
    assert stats["bytes"] == len(data)


def test_write_csv_quotes_only_when_a_value_needs_it(tmp_path: Path) -> None:
    plain = pa.table({"a b": pa.array(["x", " y "]), "c": pa.array(["1", "2"])})
    _, unquoted = write_csv(plain, tmp_path / "plain.csv")
    assert unquoted and (tmp_path / "plain.csv").read_text() == "a b,c\nx,1\n y ,2\n"
    quoted = pa.table({"a,b": pa.array(["x,1"]), "c": pa.array(["2"])})
    _, unquoted = write_csv(quoted, tmp_path / "quoted.csv")
    assert not unquoted and (tmp_path / "quoted.csv").read_text() == '"a,b",c\n"x,1","2"\n'


def test_a_large_table_is_written_behind_the_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    heads = []
    head_enough = written_module._head_enough

    def recorded(part: bytes, rows: int) -> bool:
        heads.append(head_enough(part, rows))
        return heads[-1]

    monkeypatch.setattr(written_module, "_head_enough", recorded)
    table, schema = _incidents(60_000, np.random.default_rng(5))
    rows = table.slice(59_990).to_pylist()
    rows[5]["incident_month"] = "2024-00"  # an error in the last slice, written while the checks run
    table = pa.concat_tables([table.slice(0, 59_990), pa.Table.from_pylist(rows, schema=table.schema)])
    ours, files, info = _both(table, tmp_path / "data.csv", schema)
    assert heads == [True] and info["memory"] == ""
    assert ours == files and [e["rowNumber"] for e in ours["tasks"][0]["errors"]] == [59_997]
