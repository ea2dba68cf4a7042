"""Publishing generated partner extracts into a running portal and reading them back as a CKAN client would:
every partner publisher, idempotent re-runs, partial changes, drafts that stay invisible."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from ckanapi import NotAuthorized, NotFound

from publishers import registry
from publishers.framework.errors import SetupError
from publishers.framework.pipeline import run
from publishers.framework.push import Catalogue as PushCatalogue
from tests.publishers.conftest import make_options

FAST = ["lsoa-geography", "fire-incidents", "police-street-crime", "council-spending", "service-demand"]
ROLES = {
    "open": ["data", "datapackage", "validation"],
    "aggregate": ["data", "datapackage", "validation", "disclosure"],
    "synthetic": ["data", "datapackage", "validation", "synthetic", "synthetic-html"],
}


def _roles(pkg: dict) -> list[str]:
    return [r["publisher_role"] for r in pkg["resources"]]


def _check_published(catalogue, result, spec) -> dict:  # noqa: ANN001
    pkg = catalogue.public.action.package_show(id=spec.name)
    assert pkg["state"] == "active" and not pkg["private"]
    assert pkg["organization"]["name"] == spec.catalogue.organization
    assert _roles(pkg) == ROLES[spec.release.mode]
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras["release_mode"] == spec.release.mode and extras["rows"] == str(result.rows_out)
    assert "Generated demonstration data" in pkg["notes"]
    data = next(r for r in pkg["resources"] if r["publisher_role"] == "data")
    body = requests.get(data["url"], timeout=30).content
    built = next(f for f in result.built.files if f.role == "data")
    assert body == built.path.read_bytes() and data["hash"] == f"sha256:{built.sha256}"
    assert body.count(b"\n") == result.rows_out + 1
    return pkg


@pytest.mark.parametrize("name", FAST)
def test_each_open_and_aggregate_publisher_publishes(name, raw, tmp_path, catalogue):
    spec = registry.load(name)
    result = run(spec, make_options(raw, tmp_path / "work", catalogue))
    assert result.change == "created" and result.rows_out > 0
    pkg = _check_published(catalogue, result, spec)
    checked = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(result.built.folder / "datapackage.json")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-2000:]
    if spec.release.mode == "open":
        schema = json.loads(next(r for r in pkg["resources"] if r["publisher_role"] == "data")["schema"])
        identifiers = [f["name"] for f in schema["fields"] if f.get("disclosure") == "direct-identifier"]
        header = result.built.files[0].path.read_text(encoding="utf-8").splitlines()[1:50]
        positions = [schema["fields"].index(next(f for f in schema["fields"] if f["name"] == n)) for n in identifiers]
        assert all(line.split(",")[p] == "" for line in header for p in positions), "direct identifiers withheld"


def test_aggregates_mark_suppressed_cells_and_publish_no_small_count(raw, tmp_path, catalogue):
    result = run(registry.load("service-demand"), make_options(raw, tmp_path / "work", catalogue))
    import pandas as pd

    data = pd.read_csv(result.built.files[0].path, dtype=str, keep_default_na=False)
    shown = data.loc[data["suppressed"] == "false", "count"].astype(int)
    assert not ((shown > 0) & (shown < 5)).any()
    assert (data.loc[data["suppressed"] == "true", "count"] == "").all() and (data["suppressed"] == "true").any()
    report = json.loads((result.built.folder / "disclosure-report.json").read_text())
    assert report["verdict"] == "released" and report["recoverable_cells_found"] == 0


def test_a_rerun_changes_nothing_and_uploads_nothing(raw, tmp_path, catalogue, settings):
    spec = registry.load("police-street-crime")
    options = make_options(raw, tmp_path / "work", catalogue)
    run(spec, options)
    before = catalogue.ckan.action.package_show(id=spec.name)
    files = sorted(p for p in Path(settings.storage_path).rglob("*") if p.is_file())
    again = run(spec, options)
    assert again.change == "unchanged" and again.uploaded == []
    after = catalogue.ckan.action.package_show(id=spec.name)
    assert after == before
    assert sorted(p for p in Path(settings.storage_path).rglob("*") if p.is_file()) == files


def test_a_metadata_change_uploads_only_the_descriptor_and_a_data_change_only_what_changed(raw, tmp_path, catalogue):
    spec = registry.load("police-street-crime")
    options = make_options(raw, tmp_path / "work", catalogue)
    run(spec, options)
    first = catalogue.ckan.action.package_show(id=spec.name)
    retitled = dataclasses.replace(spec, catalogue=dataclasses.replace(spec.catalogue, title="Street crime, renamed"))
    result = run(retitled, options)
    second = catalogue.ckan.action.package_show(id=spec.name)
    assert result.change == "updated" and second["title"] == "Street crime, renamed"
    assert result.uploaded == ["datapackage.json"]  # the descriptor carries the title; the data file stays
    assert [r["id"] for r in second["resources"]] == [r["id"] for r in first["resources"]]
    assert second["resources"][0]["hash"] == first["resources"][0]["hash"]
    month = sorted((raw / "police").glob("*.csv"))[0]
    lines = month.read_text(encoding="utf-8").splitlines()
    month.write_text("\n".join(lines[:-5]) + "\n", encoding="utf-8")  # five fewer crimes this month
    result = run(retitled, options)
    third = catalogue.ckan.action.package_show(id=spec.name)
    changed = {
        r["name"] for r, old in zip(third["resources"], second["resources"], strict=True) if r["hash"] != old["hash"]
    }
    assert result.change == "updated" and changed == {f"{spec.name}.csv", "datapackage.json", "validation-report.json"}
    assert int({e["key"]: e["value"] for e in third["extras"]}["rows"]) == int(first_rows(first)) - 5


def first_rows(pkg: dict) -> str:
    return {e["key"]: e["value"] for e in pkg["extras"]}["rows"]


def test_a_new_dataset_stays_an_invisible_draft_until_its_files_arrive(raw, tmp_path, catalogue, monkeypatch):
    spec = registry.load("council-spending")
    real_call = PushCatalogue.call

    def fail_revise(self, action, data=None, files=None):  # noqa: ANN001, ANN202
        if action == "package_revise":
            raise SetupError("catalogue went away during package_revise")
        return real_call(self, action, data, files)

    monkeypatch.setattr(PushCatalogue, "call", fail_revise)
    with pytest.raises(SetupError):
        run(spec, make_options(raw, tmp_path / "work", catalogue))
    with pytest.raises((NotFound, NotAuthorized)):
        catalogue.public.action.package_show(id=spec.name)
    assert spec.name not in catalogue.public.action.package_list()
    assert catalogue.public.action.package_search(q="spending")["count"] == 0
    monkeypatch.setattr(PushCatalogue, "call", real_call)
    result = run(spec, make_options(raw, tmp_path / "work", catalogue))
    assert result.change == "updated"
    assert catalogue.public.action.package_show(id=spec.name)["state"] == "active"


def test_metadata_only_describes_the_dataset_without_releasing_rows(raw, tmp_path, catalogue):
    from publishers.framework import MetadataOnly

    spec = dataclasses.replace(registry.load("childrens-referrals"), release=MetadataOnly())
    result = run(spec, make_options(raw, tmp_path / "work", catalogue))
    pkg = catalogue.public.action.package_show(id=spec.name)
    assert result.rows_out == 0 and _roles(pkg) == ["datapackage"]
    assert {e["key"]: e["value"] for e in pkg["extras"]}["release_mode"] == "metadata"
    assert "ask the publisher for access" in pkg["notes"]
