"""The package builder: Data Package v2 descriptor, normalised CSV, zip, and frictionless acceptance."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from frictionless import Package

from datapackages.package import PackageError, ResourceSpec, build_package
from datapackages.validate import validate_file

HEADER = "lsoa_code,local_authority_code,period_start,period_end,period_type,service,demand_measure,count,suppressed\n"
ROWS = [
    "E01013358,E06000014,2019-01-01,2019-01-31,month,police,crimes,12,false",
    "E01013359,E06000014,2019-01-01,2019-01-31,month,police,crimes,,true",
]
METADATA = {
    "name": "york-demand",
    "title": "Service demand in York",
    "description": "Crimes per LSOA and month",
    "keywords": ["crime"],
    "contributors": [{"title": "City of York Council", "roles": ["publisher"]}],
    "sources": [{"title": "data.police.uk"}],
}


@pytest.fixture
def demand_csv(tmp_path) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_builds_a_package_frictionless_accepts(tmp_path, demand_csv):
    out = tmp_path / "pkg"
    result = build_package([ResourceSpec(demand_csv, "service-demand-lsoa")], METADATA, out)
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["$schema"].endswith("/2.0/datapackage.json")
    for key in (
        "name",
        "id",
        "title",
        "description",
        "version",
        "created",
        "licenses",
        "sources",
        "contributors",
        "keywords",
    ):
        assert descriptor[key], key
    resource = descriptor["resources"][0]
    data = (out / resource["path"]).read_bytes()
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert resource["bytes"] == len(data)
    assert resource["mediatype"] == "text/csv" and resource["encoding"] == "utf-8"
    assert json.loads((out / resource["schema"]).read_text())["name"] == "service-demand-lsoa"
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stdout[-2000:]
    with zipfile.ZipFile(result["zip"]) as archive:
        assert {"datapackage.json", resource["path"], resource["schema"]} <= set(archive.namelist())


def test_legacy_encoding_and_semicolons_are_normalised(tmp_path):
    source = tmp_path / "legacy.csv"
    text = HEADER.replace(",", ";") + "\n".join(r.replace(",", ";") for r in ROWS) + "\n"
    source.write_bytes(text.replace("police", "polícia £").encode("cp1252"))
    out = tmp_path / "pkg"
    result = build_package(
        [{"path": source, "schema": "service-demand-lsoa", "name": "demand"}], METADATA, out, make_zip=False
    )
    written = (out / "data" / "demand.csv").read_text(encoding="utf-8")
    assert "polícia £" in written and ";" not in written
    assert result["zip"] is None
    assert validate_file(out / "data" / "demand.csv", "service-demand-lsoa")["valid"]


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"title": "t", "description": "d"}, "lacks name"),
        ({**METADATA, "name": "Bad Name"}, "must be lower-case"),
    ],
)
def test_bad_metadata_says_how_to_fix(tmp_path, demand_csv, metadata, message):
    with pytest.raises(PackageError, match=message):
        build_package([ResourceSpec(demand_csv, "service-demand-lsoa")], metadata, tmp_path / "pkg")


def test_missing_resource_and_duplicate_names(tmp_path, demand_csv):
    with pytest.raises(PackageError, match="not found"):
        build_package([ResourceSpec(tmp_path / "nope.csv", "service-demand-lsoa")], METADATA, tmp_path / "a")
    with pytest.raises(PackageError, match="distinct name"):
        build_package([ResourceSpec(demand_csv, "service-demand-lsoa")] * 2, METADATA, tmp_path / "b")
