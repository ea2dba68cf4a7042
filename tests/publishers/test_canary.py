"""The canary: raw extracts about people are seeded with marker values; after publishing, no marker and no whole
raw row may appear in any byte that reached the catalogue (its database, its file store, its API answers)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
from pathlib import Path

from openpyxl import load_workbook

from publishers import registry
from publishers.framework.pipeline import run, secret_from
from tests.publishers.conftest import make_options

CALLER_MARKERS = {
    "Caller Name": "Zqxcanary Wvmarker",
    "Caller Phone": "07700 955501",
    "Caller DOB": "29/02/1904",
    "Caller Postcode": "YO1 9ZZ",
    "Call Taker Notes": "CANARY-NOTE-7731 lives at 1 Canary Row",
}
CHILD_MARKERS = {"Child Name": "Qcanary Childname", "Child ID": "CCANARY99", "Home Postcode": "HG1 9QQ"}


def _seed_calls(path: Path, rows: int) -> list[str]:
    """Give the first ``rows`` calls one marked caller (so the marked caller is a repeat caller)."""
    with path.open(encoding="utf-8", newline="") as src:
        table = list(csv.reader(src))
    header = table[0]
    for row in table[1 : rows + 1]:
        for column, marker in CALLER_MARKERS.items():
            row[header.index(column)] = marker
    table[1][header.index("Call Ref")] = "NYP-CANARY-000001"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(table)
    return [",".join(row) for row in table[1 : rows + 1]]


def _seed_referrals(path: Path, rows: int) -> None:
    book = load_workbook(path)
    sheet = book["Referrals"]
    header = [c.value for c in sheet[4]]
    for r in range(5, 5 + rows):
        for column, marker in CHILD_MARKERS.items():
            sheet.cell(row=r, column=header.index(column) + 1, value=marker)
    sheet.cell(row=5, column=header.index("Referral ID") + 1, value="REF-CANARY-1")
    book.save(path)


def _catalogue_bytes(settings, catalogue, names) -> list[tuple[str, bytes]]:  # noqa: ANN001
    """Everything the catalogue holds or serves about the datasets: database files, stored files, answers."""
    found = []
    for path in sorted(Path(settings.database_url.removeprefix("sqlite:///")).parent.glob("portal.db*")):
        found.append((str(path), path.read_bytes()))
    found += [(str(p), p.read_bytes()) for p in Path(settings.storage_path).rglob("*") if p.is_file()]
    for name in names:
        pkg = catalogue.public.action.package_show(id=name)
        found.append((f"package_show {name}", json.dumps(pkg).encode()))
    found.append(("package_search", json.dumps(catalogue.public.action.package_search(rows=100)).encode()))
    return found


def _published_as_synthetic(catalogue, spec, result, real_csv: Path) -> None:  # noqa: ANN001
    """Only synthetic rows that passed the gate, with their report; not one real (mapped) row."""
    pkg = catalogue.public.action.package_show(id=spec.name)
    roles = [r["publisher_role"] for r in pkg["resources"]]
    assert roles == ["data", "datapackage", "validation", "synthetic", "synthetic-html"]
    assert {e["key"]: e["value"] for e in pkg["extras"]}["release_mode"] == "synthetic"
    assert "synthetic" in pkg["notes"].lower()
    report = json.loads((result.built.folder / "synthetic-report.json").read_text())
    assert report["verdict"] == "released" and report["privacy"]["passed"]
    assert report["fidelity"]["column_shapes"] > 0.8 and report["distributions"]
    real = set(real_csv.read_text(encoding="utf-8").splitlines()[1:])
    released = set(result.built.files[0].path.read_text(encoding="utf-8").splitlines()[1:])
    assert not real & released, "no real row is released"


def test_no_marker_and_no_raw_row_reaches_the_catalogue(raw, tmp_path, catalogue, settings):
    raw_rows = _seed_calls(raw / "contacts" / "police-calls-2023-24.csv", 12)
    _seed_referrals(raw / "childrens" / "referrals.xlsx", 12)
    names = []
    for publisher in ("repeat-callers", "childrens-referrals"):
        spec = registry.load(publisher)
        result = run(spec, make_options(raw, tmp_path / "work", catalogue))
        assert result.change == "created"
        names.append(spec.name)
        _published_as_synthetic(catalogue, spec, result, tmp_path / "work" / spec.name / "checked.csv")
    secret = secret_from(raw)
    pseudonym = hmac.new(secret, b"07700955501", hashlib.sha256).hexdigest()
    markers = [*CALLER_MARKERS.values(), *CHILD_MARKERS.values(), "NYP-CANARY-000001", "REF-CANARY-1", pseudonym]
    markers += ["1904-02-29", "Zqxcanary", "Wvmarker", "955501", "CANARY-NOTE", "CCANARY99", "Qcanary"]
    real_rows = (tmp_path / "work" / "repeat-callers-police-fire" / "checked.csv").read_text(encoding="utf-8")
    mapped = real_rows.splitlines()[1:]
    assert any(pseudonym in line for line in mapped), "the marked caller really was in the data"
    haystack = _catalogue_bytes(settings, catalogue, names)
    assert sum(len(body) for _, body in haystack) > 100_000
    for where, body in haystack:
        for marker in markers:
            assert marker.encode() not in body, f"{marker!r} reached the catalogue in {where}"
            assert marker.encode("utf-16-le") not in body, f"{marker!r} (UTF-16) reached {where}"
        for line in raw_rows + mapped[:500]:
            assert line.encode() not in body, f"a whole real row reached the catalogue in {where}"
