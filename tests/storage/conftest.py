"""Fixtures for the S3 storage suite: moto's standalone S3 server over real HTTP on a free loopback port.

The catalogue fixtures of tests/portal are reused on SQLite (the database is not what is under test here) with
``settings`` pointing the portal at a fresh bucket on the moto server, so ``services``, ``live_server`` and
``factory`` all store files in S3.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from portal.config import Settings
from tests.catalogue_fixtures import LiveServer, free_port

PART = 5 * 1024 * 1024  # S3's smallest multipart part, so a test file of a few MiB goes up in parts
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "2",  # an outage is reported after one retry, not after the default back-off
}


class MotoS3:
    """moto's S3 server in a thread on a fixed loopback port; ``stop`` and ``start`` simulate an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self.server = ThreadedMotoServer("127.0.0.1", self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        """Stop answering: the listening socket closes, so every new connection is refused."""
        if self.server is not None:
            self.server.stop()
            self.server._server.server_close()  # noqa: SLF001 - ThreadedMotoServer.stop leaves it bound
            self.server = None

    @property
    def running(self) -> bool:
        return self.server is not None

    def client(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)  # the portal finds them through boto3's usual credential chain
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request log lines
    server = MotoS3()
    server.start()
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def moto(moto_s3: MotoS3) -> Iterator[MotoS3]:
    """The server, restarted after a test that stopped it."""
    if not moto_s3.running:
        moto_s3.start()
    yield moto_s3
    if not moto_s3.running:
        moto_s3.start()


class Bucket:
    """A fresh bucket, looked at with a plain boto3 client behind the portal's back."""

    def __init__(self, moto: MotoS3) -> None:
        self.client = moto.client()
        self.name = f"nyy-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=self.name)

    def keys(self) -> list[str]:
        return [o["Key"] for o in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def pending_uploads(self) -> list[str]:
        """Multipart uploads started and neither completed nor aborted."""
        return [u["Key"] for u in self.client.list_multipart_uploads(Bucket=self.name).get("Uploads", [])]

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def head(self, key: str) -> dict[str, Any]:
        return self.client.head_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket(moto: MotoS3) -> Bucket:
    return Bucket(moto)


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, moto: MotoS3, bucket: Bucket) -> Settings:
    return Settings.from_env(
        database_url=database_url,
        storage_path=tmp_path / "unused-local-files",
        search_shared_cache=tmp_path / "cache" / "search-answers.sqlite",
        site_url="http://portal.test",
        secret_key="test-secret",
        max_upload_bytes=64 * 1024 * 1024,
        storage_url=f"s3://{bucket.name}/portal/files",
        s3_endpoint_url=moto.endpoint,
        s3_region="us-east-1",
        s3_multipart_bytes=PART,
    )


@pytest.fixture
def redirecting(settings: Settings, live_server: LiveServer) -> Iterator[LiveServer]:
    """A second live portal on the same database and bucket that redirects downloads to presigned URLs."""
    server = LiveServer(replace(settings, download_redirect=True, download_url_seconds=120))
    yield server
    server.stop()
