"""Parse the Solr/Lucene query subset CKAN clients send in ``q`` and ``fq`` into a small tree.

Supported: ``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, ``field:[lo TO hi]``, ``*:*``,
bare words and phrases, prefix ``wor*``, ``AND``/``OR``/``NOT``/``&&``/``||``/``!``, ``+``/``-`` and
parentheses. Adjacent clauses are ANDed, as CKAN's search narrows with each filter. Anything else is a
:class:`~portal.errors.SearchQueryError`, never a database error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.errors import SearchQueryError

FIELD_RE = re.compile(r"^[A-Za-z_][\w.-]*$")
TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<range>[\[{][^\]}]*[\]}]) |
        (?P<quoted>"(?:[^"\\]|\\.)*") |
        (?P<op>&&|\|\||!(?=\S)|[+-](?=\S)) |
        (?P<word>(?:[^\s()"\\\[\]{}]|\\.)+)
    )""",
    re.VERBOSE,
)
MAX_DEPTH = 20
MAX_CLAUSES = 200


@dataclass(frozen=True)
class Term:
    field: str | None  # None: free text
    value: str
    kind: str = "word"  # word | phrase | prefix | any


@dataclass(frozen=True)
class Range:
    field: str
    low: str
    high: str
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Term | Range | MatchAll | Not | And | Or


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise SearchQueryError(f"cannot parse the query near {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if len(tokens) > MAX_CLAUSES:
        raise SearchQueryError(f"the query has more than {MAX_CLAUSES} parts")
    return tokens


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise SearchQueryError("the query ends too early")
        self.pos += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            return MatchAll()
        node = self.parse_or()
        if self.peek() is not None:
            raise SearchQueryError(f"unexpected {self.peek()[1]!r} in the query")  # type: ignore[index]
        return node

    def parse_or(self) -> Node:
        nodes = [self.parse_and()]
        while self._is_op("OR", "||"):
            self.take()
            nodes.append(self.parse_and())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def parse_and(self) -> Node:
        nodes = [self.parse_unary()]
        while (token := self.peek()) is not None and token[0] != "rparen" and not self._is_op("OR", "||"):
            if self._is_op("AND", "&&"):
                self.take()
            nodes.append(self.parse_unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def parse_unary(self) -> Node:
        if self._is_op("NOT", "!", "-"):
            self.take()
            return Not(self.parse_unary())
        if self._is_op("+"):
            self.take()
        return self.parse_primary()

    def parse_primary(self) -> Node:
        kind, value = self.take()
        if kind == "lparen":
            return self._group(lambda: self.parse_or())
        if kind == "quoted":
            return Term(None, _unquote(value), "phrase")
        if kind == "word":
            return self._word(value)
        raise SearchQueryError(f"unexpected {value!r} in the query")

    def _word(self, word: str) -> Node:
        if word == "*:*":
            return MatchAll()
        field, sep, rest = _split_field(word)
        if not sep:
            return _text_term(None, word)
        if not FIELD_RE.match(field):
            raise SearchQueryError(f"{field!r} is not a field name")
        if rest:
            return _text_term(field, rest)
        kind, value = self.take()
        if kind == "quoted":
            return Term(field, _unquote(value), "phrase")
        if kind == "range":
            return _range(field, value)
        if kind == "lparen":
            return self._group(lambda: self._field_values(field))
        raise SearchQueryError(f"{field}: needs a value")

    def _field_values(self, field: str) -> Node:
        """``field:(a OR "b c" AND d)``: the values inside apply to ``field``."""
        nodes: list[Node] = []
        ops: list[str] = []
        while (token := self.peek()) is not None and token[0] != "rparen":
            kind, value = self.take()
            if kind == "word" and value in ("OR", "AND", "||", "&&"):
                ops.append("OR" if value in ("OR", "||") else "AND")
            elif kind == "quoted":
                nodes.append(Term(field, _unquote(value), "phrase"))
            elif kind == "word":
                nodes.append(_text_term(field, value))
            else:
                raise SearchQueryError(f"unexpected {value!r} inside {field}:(...)")
        if not nodes:
            raise SearchQueryError(f"{field}:() has no values")
        combine = And if ops and all(op == "AND" for op in ops) else Or
        return nodes[0] if len(nodes) == 1 else combine(tuple(nodes))

    def _group(self, inner) -> Node:  # noqa: ANN001
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchQueryError("the query nests parentheses too deeply")
        node = inner()
        kind, value = self.take()
        if kind != "rparen":
            raise SearchQueryError(f"expected ')' but found {value!r}")
        self.depth -= 1
        return node

    def _is_op(self, *names: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("word", "op") and token[1] in names


def parse(text: str) -> Node:
    return Parser(text).parse()


def parse_lenient(text: str) -> Node:
    """``q`` is forgiving, like Solr's edismax: if it does not parse, search its words as plain text."""
    try:
        return parse(text)
    except SearchQueryError:
        words = re.findall(r"\w+", text)
        if not words:
            return MatchAll()
        terms = tuple(Term(None, w) for w in words)
        return terms[0] if len(terms) == 1 else And(terms)


def _split_field(word: str) -> tuple[str, str, str]:
    match = re.match(r"^((?:[^:\\]|\\.)+):(.*)$", word)
    if not match:
        return word, "", ""
    return match.group(1), ":", match.group(2)


def _text_term(field: str | None, value: str) -> Term:
    value = re.sub(r"\\(.)", r"\1", value)
    if value == "*":
        return Term(field, "*", "any")
    if value.endswith("*") and "*" not in value[:-1] and len(value) > 1:
        return Term(field, value[:-1], "prefix")
    if "*" in value or "?" in value:
        raise SearchQueryError(f"wildcards are supported only at the end of a word: {value!r}")
    return Term(field, value)


def _unquote(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value[1:-1])


def _range(field: str, value: str) -> Range:
    match = re.fullmatch(r"([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])", value)
    if not match:
        raise SearchQueryError(f"a range must look like [low TO high], got {value!r}")
    return Range(field, match.group(2), match.group(3), match.group(1) == "[", match.group(4) == "]")
