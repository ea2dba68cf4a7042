"""Publishers and S3: raw extracts read from ``s3://`` (a key or a pattern), built packages written to an
``s3://`` prefix, and the push into a portal whose own files live in the same S3 server (moto over HTTP)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from ckanapi import RemoteCKAN

from portal.actions import registry as actions
from portal.demo import PUBLISHER, load_demo
from publishers import registry
from publishers.framework import s3
from publishers.framework.errors import DataError, SetupError
from publishers.framework.pipeline import Options, run
from publishers.simulate import write_all


@pytest.fixture
def publisher_s3(moto, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("PUBLISH_S3_ENDPOINT_URL", moto.endpoint)
    s3.client.cache_clear()
    yield
    s3.client.cache_clear()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("s3raw") / "raw"
    write_all(raw, seed=5, scale=0.3)
    return raw


def upload_raw(bucket, raw: Path, prefix: str) -> None:  # noqa: ANN001
    for path in raw.rglob("*"):
        if path.is_file():
            bucket.client.upload_file(str(path), bucket.name, f"{prefix}/{path.relative_to(raw).as_posix()}")


def from_s3(spec, uri_prefix: str):  # noqa: ANN001, ANN201
    """The partner's spec with every source read from the bucket instead of the local raw folder."""
    inputs = tuple(
        dataclasses.replace(i, source=dataclasses.replace(i.source, path=f"{uri_prefix}/{i.source.path}"))
        for i in spec.inputs
    )
    return dataclasses.replace(spec, inputs=inputs)


def test_publish_from_s3_extracts_into_an_s3_backed_portal_and_write_packages_to_s3(
    publisher_s3, bucket, generated, tmp_path, live_server
):
    upload_raw(bucket, generated, "partners/raw")
    load_demo(live_server.services)
    with live_server.services.system_context("test-admin", "Test administrator") as ctx:
        token = actions.call("api_token_create", ctx, {"user": PUBLISHER, "name": "tests"})["token"]
    spec = from_s3(registry.load("council-spending"), f"s3://{bucket.name}/partners/raw")
    out = f"s3://{bucket.name}/partners/packages"
    options = Options(tmp_path / "empty-raw", tmp_path / "work", catalogue=live_server.url, token=token, out=out)
    result = run(spec, options)
    assert result.change == "created" and result.rows_in == 4 * int(600 * 0.3)
    keys = bucket.keys()
    written = sorted(k for k in keys if k.startswith("partners/packages/council-spending-over-500/"))
    assert "partners/packages/council-spending-over-500/datapackage.json" in written
    assert "partners/packages/council-spending-over-500/data/council-spending-over-500.csv" in written
    descriptor = json.loads(bucket.get("partners/packages/council-spending-over-500/datapackage.json"))
    assert descriptor["resources"][0]["hash"] == "sha256:" + result.built.files[0].sha256
    pkg = RemoteCKAN(live_server.url).action.package_show(id=spec.name)
    stored = [k for k in keys if k.startswith("portal/files/")]
    assert len(stored) == len(pkg["resources"])  # the portal's own copies, in its own prefix
    again = run(spec, options)
    assert again.change == "unchanged", "an S3 object's date, not the download's, dates the release"


def test_a_missing_s3_object_is_a_data_error_and_a_bad_address_a_setup_error(publisher_s3, bucket, tmp_path):
    spec = from_s3(registry.load("lsoa-geography"), f"s3://{bucket.name}/nothing-here")
    with pytest.raises(DataError, match="no raw extract at s3://.*/nothing-here/geography/imd2019.xlsx"):
        run(spec, Options(tmp_path, tmp_path / "work", dry_run=True))
    with pytest.raises(SetupError, match="not an S3 address"):
        s3.split("s3://no-key")
