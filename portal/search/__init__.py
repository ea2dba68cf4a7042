"""Dataset search in the database itself (no Solr): one interface, a backend per dialect."""

from __future__ import annotations

from portal.search.base import SearchBackend, SearchParams, SearchResult, Visibility
from portal.search.postgres import PostgresSearch
from portal.search.sqlite import SQLiteSearch


def make_search(
    dialect: str, memory: bool = True, cache_size: int = 1000, record_cache_size: int = 10_000
) -> SearchBackend:
    """The backend for ``dialect``; with ``memory``, searches are answered from an index kept in this process,
    which keeps the answers to the last ``cache_size`` distinct searches until the next change, and the stored
    records of the last ``record_cache_size`` datasets shown while they stay current."""
    backend: SearchBackend = SQLiteSearch() if dialect == "sqlite" else PostgresSearch()
    if memory:
        from portal.search.memory import MemoryIndex

        backend.memory = MemoryIndex(dialect, cache_size, record_cache_size)
    return backend


__all__ = ["SearchBackend", "SearchParams", "SearchResult", "Visibility", "make_search"]
