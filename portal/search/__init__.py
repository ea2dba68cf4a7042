"""Dataset search in the database itself (no Solr): one interface, a backend per dialect."""

from __future__ import annotations

from pathlib import Path

from portal.search.base import SearchBackend, SearchParams, SearchResult, Visibility
from portal.search.postgres import PostgresSearch
from portal.search.sqlite import SQLiteSearch


def make_search(
    dialect: str,
    memory: bool = True,
    cache_size: int = 1000,
    record_cache_size: int = 10_000,
    shared_cache: Path | None = None,
    shared_cache_size: int = 20_000,
    database: str = "",
) -> SearchBackend:
    """The backend for ``dialect``; with ``memory``, searches are answered from an index kept in this process,
    which keeps the answers to the last ``cache_size`` distinct searches until the next change, and the stored
    records of the last ``record_cache_size`` datasets shown while they stay current. With a ``shared_cache``
    file too, answers are shared with the other processes of the same server that use the same file and the same
    ``database`` (its address)."""
    backend: SearchBackend = SQLiteSearch() if dialect == "sqlite" else PostgresSearch()
    if memory:
        from portal.search.memory import MemoryIndex
        from portal.search.memory.shared import SharedAnswers

        shared = SharedAnswers(shared_cache, shared_cache_size, database) if shared_cache is not None else None
        backend.memory = MemoryIndex(dialect, cache_size, record_cache_size, shared)
    return backend


__all__ = ["SearchBackend", "SearchParams", "SearchResult", "Visibility", "make_search"]
