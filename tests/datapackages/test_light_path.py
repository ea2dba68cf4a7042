"""The light path (no frictionless on clean files) against frictionless's own decisions.

Encoding, dialect, header row and labels as ``detect`` reads them must be what frictionless decides on
opening the file; schemas ``spec`` accepts must be schemas frictionless accepts, read the same way; and
whole reports through the light path and the cut-up parallel parsing must equal frictionless's reports.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from frictionless import Detector, Resource, Schema

from datapackages.schemas import list_schemas, load_schema
from datapackages.validate import frictionless_report, validate_file
from datapackages.validate.detect import NotDetected, detect
from datapackages.validate.encoding import detect_encoding, plain_ascii
from datapackages.validate.spec import OutsideGround, frictionless_spec, light_schema
from tests.datapackages.dp_compare import facts
from tests.datapackages.dp_corpus import MIXED_SCHEMA, mixed_rows

HEADER = ",".join(f["name"] for f in MIXED_SCHEMA["fields"])
ROWS = mixed_rows(40, np.random.default_rng(7))
PLAIN = (HEADER + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n").encode()

# Encoding


ENCODING_SAMPLES = {
    "plain": PLAIN,
    "plus": PLAIN.replace(b"fire", b"fire+ACY-", 1),
    "tilde": PLAIN.replace(b"fire", b"~{fire~}", 1),
    "escape": PLAIN.replace(b"fire", b"\x1b$Bfire", 1),
    "meta": PLAIN.replace(b"fire", b'<meta charset="iso-8859-1">', 1),
    "xml": b"<?xml version='1.0' encoding='latin-1'?>\n" + PLAIN,
    "pep263": b"# -*- coding: latin-1 -*-\n" + PLAIN,
    "gif": b"GIF89a," + PLAIN,
    "bmp": b"BM" + PLAIN,
    "pdf": b"%PDF-1.4," + PLAIN,
    "tar": b"x" * 257 + b"ustar  " + PLAIN,
    "nul": PLAIN.replace(b"fire", b"fi\x00re", 1),
    "control": PLAIN.replace(b"fire", b"fi\x07re", 1),
    "bom": codecs.BOM_UTF8 + PLAIN,
    "bom-utf8": codecs.BOM_UTF8 + PLAIN.replace(b"fire", "Café".encode(), 1),
    "utf8": PLAIN.replace(b"fire", "Café £5".encode(), 1),
    "cp1252": PLAIN.replace(b"fire", "Café £5".encode("cp1252"), 1),
    "utf16": PLAIN.decode().encode("utf-16"),
    "tab": PLAIN.replace(b",", b"\t"),
    "crlf": PLAIN.replace(b"\n", b"\r\n"),
    "cr": PLAIN.replace(b"\n", b"\r"),
}


@pytest.mark.parametrize("name", sorted(ENCODING_SAMPLES))
def test_encoding_is_frictionless_encoding(name):
    buffer = ENCODING_SAMPLES[name]
    assert detect_encoding(buffer) == Detector().detect_encoding(buffer)


def test_ascii_shortcut_is_taken_for_ordinary_text_only():
    assert all(plain_ascii(ENCODING_SAMPLES[n]) for n in ("plain", "tab", "crlf", "cr"))
    unusual = ("plus", "tilde", "escape", "meta", "xml", "pep263", "gif", "bmp", "pdf", "tar", "nul", "control")
    assert not any(plain_ascii(ENCODING_SAMPLES[n]) for n in unusual)


# Opening: dialect, header row, labels


def _text(rows: list[list[str]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL, end: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=end).writerows(rows)
    return buffer.getvalue()


LABELS = [f["name"] for f in MIXED_SCHEMA["fields"]]
OPENINGS = {
    "comma": _text([LABELS, *ROWS]).encode(),
    "semicolon": _text([LABELS, *ROWS], ";").encode(),
    "tab": _text([LABELS, *ROWS], "\t").encode(),
    "pipe": _text([LABELS, *ROWS], "|").encode(),
    "quoted-all": _text([LABELS, *ROWS], quoting=csv.QUOTE_ALL).encode(),
    "quoted-header": _text([LABELS], quoting=csv.QUOTE_ALL).encode() + _text(ROWS).encode(),
    "crlf": _text([LABELS, *ROWS], end="\r\n").encode(),
    "cr": _text([LABELS, *ROWS], end="\r").encode(),
    "bom": codecs.BOM_UTF8 + _text([LABELS, *ROWS]).encode(),
    "bom-quoted": codecs.BOM_UTF8 + _text([LABELS, *ROWS], quoting=csv.QUOTE_ALL).encode(),
    "utf8": _text([LABELS, *[[c.replace("Station", "Gorsaf Ŵ") for c in r] for r in ROWS]]).encode(),
    "cp1252": _text([LABELS, *[[c.replace("Station", "Café") for c in r] for r in ROWS]]).encode("cp1252"),
    "spaced": _text([LABELS, *ROWS]).replace(",", ", ").encode(),
    "padded-labels": _text([[f" {label} " for label in LABELS], *ROWS]).encode(),
    "title-line": _text([["Incidents attended, 2019"], LABELS, *ROWS]).encode(),
    "multiline-header": _text([[*LABELS[:-1], "up\nrn"], *ROWS]).encode(),
    "one-column": _text([["id"], *[[r[0]] for r in ROWS]]).encode(),
    "short-rows": _text([LABELS, *[r[:6] for r in ROWS[:30]], *ROWS[30:]]).encode(),
    "empty": b"",
    "header-only": HEADER.encode(),
    "header-only-newline": (HEADER + "\r\n").encode(),
    "utf16": _text([LABELS, *ROWS]).encode("utf-16"),
    "no-final-newline": _text([LABELS, *ROWS]).rstrip("\n").encode(),
    "blank-first-line": b"\n" + _text([LABELS, *ROWS]).encode(),
}


def _frictionless_opening(path: Path) -> tuple:
    with Resource(path=path.name, basepath=str(path.parent)) as resource:
        control = resource.dialect.get_control("csv") if resource.dialect.has_control("csv") else None
        delimiter = control.delimiter if control is not None else ","
        return resource.encoding, delimiter, resource.dialect.header_rows, resource.labels


@pytest.mark.parametrize("name", sorted(OPENINGS))
def test_opening_is_frictionless_opening(name, tmp_path):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(OPENINGS[name])
    try:
        theirs = _frictionless_opening(path)
    except Exception:
        with pytest.raises(NotDetected):
            detect(path)
        return
    try:
        found = detect(path)
    except NotDetected:
        assert name in {"spaced", "padded-labels", "title-line", "empty"}, "the light reading should cover this file"
        return
    assert (found.encoding, found.delimiter, [found.header_row], found.labels) == theirs


# Schemas


@pytest.mark.parametrize("summary", list_schemas(), ids=lambda s: s["path"].rsplit("/", 1)[-1])
def test_standard_schemas_are_read_like_frictionless(summary):
    descriptor = load_schema(summary["path"])
    assert light_schema(descriptor).fields == frictionless_spec(Schema.from_descriptor(descriptor)).fields


OUTSIDE = [
    {"fields": [{"name": "a", "type": "integer", "constraints": {"exclusiveMinimum": 1}}]},
    {"fields": [{"name": "a", "type": "integer", "bareNumber": False}]},
    {"fields": [{"name": "a", "type": "number", "decimalChar": ","}]},
    {"fields": [{"name": "a", "type": "string", "format": "email"}]},
    {"fields": [{"name": "a", "type": "date", "format": "%d/%m/%Y"}]},
    {"fields": [{"name": "a", "type": "date", "constraints": {"minimum": "2019-1-1"}}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": "5"}}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": True}}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "5"}}]},
    {"fields": [{"name": "a", "type": "string", "constraints": {"pattern": "("}}]},
    {"fields": [{"name": "a", "type": "string", "constraints": {"maxLength": -1}}]},
    {"fields": [{"name": "a", "type": "string", "required": True}]},
    {"fields": [{"name": "a", "type": "geopoint"}]},
    {"fields": [{"name": "a", "type": "integer", "example": "x"}]},
    {"fields": [{"name": "a", "type": "integer", "example": 1.5}]},
    {"fields": [{"name": "a", "type": "year", "example": 20201}]},
    {"fields": [{"name": "a"}, {"name": "a"}]},
    {"fields": [{"name": " a"}]},
    {"fields": [{"name": "a"}], "primaryKey": ["b"]},
    {"fields": [{"name": "a"}], "foreignKeys": []},
    {"fields": [{"name": "a"}], "fieldsMatch": "subset"},
    {"fields": [{"name": "a"}], "missingValues": [{"value": "NA"}]},
    {"fields": [{"name": "a"}], "name": "Not A Name"},
    {"fields": [{"name": "a"}], "$schema": "https://example.org/my-profile.json"},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": 0}}], "missingValues": ["", "0"]},
]


@pytest.mark.parametrize("descriptor", OUTSIDE, ids=range(len(OUTSIDE)))
def test_schemas_outside_the_ground_are_left_to_frictionless(descriptor):
    with pytest.raises(OutsideGround):
        light_schema(descriptor)


def test_ground_schemas_are_valid_for_frictionless():
    for summary in list_schemas():
        Schema.from_descriptor(load_schema(summary["path"])).to_descriptor(validate=True)
    Schema.from_descriptor(MIXED_SCHEMA).to_descriptor(validate=True)
    light_schema(MIXED_SCHEMA)


# Whole reports


@pytest.mark.parametrize("name", sorted(OPENINGS))
def test_reports_through_the_light_path(name, tmp_path):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(OPENINGS[name])
    info: dict = {}
    ours = validate_file(path, MIXED_SCHEMA, engine_info=info)
    assert facts(ours) == facts(frictionless_report(path, MIXED_SCHEMA))
    if name in {"comma", "semicolon", "tab", "pipe", "quoted-all", "quoted-header", "crlf", "bom", "utf8"}:
        assert "light" not in info and info["engine"] == "fast", info


def _cut_up_file(quote_at: int | None = None, line_end: str = "\n") -> str:
    rows = [list(r) for r in mixed_rows(900, np.random.default_rng(11))]
    for i, row in enumerate(rows, start=1):
        row[0] = str(i)
        if i % 53 == 0:
            rows[i - 1] = row[:5]  # ragged
        if i % 71 == 0:
            rows[i - 1] = row + ["x"]
        if i % 97 == 0:
            rows[i - 1] = []  # empty line
        if i % 89 == 0:
            row[5] = "99"  # constraint error
        if i % 101 == 0:
            row[0] = "7"  # duplicate id
    if quote_at is not None:
        rows[quote_at][8] = 'Stn "Quoted", multi\nline'
    return _text([LABELS, *rows], end=line_end)


@pytest.mark.parametrize(
    ("quote_at", "line_end"), [(None, "\n"), (None, "\r\n"), (700, "\n"), (3, "\r\n"), (None, "\r")]
)
def test_cut_up_parsing_matches_frictionless(tmp_path, quote_at, line_end):
    """Small pieces put ragged rows, empty lines and the switch to streaming on piece boundaries."""
    path = tmp_path / "pieces.csv"
    path.write_bytes(_cut_up_file(quote_at, line_end).encode())
    for block_size in (2048, 5000, 1 << 20):
        ours = validate_file(path, MIXED_SCHEMA, limit_errors=100000, block_size=block_size, batch_rows=150)
        assert facts(ours) == facts(frictionless_report(path, MIXED_SCHEMA, limit_errors=100000))


def test_clean_file_needs_no_frictionless_pandas_or_pyarrow_compute(tmp_path):
    import subprocess

    path = tmp_path / "clean.csv"
    path.write_bytes(OPENINGS["quoted-header"])
    schema = tmp_path / "schema.json"
    vectorised = [{**f, "type": "string"} if f["type"] == "yearmonth" else f for f in MIXED_SCHEMA["fields"]]
    schema.write_text(json.dumps({**MIXED_SCHEMA, "fields": vectorised}))
    heavy = ("frictionless", "pandas", "pyarrow.compute", "chardet")
    code = (
        "import sys; from datapackages.validate import validate_file; "
        f"r = validate_file({str(path)!r}, {str(schema)!r}); "
        f"print(r['valid'], sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split(" ", 1)[1].strip() == "[]", out


# Cell readers without frictionless (light_cells)

LIGHT_FIELDS = [
    {"name": "s", "type": "string"},
    {"name": "s", "type": "string", "constraints": {"required": True, "minLength": 2, "maxLength": 4}},
    {"name": "s", "type": "string", "constraints": {"pattern": r"E0[1-9]\d{2}", "enum": ["E011", "E0123", "x"]}},
    {"name": "s", "type": "string", "constraints": {"unique": True, "pattern": "[a-z]+"}, "missingValues": ["-"]},
    {"name": "i", "type": "integer"},
    {"name": "i", "type": "integer", "constraints": {"required": True, "minimum": -5, "maximum": 20}},
    {"name": "i", "type": "integer", "constraints": {"enum": [1, 3, 1000]}},
    {"name": "n", "type": "number"},
    {"name": "n", "type": "number", "constraints": {"minimum": 0.1, "maximum": 61}},
    {"name": "n", "type": "number", "constraints": {"required": True, "minimum": -1000}},
    {"name": "b", "type": "boolean"},
    {"name": "b", "type": "boolean", "trueValues": ["Y", "1"], "falseValues": ["N", "1"]},
    {"name": "d", "type": "date"},
    {"name": "d", "type": "date", "constraints": {"minimum": "2015-01-01", "maximum": "2020-02-29"}},
    {"name": "t", "type": "datetime"},
    {"name": "t", "type": "datetime", "constraints": {"required": True}},
    {"name": "y", "type": "year"},
    {"name": "y", "type": "year", "constraints": {"minimum": 1990, "maximum": 2030}},
]
LIGHT_CELLS = [
    *(None, "", " ", "-", "None", "x", "é", "ab", "abcd", "abcde", "E011", "E0123", "E01234", "E0a12"),
    *("0", "1", "-0", "007", " 5", "5 ", "+5", "1_000", "1.0", "1.", ".5", "-1.5", "1e3", "1E-2", "0.1"),
    *("0.09999999999999999999", "61", "61.0000000000000001", "-1000", "-1000.5", "20", "21", "-5", "-6"),
    *("nan", "NaN", "-nan", "inf", "Infinity", "-inf", "1,5", "0x10", "٣", "99999999999999999999", "1000"),
    *("true", "True", "TRUE", "false", "FALSE", "Y", "N", "yes"),
    *("2015-01-01", "2014-12-31", "2020-02-29", "2020-03-01", "2019-02-29", "2020-2-3", "0000-01-01"),
    *("2020-01-01 ", "20200101", "2020-01-01T00:00:00", "2020-01-01T10:00:00", "2020-01-01T24:00:00"),
    *("2020-01-01T10:00:00Z", "2020-01-01T10:00:00+01:00", "2020-01-01T10:00", "2020-01-01 10:00:00"),
    *("2020-01-01T10:00:00.5", "2020-01-01T10:00:60", "2020-W01-1T10:00:00", "1989", "1990", "2030", "2031"),
    *("9999", "10000", "0000", "-999", " 202", "20.0"),
]


@pytest.mark.parametrize("descriptor", LIGHT_FIELDS, ids=range(len(LIGHT_FIELDS)))
def test_light_cell_readers_are_frictionless_cell_readers(descriptor):
    """Values (with their types) and notes (in order) for every cell, against frictionless's own reader."""
    from datapackages.validate.light_cells import light_cell_reader

    schema = {"fields": [descriptor]}
    ours = light_cell_reader(light_schema(schema).fields[0])
    theirs = Schema.from_descriptor(schema).fields[0].create_cell_reader()
    assert ours is not None
    for cell in LIGHT_CELLS:
        value, notes = ours(cell)
        expected_value, expected_notes = theirs(cell)
        assert (type(value), repr(value)) == (type(expected_value), repr(expected_value)), cell
        assert list((notes or {}).items()) == list((expected_notes or {}).items()), cell


def test_light_cell_readers_leave_other_fields_to_frictionless():
    from datapackages.validate.light_cells import light_cell_reader

    for kind in ("yearmonth", "time"):
        assert light_cell_reader(light_schema({"fields": [{"name": "a", "type": kind}]}).fields[0]) is None
    opened = frictionless_spec(Schema.from_descriptor({"fields": [{"name": "a", "type": "integer"}]}))
    assert light_cell_reader(opened.fields[0]) is None


def test_error_classes_are_frictionless_error_classes():
    from frictionless import errors

    from datapackages.validate.cells import ERROR_CLASSES, error_dict

    for name, (kind, title, description, template, tags) in ERROR_CLASSES.items():
        theirs = getattr(errors, name)
        assert (kind, title, description, template, tags) == (
            theirs.type,
            theirs.title,
            theirs.description,
            theirs.template,
            list(theirs.tags),
        )
    made = errors.TypeError(note="n", cells=["a"], row_number=2, cell="a", field_name="f", field_number=1)
    ours = error_dict("TypeError", note="n", cells=["a"], rowNumber=2, cell="a", fieldName="f", fieldNumber=1)
    assert ours == made.to_descriptor()
    assert (
        error_dict("BlankRowError", note="", cells=[], rowNumber=3)
        == errors.BlankRowError(note="", cells=[], row_number=3).to_descriptor()
    )


def test_file_with_errors_needs_no_frictionless(tmp_path):
    """Type, constraint, unique, primary-key, blank-row and ragged-row errors, reported like frictionless,
    without importing it (every field type here is read by light_cells)."""
    import subprocess

    fields = [f for f in MIXED_SCHEMA["fields"] if f["type"] not in ("yearmonth", "time")]
    schema = {**MIXED_SCHEMA, "fields": fields}
    indexes = [i for i, f in enumerate(MIXED_SCHEMA["fields"]) if f in fields]
    rows = [[r[i] for i in indexes] for r in ROWS]
    rows[3][0] = rows[2][0]  # duplicate id: unique and primary-key errors
    rows[5] = [c if i else "x" for i, c in enumerate(rows[5])]  # type error in the id
    rows[7] = [c + "?" for c in rows[7]]  # type and constraint errors in every field
    rows[9] = rows[9][:4]  # missing cells
    rows[11] = [*rows[11], "extra"]
    rows[13] = [""] * len(fields)
    path = tmp_path / "errors.csv"
    path.write_bytes(_text([[f["name"] for f in fields], *rows]).encode())
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema))
    code = (
        "import json, sys; from datapackages.validate import validate_file; info = {}; "
        f"r = validate_file({str(path)!r}, {str(schema_path)!r}, engine_info=info); "
        "print(json.dumps([info, 'frictionless' in sys.modules, r], default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    info, imported, ours = json.loads(out)
    assert info["engine"] == "fast" and "light" not in info and not imported
    theirs = json.loads(json.dumps(frictionless_report(path, schema), default=str))
    assert facts(ours) == facts(theirs)
    assert len(ours["tasks"][0]["errors"]) > 12


# Numeric columns read as numbers (typed)

TYPED_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "n", "type": "number", "constraints": {"minimum": -1000, "maximum": 61}},
        {"name": "k", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "u", "type": "number", "constraints": {"unique": True}},
        {"name": "s", "type": "string"},
    ],
    "primaryKey": ["id"],
}
TYPED_CELLS = [
    *("inf", "nan", "-inf", "Infinity", "NaN", " 5", "5 ", "\t5", "+5", ".5", "5.", "-.5", "1e3", "1E-2"),
    *("1e999", "1e-999", "-0", "0x10", "0X1F", "1_0", "٣", "", " ", "61", "61.0000000001", "60.99999999999"),
    *("-1000", "-1000.5", "-999.9999999999", "abc", "007", "9223372036854775808", "1.0"),
]


def _typed_rows(count: int) -> list[list[str]]:
    return [
        [str(i), f"{(i * 7) % 60}.{i % 10}", str(i % 90), f"{i}.25", f"v{i}" if i % 3 else "w"] for i in range(count)
    ]


def _count_typed(monkeypatch) -> dict[str, int]:
    from datapackages.validate import pipeline

    counts = {"numbers": 0, "text": 0}
    parse_typed = pipeline.parse_typed

    def counted(*args):
        done = parse_typed(*args)
        counts["numbers" if done else "text"] += 1
        return done

    monkeypatch.setattr(pipeline, "parse_typed", counted)
    return counts


def test_clean_numeric_pieces_are_read_as_numbers(tmp_path, monkeypatch):
    counts = _count_typed(monkeypatch)
    path = tmp_path / "typed.csv"
    path.write_text(_text([[f["name"] for f in TYPED_SCHEMA["fields"]], *_typed_rows(400)]))
    ours = validate_file(path, TYPED_SCHEMA, block_size=1000)
    assert facts(ours) == facts(frictionless_report(path, TYPED_SCHEMA)) and ours["valid"]
    assert counts["numbers"] > 5 and counts["text"] == 0


@pytest.mark.parametrize("column", [1, 2, 3, 0])
@pytest.mark.parametrize("cell", TYPED_CELLS)
def test_numeric_cells_read_as_numbers_or_text_are_frictionless_decisions(tmp_path, cell, column):
    """One unusual cell in a file otherwise read as numbers: pyarrow's reading may prove it only if Python
    reads it to the same valid value; otherwise the piece is read as text and frictionless decides."""
    rows = _typed_rows(120)
    rows[70][column] = cell
    path = tmp_path / "typed.csv"
    path.write_text(_text([[f["name"] for f in TYPED_SCHEMA["fields"]], *rows]))
    ours = validate_file(path, TYPED_SCHEMA, block_size=700)
    assert facts(ours) == facts(frictionless_report(path, TYPED_SCHEMA))


def test_repeated_keys_in_pieces_read_as_numbers_are_reported_with_their_text(tmp_path, monkeypatch):
    """Repeated keys are found after the pieces were read as numbers: the rows' text is read again."""
    counts = _count_typed(monkeypatch)
    rows = _typed_rows(300)
    for i in (40, 150, 299):
        rows[i][0] = rows[i - 25][0]  # unique and primary-key errors
        rows[i][3] = " " + rows[i - 25][3] + "0"  # the same number written differently: a unique error too
    path = tmp_path / "typed.csv"
    path.write_text(_text([[f["name"] for f in TYPED_SCHEMA["fields"]], *rows]))
    ours = validate_file(path, TYPED_SCHEMA, block_size=900)
    assert facts(ours) == facts(frictionless_report(path, TYPED_SCHEMA))
    assert len(ours["tasks"][0]["errors"]) == 9 and counts["text"] == 0
