"""Dataset search in the database itself (no Solr): one interface, a backend per dialect."""

from __future__ import annotations

from portal.search.base import SearchBackend, SearchParams, SearchResult, Visibility
from portal.search.postgres import PostgresSearch
from portal.search.sqlite import SQLiteSearch


def make_search(dialect: str) -> SearchBackend:
    return SQLiteSearch() if dialect == "sqlite" else PostgresSearch()


__all__ = ["SearchBackend", "SearchParams", "SearchResult", "Visibility", "make_search"]
