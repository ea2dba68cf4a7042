"""Fixtures for the publisher tests: generated raw extracts, a running portal with the partners set up, and
the options a data officer would pass to ``publish run``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from ckanapi import RemoteCKAN

from portal.actions import registry as actions
from portal.demo import PUBLISHER, load_demo
from publishers.framework.pipeline import Options, secret_from
from publishers.simulate import write_all

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"


def real_file(relative: str) -> Path:
    path = (REAL / relative).resolve()
    if not path.exists():
        pytest.skip(f"real data not available at {path} (needs ../shared beside the checkout)")
    return path


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """Publisher tests talk HTTP to the portal; the database under it is covered by tests/portal (both)."""
    return request.param


@pytest.fixture(scope="session")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("simulated") / "raw"
    write_all(raw, seed=7, scale=0.4)
    return raw


@pytest.fixture
def raw(simulated: Path, tmp_path: Path) -> Path:
    """A private copy of the generated extracts that a test may damage."""
    return Path(shutil.copytree(simulated, tmp_path / "raw"))


@dataclass
class Catalogue:
    url: str
    token: str
    services: object

    @property
    def ckan(self) -> RemoteCKAN:
        return RemoteCKAN(self.url, apikey=self.token)

    @property
    def public(self) -> RemoteCKAN:
        return RemoteCKAN(self.url)


@pytest.fixture
def catalogue(live_server) -> Catalogue:  # noqa: ANN001
    """The portal on a loopback port with the partners' organizations and themes, and a publisher's token."""
    load_demo(live_server.services)
    with live_server.services.system_context("test-admin", "Test administrator") as ctx:
        token = actions.call("api_token_create", ctx, {"user": PUBLISHER, "name": "tests"})["token"]
    return Catalogue(live_server.url, token, live_server.services)


def make_options(raw: Path, work: Path, catalogue: Catalogue | None = None, **extra) -> Options:  # noqa: ANN003
    lookup = raw / "geography" / "lsoa-lookup.csv"
    return Options(
        raw_dir=raw,
        work_dir=work,
        catalogue=catalogue.url if catalogue else None,
        token=catalogue.token if catalogue else None,
        geography=[lookup] if lookup.exists() else [],
        secret=secret_from(raw),
        **extra,
    )
