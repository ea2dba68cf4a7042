"""Fixed-width patterns checked byte by byte on Arrow's buffers, without a regex engine.

GSS codes, pseudonymous keys and similar identifiers use patterns such as ``E01\\d{6}``, ``[EW]05\\d{6}``,
``(E06|E07|E08|E09)\\d{6}`` or ``[0-9a-f]{64}``: a fixed number of ASCII character classes. Such a pattern
compiles to one byte table per position (alternatives of equal width become one table set each); a cell is
proven when its byte length equals the width and every byte is in its position's table. Anything else
(optional parts, repeats, non-ASCII) does not compile and the caller uses RE2. Python's ``\\d`` also
matches non-ASCII digits; we only accept ASCII ones, which keeps the proof conservative.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from . import arrow

Table = np.ndarray  # bool[256]
Branches = list[list[Table]]  # alternatives, each a list of per-position tables

DIGITS = b"0123456789"


def _table(chars: bytes) -> Table:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


def _class(body: str) -> bytes | None:
    """Bytes of a [...] class body: literals, ranges and \\d; None for negation or non-ASCII."""
    if body.startswith("^"):
        return None
    out, i = bytearray(), 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            if body[i + 1] == "d":
                out += DIGITS
            elif not body[i + 1].isalnum():
                out.append(ord(body[i + 1]))
            else:
                return None
            i += 2
        elif i + 2 < len(body) and body[i + 1] == "-":
            out += bytes(range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            out.append(ord(body[i]))
            i += 1
    return bytes(out) if all(b < 128 for b in out) else None


def _sequence(pattern: str) -> Branches | None:
    """Parse a pattern into alternatives of per-position tables, or None if it is not fixed-width ASCII."""
    branches: Branches = [[]]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "(":
            depth, j = 1, i + 1
            while j < len(pattern) and depth:
                depth += {"(": 1, ")": -1}.get(pattern[j], 0)
                j += 1
            inner = pattern[i + 1 : j - 1]
            if depth or "(" in inner:
                return None
            options = [_sequence(part) for part in inner.split("|")]
            if any(o is None or len(o) != 1 for o in options):
                return None
            widths = {len(o[0]) for o in options}
            if len(widths) != 1:
                return None
            branches = [b + o[0] for b in branches for o in options]
            i = j
            continue
        if char == "\\" and i + 1 < len(pattern):
            token = DIGITS if pattern[i + 1] == "d" else None
            if token is None and not pattern[i + 1].isalnum():
                token = pattern[i + 1].encode()
            i += 2
        elif char == "[":
            end = pattern.find("]", i + 1)
            token = _class(pattern[i + 1 : end]) if end > i else None
            i = end + 1
        elif char in ".^$|?*+{})]" or ord(char) > 127:
            return None
        else:
            token, i = char.encode(), i + 1
        if token is None:
            return None
        count = 1
        if i < len(pattern) and pattern[i] == "{":
            end = pattern.find("}", i)
            if end < 0 or not pattern[i + 1 : end].isdigit():
                return None
            count, i = int(pattern[i + 1 : end]), end + 1
        if i < len(pattern) and pattern[i] in "?*+{":
            return None
        table = _table(token)
        branches = [b + [table] * count for b in branches]
    return branches


@lru_cache(maxsize=256)
def compile_fixed(pattern: str) -> Branches | None:
    """Compile a Table Schema pattern if it is a fixed-width run of ASCII classes (at most 64 branches)."""
    branches = _sequence(pattern)
    if not branches or len(branches) > 64 or not branches[0]:
        return None
    return branches


def char_columns(raw: pa.Array, width: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Byte ``p`` of every ``width``-byte cell, for each position ``p``, and which cells have that width.

    When every cell has the width (the usual case) this is a zero-copy view of Arrow's data buffer."""
    bounds = arrow.offsets(raw)
    data = arrow.data_bytes(raw)
    fits = np.diff(bounds) == width
    if raw.null_count:
        fits &= arrow.valid(raw)
    n = len(raw)
    if fits.all():
        matrix = data[bounds[0] : bounds[0] + n * width].reshape(n, width)
        return [matrix[:, p] for p in range(width)], fits
    if data.size < width:
        data = np.zeros(width, dtype=np.uint8)
    starts = np.where(fits, bounds[:-1], 0)
    return [data[starts + p] for p in range(width)], fits


def match_fixed(branches: Branches, raw: pa.Array) -> np.ndarray:
    """Cells that match one of the branches (all of one width)."""
    chars, fits = char_columns(raw, len(branches[0]))
    matched = np.zeros(len(fits), dtype=bool)
    for branch in branches:
        ok = fits.copy()
        for table, column in zip(branch, chars, strict=True):
            ok &= table[column]
        matched |= ok
    return matched
