"""One search over a snapshot: masks for the match, then the count, the ordered page and the facet counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from portal.search.base import FIELD_ALIASES, SearchParams, SearchResult, Visibility
from portal.search.facets import FACET_FIELDS
from portal.search.memory.ftstext import FtsPostings, bm25
from portal.search.memory.pgtext import PgPostings
from portal.search.memory.plan import (
    AllOf,
    AnyOf,
    DateRange,
    Everything,
    FieldTerm,
    Leaf,
    NoneOf,
    Operand,
    TextTerm,
    Unsupported,
)
from portal.search.memory.segment import Segment
from portal.search.memory.snapshot import Snapshot


@dataclass(frozen=True)
class Plan:
    leaves: tuple[Leaf, ...]  # q, then each fq: all must match
    keys: tuple[tuple[str, str], ...]  # the sort, without "score" when nothing is ranked
    ranked: tuple[Operand, ...] | None  # the words ranked by, when the sort uses the score


def search(snap: Snapshot, plan: Plan, visibility: Visibility, params: SearchParams, sort: str) -> SearchResult:
    parts = []
    for segment, live in snap.parts():
        mask = live & segment.visible(visibility)
        for leaf in plan.leaves:
            if not mask.any():
                break
            mask &= evaluate(segment, leaf, snap)
        parts.append((segment, live, mask))
    count = sum(int(mask.sum()) for _, _, mask in parts)
    ids, versions = page(snap, parts, plan, params)
    return SearchResult(count, ids, facets(snap, parts, params), sort, snap.state, versions)


def evaluate(segment: Segment, leaf: Leaf, snap: Snapshot) -> np.ndarray:
    if isinstance(leaf, Everything):
        return np.ones(segment.n, dtype=bool)
    if isinstance(leaf, AllOf):
        mask = np.ones(segment.n, dtype=bool)
        for item in leaf.leaves:
            mask &= evaluate(segment, item, snap)
        return mask
    if isinstance(leaf, AnyOf):
        mask = np.zeros(segment.n, dtype=bool)
        for item in leaf.leaves:
            mask |= evaluate(segment, item, snap)
        return mask
    if isinstance(leaf, NoneOf):
        return ~evaluate(segment, leaf.leaf, snap)
    if isinstance(leaf, TextTerm):
        return segment.text.match(leaf)
    if isinstance(leaf, FieldTerm):
        return segment.field_mask(leaf, snap.values)
    if isinstance(leaf, DateRange):
        return segment.date_mask(leaf)
    raise Unsupported(f"leaf {leaf!r}")


def page(
    snap: Snapshot, parts: list[tuple[Segment, np.ndarray, np.ndarray]], plan: Plan, params: SearchParams
) -> tuple[list[str], list[int]]:
    """The page's dataset ids, in order, and the version of each one's search row."""
    wanted = params.start + params.rows
    if params.rows <= 0:
        return [], []
    keys = plan.keys
    ranked = plan.ranked is not None
    if ranked and (keys[0][0] != "score" or any(k == "score" for k, _ in keys[1:])):
        raise Unsupported("score must lead the sort")
    rest = keys[1:] if ranked else keys
    matched = [(segment, live, np.flatnonzero(mask)) for segment, live, mask in parts]
    scores = _scores(snap, matched, plan.ranked) if ranked else [None] * len(matched)
    picked = []
    for (segment, _, rows), score in zip(matched, scores, strict=True):
        if not len(rows):
            continue
        primary = None if score is None else (-score if keys[0][1] == "desc" else score)
        top = _top(primary, segment.rank(rest)[rows], wanted)
        picked.append((segment, rows[top], None if score is None else score[top]))
    if len(picked) == 1:
        segment, slots, _ = picked[0]
        chosen = slots[params.start : wanted]
        return list(segment.docs.package_id[chosen]), segment.docs.version[chosen].tolist()
    merged = _merge(picked, keys)[params.start : wanted]
    return [package_id for package_id, _ in merged], [version for _, version in merged]


def _scores(
    snap: Snapshot, matched: list[tuple[Segment, np.ndarray, np.ndarray]], operands: tuple[Operand, ...] | None
) -> list[np.ndarray | None]:
    assert operands is not None
    if not operands:
        return [np.zeros(len(rows)) for _, _, rows in matched]  # nothing rankable: every score is 0
    if snap.base.dialect == "postgresql":
        out: list[np.ndarray | None] = []
        for segment, _, rows in matched:
            assert isinstance(segment.text, PgPostings)
            out.append(segment.text.rank(operands, rows).astype(np.float64))
        return out
    parts = []
    for segment, live, rows in matched:
        assert isinstance(segment.text, FtsPostings)
        parts.append((segment.text, live, rows))
    return list(bm25(parts, operands, snap.totals))


def _top(primary: np.ndarray | None, secondary: np.ndarray, wanted: int) -> np.ndarray:
    """Positions of the ``wanted`` best rows, best first: by ``primary`` (lower first), then ``secondary``."""
    n = len(secondary)
    if primary is None:
        if wanted < n:
            part = np.argpartition(secondary, wanted - 1)[:wanted]
            return part[np.argsort(secondary[part])]
        return np.argsort(secondary)
    candidates = np.arange(n)
    if wanted < n:
        kth = np.partition(primary, wanted - 1)[wanted - 1]
        candidates = np.flatnonzero(primary <= kth)
    order = np.lexsort((secondary[candidates], primary[candidates]))[:wanted]
    return candidates[order]


def _merge(
    picked: list[tuple[Segment, np.ndarray, np.ndarray | None]], keys: tuple[tuple[str, str], ...]
) -> list[tuple[str, int]]:
    """Order the best rows of several segments with the sort's own values (Python compares text by code point,
    as the database does when code point order was checked)."""
    items: list[dict[str, Any]] = []
    for segment, slots, score in picked:
        for i, slot in enumerate(slots):
            item = {"id": int(segment.docs.doc_id[slot]), "package_id": segment.docs.package_id[slot]}
            item["version"] = int(segment.docs.version[slot])
            item["score"] = float(score[i]) if score is not None else 0.0
            for key, _ in keys:
                if key != "score":
                    value = segment.sort_value(key, int(slot))
                    item[key] = int(value) if isinstance(value, np.integer) else value
            items.append(item)
    items.sort(key=lambda it: it["id"])
    for key, direction in reversed(keys):
        items.sort(key=lambda it: it[key], reverse=direction == "desc")
    return [(it["package_id"], it["version"]) for it in items]


def facets(
    snap: Snapshot, parts: list[tuple[Segment, np.ndarray, np.ndarray]], params: SearchParams
) -> dict[str, list[tuple[str, int]]]:
    fields = [FIELD_ALIASES.get(name, name) for name in params.facet_fields]
    counts = None
    if any(f in FACET_FIELDS for f in fields):
        counts = sum(segment.facets.counts(mask, snap.values.size) for segment, _, mask in parts)
    out = {}
    for name, field in zip(params.facet_fields, fields, strict=True):
        if field in FACET_FIELDS:
            out[name] = snap.values.ranked(field, counts, params.facet_limit, params.facet_mincount)
        else:
            out[name] = _term_facet(snap, parts, field, params)
    return out


def _term_facet(
    snap: Snapshot, parts: list[tuple[Segment, np.ndarray, np.ndarray]], field: str, params: SearchParams
) -> list[tuple[str, int]]:
    if not snap.code_point_order:
        raise Unsupported("facet values sort by a locale collation")
    merged: Counter[str] = Counter()
    for segment, _, mask in parts:
        merged.update(segment.term_field(field).counts(mask))
    items = sorted(
        ((v, n) for v, n in merged.items() if n >= max(params.facet_mincount, 1)), key=lambda vn: (-vn[1], vn[0])
    )
    return items[: params.facet_limit] if params.facet_limit >= 0 else items
