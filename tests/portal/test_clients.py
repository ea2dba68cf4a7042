"""Real CKAN clients against the portal served over HTTP: the ckanapi CLI and frictionless-py's CKAN adapter."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.actions import registry
from portal.models import User
from portal.uploads import Upload
from tests.catalogue_fixtures import Factory, LiveServer

BIN = Path(sys.executable).parent
CSV = b"lsoa_code,month,count\nE01027000,2024-01,5\nE01027001,2024-01,7\n"


def ckanapi(*args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    proc = subprocess.run(
        [str(BIN / "ckanapi"), *args], capture_output=True, text=True, input=stdin, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stdout


@pytest.fixture
def server(live_server):
    factory = Factory(live_server.services)
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.group("crime-and-justice")
    live_server.factory = factory
    live_server.token = factory.token("ed")
    return live_server


def test_ckanapi_cli_actions(server, backend):
    r, a = ["-r", server.url], ["-a", server.token]
    created = json.loads(ckanapi("action", "package_create", *r, *a, "name=cli-ds", "owner_org=police",
                                 "title=Street crime", 'tags:[{"name": "crime"}]'))  # fmt: skip
    assert created["name"] == "cli-ds"
    shown = json.loads(ckanapi("action", "package_show", *r, "id=cli-ds"))
    assert shown["id"] == created["id"]
    found = json.loads(ckanapi("action", "package_search", *r, "q=crime", 'facet.field:["tags","organization"]'))
    assert found["count"] == 1 and found["facets"]["tags"] == {"crime": 1}
    patched = json.loads(ckanapi("action", "package_patch", *r, *a, "id=cli-ds", "notes=Patched"))
    assert patched["notes"] == "Patched" and patched["title"] == "Street crime"
    (Path(server.settings.storage_path).parent / "up.csv").write_bytes(CSV)
    res = json.loads(ckanapi("action", "resource_create", *r, *a, "package_id=cli-ds",
                             f"upload@{Path(server.settings.storage_path).parent / 'up.csv'}"))  # fmt: skip
    assert res["size"] == len(CSV)
    ckanapi("action", "package_delete", *r, *a, "id=cli-ds")
    assert json.loads(ckanapi("action", "package_list", *r)) == []


def _seed_source(factory: Factory) -> None:
    factory.dataset(
        "police", "with-files", title="With files", notes="Two files and a link", license_id="OGL-UK-3.0",
        tags=[{"name": "crime"}], groups=[{"name": "crime-and-justice"}],
        extras=[{"key": "update_frequency", "value": "monthly"}],
        resources=[{"url": "https://example.org/link.csv", "name": "A link", "custom": "kept"}],
    )  # fmt: skip
    for n, body in enumerate((CSV, b"\x00\x01binary\xff" * 1000)):
        factory.call("resource_create", {"package_id": "with-files", "name": f"file {n}", "format": "CSV",
                                         "upload": Upload(f"file{n}.csv", io.BytesIO(body))})  # fmt: skip
    factory.dataset("police", "second", title="Second")


VOLATILE = {"metadata_created", "metadata_modified", "creator_user_id", "last_modified", "created"}


def comparable(pkg: dict, site: str) -> dict:
    """package_show minus what a server sets for itself (timestamps, who loaded it, its own address)."""

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            return value.replace(site, "SITE")
        return value

    return clean(pkg)


def test_dump_and_load_between_two_portals(server, settings, tmp_path, backend):
    _seed_source(server.factory)
    target = LiveServer(settings.__class__(**{**settings.__dict__,
                                              "database_url": f"sqlite:///{tmp_path / 'target.db'}",
                                              "storage_path": tmp_path / "target-files"}))  # fmt: skip
    try:
        target_factory = Factory(target.services)
        target_factory.user("ed")
        for user in ("factory-admin",):
            with target.services.context() as ctx:
                assert ctx.session.query(User).filter_by(name=user).one()
        admin_token = server.factory.call("api_token_create", {"user": "factory-admin", "name": "dump"})["token"]
        target_token = target_factory.call("api_token_create", {"user": "factory-admin", "name": "load"})["token"]
        for thing in ("groups", "organizations", "datasets"):
            dump = tmp_path / f"{thing}.jsonl"
            ckanapi("dump", thing, "--all", "-r", server.url, "-a", admin_token, "-O", str(dump))
            extra = ["--upload-resources"] if thing == "datasets" else []
            out = ckanapi("load", thing, "-r", target.url, "-a", target_token, "-I", str(dump), *extra)
            assert "error" not in out.lower() or '"error": null' in out, out
        for name in ("with-files", "second"):
            src = json.loads(ckanapi("action", "package_show", "-r", server.url, f"id={name}"))
            dst = json.loads(ckanapi("action", "package_show", "-r", target.url, f"id={name}"))
            assert comparable(dst, target.url) == comparable(src, server.url)
        src = json.loads(ckanapi("action", "package_show", "-r", server.url, "id=with-files"))
        dst = json.loads(ckanapi("action", "package_show", "-r", target.url, "id=with-files"))
        import requests

        for a, b in zip(src["resources"], dst["resources"], strict=True):
            if a["url_type"] == "upload":
                assert b["url"].startswith(target.url)
                assert requests.get(b["url"], timeout=10).content == requests.get(a["url"], timeout=10).content
    finally:
        target.stop()


def test_ckanapi_search_pages_through_2500_datasets(server, backend):
    with server.services.context() as ctx:
        admin = ctx.session.get(User, server.factory.admin_id)
        sys_ctx = ctx.as_user(admin)
        for n in range(2500):
            registry.call("package_create", sys_ctx, {"name": f"bulk-{n:05d}", "owner_org": "police"})
    out = ckanapi("search", "datasets", "-r", server.url, "q=*:*")
    names = [json.loads(line)["name"] for line in out.splitlines() if line.strip()]
    assert len(names) == 2500
    assert len(set(names)) == 2500


def test_frictionless_reads_a_dataset_as_a_package(server, backend):
    pkg = server.factory.dataset("police", "crime-counts", title="Crime counts", license_id="OGL-UK-3.0")
    server.factory.call("resource_create", {"package_id": pkg["id"], "name": "counts", "format": "CSV",
                                            "upload": Upload("counts.csv", io.BytesIO(CSV))})  # fmt: skip
    from frictionless import Package

    package = Package(f"{server.url}/dataset/crime-counts")
    assert package.title == "Crime counts"
    resource = package.resources[0]
    assert resource.path.startswith(server.url)
    rows = resource.read_rows()
    assert [(r["lsoa_code"], r["count"]) for r in rows] == [("E01027000", 5), ("E01027001", 7)]


def test_frictionless_publishes_a_package_into_the_portal(server, tmp_path, backend):
    from frictionless import Package, Resource
    from frictionless.portals import CkanControl

    (tmp_path / "counts.csv").write_bytes(CSV)
    package = Package(
        name="published-by-frictionless", title="Published by frictionless",
        resources=[Resource(path="counts.csv", basepath=str(tmp_path), name="counts")],
    )  # fmt: skip
    package.infer()
    control = CkanControl(baseurl=server.url, organization_name="police", apikey=server.token)
    result = package.publish(control=control)
    assert result.url.endswith("/dataset/published-by-frictionless")
    shown = json.loads(ckanapi("action", "package_show", "-r", server.url, "id=published-by-frictionless"))
    names = [r["name"] for r in shown["resources"]]
    assert "counts" in names and "datapackage" in names
    data_res = next(r for r in shown["resources"] if r["name"] == "counts")
    import requests

    assert requests.get(data_res["url"], timeout=10).content == CSV
