"""Dataset search in the database itself (no Solr): one interface, a backend per dialect."""

from __future__ import annotations

from portal.search.base import SearchBackend, SearchParams, SearchResult, Visibility
from portal.search.postgres import PostgresSearch
from portal.search.sqlite import SQLiteSearch


def make_search(dialect: str, memory: bool = True) -> SearchBackend:
    """The backend for ``dialect``; with ``memory``, searches are answered from an index kept in this process."""
    backend: SearchBackend = SQLiteSearch() if dialect == "sqlite" else PostgresSearch()
    if memory:
        from portal.search.memory import MemoryIndex

        backend.memory = MemoryIndex(dialect)
    return backend


__all__ = ["SearchBackend", "SearchParams", "SearchResult", "Visibility", "make_search"]
