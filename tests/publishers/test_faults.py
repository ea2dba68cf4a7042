"""Faults mid-push: the catalogue dies, an upload fails, the publisher is killed. Every time the catalogue
shows the previous version (or nothing), never a half-published one, and the next run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from portal.storage.base import StorageError
from publishers import registry
from publishers.framework.errors import SetupError
from publishers.framework.pipeline import run
from tests.publishers.conftest import make_options
from tests.publishers.proxy import CuttingProxy

SPEC = registry.load("police-street-crime")


def stored(settings) -> set[Path]:  # noqa: ANN001
    return {p for p in Path(settings.storage_path).rglob("*") if p.is_file()}


def new_version(raw: Path) -> None:
    """A corrected extract arrives: the force withdrew the last 40 records of a month."""
    first = sorted((raw / "police").glob("*.csv"))[0]
    lines = first.read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines[:-40]) + "\n", encoding="utf-8")


@pytest.fixture
def published(raw, tmp_path, catalogue, settings):  # noqa: ANN001, ANN201
    """Version 1 in the catalogue, then version 2 waiting in the raw folder."""
    run(SPEC, make_options(raw, tmp_path / "work", catalogue))
    before = catalogue.ckan.action.package_show(id=SPEC.name)
    files = stored(settings)
    new_version(raw)
    return before, files


def assert_previous_version(catalogue, before, files, settings) -> None:  # noqa: ANN001
    assert catalogue.ckan.action.package_show(id=SPEC.name) == before
    assert stored(settings) == files, "no file of the failed version is left behind"


def assert_next_run_completes(raw, tmp_path, catalogue, before) -> None:  # noqa: ANN001
    result = run(SPEC, make_options(raw, tmp_path / "work", catalogue))
    after = catalogue.public.action.package_show(id=SPEC.name)
    assert result.change == "updated" and after["metadata_modified"] > before["metadata_modified"]
    assert int({e["key"]: e["value"] for e in after["extras"]}["rows"]) == -40 + int(
        {e["key"]: e["value"] for e in before["extras"]}["rows"]
    )


@pytest.mark.parametrize("cut_after", [600, 60_000])
def test_the_catalogue_dies_mid_push(published, raw, tmp_path, catalogue, settings, live_server, cut_after):
    before, files = published
    proxy = CuttingProxy(live_server.port, b"package_revise", cut_after)
    try:
        options = make_options(raw, tmp_path / "work", catalogue)
        options.catalogue = proxy.url
        with pytest.raises(SetupError, match="Nothing half-published"):
            run(SPEC, options)
        assert proxy.cuts == 1
    finally:
        proxy.close()
    assert_previous_version(catalogue, before, files, settings)
    assert_next_run_completes(raw, tmp_path, catalogue, before)


def test_an_upload_fails_in_the_catalogues_storage(published, raw, tmp_path, catalogue, settings, monkeypatch):
    before, files = published
    storage = catalogue.services.storage
    real_put, calls = storage.put, []

    def second_put_fails(key, stream, **kwargs):  # noqa: ANN001, ANN003, ANN202
        calls.append(key)
        if len(calls) == 2:
            raise StorageError("disk full (injected)")
        return real_put(key, stream, **kwargs)

    monkeypatch.setattr(storage, "put", second_put_fails)
    with pytest.raises(SetupError, match="package_revise"):
        run(SPEC, make_options(raw, tmp_path / "work", catalogue))
    assert len(calls) == 2
    monkeypatch.setattr(storage, "put", real_put)
    assert_previous_version(catalogue, before, files, settings)
    assert_next_run_completes(raw, tmp_path, catalogue, before)


def test_the_publisher_is_killed_mid_push(published, raw, tmp_path, catalogue, settings, live_server):
    before, files = published
    proxy = CuttingProxy(live_server.port, b"package_revise", 30_000, hold=True)
    env = {**os.environ, "PUBLISH_TOKEN": catalogue.token, "PUBLISH_CATALOGUE_URL": proxy.url}
    command = [sys.executable, "-m", "publishers.cli", "run", "police-street-crime", "--raw", str(raw)]
    command += ["--work", str(tmp_path / "work"), "--geography", str(raw / "geography" / "lsoa-lookup.csv")]
    publisher = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert proxy.held.wait(120), "the publisher never reached the push"
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(30)
    finally:
        proxy.close()
    assert publisher.returncode == -signal.SIGKILL
    assert_previous_version(catalogue, before, files, settings)
    assert_next_run_completes(raw, tmp_path, catalogue, before)
