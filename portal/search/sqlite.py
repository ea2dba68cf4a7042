"""Full-text search on SQLite's FTS5, weighted like CKAN's Solr boosts: name and title over tags over notes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, table, text, true
from sqlalchemy.orm import Session

from portal.models import SearchDoc
from portal.search.base import SearchBackend
from portal.search.query import Term

FTS = table("search_fts")
WEIGHTS = "10.0, 8.0, 4.0, 1.0, 0.5"  # name, title, tags, notes, extra


def fts_expression(terms: list[Term], column: str | None = None) -> str:
    """Build an FTS5 query from terms; every word is quoted, so user input is never FTS5 syntax."""
    parts = []
    for term in terms:
        words = re.findall(r"\w+", term.value)
        if not words:
            continue
        if term.kind == "phrase":
            part = '"' + " ".join(words) + '"'
        else:
            part = " ".join(f'"{w}"' for w in words)
            if term.kind == "prefix":
                part += "*"
        parts.append(f"{column} : ({part})" if column else part)
    return " AND ".join(parts)


class SQLiteSearch(SearchBackend):
    def index_text(self, session: Session, doc: SearchDoc, values: dict[str, str]) -> None:
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc.id})
        session.execute(
            text(
                "INSERT INTO search_fts(rowid, name, title, tags, notes, extra) "
                "VALUES (:id, :name, :title, :tags, :notes, :extra)"
            ),
            {"id": doc.id, **values},
        )

    def remove_text(self, session: Session, doc: SearchDoc) -> None:
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc.id})

    def text_clause(self, terms: list[Term], column: str | None) -> ColumnElement[bool]:
        expression = fts_expression(terms, column)
        if not expression:
            return SearchDoc.id.is_(None)  # nothing searchable: match nothing, as Solr would
        matching = (
            select(literal_column("rowid"))
            .select_from(FTS)
            .where(literal_column("search_fts").op("MATCH")(bindparam(None, expression)))
        )
        return SearchDoc.id.in_(matching)

    def with_rank(self, stmt: Any, terms: list[Term]) -> tuple[Any, Any]:
        expression = fts_expression(terms)
        if not expression:
            return stmt, literal_column("0")
        ranked = (
            select(
                literal_column("rowid").label("rid"),
                literal_column(f"-bm25(search_fts, {WEIGHTS})").label("score"),
            )
            .select_from(FTS)
            .where(literal_column("search_fts").op("MATCH")(bindparam(None, expression)))
            .cte("ranked")
            .prefix_with("MATERIALIZED")  # rank every match once; joined as a subquery, FTS5 ran per row
        )
        return stmt.join(ranked, ranked.c.rid == SearchDoc.id), ranked.c.score

    def unnest_numbers(self, matches: Any) -> Any:
        values = func.json_each(matches.c.facet_terms).table_valued("value").alias("facet_values")
        return select(values.c.value.label("vid")).select_from(matches.join(values, true()))
