"""The search index's change counter: one number the whole deployment shares, read cheaply on every search.

Each portal process may keep a copy of the search index in memory (:mod:`portal.search.memory`). To stay in
step with the database without caches to invalidate, every transaction that indexes or removes datasets takes
the next number from ``search_state.version`` as it commits and stamps what it touched with it
(``search_docs.version``; ``search_removed`` for rows deleted). Updating the single ``search_state`` row locks
it until the commit, so numbers are handed out in commit order: a reader that has applied everything up to N
has missed nothing below N. A transaction that adds, changes or deletes an organization or theme takes a number
too, though it stamps no row: group rows read under one number stay exact until it moves on
(:mod:`portal.search.memory.documents`). ``generation`` is new whenever the state row is (re)created, as when a
database is emptied or replaced, which tells readers to start again rather than apply changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, String, Table, bindparam, event, literal_column, text
from sqlalchemy.orm import Session

from portal.models import Base, Group

search_state = Table(
    "search_state",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", String(36), nullable=False),
    Column("version", BigInteger, nullable=False),
)

search_removed = Table(
    "search_removed",
    Base.metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False, index=True),
)

# Created by migration 0003 outside the ORM model, like the text and facet columns.
DOC_VERSION = literal_column("search_docs.version", BigInteger())

CHANGED, REMOVED, GROUPS = "search_changed", "search_removed", "search_groups_changed"
READ_STATE = text("SELECT generation, version FROM search_state WHERE id = 1")  # read on every search
CHUNK = 500  # ids per statement, well inside SQLite's parameter limit


@dataclass(frozen=True)
class State:
    generation: str
    version: int


def note_indexed(session: Session, doc_id: int) -> None:
    """Stamp this search row with the next version when the transaction commits."""
    session.info.setdefault(CHANGED, set()).add(doc_id)


def note_removed(session: Session, doc_id: int) -> None:
    session.info.setdefault(REMOVED, set()).add(doc_id)


@event.listens_for(Session, "before_flush")
def _note_groups(session: Session, _flush_context: Any, _instances: Any) -> None:
    if any(isinstance(obj, Group) for objects in (session.new, session.dirty, session.deleted) for obj in objects):
        session.info[GROUPS] = True


def pending(session: Session) -> bool:
    """Whether this transaction has indexed or removed datasets it has not committed yet."""
    return bool(session.info.get(CHANGED) or session.info.get(REMOVED))


def read_state(connection: Any) -> State | None:
    """The current generation and version; None when the state row is missing (an emptied database)."""
    row = connection.execute(READ_STATE).first()
    return State(row[0], int(row[1])) if row else None


def current_state(session: Session) -> State | None:
    """:func:`read_state` for the check every search makes, sent straight through the driver: SQLAlchemy's
    statement execution cost more than the query itself (0.12 ms a search, a profile showed). Should the driver
    fail, the statement is sent again through SQLAlchemy, which discards a dead connection and raises its error."""
    connection = session.connection()
    try:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(READ_STATE.text)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except connection.dialect.loaded_dbapi.Error:
        return read_state(session)
    return State(row[0], int(row[1])) if row else None


def next_version(connection: Any) -> int:
    """Take the next version number, holding the state row's lock until this transaction ends."""
    bump = search_state.update().values(version=search_state.c.version + 1).returning(search_state.c.version)
    version = connection.execute(bump).scalar()
    if version is None:
        stmt = "INSERT INTO search_state (id, generation, version) VALUES (1, :g, 0) ON CONFLICT (id) DO NOTHING"
        connection.execute(text(stmt), {"g": str(uuid.uuid4())})  # both SQLite and PostgreSQL speak this
        version = connection.execute(bump).scalar()
    return int(version)


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    session.flush()  # what commit would flush next, so that group changes are noted now
    changed = session.info.pop(CHANGED, None) or set()
    removed = session.info.pop(REMOVED, None) or set()
    groups = session.info.pop(GROUPS, False)
    if not changed and not removed and not groups:
        return
    version = next_version(session)
    ids = sorted(changed - removed)
    stamp = text("UPDATE search_docs SET version = :v WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
    for start in range(0, len(ids), CHUNK):
        session.execute(stamp, {"v": version, "ids": ids[start : start + CHUNK]})
    if removed:
        gone = sorted(removed)
        session.execute(search_removed.delete().where(search_removed.c.doc_id.in_(gone)))
        session.execute(search_removed.insert(), [{"doc_id": d, "version": version} for d in gone])


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CHANGED, None)
        session.info.pop(REMOVED, None)
        session.info.pop(GROUPS, None)
