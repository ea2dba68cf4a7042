"""A parsed query (``q``, ``fq``) turned into leaves the in-memory index can test, or :class:`Unsupported`.

Whatever the index cannot answer exactly as the database would (phrases, sorts on text under a locale
collation, ...) raises :class:`Unsupported`, and the search runs in the database instead. Errors the user must
see (:class:`~portal.errors.SearchQueryError`) are raised by the same functions the database path uses, in the
same order, so both paths fail alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.errors import SearchQueryError
from portal.search.base import DATE_FIELDS, FIELD_ALIASES, IGNORED_FIELDS, TEXT_FIELDS, _date
from portal.search.query import And, MatchAll, Node, Not, Or, Range, Term

EPOCH = datetime(1970, 1, 1)


class Unsupported(Exception):
    """The in-memory index cannot answer this exactly; the database will."""


@dataclass(frozen=True)
class Operand:
    word: str  # a lexeme (PostgreSQL) or token (SQLite FTS5)
    prefix: bool = False


@dataclass(frozen=True)
class TextTerm:
    """The AND of ``operands`` in the whole text or one ``column`` (title, notes, tags); ``empty`` matches
    nothing (no searchable word, or only stop words)."""

    operands: tuple[Operand, ...]
    column: str | None = None

    @property
    def empty(self) -> bool:
        return not self.operands


@dataclass(frozen=True)
class FieldTerm:
    field: str
    kind: str  # word | phrase | prefix | any
    value: str


@dataclass(frozen=True)
class DateRange:
    column: str  # "created" or "modified"
    low: int | None  # microseconds
    high: int | None
    include_low: bool
    include_high: bool


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class AllOf:
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class AnyOf:
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class NoneOf:
    leaf: Leaf


Leaf = TextTerm | FieldTerm | DateRange | Everything | AllOf | AnyOf | NoneOf
PrepareText = Callable[[Term, "str | None"], TextTerm]


def compile_node(node: Node, prepare: PrepareText) -> Leaf:
    if isinstance(node, MatchAll):
        return Everything()
    if isinstance(node, And):
        return AllOf(tuple(compile_node(n, prepare) for n in node.nodes))
    if isinstance(node, Or):
        return AnyOf(tuple(compile_node(n, prepare) for n in node.nodes))
    if isinstance(node, Not):
        return NoneOf(compile_node(node.node, prepare))
    if isinstance(node, Range):
        return date_range(node)
    return term_leaf(node, prepare)


def term_leaf(term: Term, prepare: PrepareText) -> Leaf:
    name = FIELD_ALIASES.get(term.field or "", term.field)
    if name is None or name in TEXT_FIELDS:
        if term.kind == "any":
            return Everything()
        return prepare(term, TEXT_FIELDS.get(name or "text"))
    if name in IGNORED_FIELDS:
        return Everything()
    return FieldTerm(name, term.kind, term.value)


def date_range(node: Range) -> DateRange:
    """What :func:`portal.search.base.range_clause` builds, with the same errors."""
    if node.field not in DATE_FIELDS:
        raise SearchQueryError(f"range queries work on {', '.join(DATE_FIELDS)}, not {node.field!r}")
    low = _micros(_date(node.low)) if node.low != "*" else None
    high = _micros(_date(node.high)) if node.high != "*" else None
    column = "created" if node.field == "metadata_created" else "modified"
    return DateRange(column, low, high, node.include_low, node.include_high)


def _micros(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)
