"""Catalogue fixtures (a pytest plugin, see tests/conftest.py): every API test runs against SQLite and PostgreSQL.

Each test gets an empty catalogue: SQLite from a migrated template file, PostgreSQL by truncating the tables of
a database migrated once per worker.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from portal.actions import registry
from portal.app import create_app
from portal.config import Settings
from portal.models import Base, User
from portal.services import Services

PG_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
KEEP_TABLES = {"licenses", "alembic_version"}


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "portal.db"
    services = Services.from_settings(_settings(f"sqlite:///{path}", path.parent / "files"))
    services.migrate()
    services.db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database(worker_id: str) -> Iterator[str]:
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}; CI must run the PostgreSQL tests")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL} (set PORTAL_TEST_POSTGRES_URL)")
    name = f"nyy_test_{worker_id}_{os.getpid()}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    services = Services.from_settings(_settings(url, Path("/tmp") / name))
    services.migrate()
    services.db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _settings(url: str, files: Path, **extra: Any) -> Settings:
    extra.setdefault("search_shared_cache", files.parent / "cache" / "search-answers.sqlite")  # the test's own
    return Settings.from_env(
        database_url=url, storage_path=files, site_url="http://portal.test", secret_key="test-secret", **extra
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "portal.db")
        return f"sqlite:///{tmp_path / 'portal.db'}"
    url = request.getfixturevalue("postgres_database")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return _settings(database_url, tmp_path / "files", max_upload_bytes=2 * 1024 * 1024)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    svc = Services.from_settings(settings)
    yield svc
    svc.db.engine.dispose()


@pytest.fixture
def app(settings: Settings):  # noqa: ANN201
    app = create_app(settings, migrate=False)
    yield app
    app.extensions["portal"].db.engine.dispose()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


class Factory:
    """Creates catalogue objects through actions, as a sysadmin would, and issues tokens."""

    def __init__(self, services: Services) -> None:
        self.services = services
        with services.context() as ctx:
            admin = User(name="factory-admin", sysadmin=True)
            ctx.session.add(admin)
            ctx.session.flush()
            self.admin_id = admin.id

    def call(self, action: str, data: dict[str, Any], user_id: str | None = None) -> Any:
        with self.services.context() as ctx:
            user = ctx.session.get(User, user_id or self.admin_id)
            return registry.call(action, ctx.as_user(user), data)

    def user(self, name: str | None = None, *, sysadmin: bool = False, password: str | None = None) -> dict[str, Any]:
        """Users sign in with tokens in these tests; a password (slow to hash, by design) only when asked."""
        name = name or f"user-{uuid.uuid4().hex[:8]}"
        data = {"name": name, "email": f"{name}@example.org", "sysadmin": sysadmin}
        if password:
            data["password"] = password
        return self.call("user_create", data)

    def org(self, name: str | None = None, members: dict[str, str] | None = None) -> dict[str, Any]:
        name = name or f"org-{uuid.uuid4().hex[:8]}"
        org = self.call("organization_create", {"name": name, "title": name.replace("-", " ").title()})
        for user_name, role in (members or {}).items():
            self.call("organization_member_create", {"id": name, "username": user_name, "role": role})
        return org

    def group(self, name: str) -> dict[str, Any]:
        return self.call("group_create", {"name": name, "title": name.replace("-", " ").title()})

    def dataset(self, org: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
        name = name or f"ds-{uuid.uuid4().hex[:8]}"
        return self.call("package_create", {"name": name, "owner_org": org, **fields})

    def token(self, user_name: str) -> str:
        return self.call("api_token_create", {"user": user_name, "name": "test"})["token"]


@pytest.fixture
def factory(services: Services) -> Factory:
    return Factory(services)


class Api:
    """Calls the Action API through the Flask test client and returns (status, body)."""

    def __init__(self, client) -> None:  # noqa: ANN001
        self.client = client

    def post(self, action: str, data: dict[str, Any] | None = None, token: str | None = None, **kw: Any):  # noqa: ANN201
        headers = {"Authorization": token} if token else {}
        if "data" in kw:
            r = self.client.post(f"/api/3/action/{action}", headers=headers, **kw)
        else:
            r = self.client.post(f"/api/3/action/{action}", json=data or {}, headers=headers)
        return r.status_code, r.get_json()

    def get(self, action: str, token: str | None = None, **params: Any):  # noqa: ANN201
        headers = {"Authorization": token} if token else {}
        r = self.client.get(f"/api/3/action/{action}", query_string=params, headers=headers)
        return r.status_code, r.get_json()

    def ok(self, action: str, data: dict[str, Any] | None = None, token: str | None = None) -> Any:
        status, body = self.post(action, data, token)
        assert status == 200, body
        assert body["success"] is True
        return body["result"]


@pytest.fixture
def api(client) -> Api:  # noqa: ANN001
    return Api(client)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real WSGI app on a loopback port in a thread, for clients that speak HTTP (ckanapi, frictionless)."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = Settings(**{**settings.__dict__, "site_url": self.url})
        self.app = create_app(self.settings, migrate=True)
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def services(self) -> Services:
        return self.app.extensions["portal"]

    def stop(self) -> None:
        self.server.shutdown()
        self.app.extensions["portal"].db.engine.dispose()


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings)
    yield server
    server.stop()
