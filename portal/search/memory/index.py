"""The per-process search index: kept in step with the database by the change counter, read on every search.

Each search reads ``search_state`` (one small row) on its own database session. If a snapshot of that version
is in memory, the search runs on it; if the snapshot is behind, the changed rows are applied first (a few
milliseconds), so a write committed through any process is seen by the next search in every process. With no
usable snapshot (a new process, an emptied database) a small catalogue is built at once and a large one in a
background thread, while searches run in the database; so does anything :class:`Unsupported`, and any search
inside a transaction that has indexed datasets it has not committed (it must see its own writes).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.errors import SearchQueryError
from portal.search import changes
from portal.search.base import SearchParams, SearchResult, Visibility, _parse_sort, _positive_text
from portal.search.memory.documents import DocumentCache
from portal.search.memory.plan import Operand, TextTerm, Unsupported, compile_node
from portal.search.memory.results import ResultCache, result_key
from portal.search.query import Node, Term

if TYPE_CHECKING:
    from portal.search.memory.execute import Plan
    from portal.search.memory.ftstext import Tokenizer
    from portal.search.memory.shared import SharedAnswers
    from portal.search.memory.snapshot import Builder, Snapshot

log = logging.getLogger(__name__)

BUILD_INLINE = 20_000  # catalogues up to this size are built inside the first search (well under a second)
TEXT_SORTS = {"name", "title_string", "title"}


def load_modules() -> None:
    """Import now what the first build and the first search would import when they need it (numpy, pyarrow,
    scipy): a server does this before it freezes what it has loaded (see :mod:`portal.wsgi`)."""
    import scipy.sparse  # noqa: F401

    from portal.search.memory import execute, snapshot  # noqa: F401


class MemoryIndex:
    def __init__(
        self, dialect: str, cache_size: int = 1000, record_cache_size: int = 10_000, shared: SharedAnswers | None = None
    ) -> None:
        self.dialect = dialect
        self.results = ResultCache(cache_size)
        self.shared = shared if cache_size > 0 else None  # answers of the other workers of this server
        self.documents = DocumentCache(record_cache_size)
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.builder: Builder | None = None
        self.building = False
        self.queries: Any = None  # PostgreSQL query words to lexemes, made on first use

    def search(
        self, session: Session, params: SearchParams, visibility: Visibility, q: Node, fq: list[Node]
    ) -> SearchResult | None:
        """The result, or None when the database must answer."""
        if changes.pending(session):
            return None
        state = changes.current_state(session)
        if state is None:
            return None
        from portal.search.memory.execute import search  # numpy and friends load with the first search

        try:
            snap = self.current(session, state)
        except Exception:  # reading changes uses connections of its own: the request can still be answered
            log.exception("updating the in-memory search index failed; searching in the database")
            return None
        if snap is None:
            return None
        key = result_key(params, visibility)
        if (answer := self.results.get(snap, key)) is not None:
            return answer
        if self.shared is not None and (answer := self.shared.get(snap.state, key)) is not None:
            self.results.put(snap, key, answer)
            return answer
        try:
            plan, sort = self.plan(session, snap, params, q, fq)
            answer = search(snap, plan, visibility, params, sort)
            self.results.put(snap, key, answer)
            if self.shared is not None:
                self.shared.put(snap.state, key, answer)
            return answer
        except Unsupported as exc:
            log.debug("search in the database: %s", exc)
            return None
        except (SearchQueryError, SQLAlchemyError):
            raise  # the user's mistake, or the request's own session failing: the database path would too
        except Exception:
            log.exception("the in-memory search index failed; searching in the database")
            return None

    def warm(self, engine: Any) -> None:
        """Build the snapshot now, before serving: a process about to serve a large catalogue (a gunicorn
        ``post_worker_init`` hook, say) would otherwise search in the database until its background build ends."""
        from portal.search.memory.snapshot import Builder

        with self.lock:
            self.builder = self.builder or Builder(engine, self.dialect)
            began = time.perf_counter()
            self.snapshot = self.builder.full()
        if self.snapshot is not None:
            log.info("search index: %d datasets in memory in %.1f s", self.snapshot.size, time.perf_counter() - began)

    def current(self, session: Session, state: changes.State) -> Snapshot | None:
        snap = self.snapshot
        if snap is not None and snap.state == state:
            return snap
        from portal.search.memory.snapshot import Builder

        with self.lock:
            snap = self.snapshot
            if self.builder is None:
                self.builder = Builder(session.get_bind(), self.dialect)
            same = snap is not None and snap.state.generation == state.generation
            if snap is not None and same and snap.state.version >= state.version:
                return snap
            if snap is not None and same:
                snap = self.snapshot = self.builder.refresh(snap, state)
                return self._check_delta(snap)
            if self.building:
                return None
            if session.execute(text("SELECT count(*) FROM search_docs")).scalar_one() <= BUILD_INLINE:
                self.snapshot = self.builder.full()
                return self.snapshot
            self._start_build()
            return None

    def _check_delta(self, snap: Snapshot) -> Snapshot | None:
        """A large delta costs every refresh: rebuild the base in the background, and past a point, wait."""
        delta = len(snap.delta_rows)
        if delta > max(2_000, snap.base.n // 20):
            self._start_build()
        return None if delta > max(20_000, snap.base.n // 4) else snap

    def _start_build(self) -> None:
        if not self.building:
            self.building = True
            threading.Thread(target=self._build, name="search-index-build", daemon=True).start()

    def _build(self) -> None:
        began = time.perf_counter()
        snap = None
        try:
            assert self.builder is not None
            snap = self.builder.full()
        except Exception:
            log.exception("building the in-memory search index failed; searching in the database")
        with self.lock:
            self.building = False
            if snap is not None:
                self.snapshot = snap
                log.info("search index: %d datasets in memory in %.1f s", snap.size, time.perf_counter() - began)

    def plan(self, session: Session, snap: Snapshot, params: SearchParams, q: Node, fq: list[Node]) -> tuple[Plan, str]:
        """The search as leaves, with the same parsing, errors and sort rules as the database path."""
        from portal.search.memory.execute import Plan

        def prepare(term: Term, column: str | None) -> TextTerm:
            return TextTerm(self.operands(session, term), column)

        leaves = (compile_node(q, prepare), *(compile_node(n, prepare) for n in fq))
        ranked_text = _positive_text(q)
        sort = params.sort or ("score desc, metadata_modified desc" if ranked_text else "metadata_modified desc")
        keys = _parse_sort(sort)
        ranked = bool(ranked_text) and any(key == "score" for key, _ in keys)
        keys = [(key, direction) for key, direction in keys if key != "score" or ranked]
        if not snap.code_point_order and any(key in TEXT_SORTS for key, _ in keys):
            raise Unsupported("text sorts under a locale collation")
        operands = None
        if ranked:
            operands = tuple(op for term in ranked_text for op in self.operands(session, term))
        return Plan(leaves, tuple(keys), operands), sort

    def operands(self, session: Session, term: Term) -> tuple[Operand, ...]:
        """A text term's words as the database's text index holds them (empty: matches nothing)."""
        words = re.findall(r"\w+", term.value)
        if not words:
            return ()
        if self.dialect == "postgresql":
            if self.queries is None:
                from portal.search.memory.pgtext import TsQueries

                self.queries = TsQueries()
            return self.queries.operands(session, term.kind, words) or ()
        return fts_operands(self._tokenizer(), term.kind, words)

    def _tokenizer(self) -> Tokenizer:
        assert self.builder is not None and self.builder.tokenizer is not None
        return self.builder.tokenizer


def fts_operands(tokenizer: Tokenizer, kind: str, words: list[str]) -> tuple[Operand, ...]:
    """FTS5 quotes each word (``"a" "b"``, the last starred for a prefix) or the whole phrase; a quoted string
    that is two tokens is a phrase, left to the database, and one with none matches nothing."""
    groups = [" ".join(words)] if kind == "phrase" else words
    out = []
    for i, group in enumerate(groups):
        tokens = tokenizer.word(group)
        if not tokens:
            return ()
        if len(tokens) > 1:
            raise Unsupported("a phrase of several tokens")
        out.append(Operand(tokens[0], prefix=kind == "prefix" and i == len(groups) - 1))
    return tuple(out)
