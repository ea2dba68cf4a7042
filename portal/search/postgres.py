"""Full-text search on PostgreSQL: a weighted tsvector per dataset with a GIN index, ranked by ts_rank_cd."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, func, literal, literal_column, select, text
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session

from portal.models import SearchDoc
from portal.search.base import FIELD_ALIASES, SearchBackend
from portal.search.facets import FACET_FIELDS, FACET_TERMS, value_number
from portal.search.query import Term

TSV = literal_column("search_docs.tsv")
CONFIG = literal_column("'english'::regconfig")
WEIGHTS = {"name": "A", "title": "A", "tags": "B", "notes": "C", "extra": "D"}


def tsquery(terms: list[Term]) -> Any | None:
    """Combine terms into one tsquery; only word characters reach to_tsquery, so input is never syntax."""
    queries = []
    for term in terms:
        words = re.findall(r"\w+", term.value)
        if not words:
            continue
        if term.kind == "phrase":
            queries.append(func.phraseto_tsquery(CONFIG, literal(" ".join(words))))
        elif term.kind == "prefix":
            queries.append(func.to_tsquery(CONFIG, literal(" & ".join(words) + ":*")))
        else:
            queries.append(func.plainto_tsquery(CONFIG, literal(" ".join(words))))
    if not queries:
        return None
    combined = queries[0]
    for q in queries[1:]:
        combined = combined.op("&&")(q)
    return combined


class PostgresSearch(SearchBackend):
    def index_text(self, session: Session, doc: SearchDoc, values: dict[str, str]) -> None:
        parts = " || ".join(f"setweight(to_tsvector('english', :{key}), '{weight}')" for key, weight in WEIGHTS.items())
        session.execute(text(f"UPDATE search_docs SET tsv = {parts} WHERE id = :id"), {"id": doc.id, **values})

    def remove_text(self, session: Session, doc: SearchDoc) -> None:
        """The vector lives in the row itself, which the caller deletes."""

    def text_clause(self, terms: list[Term], column: str | None) -> ColumnElement[bool]:
        query = tsquery(terms)
        if query is None:
            return SearchDoc.id.is_(None)
        if column in ("title", "notes", "tags"):
            weight = WEIGHTS[column]
            return func.ts_filter(TSV, literal_column(f"'{{{weight}}}'::\"char\"[]")).op("@@")(query)
        return TSV.op("@@")(query)

    def with_rank(self, stmt: Any, terms: list[Term]) -> tuple[Any, Any]:
        query = tsquery(terms)
        if query is None:
            return stmt, literal_column("0")
        return stmt, func.ts_rank_cd(TSV, query)

    def term_clause(self, term: Term) -> ColumnElement[bool]:
        """Exact filters on the facet fields use the GIN-indexed value numbers instead of ``search_terms``."""
        name = FIELD_ALIASES.get(term.field or "", term.field)
        if name in FACET_FIELDS and term.kind in ("word", "phrase"):
            return FACET_TERMS.op("@>", is_comparison=True)(array([value_number(name, term.value)]))
        return super().term_clause(term)

    def unnest_numbers(self, matches: Any) -> Any:
        """``unnest`` in the select list (a ProjectSet): much cheaper per row than a lateral function scan."""
        return select(func.unnest(matches.c.facet_terms).label("vid"))
