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

import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import Any

from portal.search.changes import State


class DocumentCache:
    """At most ``size`` records (0: none), and the group rows read under the current state."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.generation: str | None = None
        self.records: OrderedDict[str, tuple[int, str]] = OrderedDict()  # package id -> (version, JSON)
        self.groups_state: State | None = None
        self.group_rows: dict[tuple[str, str], Any] = {}  # ("id" | "name", value) -> row, or None: no such group
        self.written_under: tuple[State, str, Any] | None = None  # (state, site address, licence register)
        self.written: OrderedDict[str, tuple[int, bytes]] = OrderedDict()  # package id -> (version, JSON)
        self.hits = self.misses = 0

    def records_of(self, state: State, ids: Sequence[str], versions: Sequence[int]) -> dict[str, str]:
        """The kept JSON of those ``ids`` whose kept version is the one given."""
        found: dict[str, str] = {}
        if self.size <= 0:
            return found
        with self.lock:
            records = self.records if state.generation == self.generation else {}
            for package_id, version in zip(ids, versions, strict=True):
                kept = records.get(package_id)
                if kept is not None and kept[0] == version:
                    found[package_id] = kept[1]
                    self.records.move_to_end(package_id)
            self.hits += len(found)
            self.misses += len(ids) - len(found)
        return found

    def keep_records(self, state: State, rows: Sequence[tuple[str, str, int]]) -> None:
        """Keep (package id, JSON, version) rows read from the database."""
        if self.size <= 0:
            return
        with self.lock:
            if state.generation != self.generation:
                self.generation, self.records = state.generation, OrderedDict()
            for package_id, data, version in rows:
                self.records[package_id] = (version, data)
                self.records.move_to_end(package_id)
            while len(self.records) > self.size:
                self.records.popitem(last=False)

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

    def written_of(
        self, state: State, site_url: str, register: Any, ids: Sequence[str], versions: Sequence[int]
    ) -> dict[str, bytes]:
        """The results last written, under this state, site and register, for those ``ids`` at those versions."""
        found: dict[str, bytes] = {}
        if self.size <= 0:
            return found
        with self.lock:
            if not self._written_under(state, site_url, register):
                return found
            for package_id, version in zip(ids, versions, strict=True):
                kept = self.written.get(package_id)
                if kept is not None and kept[0] == version:
                    found[package_id] = kept[1]
                    self.written.move_to_end(package_id)
        return found

    def keep_written(self, state: State, site_url: str, register: Any, rows: Sequence[tuple[str, int, bytes]]) -> None:
        """Keep (package id, version, JSON) results written under this state, site and licence register."""
        if self.size <= 0:
            return
        with self.lock:
            if not self._written_under(state, site_url, register):
                self.written_under, self.written = (state, site_url, register), OrderedDict()
            for package_id, version, data in rows:
                self.written[package_id] = (version, data)
                self.written.move_to_end(package_id)
            while len(self.written) > self.size:
                self.written.popitem(last=False)

    def _written_under(self, state: State, site_url: str, register: Any) -> bool:
        under = self.written_under
        return under is not None and under[0] == state and under[1] == site_url and under[2] is register
