"""Answers shared by the portal processes of one machine, in one small SQLite file beside the instance.

Each gunicorn worker keeps its own index and its own recent answers (:mod:`portal.search.memory.results`), so a
search asked once of each of four workers was worked out four times. Solr, which CKAN's web workers all ask,
keeps one ``queryResultCache`` for them all; this file is that shared cache. An answer is filed under the
change counter's state it was computed at (:mod:`portal.search.changes`: the database's generation and
version), everything the search depends on (:func:`portal.search.memory.results.result_key`) and its scope:
the database's address and the server the process belongs to (its parent, gunicorn's master). So it is exact:
any process of that server whose snapshot is at that state would compute the same answer, and a process at
another state, or of another server, never finds it; a restarted server starts afresh, so a database restored
from a backup under the same address cannot meet answers filed before. Nothing is invalidated; answers of other
states and scopes are deleted as new ones are filed, and the oldest beyond ``size``.

It is a cache and nothing more: when the file cannot be read or written (locked by a writer for longer than a
moment, a full disk, a file that is not a database) the search is worked out as if the answer was not there.
The file must be on a local disk: SQLite's locks are not safe over a network file system.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson

from portal.search.base import SearchResult
from portal.search.changes import State

log = logging.getLogger(__name__)

TRIM_EVERY = 256  # answers filed by a process between two trims of the file
SCHEMA = "CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, state TEXT NOT NULL, body BLOB NOT NULL)"


def _digest(*parts: Any) -> bytes:
    """The parts' ``repr`` is canonical: tuples of strings, numbers, booleans and a frozen dataclass of those."""
    return hashlib.sha256(repr(parts).encode()).digest()


class SharedAnswers:
    """At most about ``size`` answers, in the SQLite file at ``path``, shared by the processes that open it with
    the same ``database`` (its address) and the same parent process."""

    def __init__(self, path: Path, size: int, database: str) -> None:
        self.path, self.size, self.database = Path(path), size, database
        self.local = threading.local()  # one connection per thread, opened again in a forked child
        self.filed = 0
        self.hits = self.misses = 0

    def get(self, state: State, key: tuple[Any, ...]) -> SearchResult | None:
        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT body FROM answers WHERE key = ?", (self._key(state, key),)).fetchone()
        except sqlite3.Error as exc:
            log.debug("shared search answers: not read (%s)", exc)
            return None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        data = orjson.loads(row[0])
        facets = {name: [(value, count) for value, count in values] for name, values in data["facets"].items()}
        return SearchResult(data["count"], data["ids"], facets, data["sort"], state, data["versions"])

    def put(self, state: State, key: tuple[Any, ...], answer: SearchResult) -> None:
        db = self._db()
        if db is None:
            return
        body = orjson.dumps(
            {
                "count": answer.count,
                "ids": answer.ids,
                "facets": answer.facets,
                "sort": answer.sort,
                "versions": answer.versions,
            }
        )
        try:
            db.execute(
                "INSERT OR REPLACE INTO answers (key, state, body) VALUES (?, ?, ?)",
                (self._key(state, key), self._state(state), body),
            )
            self.filed += 1
            if self.filed % TRIM_EVERY == 0:
                self._trim(db, state)
        except sqlite3.Error as exc:
            log.debug("shared search answers: not filed (%s)", exc)

    def _trim(self, db: sqlite3.Connection, state: State) -> None:
        """Drop the answers of other states, and the oldest past ``size`` (rowids grow as answers are filed)."""
        db.execute("DELETE FROM answers WHERE state != ?", (self._state(state),))
        db.execute("DELETE FROM answers WHERE rowid <= (SELECT max(rowid) FROM answers) - ?", (self.size,))

    def _key(self, state: State, key: tuple[Any, ...]) -> bytes:
        return _digest(self.local.scope, state.generation, state.version, key)

    def _state(self, state: State) -> str:
        return f"{self.local.scope.hex()}:{state.generation}:{state.version}"

    def _db(self) -> sqlite3.Connection | None:
        local = self.local
        if getattr(local, "pid", None) == os.getpid():
            return local.db
        local.pid, local.db = os.getpid(), None  # tried once per thread and process
        local.scope = _digest(self.database, os.getppid())
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # A writer holds the lock for well under a millisecond; past 50 ms a reader or writer gives up.
            db = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=True)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # lost on a crash, at worst: it is a cache
            db.execute(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            log.warning("shared search answers at %s unavailable, each process keeps its own: %s", self.path, exc)
            return None
        local.db = db
        return db
