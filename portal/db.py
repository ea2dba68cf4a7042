"""Engine, sessions and migrations: one place that knows how the portal reaches its database."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
# A pooled connection that has sat unused this long is pinged before it is handed out (see _ping_if_idle).
PING_AFTER_IDLE = 5.0  # seconds


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys so it behaves like the production database."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine, "checkout", _ping_if_idle(engine))
    event.listen(engine, "checkin", _note_checkin)
    return engine


def _ping_if_idle(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """Pessimistic disconnect handling, as ``pool_pre_ping`` does it, but only for a connection that sat idle:
    after a database restart or an idle timeout the first checkout finds the dead connection here and the pool
    replaces it, while under load (connections reused within milliseconds) no request pays a round trip for it.
    A connection that dies mid-use still fails that one request, and SQLAlchemy then discards the whole pool."""

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get("checked_in")
        if last is not None and time.monotonic() - last < PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error:  # e.g. "terminating connection due to administrator command"
            alive = False
        if not alive:
            raise exc.DisconnectionError()  # the pool retries with a new connection

    return checkout


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info["checked_in"] = time.monotonic()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run on every start and from many processes in turn."""
    command.upgrade(alembic_config(engine), revision)


def on_commit(session: Session, fn: Callable[[], None]) -> None:
    """Run ``fn`` once the transaction commits (e.g. delete a replaced file only when nothing can undo it)."""
    session.info.setdefault("after_commit", []).append(fn)


def on_rollback(session: Session, fn: Callable[[], None]) -> None:
    """Run ``fn`` if the transaction rolls back (e.g. delete a file written for a change that failed)."""
    session.info.setdefault("after_rollback", []).append(fn)


def _run_hooks(session: Session, name: str) -> None:
    hooks = session.info.pop(name, [])
    session.info.pop("after_rollback" if name == "after_commit" else "after_commit", None)
    for fn in hooks:
        fn()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    _run_hooks(session, "after_commit")


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:  # noqa: ANN001
    if previous_transaction.parent is None:
        _run_hooks(session, "after_rollback")


class Database:
    """The engine plus a session factory; the app holds one of these."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # For requests that only read: no BEGIN and COMMIT round trips around their few statements. Under
        # PostgreSQL's default READ COMMITTED each statement takes its own snapshot inside a transaction too,
        # so readers see nothing they would not have seen; a stray write still commits statement by statement.
        self.read_sessions = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
