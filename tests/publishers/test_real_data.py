"""Publishing the real public-sector files in ../shared/data/real into a running portal with the partners'
own publishers (their specs, re-pointed where the real file is another body's), read back through ckanapi.

The files are linked into a temporary raw folder, never copied into the repository; each test skips with a
reason when ../shared is absent (a user's fresh clone)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
import requests

from bench.synthetic.adult import COLUMNS as ADULT_COLUMNS
from bench.synthetic.adult import SCHEMA as ADULT_SCHEMA
from portal.config import Settings
from publishers import registry
from publishers.framework import Catalogue, Column, Input, PublisherSpec, Rejects, Source, Synthetic
from publishers.framework import transforms as t
from publishers.framework.pipeline import Options, run
from tests.catalogue_fixtures import _settings
from tests.publishers.conftest import real_file


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Real files are larger than the catalogue tests' upload limit."""
    return _settings(database_url, tmp_path / "files", max_upload_bytes=512 << 20)


WARDS = "ons_lsoa_lookups/Lower_Layer_Super_Output_Area_(2011)_to_Ward_(2019)_Lookup_in_England_and_Wales.csv"


def link(raw: Path, relative: str, source: Path) -> None:
    target = raw / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source)


def options(raw: Path, tmp_path: Path, catalogue, geography: bool = True) -> Options:  # noqa: ANN001
    lookups = [real_file(WARDS)] if geography else []
    return Options(raw, tmp_path / "work", catalogue=catalogue.url, token=catalogue.token, geography=lookups)


def with_column(spec: PublisherSpec, column: Column, **catalogue_changes) -> PublisherSpec:  # noqa: ANN003
    inputs = tuple(
        dataclasses.replace(inp, columns=tuple(column if c.field == column.field else c for c in inp.columns))
        for inp in spec.inputs
    )
    return dataclasses.replace(spec, inputs=inputs, catalogue=dataclasses.replace(spec.catalogue, **catalogue_changes))


def rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def read_back(catalogue, name: str) -> tuple[dict, bytes]:  # noqa: ANN001
    pkg = catalogue.public.action.package_show(id=name)
    data = next(r for r in pkg["resources"] if r["publisher_role"] == "data")
    return pkg, requests.get(data["url"], timeout=60).content


def test_police_street_crime_north_yorkshire(tmp_path, catalogue):
    raw = tmp_path / "raw"
    link(
        raw,
        "police/2019-01-north-yorkshire-street.csv",
        real_file("police_street_north_yorkshire/2019-01-north-yorkshire-street.csv"),
    )
    spec = registry.load("police-street-crime")
    result = run(spec, options(raw, tmp_path, catalogue))
    assert result.rows_in == 5327 and result.rows_out == 5327 - result.rows_held and result.rows_held <= 53
    pkg, body = read_back(catalogue, spec.name)
    lines = body.decode().splitlines()
    assert len(lines) == result.rows_out + 1
    assert sum(line.startswith("police-2019-01-") for line in lines) == 1521  # anti-social behaviour got stable ids
    assert ",E06000065," not in body.decode() and ",E07000164," in body.decode()  # Hambleton, from the lookup
    assert {e["key"]: e["value"] for e in pkg["extras"]}["temporal_start"] == "2019-01"


def test_fire_incidents_with_a_legacy_encoding(tmp_path, catalogue):
    raw = tmp_path / "raw"
    link(
        raw,
        "fire/incidents-lfb.csv",
        real_file("lfb_animal_rescue/Animal Rescue incidents attended by LFB from Jan 2009.csv"),
    )
    spec = with_column(
        registry.load("fire-incidents"),
        Column("agency", value="London Fire Brigade"),
        title="Animal rescues attended by London Fire Brigade (real test file)",
    )
    result = run(spec, options(raw, tmp_path, catalogue))
    assert result.rows_in == 10497 and result.rows_out >= 10497 * 0.98
    assert any("read as" in note for note in result.notes)
    pkg, body = read_back(catalogue, spec.name)
    assert body.decode().count("\n") == result.rows_out + 1
    schema = json.loads(pkg["resources"][0]["schema"])
    uprn = [f["name"] for f in schema["fields"]].index("uprn")
    assert all(row[uprn] == "" for row in rows(body)[1:])  # UPRNs withheld


def test_oxford_spending_seventeen_quarters_with_drifting_headers(tmp_path, catalogue):
    raw = tmp_path / "raw"
    link(raw, "spending", real_file("oxford_spend_over_500/data"))
    spec = with_column(
        registry.load("council-spending"),
        Column(
            "body_name",
            ("Body Name", "Body_Name", "Organisation", "Client"),
            required=False,
            default="Oxford City Council",
        ),
        title="Oxford City Council spending over £500 (real test files)",
    )
    result = run(spec, options(raw, tmp_path, catalogue, geography=False))
    assert result.rows_in >= 61_000
    # Apr-Jun 2014 carries no payment dates (every cell is 00:00:00): those rows are held back, not guessed.
    assert 3800 <= result.rows_held <= 0.1 * result.rows_in
    assert any("expenditure-over-500-jul-sep-2017.csv: no column for expenditure_category" in n for n in result.notes)
    assert any("payee name(s) redacted" in n for n in result.notes)
    held = (tmp_path / "work" / spec.name / "held-back-rows.csv").read_text(encoding="utf-8")
    assert "expenditure-over-500-apr-jun-2014.csv" in held and "00:00:00" in held
    pkg, body = read_back(catalogue, spec.name)
    assert body.decode("utf-8").count("\n") == result.rows_out + 1 and "REDACTED PERSONAL DATA" in body.decode()


def test_imd_workbook_becomes_the_lsoa_geography(tmp_path, catalogue):
    raw = tmp_path / "raw"
    link(raw, "geography/imd2019.xlsx", real_file("imd2019_lsoa/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx"))
    spec = registry.load("lsoa-geography")
    result = run(spec, options(raw, tmp_path, catalogue, geography=False))
    assert result.rows_in == 32844 and result.rows_out == 32844 and result.rows_held == 0
    pkg, body = read_back(catalogue, spec.name)
    assert ["E01027558", "Craven 001A", "", "", "E07000163", "Craven"] in [row[:6] for row in rows(body)]


def test_census_extract_through_the_synthetic_path(tmp_path, catalogue):
    raw = tmp_path / "raw"
    link(raw, "census/adult.data", real_file("uci_adult_census_income/adult.data"))
    schema_path = tmp_path / "adult-schema.json"
    schema_path.write_text(
        json.dumps({"name": "adult-census", "missingValues": [""], **ADULT_SCHEMA}), encoding="utf-8"
    )
    columns = tuple(Column(name, (name,), (t.nulls("?"),), required=True) for name in ADULT_COLUMNS)
    spec = PublisherSpec(
        name="census-income-synthetic",
        schema=str(schema_path),
        inputs=(Input(Source("census/adult.data", format="csv", names=tuple(ADULT_COLUMNS)), columns),),
        release=Synthetic(seed=3),
        rejects=Rejects("quarantine", max_share=0.01),
        catalogue=Catalogue(
            title="Census income extract (synthetic, test)",
            summary="UCI adult census extract.",
            organization="nhs-north-yorkshire",
            licence="CC-BY-4.0",
        ),  # fmt: skip
    )
    result = run(spec, options(raw, tmp_path, catalogue, geography=False))
    assert result.rows_in == 32561 and result.rows_out == result.rows_in - result.rows_held
    report = json.loads((result.built.folder / "synthetic-report.json").read_text())
    assert report["verdict"] == "released" and report["fidelity"]["column_shapes"] > 0.9
    assert report["privacy"]["figures"]["exact_copies"] == 0
    pkg, body = read_back(catalogue, spec.name)
    assert {e["key"]: e["value"] for e in pkg["extras"]}["release_mode"] == "synthetic"
    real = set((tmp_path / "work" / spec.name / "checked.csv").read_text(encoding="utf-8").splitlines()[1:])
    assert not real & set(body.decode().splitlines()[1:])
