"""Answers already given from one snapshot of the index, kept for the next identical search.

A snapshot never changes once built: a committed write makes the next search move to a new snapshot. So an
answer cached with its snapshot is exact for as long as that snapshot serves, and moving on empties the cache;
nothing is ever invalidated by time or guesswork. This is what Solr's ``queryResultCache`` does between
commits. Only the search is kept (count, ids, facet counts): each request still reads its results' current
records, organizations and themes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from portal.search.base import SearchParams, SearchResult, Visibility


def result_key(params: SearchParams, visibility: Visibility) -> tuple[Any, ...]:
    """Everything a search's answer depends on, besides the snapshot."""
    return (
        params.q,
        tuple(params.fq),
        params.rows,
        params.start,
        params.sort,
        tuple(params.facet_fields),
        params.facet_limit,
        params.facet_mincount,
        visibility,
    )


class ResultCache:
    """The most recently used answers of the current snapshot, at most ``size`` of them (0: none kept)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.snapshot: object | None = None
        self.answers: OrderedDict[tuple[Any, ...], SearchResult] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, snapshot: object, key: tuple[Any, ...]) -> SearchResult | None:
        with self.lock:
            if snapshot is not self.snapshot:
                self.misses += 1
                return None
            found = self.answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self.answers.move_to_end(key)
            return found

    def put(self, snapshot: object, key: tuple[Any, ...], answer: SearchResult) -> None:
        if self.size <= 0:
            return
        with self.lock:
            if snapshot is not self.snapshot:
                self.snapshot, self.answers = snapshot, OrderedDict()
            self.answers[key] = answer
            if len(self.answers) > self.size:
                self.answers.popitem(last=False)
