"""The production shape in miniature: gunicorn processes sharing one PostgreSQL database and one S3 bucket.

Each portal is a real subprocess configured only by environment variables, as in docs/deploy.md, with its own
empty instance folder (nothing shared on disk). S3 is moto's standalone server on a loopback port.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BIN = Path(sys.executable).parent
PART = 5 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_engine():  # noqa: ANN202
    return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A database of its own, dropped afterwards."""
    admin = _admin_engine()
    try:
        admin.connect().close()
    except Exception:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}; CI must run the scale-out test")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL} (set PORTAL_TEST_POSTGRES_URL)")
    name = f"nyy_scaleout_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer("127.0.0.1", port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str) -> None:
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
        )
        self.name = f"nyy-scaleout-{uuid.uuid4().hex[:8]}"
        self.client.create_bucket(Bucket=self.name)

    def keys(self) -> list[str]:
        return [o["Key"] for o in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]


@pytest.fixture(scope="module")
def bucket(s3_endpoint: str) -> Bucket:
    return Bucket(s3_endpoint)


@pytest.fixture(scope="module")
def deployment_env(database: str, s3_endpoint: str, bucket: Bucket) -> dict[str, str]:
    """What an operator sets on every process: the same for all of them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(
        PORTAL_DATABASE_URL=database,
        PORTAL_STORAGE=f"s3://{bucket.name}/portal",
        PORTAL_S3_ENDPOINT_URL=s3_endpoint,
        PORTAL_S3_REGION="us-east-1",
        PORTAL_S3_MULTIPART_BYTES=str(PART),
        PORTAL_SECRET_KEY="scale-out-test-secret-" + uuid.uuid4().hex,
        PORTAL_SITE_URL="http://portal.test",
        AWS_ACCESS_KEY_ID="k",
        AWS_SECRET_ACCESS_KEY="s",
    )
    return env


def portal_cli(env: dict[str, str], tmp: Path, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "portal"), *args],
        env={**env, "PORTAL_INSTANCE_PATH": str(tmp)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class PortalProcess:
    """``gunicorn portal.wsgi:app`` on a loopback port, with an empty instance folder of its own."""

    def __init__(self, env: dict[str, str], instance: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        instance.mkdir(parents=True)
        self.log = (instance / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"]
            + ["portal.wsgi:app"],
            env={**env, "PORTAL_INSTANCE_PATH": str(instance)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = instance / "gunicorn.log"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"portal exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"{self.url}/api/3/action/status_show", timeout=2).json()["success"]:
                    return
            except (requests.RequestException, ValueError):
                time.sleep(0.2)
        raise RuntimeError(f"portal on {self.url} not ready after {timeout} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; the test has no requests in flight
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def portals(deployment_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[PortalProcess]]:
    """Migrations run once, by the operator, before two portal processes start."""
    portal_cli(deployment_env, tmp_path_factory.mktemp("operator"), "db", "upgrade")
    started = [PortalProcess(deployment_env, tmp_path_factory.mktemp("portal") / name) for name in ("a", "b")]
    try:
        for p in started:
            p.wait_ready()
        yield started
    finally:
        for p in started:
            p.stop()


@pytest.fixture(scope="module")
def admin_token(deployment_env: dict[str, str], portals: list[PortalProcess], tmp_path_factory) -> str:  # noqa: ANN001
    """A sysadmin and token made with the operator's command line, against the shared database."""
    tmp = tmp_path_factory.mktemp("operator-cli")
    portal_cli(
        deployment_env, tmp, "user", "add", "ops", "--email", "ops@example.org", "--password", "x" * 20, "--sysadmin"
    )
    return portal_cli(deployment_env, tmp, "token", "new", "ops").strip().splitlines()[-1]
