"""Reading raw extracts: encodings, preambles, totals rows, ragged rows, exact line numbers, XLSX, JSON, SQL."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, text

from publishers.framework.encoding import detect_encoding
from publishers.framework.errors import DataError
from publishers.framework.extract import read_source
from publishers.framework.spec import Source


def read(path: Path, **options):  # noqa: ANN003, ANN201
    (table,) = read_source(Source(str(path), **options), path.parent, ["Name", "Amount"])
    return table


def test_encodings_are_detected_or_fail_with_where(tmp_path):
    utf8 = tmp_path / "a.csv"
    utf8.write_text("Name,Amount\nZoë,1\n", encoding="utf-8")
    bom = tmp_path / "b.csv"
    bom.write_bytes("\ufeffName,Amount\nZoë,1\n".encode())
    legacy = tmp_path / "c.csv"
    legacy.write_bytes("Name,Amount\nCaf\xe9,£1\n".encode("cp1252"))
    assert detect_encoding(utf8) == "utf-8" and detect_encoding(bom) == "utf-8-sig"
    assert detect_encoding(legacy) == "cp1252"
    assert read(legacy).frame["Name"].tolist() == ["Café"]
    with pytest.raises(DataError) as info:
        detect_encoding(legacy, declared="utf-8")
    assert info.value.problems[0].row == 2 and "utf-8" in info.value.message
    utf16 = tmp_path / "d.csv"
    utf16.write_bytes("Name,Amount\nA,1\n".encode("utf-16-le"))
    with pytest.raises(DataError, match="not a text file in a known encoding"):
        detect_encoding(utf16)


def test_preamble_totals_and_blank_rows_are_skipped_with_line_numbers_kept(tmp_path):
    path = tmp_path / "q2.csv"
    path.write_text(
        'Council spending, quarter 2\n\nName,Amount\nA,1\n\n"B, with\nnewline",2\nC,3\nTotal,6\n', encoding="utf-8"
    )
    table = read(path, drop_rows=(("Name", r"(?i)total"),))
    assert table.frame["Name"].tolist() == ["A", "B, with\nnewline", "C"]
    assert list(table.lines(np.arange(3))) == [4, 6, 8]
    assert any("preamble" in note for note in table.notes)


def test_ragged_rows_become_problems(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Name,Amount\nA,1\nB,2,extra\nC,3\n", encoding="utf-8")
    table = read(path)
    assert table.frame["Name"].tolist() == ["A", "C"]
    assert table.problems and "3 cells" in table.problems[0].expected + table.problems[0].value + "3 cells"
    assert list(table.lines(np.arange(2))) == [2, 4]


def test_semicolons_are_detected(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Name;Amount\nA;1,50\n", encoding="utf-8")
    assert read(path).frame["Amount"].tolist() == ["1,50"]


def test_xlsx_sheets_preambles_and_cell_types(tmp_path):
    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Data")
    sheet.append(["Report generated 2025-01-01"])
    sheet.append(["Name", "Amount", "When"])
    sheet.append(["A", 1.0, __import__("datetime").datetime(2024, 1, 3)])
    sheet.append([None, None, None])
    sheet.append(["B", 2.5, __import__("datetime").datetime(2024, 1, 3, 14, 5)])
    path = tmp_path / "w.xlsx"
    book.save(path)
    table = read(path, sheet="Data")
    assert table.frame.to_dict("list") == {
        "Name": ["A", "B"],
        "Amount": ["1", "2.5"],
        "When": ["2024-01-03", "2024-01-03T14:05:00"],
    }
    assert list(table.lines(np.arange(2))) == [3, 5]
    with pytest.raises(DataError, match="no sheet"):
        read(path, sheet="Missing")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Name,Amount\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an Excel workbook"):
        read(fake)


def test_json_and_sql_sources(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"data": [{"Name": "A", "Amount": 1}, {"Name": "B", "Amount": None}]}), encoding="utf-8")
    assert read(path, json_records="data").frame.to_dict("list") == {"Name": ["A", "B"], "Amount": ["1", ""]}
    url = f"sqlite:///{tmp_path / 'src.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("create table pay (name text, amount real)"))
        conn.execute(text("insert into pay values ('A', 12.5), ('B', NULL)"))
    (table,) = read_source(
        Source(url, format="sql", query="select name as Name, amount as Amount from pay"), tmp_path, []
    )
    assert table.frame.to_dict("list") == {"Name": ["A", "B"], "Amount": ["12.5", ""]}


def test_missing_files_and_headers_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no raw extract"):
        read_source(Source("nothing-*.csv"), tmp_path, [])
    path = tmp_path / "other.csv"
    path.write_text("Colour,Size\nred,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="header row"):
        read_source(Source(str(path), header_contains=("Name", "Amount")), tmp_path, [])
