"""The PostgreSQL pool's disconnect handling: idle connections are checked before use, busy ones are not."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from portal import db


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("postgres_database")


def _pings(engine: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    real = engine.dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        seen.append(dbapi_conn)
        return real(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return seen


def _terminate(pg_url: str, pid: int) -> None:
    """End the server process behind one connection, as a database restart or an administrator would."""
    admin = db.make_engine(pg_url)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
    admin.dispose()


def test_a_connection_killed_while_idle_is_replaced_before_the_next_request(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = db.Database(pg_url)
    with database.engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    _terminate(pg_url, pid)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)  # as if the connection had sat idle
    pings = _pings(database.engine, monkeypatch)
    with database.session() as session:
        new_pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert pings, "the idle connection was not checked"
    assert new_pid != pid
    database.engine.dispose()


def test_a_connection_reused_at_once_is_not_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = db.Database(pg_url)
    pings = _pings(database.engine, monkeypatch)
    with database.session() as session:
        session.execute(text("SELECT 1"))
    assert len(pings) == 1  # a new connection is checked once
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)
    for _ in range(5):
        with database.session() as session:
            session.execute(text("SELECT 1"))
    assert len(pings) == 1
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    with database.session() as session:
        session.execute(text("SELECT 1"))
    assert len(pings) == 2
    database.engine.dispose()


def test_the_search_state_check_on_a_connection_that_died_in_use_fails_through_sqlalchemy_and_recovers(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-search state read goes straight to the driver; a dead connection must still be discarded."""
    from sqlalchemy.exc import OperationalError

    from portal.search.changes import current_state, read_state

    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)  # reused at once: not pinged
    database = db.Database(pg_url)
    with database.session() as session:
        expected = read_state(session)
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    _terminate(pg_url, pid)
    session = database.read_sessions()
    with pytest.raises(OperationalError):  # SQLAlchemy's error: the driver's own would leave the pool unaware
        current_state(session)
    session.close()
    with database.read_sessions() as session:
        assert current_state(session) == expected
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    database.engine.dispose()
