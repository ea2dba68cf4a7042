"""Reading search rows from the database for the in-memory index: everything, or what changed since a version.

The state row is always read first: rows read after it can only be as new or newer, and anything newer has a
higher version, so it is read again at the next refresh. Nothing can be missed, whatever commits meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text

from portal.search.changes import CHUNK

DOC_COLUMNS = (
    "id",
    "package_id",
    "name",
    "title_sort",
    "state",
    "private",
    "owner_org",
    "creator_user_id",
    "metadata_created",
    "metadata_modified",
    "version",
)
FACETS_AT = len(DOC_COLUMNS)  # facet_terms as text, then the text payload
TEXT_AT = FACETS_AT + 1
C_COLLATIONS = {"C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic"}


@dataclass(frozen=True)
class Changes:
    rows: list[tuple[Any, ...]]  # rows of the changed datasets still present
    gone: set[int]  # search_docs ids of datasets removed
    terms: dict[str, list[tuple[str, str]]]  # package id -> its (field, value) pairs


def doc_rows(connection: Any, dialect: str, ids: Sequence[int] | None = None) -> list[tuple]:
    """Search rows with their facet numbers as text and their text index: ``tsv::text`` on PostgreSQL, the five
    FTS5 columns on SQLite (read in one pass over the FTS table and matched by rowid, much faster than a join)."""
    columns = ", ".join(f"d.{c}" for c in DOC_COLUMNS)
    where = "WHERE d.id IN :ids" if ids is not None else ""
    if dialect == "postgresql":
        sql = f"SELECT {columns}, d.facet_terms::text, coalesce(d.tsv::text, '') FROM search_docs d {where}"
    else:
        sql = f"SELECT {columns}, d.facet_terms FROM search_docs d {where}"
    params = {"ids": list(ids)} if ids is not None else {}
    rows = [tuple(row) for row in connection.execute(_with_ids(sql, ids), params)]
    if dialect == "postgresql":
        return rows
    where = "WHERE rowid IN :ids" if ids is not None else ""
    sql = f"SELECT rowid, name, title, tags, notes, extra FROM search_fts {where}"
    texts = {row[0]: tuple(row[1:]) for row in connection.execute(_with_ids(sql, ids), params)}
    blank = ("", "", "", "", "")
    return [row + texts.get(row[0], blank) for row in rows]


def _with_ids(sql: str, ids: Sequence[int] | None) -> Any:
    stmt = text(sql)
    return stmt.bindparams(bindparam("ids", expanding=True)) if ids is not None else stmt


def changes_since(connection: Any, dialect: str, version: int) -> Changes:
    ids = {r[0] for r in connection.execute(text("SELECT id FROM search_docs WHERE version > :v"), {"v": version})}
    removed = connection.execute(text("SELECT doc_id FROM search_removed WHERE version > :v"), {"v": version})
    wanted = sorted(ids | {r[0] for r in removed})
    rows: list[tuple] = []
    for start in range(0, len(wanted), CHUNK):
        rows += doc_rows(connection, dialect, wanted[start : start + CHUNK])
    present = {r[0] for r in rows}
    return Changes(rows, set(wanted) - present, package_terms(connection, [r[1] for r in rows]))


def package_terms(connection: Any, package_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {p: [] for p in package_ids}
    stmt = text("SELECT package_id, field, value FROM search_terms WHERE package_id IN :ids ORDER BY id")
    stmt = stmt.bindparams(bindparam("ids", expanding=True))
    for start in range(0, len(package_ids), CHUNK):
        for package_id, field, value in connection.execute(stmt, {"ids": list(package_ids[start : start + CHUNK])}):
            out[package_id].append((field, value))
    return out


def field_terms(connection: Any, field: str) -> list[tuple[str, str]]:
    """Every (package id, value) of one field."""
    rows = connection.execute(text("SELECT package_id, value FROM search_terms WHERE field = :f"), {"f": field})
    return [(p, v) for p, v in rows]


def facet_values(connection: Any, after: int = 0) -> tuple[list[tuple[int, str, str]], list[int]]:
    """Numbered facet values (those above ``after``) and all value numbers in the database's value order."""
    rows = connection.execute(
        text("SELECT id, field, value FROM search_values WHERE id > :after"), {"after": after}
    ).all()
    ordered = [r[0] for r in connection.execute(text("SELECT id FROM search_values ORDER BY value, id"))]
    return [tuple(r) for r in rows], ordered


def code_point_order(connection: Any, dialect: str) -> bool:
    """Whether the database sorts text by code point, as Python does (SQLite's BINARY; PostgreSQL's C)."""
    if dialect != "postgresql":
        return True
    collation = connection.execute(
        text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    ).scalar()
    try:
        provider = connection.execute(
            text("SELECT datlocprovider FROM pg_database WHERE datname = current_database()")
        ).scalar()
    except Exception:  # before PostgreSQL 15 every database used libc
        connection.rollback()
        provider = "c"
    return collation in C_COLLATIONS and provider == "c"
