"""A compact facet index: each dataset's facet values as one list of small integers on its search row.

Counting facets by joining ``search_terms`` (about 30 text rows per dataset, keyed by UUID) to the matching
set costs hundreds of milliseconds at 100,000 datasets. Here each value of the usual facet fields gets an
integer once (``search_values``) and each dataset's ``search_docs`` row lists its value numbers in
``facet_terms`` (an ``integer[]`` with a GIN index on PostgreSQL, a JSON array on SQLite), so counting is one
pass over the rows the match already read. Values are never renumbered or deleted, so a number always means
the same value. The lists hold exactly the ``(field, value)`` pairs ``search_terms`` holds for these fields,
so counts and filters agree with it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, UniqueConstraint, bindparam, literal_column, select, text
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from portal.models import Base

# CKAN's default facets (``search.facets``); other fields are counted from ``search_terms``.
FACET_FIELDS = frozenset({"organization", "groups", "tags", "res_format", "license_id"})


class IntList(TypeDecorator[list[int]]):
    """A list of integers: a native array on PostgreSQL, JSON text elsewhere."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[int] | None, dialect: Any) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return json.dumps(value)

    def process_result_value(self, value: Any, dialect: Any) -> list[int] | None:
        if value is None or dialect.name == "postgresql":
            return value
        return json.loads(value)


search_values = Table(
    "search_values",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("field", String(100), nullable=False),
    Column("value", String(500), nullable=False),
    UniqueConstraint("field", "value", name="uq_search_values_field_value"),
)

# Created by migration 0002 outside the ORM model, like the text index.
FACET_TERMS = literal_column("search_docs.facet_terms", IntList())


def facet_pairs(terms: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs the facet index keeps, truncated as ``search_terms`` stores them."""
    return [(field, value[:500]) for field, value in terms if field in FACET_FIELDS]


def write_facets(session: Session, doc_id: int, pairs: list[tuple[str, str]]) -> None:
    """Replace one dataset's facet row (duplicates kept, as ``search_terms`` would count them)."""
    numbers = value_numbers(session, set(pairs))
    update = text("UPDATE search_docs SET facet_terms = :terms WHERE id = :id")
    update = update.bindparams(bindparam("terms", type_=IntList()))
    session.execute(update, {"terms": [numbers[p] for p in pairs], "id": doc_id})


def value_number(field: str, value: str) -> Any:
    """The number of one value, as a scalar subquery (NULL, matching nothing, if no dataset has it)."""
    stmt = select(search_values.c.id).where(search_values.c.field == field, search_values.c.value == value[:500])
    return stmt.scalar_subquery()


def value_numbers(session: Session, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Numbers for ``pairs``, adding the new ones; safe when two writers add the same value at once."""
    if not pairs:
        return {}
    found = _lookup(session, pairs)
    missing = pairs - found.keys()
    if missing:
        rows = [{"field": f, "value": v} for f, v in sorted(missing)]
        dialect = session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(make(search_values).on_conflict_do_nothing(), rows)
        found.update(_lookup(session, missing))
    return found


def _lookup(session: Session, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    key = sql_tuple(search_values.c.field, search_values.c.value)
    rows = session.execute(
        select(search_values.c.field, search_values.c.value, search_values.c.id).where(key.in_(sorted(pairs)))
    )
    return {(field, value): number for field, value, number in rows}
