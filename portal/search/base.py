"""The search interface and what both database backends share: indexing terms, filters, facets, sorting.

A backend only supplies full-text matching and ranking (FTS5 on SQLite, tsvector on PostgreSQL); the rest is
plain SQL over ``search_docs``, ``search_terms`` and the facet index (:mod:`portal.search.facets`), run as
one statement per search (:mod:`portal.search.onepass`), so both behave the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, insert, not_, or_, select, true
from sqlalchemy.orm import Session

from portal.errors import SearchQueryError
from portal.models import Package, SearchDoc, SearchTerm
from portal.search import changes, onepass
from portal.search.facets import FACET_FIELDS, FACET_TERMS, facet_pairs, write_facets
from portal.search.query import And, MatchAll, Node, Not, Or, Range, Term
from portal.search.records import record_json

TEXT_FIELDS = {"text": None, "q": None, "title": "title", "notes": "notes", "tags_text": "tags"}
DATE_FIELDS = {
    "metadata_modified": SearchDoc.metadata_modified,
    "metadata_created": SearchDoc.metadata_created,
}
FIELD_ALIASES = {"dataset_type": "type", "owner_org_name": "organization"}
SORT_FIELDS = {
    "metadata_modified": SearchDoc.metadata_modified,
    "metadata_created": SearchDoc.metadata_created,
    "name": SearchDoc.name,
    "title_string": SearchDoc.title_sort,
    "title": SearchDoc.title_sort,
}
IGNORED_FIELDS = {"site_id", "entity_type"}


@dataclass(frozen=True)
class Visibility:
    """Which datasets the asker may see in results, decided by the action from the user's roles."""

    user_id: str | None = None
    sysadmin: bool = False
    readable_orgs: tuple[str, ...] = ()
    include_private: bool = False
    include_drafts: bool = False
    include_deleted: bool = False


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    fq: list[str] = field(default_factory=list)
    rows: int = 10
    start: int = 0
    sort: str | None = None
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50
    facet_mincount: int = 1


@dataclass(frozen=True)
class SearchResult:
    count: int
    ids: list[str]
    facets: dict[str, list[tuple[str, int]]]
    sort: str
    # From the in-memory index only: the snapshot's change counter and each result's row version, which say
    # exactly which stored records and group rows a cache may reuse (see portal.search.memory.documents).
    state: Any = field(default=None, compare=False)
    versions: list[int] | None = field(default=None, compare=False)


class SearchBackend:
    """Index and query datasets. Subclasses implement the text parts for their database.

    ``memory`` (set by :func:`portal.search.make_search`) answers searches from this process's copy of the
    index when it can; the SQL below is the fallback and the definition of what a search returns.
    """

    memory: Any = None

    def index(self, session: Session, pkg: Package) -> None:
        doc = session.scalar(select(SearchDoc).where(SearchDoc.package_id == pkg.id))
        if doc is None:
            doc = SearchDoc(package_id=pkg.id)
            session.add(doc)
        doc.name = pkg.name
        doc.title_sort = (pkg.title or pkg.name).lower()
        doc.state, doc.private, doc.type = pkg.state, pkg.private, pkg.type
        doc.owner_org, doc.creator_user_id = pkg.owner_org, pkg.creator_user_id
        doc.metadata_created, doc.metadata_modified = pkg.metadata_created, pkg.metadata_modified
        doc.data = record_json(pkg)
        session.flush()
        session.execute(_delete_terms(pkg.id))
        rows = [{"package_id": pkg.id, "field": f, "value": v[:500]} for f, v in package_terms(pkg)]
        if rows:
            session.execute(insert(SearchTerm), rows)
        write_facets(session, doc.id, facet_pairs([(r["field"], r["value"]) for r in rows]))
        self.index_text(session, doc, package_text(pkg))
        changes.note_indexed(session, doc.id)

    def remove(self, session: Session, package_id: str) -> None:
        doc = session.scalar(select(SearchDoc).where(SearchDoc.package_id == package_id))
        if doc is not None:
            self.remove_text(session, doc)
            changes.note_removed(session, doc.id)
            session.delete(doc)
        session.execute(_delete_terms(package_id))

    def query(self, session: Session, params: SearchParams, visibility: Visibility) -> SearchResult:
        q_node = parse_q(params.q)
        fq_nodes = [parse_fq(f) for f in params.fq if f and f.strip()]
        if self.memory is not None:
            found = self.memory.search(session, params, visibility, q_node, fq_nodes)
            if found is not None:
                return found
        where = and_(visibility_clause(visibility), self.compile(q_node), *(self.compile(n) for n in fq_nodes))
        ranked_text = _positive_text(q_node)
        sort_used = params.sort or ("score desc, metadata_modified desc" if ranked_text else "metadata_modified desc")
        keys = _parse_sort(sort_used)
        ranked = bool(ranked_text) and any(key == "score" for key, _ in keys)
        keys = [(key, direction) for key, direction in keys if key != "score" or ranked]
        sort_columns = {key: SORT_FIELDS[key].label(key) for key, _ in keys if key != "score"}
        matches = select(SearchDoc.id.label("doc_id"), SearchDoc.package_id.label("package_id"), *sort_columns.values())
        matches = matches.where(where)
        if ranked:
            matches, score = self.with_rank(matches, ranked_text)
            matches = matches.add_columns(score.label("score"))
        indexed = [FIELD_ALIASES.get(f, f) for f in params.facet_fields if FIELD_ALIASES.get(f, f) in FACET_FIELDS]
        if indexed:
            matches = matches.add_columns(FACET_TERMS.label("facet_terms"))
        stmt = onepass.statement(
            matches,
            keys,
            (params.start, params.rows),
            (indexed, params.facet_limit, params.facet_mincount),
            self.unnest_numbers,
        )
        count, ids, counted = onepass.read(session.execute(stmt))
        facets = {}
        for name in params.facet_fields:
            field_name = FIELD_ALIASES.get(name, name)
            if field_name in FACET_FIELDS:
                facets[name] = counted.get(field_name, [])
            else:
                facets[name] = facet_counts(session, name, select(SearchDoc.package_id).where(where), params)
        return SearchResult(count, ids, facets, sort_used)

    def compile(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, MatchAll):
            return true()
        if isinstance(node, And):
            return and_(*(self.compile(n) for n in node.nodes))
        if isinstance(node, Or):
            return or_(*(self.compile(n) for n in node.nodes))
        if isinstance(node, Not):
            return not_(self.compile(node.node))
        if isinstance(node, Range):
            return range_clause(node)
        return self.term_clause(node)

    def term_clause(self, term: Term) -> ColumnElement[bool]:
        name = FIELD_ALIASES.get(term.field or "", term.field)
        if name is None or name in TEXT_FIELDS:
            if term.kind == "any":
                return true()
            return self.text_clause([term], TEXT_FIELDS.get(name or "text"))
        if name in IGNORED_FIELDS:
            return true()
        terms = select(SearchTerm.package_id).where(SearchTerm.field == name)
        if term.kind == "prefix":
            terms = terms.where(SearchTerm.value.like(_like_escape(term.value) + "%", escape="\\"))
        elif term.kind != "any":
            terms = terms.where(SearchTerm.value == term.value)
        return SearchDoc.package_id.in_(terms)

    # The text half, per database.
    def index_text(self, session: Session, doc: SearchDoc, text: dict[str, str]) -> None:
        raise NotImplementedError

    def remove_text(self, session: Session, doc: SearchDoc) -> None:
        raise NotImplementedError

    def text_clause(self, terms: list[Term], column: str | None) -> ColumnElement[bool]:
        raise NotImplementedError

    def with_rank(self, stmt: Any, terms: list[Term]) -> tuple[Any, Any]:
        raise NotImplementedError

    def unnest_numbers(self, matches: Any) -> Any:
        """A SELECT of every facet value number (column ``vid``) in the ``facet_terms`` of ``matches``."""
        raise NotImplementedError


def _delete_terms(package_id: str) -> Any:
    """Terms are never loaded as objects, so skip the ORM's scan of the session for rows to expire
    (with it, indexing slows down with every object a long transaction holds)."""
    stmt = delete(SearchTerm).where(SearchTerm.package_id == package_id)
    return stmt.execution_options(synchronize_session=False)


def parse_q(q: str) -> Node:
    from portal.search.query import parse_lenient

    return parse_lenient(q) if q and q.strip() else MatchAll()


def parse_fq(fq: str) -> Node:
    from portal.search.query import parse

    return parse(fq)


def visibility_clause(v: Visibility) -> ColumnElement[bool]:
    states = [SearchDoc.state == "active"]
    if v.include_drafts and v.user_id:
        drafts = SearchDoc.state == "draft"
        states.append(drafts if v.sysadmin else and_(drafts, SearchDoc.creator_user_id == v.user_id))
    if v.include_deleted and v.sysadmin:
        states.append(SearchDoc.state == "deleted")
    if v.include_private and v.sysadmin:
        private: ColumnElement[bool] = true()
    elif v.include_private and v.readable_orgs:
        private = or_(SearchDoc.private == false(), SearchDoc.owner_org.in_(v.readable_orgs))
    else:
        private = SearchDoc.private == false()
    return and_(or_(*states), private)


def facet_counts(session: Session, name: str, ids: Any, params: SearchParams) -> list[tuple[str, int]]:
    count = func.count().label("n")
    stmt = (
        select(SearchTerm.value, count)
        .where(SearchTerm.field == FIELD_ALIASES.get(name, name), SearchTerm.package_id.in_(ids))
        .group_by(SearchTerm.value)
        .having(func.count() >= max(params.facet_mincount, 1))
        .order_by(count.desc(), SearchTerm.value)
    )
    if params.facet_limit >= 0:
        stmt = stmt.limit(params.facet_limit)
    return [(value, n) for value, n in session.execute(stmt)]


def range_clause(node: Range) -> ColumnElement[bool]:
    column = DATE_FIELDS.get(node.field)
    if column is None:
        raise SearchQueryError(f"range queries work on {', '.join(DATE_FIELDS)}, not {node.field!r}")
    clauses = []
    if node.low != "*":
        low = _date(node.low)
        clauses.append(column >= low if node.include_low else column > low)
    if node.high != "*":
        high = _date(node.high)
        clauses.append(column <= high if node.include_high else column < high)
    return and_(true(), *clauses)


def _date(value: str) -> datetime:
    now = datetime.now(UTC).replace(tzinfo=None)
    match = re.fullmatch(r"NOW(?:([+-])(\d+)(DAYS?|HOURS?|MINUTES?|YEARS?|MONTHS?))?(?:/DAY)?", value)
    if match:
        if not match.group(1):
            return now
        unit = match.group(3).rstrip("S")
        days = {"DAY": 1, "HOUR": 1 / 24, "MINUTE": 1 / 1440, "YEAR": 365, "MONTH": 30}[unit]
        delta = timedelta(days=days * int(match.group(2)))
        return now + delta if match.group(1) == "+" else now - delta
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        raise SearchQueryError(f"{value!r} is not a date (use ISO 8601 such as 2024-01-31T00:00:00Z or NOW)") from None


def _parse_sort(sort: str) -> list[tuple[str, str]]:
    out = []
    for part in sort.split(","):
        bits = part.split()
        if not bits:
            continue
        key, direction = bits[0], (bits[1].lower() if len(bits) > 1 else "asc")
        if (key != "score" and key not in SORT_FIELDS) or direction not in ("asc", "desc") or len(bits) > 2:
            raise SearchQueryError(
                f"cannot sort by {part.strip()!r}: use score, name, title_string, metadata_modified or "
                "metadata_created, each followed by asc or desc"
            )
        out.append((key, direction))
    if not out:
        raise SearchQueryError("sort is empty")
    return out


def _positive_text(node: Node) -> list[Term]:
    """The free-text words that must match, used to rank: top-level ANDed text terms only."""
    nodes = node.nodes if isinstance(node, And) else (node,)
    return [
        n for n in nodes
        if isinstance(n, Term) and (n.field is None or n.field in ("text", "q")) and n.kind != "any"
    ]  # fmt: skip


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def package_terms(pkg: Package) -> list[tuple[str, str]]:
    """The exact-match fields of a dataset, as Solr's string fields hold them in CKAN."""
    terms: list[tuple[str, str]] = [
        ("id", pkg.id),
        ("name", pkg.name),
        ("type", pkg.type),
        ("state", pkg.state),
        ("capacity", "private" if pkg.private else "public"),
        ("num_resources", str(len(pkg.resources))),
        ("num_tags", str(len(pkg.tags))),
    ]
    for key in ("license_id", "owner_org", "author", "maintainer", "version", "url", "creator_user_id"):
        if value := getattr(pkg, key):
            terms.append((key, value))
    if pkg.organization is not None:
        terms.append(("organization", pkg.organization.name))
    terms += [("tags", pt.tag.name) for pt in pkg.tags]
    terms += [("groups", pg.group.name) for pg in pkg.groups]
    formats = {r.format for r in pkg.resources if r.format and r.state == "active"}
    terms += [("res_format", f) for f in sorted(formats)]
    terms += [("res_name", r.name) for r in pkg.resources if r.name and r.state == "active"]
    for key, value in (pkg.extras or {}).items():
        if value not in (None, ""):
            terms += [(f"extras_{key}", str(value)), (key, str(value))]
    return terms


def package_text(pkg: Package) -> dict[str, str]:
    extra = [pkg.organization.title or "" if pkg.organization else "", pkg.author or "", pkg.maintainer or ""]
    extra += [pg.group.title or pg.group.name for pg in pkg.groups]
    extra += [f"{r.name or ''} {r.description or ''} {r.format or ''}" for r in pkg.resources]
    extra += [str(v) for v in (pkg.extras or {}).values() if v]
    return {
        "name": pkg.name.replace("-", " ").replace("_", " "),
        "title": pkg.title or "",
        "tags": " ".join(pt.tag.name for pt in pkg.tags),
        "notes": pkg.notes or "",
        "extra": " ".join(extra),
    }
