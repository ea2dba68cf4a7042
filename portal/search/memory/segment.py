"""A segment: a set of datasets' search rows in columnar form, tested with masks over its slots.

A snapshot has a large base segment, built from the whole table, and a small delta segment rebuilt from the
rows changed since; base slots superseded by the delta or removed are masked out. Other ``search_terms``
fields than the five facets are read on first use, one field at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from portal.search.base import Visibility
from portal.search.facets import FACET_FIELDS
from portal.search.memory.docs import DocColumns
from portal.search.memory.ftstext import FtsPostings
from portal.search.memory.pgtext import PgPostings
from portal.search.memory.plan import DateRange, FieldTerm
from portal.search.memory.terms import Pairs, TermField
from portal.search.memory.values import FacetValues

# Reads one field's (slot, value) pairs for a segment.
TermSource = Callable[[str], tuple[Sequence[int], Sequence[str]]]
SORT_COLUMNS = {
    "metadata_modified": "modified",
    "metadata_created": "created",
    "name": "name",
    "title_string": "title_sort",
    "title": "title_sort",
}
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass
class Segment:
    docs: DocColumns
    facets: Pairs  # slot -> search_values numbers
    text: PgPostings | FtsPostings
    term_source: TermSource
    dialect: str
    _terms: dict[str, TermField] = field(default_factory=dict)
    _ranks: dict[tuple[tuple[str, str], ...], np.ndarray] = field(default_factory=dict)
    _strings: dict[str, np.ndarray] = field(default_factory=dict)
    _visible: dict[Visibility, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def n(self) -> int:
        return self.docs.n

    def visible(self, visibility: Visibility) -> np.ndarray:
        """The slots ``visibility`` may see (read-only; kept for the most recent few callers: the anonymous
        public asks most)."""
        found = self._visible.get(visibility)
        if found is None:
            found = self.docs.visible(visibility)
            found.flags.writeable = False
            if len(self._visible) >= 64:
                self._visible.clear()
            self._visible[visibility] = found
        return found

    def slots(self) -> dict[int, int]:
        return {int(d): i for i, d in enumerate(self.docs.doc_id)}

    def term_field(self, name: str) -> TermField:
        found = self._terms.get(name)
        if found is None:
            with self._lock:
                found = self._terms.get(name)
                if found is None:
                    slots, values = self.term_source(name)
                    found = self._terms[name] = TermField.build(self.n, slots, values)
        return found

    def field_mask(self, term: FieldTerm, values: FacetValues) -> np.ndarray:
        """What ``search_terms`` (or, on PostgreSQL, the facet index) would match for ``field:value``."""
        if term.field in FACET_FIELDS:
            if term.kind == "any":
                return self.facets.having(values.of_field(term.field))
            if term.kind == "prefix":
                vids = values.of_field(term.field)
                test = self.prefix_test(term.value)
                return self.facets.having([v for v in vids if test(values.pairs[int(v)][1])])
            value = term.value[:500] if self.dialect == "postgresql" else term.value
            return self.facets.having([values.number(term.field, value)])
        terms = self.term_field(term.field)
        if term.kind == "any":
            return terms.any()
        if term.kind == "prefix":
            return terms.matching(self.prefix_test(term.value))
        return terms.equals(term.value)

    def prefix_test(self, prefix: str) -> Callable[[str], bool]:
        """``LIKE 'prefix%'``: case-sensitive on PostgreSQL, ASCII case-insensitive on SQLite."""
        if self.dialect == "postgresql":
            return lambda value: value.startswith(prefix)
        folded = prefix.translate(ASCII_LOWER)
        return lambda value: value.translate(ASCII_LOWER).startswith(folded)

    def date_mask(self, term: DateRange) -> np.ndarray:
        column = self.docs.created if term.column == "created" else self.docs.modified
        mask = np.ones(self.n, dtype=bool)
        if term.low is not None:
            mask &= column >= term.low if term.include_low else column > term.low
        if term.high is not None:
            mask &= column <= term.high if term.include_high else column < term.high
        return mask

    def rank(self, keys: tuple[tuple[str, str], ...]) -> np.ndarray:
        """Each slot's position in ``ORDER BY keys..., id`` (cached: sorting text takes a while)."""
        found = self._ranks.get(keys)
        if found is None:
            columns: list[np.ndarray] = [self.docs.doc_id]
            for key, direction in reversed(keys):
                codes = self._sort_codes(SORT_COLUMNS[key])
                columns.append(-codes if direction == "desc" else codes)
            order = np.lexsort(columns)
            found = np.empty(self.n, dtype=np.int64)
            found[order] = np.arange(self.n)
            self._ranks[keys] = found
        return found

    def _sort_codes(self, column: str) -> np.ndarray:
        values: Any = getattr(self.docs, column)
        if values.dtype != object:
            return values
        found = self._strings.get(column)
        if found is None:
            _, found = np.unique(values, return_inverse=True)
            self._strings[column] = found = found.astype(np.int64)
        return found

    def sort_value(self, key: str, slot: int) -> Any:
        return getattr(self.docs, SORT_COLUMNS[key])[slot]
