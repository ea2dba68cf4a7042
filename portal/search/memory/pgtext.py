"""PostgreSQL's full text in memory: each dataset's stored ``tsvector`` as postings, ranked as ``ts_rank_cd``.

The lexemes and positions are PostgreSQL's own (parsed from ``tsv::text``), and query words are turned into
lexemes by PostgreSQL too (``plainto_tsquery``, cached per process), so matching is exactly ``@@``. Ranking
repeats ``calc_rank_cd`` from PostgreSQL's ``tsrank.c`` (default weights, no normalisation) for queries that
are an AND of lexemes and prefixes, vectorised over documents: the covers it finds are, per document, the
shortest run of positions ending at each position that holds every query item, taken at the first position
where its start moves; sums are added in the same order as the C loop and the result rounded to float4, so
ties fall exactly as in the database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import text

from portal.search.memory.arrays import group_rows, member_mask, offsets, ranges, sequential_sums, word_ids
from portal.search.memory.plan import Operand, TextTerm, Unsupported

WEIGHT_BITS = {"title": 1 << 3, "tags": 1 << 2, "notes": 1 << 1}  # A, B, C as ts_filter keeps them
# calc_rank_cd's inverse weights: 1 / (double) of the float4 defaults {0.1, 0.2, 0.4, 1.0} for D, C, B, A.
INV_WEIGHTS = 1.0 / np.array([0.1, 0.2, 0.4, 1.0], dtype=np.float32).astype(np.float64)
SINGLE = (1.0 / INV_WEIGHTS) / 1.0  # one position alone is a cover of length one with no noise
WEIGHT_OF = {"A": 3, "B": 2, "C": 1, "D": 0}
UNSUPPORTED: tuple[Operand, ...] = (Operand("", True),)  # cached marker: the database must answer
OPERAND = re.compile(r"'((?:[^']|'')*)'(:\*)?")


@dataclass(frozen=True)
class PgPostings:
    """One segment's lexemes (sorted as PostgreSQL sorts them) and, per lexeme, the documents and positions."""

    n: int
    lexemes: list[str]
    lookup: dict[str, int]
    ptr: np.ndarray  # lexeme -> range of postings
    doc: np.ndarray  # posting -> slot
    wmask: np.ndarray  # posting -> bit per weight present (1 << weight)
    pos_ptr: np.ndarray  # posting -> range of positions
    pos: np.ndarray  # raw WordEntryPos: weight << 14 | position
    single: np.ndarray  # posting -> ts_rank_cd for a query of this lexeme alone

    @classmethod
    def parse(cls, n: int, texts: Sequence[str]) -> PgPostings:
        """From ``tsv::text`` of each slot: entries ``'lexeme':1A,5`` with quotes and backslashes doubled."""
        entries = pc.split_pattern(pa.array([" " + t for t in texts], pa.string()), " '")
        flat = pc.list_flatten(entries)
        slot = np.asarray(pc.list_parent_indices(entries), dtype=np.int64)
        keep = np.asarray(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(flat)), 0), dtype=bool)
        flat, slot = flat.filter(pa.array(keep)), slot[keep]
        halves = pc.split_pattern(flat, "':", max_splits=1, reverse=True)
        has_pos = np.asarray(pc.equal(pc.list_value_length(halves), 2), dtype=bool)
        lexeme = pc.list_element(halves, 0)
        bare = pc.utf8_slice_codeunits(lexeme, 0, -1)  # no positions: 'lexeme' keeps its closing quote
        lexeme = pc.if_else(pa.array(has_pos), lexeme, bare)
        lexeme = pc.replace_substring(pc.replace_substring(lexeme, "''", "'"), "\\\\", "\\")
        positions = pc.if_else(pa.array(has_pos), pc.list_element(pc.list_slice(halves, 1, 2, 1), 0), "")
        return cls._from_parts(n, slot, lexeme, positions)

    @classmethod
    def _from_parts(cls, n: int, slot: np.ndarray, lexeme: pa.Array, positions: pa.Array) -> PgPostings:
        encoded = pc.dictionary_encode(lexeme)
        words = encoded.dictionary.to_pylist()
        order = sorted(range(len(words)), key=words.__getitem__)
        rank = np.empty(len(words), dtype=np.int64)
        rank[order] = np.arange(len(words))
        lid = rank[np.asarray(encoded.indices, dtype=np.int64)]
        items = pc.split_pattern(positions, ",")
        flat = pc.list_flatten(items)
        nonempty = np.asarray(pc.greater(pc.utf8_length(flat), 0), dtype=bool)
        owner = np.asarray(pc.list_parent_indices(items), dtype=np.int64)[nonempty]
        counts = np.bincount(owner, minlength=len(slot)).astype(np.int64)
        flat = flat.filter(pa.array(nonempty))
        letter = pc.utf8_slice_codeunits(flat, -1, 2**31 - 1)
        weight = np.zeros(len(flat), dtype=np.int64)
        for name, code in WEIGHT_OF.items():
            weight[np.asarray(pc.equal(letter, name), dtype=bool)] = code
        number = np.asarray(pc.cast(pc.utf8_rtrim(flat, characters="ABCD"), pa.int64()), dtype=np.int64)
        raw = (weight << 14) | number
        order = np.lexsort((slot, lid))  # postings by lexeme, then slot; positions follow their posting
        pos = raw[ranges(offsets(counts)[:-1][order], counts[order])]
        lexemes = sorted(words)
        return cls.assemble(n, lexemes, lid[order], slot[order], counts[order], pos)

    @classmethod
    def assemble(
        cls, n: int, lexemes: list[str], lid: np.ndarray, slot: np.ndarray, counts: np.ndarray, pos: np.ndarray
    ) -> PgPostings:
        pos_ptr = offsets(counts)
        weights = (pos >> 14).astype(np.int64)
        wmask = np.zeros(len(counts), dtype=np.uint8)
        held = np.flatnonzero(counts > 0)
        if len(held):
            wmask[held] = np.bitwise_or.reduceat((1 << weights).astype(np.uint8), pos_ptr[held])
        single = sequential_sums(SINGLE[weights], pos_ptr[:-1], counts).astype(np.float32)
        ptr, _ = group_rows(lid, len(lexemes))
        return cls(
            n,
            lexemes,
            {w: i for i, w in enumerate(lexemes)},
            ptr,
            slot.astype(np.int32),
            wmask,
            pos_ptr,
            pos.astype(np.uint16),
            single,
        )

    def lexeme_ids(self, operand: Operand) -> np.ndarray:
        return word_ids(self.lexemes, self.lookup, operand.word, operand.prefix)

    def postings(self, lids: np.ndarray) -> np.ndarray:
        starts = self.ptr[lids]
        return ranges(starts, self.ptr[lids + 1] - starts)

    def match(self, term: TextTerm) -> np.ndarray:
        """``tsv @@ query`` (or ``ts_filter(tsv, weight) @@ query`` for title, notes, tags)."""
        if term.empty:
            return np.zeros(self.n, dtype=bool)
        mask = np.ones(self.n, dtype=bool)
        bits = WEIGHT_BITS.get(term.column or "")
        for operand in term.operands:
            lids = self.lexeme_ids(operand)
            if bits is None and len(lids) == 1:  # one word: its documents are one slice, no gather
                docs = self.doc[self.ptr[lids[0]] : self.ptr[lids[0] + 1]]
            else:
                p = self.postings(lids)
                if bits is not None:
                    p = p[(self.wmask[p] & bits) > 0]
                docs = self.doc[p]
            mask &= member_mask(self.n, docs)
        return mask

    def rank(self, operands: Sequence[Operand], rows: np.ndarray) -> np.ndarray:
        """``ts_rank_cd`` (float4) of ``rows`` for the AND of ``operands``."""
        lids = [self.lexeme_ids(op) for op in operands]
        if len(lids) == 1 and len(lids[0]) == 1:
            dense = np.zeros(self.n, dtype=np.float32)
            p = self.postings(lids[0])
            dense[self.doc[p]] = self.single[p]
            return dense[rows]
        if len(operands) > 63:
            raise Unsupported("more than 63 ranked words")
        return cover_density(self, lids, rows)


def cover_density(postings: PgPostings, lids: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """calc_rank_cd for many documents at once (see the module docstring)."""
    wanted = member_mask(postings.n, rows)
    slot, raw, lex, item = [], [], [], []
    for j, ids in enumerate(lids):
        if len(ids) == 1:  # one lexeme: its postings are one slice; keep the wanted documents' ones
            start = int(postings.ptr[ids[0]])
            p = np.flatnonzero(wanted[postings.doc[start : postings.ptr[ids[0] + 1]]]) + start
            lexeme = np.full(len(p), ids[0], dtype=np.int64)
        else:
            p = postings.postings(ids)
            lexeme = np.repeat(ids, postings.ptr[ids + 1] - postings.ptr[ids])
            keep = wanted[postings.doc[p]]
            p, lexeme = p[keep], lexeme[keep]
        counts = postings.pos_ptr[p + 1] - postings.pos_ptr[p]
        slot.append(np.repeat(postings.doc[p].astype(np.int64), counts))
        raw.append(postings.pos[ranges(postings.pos_ptr[p], counts)].astype(np.int64))
        lex.append(np.repeat(lexeme, counts))
        item.append(np.full(int(counts.sum()), 1 << j, dtype=np.uint64))
    s, r, lx, it = (np.concatenate(a) if a else np.zeros(0, dtype=np.int64) for a in (slot, raw, lex, item))
    key = (s << 40) | ((r & 0x3FFF) << 26) | ((r >> 14) << 24) | lx  # compareDocR: position, weight, entry
    order = np.argsort(key, kind="stable")
    key, it = key[order], it[order].astype(np.uint64)
    every = np.concatenate(lids) if lids else np.zeros(0, dtype=np.int64)
    if len(np.unique(every)) < len(every):  # a lexeme serves two query items: merge their equal entries
        first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
        starts = np.flatnonzero(first)
        it = np.bitwise_or.reduceat(it, starts) if len(starts) else it
        key = key[starts]
    return _covers(key, it, len(lids), rows)


def _covers(key: np.ndarray, items: np.ndarray, n_items: int, rows: np.ndarray) -> np.ndarray:
    if n_items == 2 and not (items == 3).any():
        return _pair_covers(key, items, rows)
    return _all_covers(key, items, n_items, rows)


def _all_covers(key: np.ndarray, items: np.ndarray, n_items: int, rows: np.ndarray) -> np.ndarray:
    slot = key >> 40
    position = (key >> 26) & 0x3FFF
    weight = (key >> 24) & 0x3
    m = len(key)
    index = np.arange(m, dtype=np.int64)
    new_doc = np.r_[True, slot[1:] != slot[:-1]] if m else np.zeros(0, dtype=bool)
    doc_first = np.maximum.accumulate(np.where(new_doc, index, 0)) if m else index
    cover_start = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    for j in range(n_items):
        has = ((items >> np.uint64(j)) & np.uint64(1)).astype(bool)
        last = np.maximum.accumulate(np.where(has, index, -1)) if m else index
        cover_start = np.minimum(cover_start, last)
    valid = cover_start >= doc_first
    previous = np.r_[-1, cover_start[:-1]] if m else cover_start
    previous_valid = np.r_[False, valid[:-1]] if m else valid
    emit = valid & (new_doc | ~previous_valid | (cover_start != previous))
    end = np.flatnonzero(emit)
    begin = cover_start[end]
    length = end - begin + 1
    inv_sum = sequential_sums(INV_WEIGHTS[weight], begin, length)
    cpos = length.astype(np.float64) / inv_sum
    noise = (position[end] - position[begin]) - (end - begin)
    noise = np.where(noise < 0, (end - begin) // 2, noise)
    contribution = cpos / (1 + noise).astype(np.float64)
    return _row_sums(slot[end], contribution, rows)


class TsQueries:
    """Query words to lexemes, by PostgreSQL itself, remembered per process (a text search configuration
    does not change while the portal runs)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], tuple[Operand, ...] | None] = {}

    def operands(self, connection: Any, kind: str, words: list[str]) -> tuple[Operand, ...] | None:
        """The AND-ed lexemes of one term, as :func:`portal.search.postgres.tsquery` builds its query (None: the
        query is empty, as for stop words alone)."""
        key = (kind, " ".join(words))
        if key not in self.cache:
            if kind == "prefix":
                sql, value = "SELECT to_tsquery('english', :q)::text", " & ".join(words) + ":*"
            elif kind == "phrase":
                sql, value = "SELECT phraseto_tsquery('english', :q)::text", " ".join(words)
            else:
                sql, value = "SELECT plainto_tsquery('english', :q)::text", " ".join(words)
            found = connection.execute(text(sql), {"q": value}).scalar() or ""
            if len(self.cache) > 100_000:
                self.cache.clear()
            try:
                self.cache[key] = parse_tsquery(found)
            except Unsupported:
                self.cache[key] = UNSUPPORTED
        operands = self.cache[key]
        if operands is UNSUPPORTED:
            raise Unsupported(f"tsquery for {key!r}")
        return operands


def parse_tsquery(query: str) -> tuple[Operand, ...] | None:
    """``'a' & 'b':*`` to operands; anything but an AND of lexemes and prefixes is left to the database."""
    if not query.strip():
        return None
    operands = []
    for part in query.split(" & "):
        match = OPERAND.fullmatch(part.strip())
        if match is None:
            raise Unsupported(f"tsquery {query!r}")
        operands.append(Operand(match.group(1).replace("''", "'").replace("\\\\", "\\"), bool(match.group(2))))
    return tuple(operands)


def _pair_covers(key: np.ndarray, items: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """:func:`_covers` for two query items, no entry holding both (the common two-word query), in fewer passes:
    the shortest run ending at an entry that holds both items starts at the entry before it when that entry
    holds the other item, and is a new cover exactly then; so the covers are the adjacent pairs of entries of
    one document holding different items, each two entries long."""
    slot = key >> 40
    position = (key >> 26) & 0x3FFF
    weight = (key >> 24) & 0x3
    begin = np.flatnonzero((slot[1:] == slot[:-1]) & (items[1:] != items[:-1]))
    end = begin + 1
    inv_sum = INV_WEIGHTS[weight[begin]] + INV_WEIGHTS[weight[end]]  # two terms: the C loop's order is moot
    cpos = 2.0 / inv_sum
    noise = np.maximum(position[end] - position[begin] - 1, 0)  # negative (one position twice): (1 // 2) = 0
    contribution = cpos / (1 + noise).astype(np.float64)
    return _row_sums(slot[end], contribution, rows)


def _row_sums(cover_slot: np.ndarray, contribution: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each row's covers summed in order (float4, 0 where it has none). The covers come in slot order, and
    ``rows`` ascending, holding every cover's slot; the work is per cover, not per slot of the segment."""
    out = np.zeros(len(rows), dtype=np.float32)
    if not len(cover_slot):
        return out
    first = np.flatnonzero(np.r_[True, cover_slot[1:] != cover_slot[:-1]])
    lengths = np.diff(np.r_[first, len(cover_slot)])
    out[np.searchsorted(rows, cover_slot[first])] = sequential_sums(contribution, first, lengths)
    return out
