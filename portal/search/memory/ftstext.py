"""SQLite's full text in memory: the FTS5 index's tokens as postings, ranked as FTS5's ``bm25()``.

Tokens come from SQLite's own tokenizer, run in a private in-memory database with the options of the
``search_fts`` table, so they are exactly the tokens FTS5 indexed: text is cut at ASCII separators here (where
``unicode61`` always cuts) and every distinct piece is tokenized once by SQLite (which also splits at other
separators, folds case and diacritics and stems). Ranking repeats ``fts5Bm25Function`` (``fts5_aux.c``) with
the column weights the database path uses; the table totals come from FTS5's own averages record.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text

from portal.search.memory.arrays import group_rows, member_mask, offsets, ranges, word_ids
from portal.search.memory.plan import Operand, TextTerm

COLUMNS = ("name", "title", "tags", "notes", "extra")
WEIGHTS = np.array([10.0, 8.0, 4.0, 1.0, 0.5])  # as portal.search.sqlite.WEIGHTS, in column order
COLUMN_BITS = {name: 1 << i for i, name in enumerate(COLUMNS)}
# ASCII other than letters and digits becomes a space: unicode61 always cuts there. UTF-8 bytes of other
# characters (all >= 0x80) are kept, for SQLite to judge.
SEPARATE = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))
SLOTS_AT_ONCE = 20_000
BOUNDARY = b"\x01"  # between two slots' texts; cannot survive SEPARATE inside a text
K1, B = 1.2, 0.75


class Tokenizer:
    """FTS5's tokenizer with the index's options, in a private in-memory SQLite database."""

    def __init__(self, options: str) -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        quoted = options.replace("'", "''")
        self.db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '{quoted}')")
        self.db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        self.cache: dict[str, tuple[str, ...]] = {}

    def tokens(self, pieces: Sequence[str]) -> list[tuple[str, ...]]:
        """Each piece's tokens, in order."""
        with self.lock:
            self.db.execute("DELETE FROM t")
            self.db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", ((i + 1, p) for i, p in enumerate(pieces)))
            found: list[list[tuple[int, str]]] = [[] for _ in pieces]
            for doc, offset, term in self.db.execute("SELECT doc, offset, term FROM v"):
                found[doc - 1].append((offset, term))
            self.db.execute("DELETE FROM t")
        return [tuple(term for _, term in sorted(items)) for items in found]

    def word(self, word: str) -> tuple[str, ...]:
        if word not in self.cache:
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[word] = self.tokens([word])[0]
        return self.cache[word]


def table_options(connection: Any) -> str:
    """The ``tokenize`` option the ``search_fts`` table was created with."""
    sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")).scalar() or ""
    match = re.search(r"tokenize\s*=\s*'((?:[^']|'')*)'", sql)
    return match.group(1).replace("''", "'") if match else "unicode61"


def table_totals(connection: Any) -> tuple[int, int]:
    """FTS5's row count and total token count (all columns), read from its averages record."""
    block = connection.execute(text("SELECT block FROM search_fts_data WHERE id = 1")).scalar()
    if not block:
        return 0, 0
    values, i = [], 0
    while i < len(block):
        value, i = _varint(block, i)
        values.append(value)
    return values[0], sum(values[1:])


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """SQLite's variable-length integer (sqlite3GetVarint)."""
    value = 0
    for k in range(8):
        byte = data[i + k]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + k + 1
    return (value << 8) | data[i + 8], i + 9


@dataclass(frozen=True)
class FtsPostings:
    """One segment's tokens (sorted) and, per token, the documents, weighted frequency and columns."""

    n: int
    tokens: list[str]
    lookup: dict[str, int]
    ptr: np.ndarray  # token -> range of postings
    doc: np.ndarray  # posting -> slot
    freq: np.ndarray  # posting -> sum over instances of the column weight (exact: halves and integers)
    cols: np.ndarray  # posting -> bit per column present
    length: np.ndarray  # slot -> tokens in the row, all columns (bm25's D)

    @classmethod
    def build(cls, n: int, columns: Sequence[Sequence[str | None]], tokenizer: Tokenizer) -> FtsPostings:
        """``columns[c][slot]`` is the text of FTS column ``c`` for each slot."""
        slot, col, piece, pieces = _pieces(n, columns)
        tokens_of = tokenizer.tokens([p.decode() for p in pieces])
        tokens = sorted({t for ts in tokens_of for t in ts})
        lookup = {t: i for i, t in enumerate(tokens)}
        per_piece = np.fromiter(map(len, tokens_of), dtype=np.int64, count=len(tokens_of))
        piece_ptr = offsets(per_piece)
        piece_tok = np.fromiter((lookup[t] for ts in tokens_of for t in ts), dtype=np.int64, count=piece_ptr[-1])
        counts = per_piece[piece]
        tok = piece_tok[ranges(piece_ptr[piece], counts)]
        slot, col = np.repeat(slot, counts), np.repeat(col, counts)
        length = np.bincount(slot, minlength=n).astype(np.int32)
        key, instances = np.unique((tok * n + slot) * len(COLUMNS) + col, return_counts=True)
        del tok, slot, col
        pair, col = key // len(COLUMNS), key % len(COLUMNS)
        firsts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, dtype=np.int64)
        freq = np.add.reduceat(instances * WEIGHTS[col], firsts) if len(firsts) else np.zeros(0)
        cols = np.bitwise_or.reduceat(1 << col, firsts) if len(firsts) else np.zeros(0, dtype=np.int64)
        pair = pair[firsts]
        ptr, _ = group_rows(pair // n, len(tokens))
        return cls(n, tokens, lookup, ptr, (pair % n).astype(np.int32), freq, cols.astype(np.uint8), length)

    def token_ids(self, operand: Operand) -> np.ndarray:
        return word_ids(self.tokens, self.lookup, operand.word, operand.prefix)

    def postings(self, operand: Operand) -> np.ndarray:
        ids = self.token_ids(operand)
        starts = self.ptr[ids]
        return ranges(starts, self.ptr[ids + 1] - starts)

    def match(self, term: TextTerm) -> np.ndarray:
        """``search_fts MATCH`` of the term's tokens, ANDed, in all columns or one."""
        if term.empty:
            return np.zeros(self.n, dtype=bool)
        mask = np.ones(self.n, dtype=bool)
        bit = COLUMN_BITS.get(term.column or "")
        for operand in term.operands:
            p = self.postings(operand)
            if bit is not None:
                p = p[(self.cols[p] & bit) > 0]
            mask &= member_mask(self.n, self.doc[p])
        return mask

    def containing(self, operand: Operand) -> np.ndarray:
        """Slots holding the operand anywhere (bm25's nHit counts these)."""
        return member_mask(self.n, self.doc[self.postings(operand)])

    def frequency(self, operand: Operand, rows: np.ndarray) -> np.ndarray:
        dense = np.zeros(self.n, dtype=np.float64)
        p = self.postings(operand)
        np.add.at(dense, self.doc[p], self.freq[p])
        return dense[rows]


def _pieces(n: int, columns: Sequence[Sequence[str | None]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[bytes]]:
    """Every piece of text between ASCII separators: (slot, column, piece number) per occurrence, and the
    distinct pieces. All in C per column: one join, translate and split, then one hash pass."""
    pieces: dict[bytes, int] = {}
    slots, cols, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for c, texts in enumerate(columns):
        for begin in range(0, len(texts), SLOTS_AT_ONCE):  # bounded memory: Python bytes cost ~40 bytes each
            joined = (b" " + BOUNDARY + b" ").join(
                (t or "").encode().translate(SEPARATE) for t in texts[begin : begin + SLOTS_AT_ONCE]
            )
            local, distinct = pd.factorize(np.array(joined.split(), dtype=object))
            marks = local == next((i for i, p in enumerate(distinct) if p == BOUNDARY), -1)
            remap = np.fromiter((pieces.setdefault(p, len(pieces)) for p in distinct), np.int64, len(distinct))
            slots.append(begin + np.cumsum(marks)[~marks])
            codes.append(remap[local[~marks]])
            cols.append(np.full(len(codes[-1]), c, dtype=np.int64))
    return np.concatenate(slots), np.concatenate(cols), np.concatenate(codes), list(pieces)


def bm25(
    parts: Sequence[tuple[FtsPostings, np.ndarray, np.ndarray]], operands: Sequence[Operand], totals: tuple[int, int]
) -> list[np.ndarray]:
    """``-bm25(search_fts, weights)`` for the ``rows`` of each (postings, live slots, rows) part."""
    n_row, n_token = totals
    avgdl = float(n_token) / float(n_row) if n_row else 0.0
    idf = []
    for operand in operands:
        hits = sum(int((postings.containing(operand) & live).sum()) for postings, live, _ in parts)
        value = math.log((n_row - hits + 0.5) / (hits + 0.5))
        idf.append(value if value > 0.0 else 1e-6)
    out = []
    for postings, _, rows in parts:
        length = postings.length[rows].astype(np.float64)
        norm = K1 * ((1 - B) + (B * length) / avgdl)
        score = np.zeros(len(rows), dtype=np.float64)
        for weight, operand in zip(idf, operands, strict=True):
            f = postings.frequency(operand, rows)
            score = score + weight * ((f * (K1 + 1.0)) / (f + norm))
        out.append(score)
    return out
