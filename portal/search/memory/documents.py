"""Stored records and group rows already read for earlier pages of results, reused while provably current.

This is Solr's ``documentCache``, made exact by the change counter (:mod:`portal.search.changes`) instead of
being emptied at each commit:

- a dataset's record is written only when its search row is indexed, in the same transaction that stamps the
  row with a new version, so a record read together with its version is the record of that version for as
  long as the database's generation lasts. A page of results names each dataset's version in the snapshot it
  came from, and a record kept under that version is the one the database holds for it;
- every transaction that adds, changes or deletes an organization or theme takes a new version too, so group
  rows read under one state of the counter stay exact until the state moves on.

Records are kept as the JSON text the database holds, parsed again for each request, so no caller can change
what the next one gets. For the API, which only writes results out, each result is also kept as it was last
written (its record finished with its groups, the licence register and the site's address): valid while all
of those are the same, that is for one state of the counter, one register and one site.
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

from portal.search.changes import State


class _ByVersion:
    """Values by package id, each kept for one version of its search row, the least recently used dropped past
    ``size``; all kept under one key (``same`` says whether another key is that one) and forgotten when it moves
    on. The caller holds the lock."""

    def __init__(self, size: int, same: Callable[[Any, Any], bool]) -> None:
        self.size, self.same = size, same
        self.under: Any = None
        self.entries: OrderedDict[str, tuple[int, Any]] = OrderedDict()  # package id -> (version, value)

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def get(self, under: Any, ids: Sequence[str], versions: Sequence[int]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.size <= 0 or self.under is None or not self.same(self.under, under):
            return found
        for package_id, version in zip(ids, versions, strict=True):
            kept = self.entries.get(package_id)
            if kept is not None and kept[0] == version:
                found[package_id] = kept[1]
                self.entries.move_to_end(package_id)
        return found

    def put(self, under: Any, rows: Iterable[tuple[str, int, Any]]) -> None:
        if self.size <= 0:
            return
        if self.under is None or not self.same(self.under, under):
            self.under, self.entries = under, OrderedDict()
        for package_id, version, value in rows:
            self.entries[package_id] = (version, value)
            self.entries.move_to_end(package_id)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


def _same_written(a: tuple[State, str, Any], b: tuple[State, str, Any]) -> bool:
    """Same state and site, and the very same licence register (one read again changed is a new object)."""
    return a[0] == b[0] and a[1] == b[1] and a[2] is b[2]


class DocumentCache:
    """At most ``size`` records (0: none), as many results as last written, and the group rows read under the
    current state."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.records = _ByVersion(size, operator.eq)  # JSON text, under the database's generation
        self.written = _ByVersion(size, _same_written)  # JSON bytes, under (state, site address, licence register)
        self.groups_state: State | None = None
        self.group_rows: dict[tuple[str, str], Any] = {}  # ("id" | "name", value) -> row, or None: no such group
        self.hits = self.misses = 0

    def records_of(self, state: State, ids: Sequence[str], versions: Sequence[int]) -> dict[str, str]:
        """The kept JSON of those ``ids`` whose kept version is the one given."""
        if self.size <= 0:
            return {}
        with self.lock:
            found = self.records.get(state.generation, ids, versions)
            self.hits += len(found)
            self.misses += len(ids) - len(found)
        return found

    def keep_records(self, state: State, rows: Sequence[tuple[str, str, int]]) -> None:
        """Keep (package id, JSON, version) rows read from the database."""
        with self.lock:
            self.records.put(state.generation, ((package_id, version, data) for package_id, data, version in rows))

    def written_of(
        self, state: State, site_url: str, register: Any, ids: Sequence[str], versions: Sequence[int]
    ) -> dict[str, bytes]:
        """The results last written, under this state, site and register, for those ``ids`` at those versions."""
        with self.lock:
            return self.written.get((state, site_url, register), ids, versions)

    def keep_written(self, state: State, site_url: str, register: Any, rows: Sequence[tuple[str, int, bytes]]) -> None:
        """Keep (package id, version, JSON) results written under this state, site and licence register."""
        with self.lock:
            self.written.put((state, site_url, register), rows)

    def groups_of(self, state: State, ids: Collection[str], names: Collection[str]) -> tuple[list[Any], bool]:
        """The kept rows of the groups with these ids or names, and whether every one of them was known."""
        wanted = [("id", i) for i in ids] + [("name", n) for n in names]
        with self.lock:
            if state != self.groups_state:
                return [], False
            if any(key not in self.group_rows for key in wanted):
                return [], False
            rows = {id(row): row for key in wanted if (row := self.group_rows[key]) is not None}
        return list(rows.values()), True

    def keep_groups(self, state: State, ids: Collection[str], names: Collection[str], rows: Sequence[Any]) -> None:
        """Keep group rows read under ``state`` for the ids and names asked for (None for those not found)."""
        with self.lock:
            if state != self.groups_state:
                self.groups_state, self.group_rows = state, {}
            for i in ids:
                self.group_rows.setdefault(("id", i), None)
            for n in names:
                self.group_rows.setdefault(("name", n), None)
            for row in rows:
                self.group_rows[("id", row.id)] = row
                self.group_rows[("name", row.name)] = row
