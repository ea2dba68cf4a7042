"""One statement per search: the matching set is found once, then counted, paged and faceted from it.

Running the match separately for the count, the page and each facet repeated the most expensive part (the
text match and visibility filter) up to seven times. Here the match is a common table expression used three
times, which both PostgreSQL (12+) and SQLite (3.35+) materialise once. The statement returns rows of three
kinds, told apart by ``kind``: the count, the page's package ids with their position, and facet counts with
their rank inside the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import CompoundSelect, Select, String, cast, func, literal, null, select, union_all

from portal.search.facets import search_values

COUNT, PAGE, FACET = 0, 1, 2

# Given the matches, a backend returns a SELECT of one row per facet value number, in a column ``vid``.
Unnest = Callable[[Any], Select[Any]]


def statement(
    matches: Select[Any],
    order_keys: list[tuple[str, str]],
    page: tuple[int, int],
    facets: tuple[list[str], int, int],
    unnest: Unnest,
) -> CompoundSelect:
    """``matches`` selects ``doc_id``, ``package_id``, one column per sort key (named by the key) and, when
    there are facets to count, ``facet_terms``.

    ``page`` is (start, rows); ``facets`` is (fields, limit, mincount) with limit -1 meaning all values.
    """
    m = matches.cte("m")
    label = String(500)
    parts = [
        select(
            literal(COUNT).label("kind"),
            cast(null(), label).label("field"),
            cast(null(), label).label("value"),
            func.count().label("n"),
            literal(0).label("pos"),
        ).select_from(m)
    ]
    parts.append(_page(m, order_keys, *page))
    fields, limit, mincount = facets
    if fields:
        parts.append(_facets(m, fields, limit, mincount, unnest))
    return union_all(*parts)


def _page(m: Any, order_keys: list[tuple[str, str]], start: int, rows: int) -> Select[Any]:
    def order(source: Any) -> list[Any]:
        keys = [source.c[k].desc() if d == "desc" else source.c[k].asc() for k, d in order_keys]
        return [*keys, source.c.doc_id.asc()]

    columns = [m.c.doc_id, m.c.package_id, *(m.c[k] for k in dict.fromkeys(k for k, _ in order_keys))]
    window = select(*columns).order_by(*order(m)).offset(start).limit(rows).subquery("page")
    position = func.row_number().over(order_by=order(window))  # numbers only the page's few rows
    return select(literal(PAGE), null(), window.c.package_id, literal(0), position)


def _facets(m: Any, fields: list[str], limit: int, mincount: int, unnest: Unnest) -> Select[Any]:
    numbers = unnest(m).subquery("numbers")
    counted = select(numbers.c.vid, func.count().label("n")).group_by(numbers.c.vid).subquery("counted")
    sv = search_values
    rank = func.row_number().over(partition_by=sv.c.field, order_by=(counted.c.n.desc(), sv.c.value))
    ranked = (
        select(sv.c.field, sv.c.value, counted.c.n, rank.label("rk"))
        .join_from(counted, sv, sv.c.id == counted.c.vid)
        .where(sv.c.field.in_(sorted(set(fields))), counted.c.n >= max(mincount, 1))
        .subquery("ranked")
    )
    stmt = select(literal(FACET), ranked.c.field, ranked.c.value, ranked.c.n, ranked.c.rk)
    return stmt.where(ranked.c.rk <= limit) if limit >= 0 else stmt


def read(rows: Iterable[Any]) -> tuple[int, list[str], dict[str, list[tuple[str, int]]]]:
    """Split the statement's rows into the count, the ordered page of ids and each field's ordered counts."""
    count, page, facets = 0, [], {}
    for kind, field, value, n, pos in rows:
        if kind == COUNT:
            count = n
        elif kind == PAGE:
            page.append((pos, value))
        else:
            facets.setdefault(field, []).append((pos, value, n))
    ids = [value for _, value in sorted(page)]
    ordered = {f: [(v, n) for _, v, n in sorted(items)] for f, items in facets.items()}
    return count, ids, ordered
