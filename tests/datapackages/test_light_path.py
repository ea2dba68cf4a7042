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
