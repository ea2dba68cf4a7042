"""Snapshots of the search index in memory: built whole, then refreshed from the rows changed since.

A snapshot never changes once made; a refresh makes a new one (the base segment shared, its mask of live slots
copied, the delta rebuilt from the changed rows), so a search keeps using the snapshot it started with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from portal.search.changes import State, read_state
from portal.search.memory import loader
from portal.search.memory.docs import DocColumns
from portal.search.memory.ftstext import FtsPostings, Tokenizer, table_totals
from portal.search.memory.pgtext import PgPostings
from portal.search.memory.segment import Segment, TermSource
from portal.search.memory.terms import Pairs, facet_pairs_from_text
from portal.search.memory.values import FacetValues


@dataclass(frozen=True)
class Snapshot:
    state: State
    base: Segment
    base_live: np.ndarray
    base_slots: dict[int, int]  # search_docs id -> base slot
    delta: Segment | None
    delta_rows: dict[int, tuple[tuple[Any, ...], list[tuple[str, str]]]]  # id -> (row, terms)
    values: FacetValues
    totals: tuple[int, int]  # SQLite FTS5: rows, tokens
    code_point_order: bool

    def parts(self) -> list[tuple[Segment, np.ndarray]]:
        """Each segment with the mask of its slots that are current."""
        out = [(self.base, self.base_live)]
        if self.delta is not None and self.delta.n:
            out.append((self.delta, np.ones(self.delta.n, dtype=bool)))
        return out

    @property
    def size(self) -> int:
        return int(self.base_live.sum()) + (self.delta.n if self.delta is not None else 0)


@dataclass
class Builder:
    """Makes segments and snapshots for one database."""

    engine: Any
    dialect: str
    tokenizer: Tokenizer | None = None

    def full(self) -> Snapshot | None:
        with self.engine.connect() as conn:
            state = read_state(conn)
            if state is None:
                return None
            if self.dialect == "sqlite" and self.tokenizer is None:
                from portal.search.memory.ftstext import table_options

                self.tokenizer = Tokenizer(table_options(conn))
            rows = loader.doc_rows(conn, self.dialect)
            values = FacetValues.build(*loader.facet_values(conn))
            totals = table_totals(conn) if self.dialect == "sqlite" else (0, 0)
            order = loader.code_point_order(conn, self.dialect)
        base = self.segment(rows, self.base_terms(rows))
        return Snapshot(state, base, np.ones(base.n, dtype=bool), base.slots(), None, {}, values, totals, order)

    def refresh(self, snap: Snapshot, state: State) -> Snapshot:
        with self.engine.connect() as conn:
            state = read_state(conn) or state
            changes = loader.changes_since(conn, self.dialect, snap.state.version)
            new_values, ordered = loader.facet_values(conn, snap.values.last)
            totals = table_totals(conn) if self.dialect == "sqlite" else (0, 0)
        values = snap.values
        if new_values:
            values = FacetValues.build([(v, *p) for v, p in snap.values.pairs.items()] + new_values, ordered)
        live = snap.base_live.copy()
        delta_rows = dict(snap.delta_rows)
        for row in changes.rows:
            delta_rows[row[0]] = (row, changes.terms.get(row[1], []))
        for gone in changes.gone:
            delta_rows.pop(gone, None)
        for doc_id in [r[0] for r in changes.rows] + sorted(changes.gone):
            slot = snap.base_slots.get(doc_id)
            if slot is not None:
                live[slot] = False
        delta = self.delta(list(delta_rows.values())) if delta_rows else None
        return Snapshot(
            state, snap.base, live, snap.base_slots, delta, delta_rows, values, totals, snap.code_point_order
        )

    def segment(self, rows: Sequence[tuple[Any, ...]], terms: TermSource) -> Segment:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(loader.TEXT_AT + 5)]
        docs = DocColumns.build(dict(zip(loader.DOC_COLUMNS, columns, strict=False)))
        slots, vids = facet_pairs_from_text(columns[loader.FACETS_AT])
        facets = Pairs.build(docs.n, slots, vids, int(vids.max()) + 1 if len(vids) else 1)
        if self.dialect == "postgresql":
            text: PgPostings | FtsPostings = PgPostings.parse(docs.n, columns[loader.TEXT_AT])
        else:
            assert self.tokenizer is not None
            text = FtsPostings.build(docs.n, columns[loader.TEXT_AT : loader.TEXT_AT + 5], self.tokenizer)
        return Segment(docs, facets, text, terms, self.dialect)

    def delta(self, records: list[tuple[tuple[Any, ...], list[tuple[str, str]]]]) -> Segment:
        rows = [row for row, _ in records]
        by_field: dict[str, tuple[list[int], list[str]]] = {}
        for slot, (_, terms) in enumerate(records):
            for field, value in terms:
                slots, values = by_field.setdefault(field, ([], []))
                slots.append(slot)
                values.append(value)
        return self.segment(rows, lambda field: by_field.get(field, ([], [])))

    def base_terms(self, rows: Sequence[tuple[Any, ...]]) -> TermSource:
        """Fields beyond the facets are read when first asked for, for the datasets this segment holds."""
        package_slots = {row[1]: slot for slot, row in enumerate(rows)}

        def read(field: str) -> tuple[list[int], list[str]]:
            with self.engine.connect() as conn:
                pairs = loader.field_terms(conn, field)
            kept = [(package_slots[p], v) for p, v in pairs if p in package_slots]
            return [s for s, _ in kept], [v for _, v in kept]

        return read
