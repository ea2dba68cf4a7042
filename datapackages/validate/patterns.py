"""Short patterns checked byte by byte on Arrow's buffers, without a regex engine.

GSS codes, pseudonymous keys, postcode districts and similar identifiers use patterns such as ``E01\\d{6}``,
``[EW]05\\d{6}``, ``(E06|E07|E08|E09)\\d{6}``, ``[0-9a-f]{64}`` or ``[A-Z]{1,2}\\d[A-Z\\d]?``: ASCII character
classes with bounded repeats and alternatives. Such a pattern expands into a few branches, each one byte class
per position (branches of one width that differ in a single position are merged back into one); a cell is
proven when its byte length is a branch's width and every byte is in its position's class. Anything else
(unbounded repeats, anchors, lookarounds, non-ASCII) does not compile and the caller uses RE2. Python's
``\\d`` also matches non-ASCII digits; we only accept ASCII ones, which keeps the proof conservative.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from . import arrow

Table = np.ndarray  # bool[256]
Branch = tuple[Table, ...]  # one class per position
Branches = list[Branch]
Ranges = tuple[tuple[int, int], ...]  # (low, span) byte ranges
Test = Ranges | Table  # a class as one or two ranges, or as its table when it has more
Compiled = list[tuple[Test, ...]]  # one test per position, per branch

DIGITS = b"0123456789"
MAX_BRANCHES = 64


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


def _group_end(pattern: str, start: int) -> int | None:
    depth, j = 1, start + 1
    while j < len(pattern) and depth:
        if pattern[j] == "\\":
            j += 2
            continue
        depth += {"(": 1, ")": -1}.get(pattern[j], 0)
        j += 1
    return j if not depth else None


def _atom(pattern: str, i: int) -> tuple[Branches, int] | None:
    """One atom (a character, an escape, a class or a group) as branches, and where it ends."""
    char = pattern[i]
    if char == "(":
        end = _group_end(pattern, i)
        inner = pattern[i + 1 : end - 1] if end else ""
        if end is None or inner.startswith("?") or "(" in inner or "\\|" in inner:
            return None
        options = [_sequence(part) for part in inner.split("|")]
        if any(o is None for o in options):
            return None
        return [b for o in options for b in o], end
    if char == "\\":
        if i + 1 >= len(pattern):
            return None
        token = DIGITS if pattern[i + 1] == "d" else None
        if token is None and not pattern[i + 1].isalnum():
            token = pattern[i + 1].encode()
        return ([(_table(token),)], i + 2) if token else None
    if char == "[":
        end = pattern.find("]", i + 2)
        token = _class(pattern[i + 1 : end]) if end > i else None
        return ([(_table(token),)], end + 1) if token else None
    if char in ".^$|?*+{})]" or ord(char) > 127:
        return None
    return [(_table(char.encode()),)], i + 1


def _repeat(pattern: str, i: int) -> tuple[int, int, int] | None:
    """The bounds of a quantifier at ``i`` ({m}, {m,n} or ?) and where it ends; (1, 1, i) for none."""
    if i < len(pattern) and pattern[i] == "?":
        return 0, 1, i + 1
    if i < len(pattern) and pattern[i] == "{":
        end = pattern.find("}", i)
        low, comma, high = pattern[i + 1 : end].partition(",")
        if end < 0 or not low.isdigit() or (comma and not high.isdigit()):
            return None
        return int(low), int(high) if comma else int(low), end + 1
    if i < len(pattern) and pattern[i] in "*+":
        return None
    return 1, 1, i


def _sequence(pattern: str) -> Branches | None:
    """Parse a pattern into branches of per-position classes, or None if it is not of that kind."""
    branches: Branches = [()]
    i = 0
    while i < len(pattern):
        atom = _atom(pattern, i)
        repeat = _repeat(pattern, atom[1]) if atom else None
        if atom is None or repeat is None or (repeat[2] < len(pattern) and pattern[repeat[2]] == "?"):
            return None
        options, (low, high, i) = atom[0], repeat
        counts = [_power(options, n) for n in range(low, high + 1)]
        if sum(len(c) for c in counts) * len(branches) > MAX_BRANCHES:
            return None
        branches = [b + tail for b in branches for c in counts for tail in c]
    return branches


def _power(options: Branches, n: int) -> Branches:
    result: Branches = [()]
    for _ in range(n):
        result = [r + o for r in result for o in options]
    return result


def _merge(branches: Branches) -> Branches:
    """Merge branches of one width that differ in a single position (their union is exact)."""
    merged = list(branches)
    changed = True
    while changed:
        changed = False
        for a in range(len(merged)):
            for b in range(a + 1, len(merged)):
                x, y = merged[a], merged[b]
                if len(x) != len(y):
                    continue
                differ = [p for p in range(len(x)) if not np.array_equal(x[p], y[p])]
                if len(differ) <= 1:
                    p = differ[0] if differ else 0
                    merged[a] = x[:p] + (x[p] | y[p],) + x[p + 1 :]
                    del merged[b]
                    changed = True
                    break
            if changed:
                break
    return merged


@lru_cache(maxsize=256)
def compile_fixed(pattern: str) -> Compiled | None:
    """Compile a Table Schema pattern into at most 64 branches of byte class tests, or None."""
    branches = _sequence(pattern)
    if not branches or any(not b for b in branches):
        return None
    return [tuple(_test(table) for table in branch) for branch in _merge(branches)]


def char_columns(raw: pa.Array, width: int) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Byte ``p`` of the cells that are ``width`` bytes long, for each position ``p``, and which cells those are
    (None when all are: then the columns are a zero-copy view of Arrow's data buffer)."""
    bounds = arrow.offsets(raw)
    data = arrow.data_bytes(raw)
    fits = np.diff(bounds) == width
    if raw.null_count:
        fits &= arrow.valid(raw)
    n = len(raw)
    if fits.all():
        matrix = data[bounds[0] : bounds[0] + n * width].reshape(n, width)
        return [matrix[:, p] for p in range(width)], None
    chosen = np.flatnonzero(fits)
    starts = bounds[:-1][chosen]
    return [data[starts + p] for p in range(width)], chosen


def _test(table: Table) -> Test:
    """The class as one or two (low, span) ranges (wrapping range tests are several times faster than a
    table lookup), or the table itself when it has more ranges."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], table.astype(np.int8), [0]])))
    ranges = tuple((int(lo), int(hi) - int(lo) - 1) for lo, hi in zip(edges[::2], edges[1::2], strict=True))
    return table if len(ranges) > 2 else ranges


def _in_class(test: Test, column: np.ndarray) -> np.ndarray:
    if isinstance(test, np.ndarray):
        return test[column]
    (low, span), *more = test
    found = (column - np.uint8(low)) <= np.uint8(span)
    for low, span in more:
        found |= (column - np.uint8(low)) <= np.uint8(span)
    return found


def match_fixed(branches: Compiled, raw: pa.Array) -> np.ndarray:
    """Cells that match one of the compiled branches."""
    matched = np.zeros(len(raw), dtype=bool)
    for width in sorted({len(b) for b in branches}):
        chars, chosen = char_columns(raw, width)
        count = len(raw) if chosen is None else len(chosen)
        found = np.zeros(count, dtype=bool)
        for branch in (b for b in branches if len(b) == width):
            ok = np.ones(count, dtype=bool)
            for test, column in zip(branch, chars, strict=True):
                ok &= _in_class(test, column)
            found |= ok
        if chosen is None:
            matched |= found
        else:
            matched[chosen[found]] = True
    return matched
