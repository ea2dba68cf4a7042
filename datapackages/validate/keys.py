"""64-bit keys for uniqueness checks: typed values as their bits, strings as a vectorised hash.

Integers, dates and datetimes are keyed exactly (their int64 value), numbers by their float64 bits, booleans
as 0/1. Strings are hashed 8 bytes at a time over Arrow's data buffer (a multiply-xorshift mix per word,
seeded by the length), so two distinct strings collide with probability about n^2 / 2^65 (3e-8 for a
million values), the documented divergence from frictionless, which compares the strings themselves.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa

from .arrow import data_bytes, offsets, strings

EPOCH = date(1970, 1, 1)
SEED = np.uint64(0x243F6A8885A308D3)
MULTIPLY = np.uint64(0x9E3779B97F4A7C15)
MIX = np.uint64(0xD6E8FEB86659FD93)
SHIFT = np.uint64(32)
# Keep the low n bytes of a little-endian word: LOW_BYTES[n].
LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2**64 - 1], dtype=np.uint64)


def _mix(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h *= MULTIPLY
        h ^= h >> SHIFT
        h *= MIX
        h ^= h >> SHIFT
    return h


def string_keys(raw: pa.Array) -> np.ndarray:
    """A 64-bit hash of every string cell (null cells hash as empty strings)."""
    bounds = offsets(raw).astype(np.int64)
    starts, lengths = bounds[:-1], np.diff(bounds)
    data = data_bytes(raw)
    first = int(bounds[0]) if len(bounds) else 0
    padded = np.zeros(max(int(bounds[-1]) - first, 0) + 8, dtype=np.uint8) if len(bounds) else np.zeros(8, np.uint8)
    padded[: len(padded) - 8] = data[first : first + len(padded) - 8]
    # An unaligned view in which element i is the 8 bytes starting at byte i.
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    starts = starts - first
    with np.errstate(over="ignore"):
        h = _mix(SEED ^ (lengths.astype(np.uint64) * MULTIPLY))
    n_words = (lengths + 7) // 8
    for k in range(int(n_words.max()) if len(n_words) else 0):
        if int(n_words.min()) > k:  # every cell has a k-th word: no selection needed
            h ^= words[starts + 8 * k] & LOW_BYTES[np.minimum(lengths - 8 * k, 8)]
            h = _mix(h)
            continue
        active = np.flatnonzero(n_words > k)
        word = words[starts[active] + 8 * k] & LOW_BYTES[np.minimum(lengths[active] - 8 * k, 8)]
        h[active] = _mix(h[active] ^ word)
    return h


def python_key(value: object) -> int:
    """The uint64 key of one Python value, consistent with the vectorised keys."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:  # beyond int64 (only frictionless reads these): hashed as text
            return int(string_keys(strings([f"{value:d}"]))[0])
        return int(np.array([value], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, date) and not isinstance(value, datetime):
        return int(np.array([(value - EPOCH).days], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, datetime) and value.tzinfo is None and not value.microsecond:
        seconds = (value.date() - EPOCH).days * 86400 + value.hour * 3600 + value.minute * 60 + value.second
        return int(np.array([seconds], dtype=np.int64).view(np.uint64)[0])
    if isinstance(value, (float, Decimal)):
        return int(np.array([float(value) + 0.0], dtype=np.float64).view(np.uint64)[0])
    if isinstance(value, str):
        return int(string_keys(strings([value]))[0])
    return int(string_keys(strings([re.sub(r"\s+", " ", repr(value))]))[0])


def combine_keys(parts: list[np.ndarray]) -> np.ndarray:
    """Mix several uint64 key columns into one (for composite primary keys)."""
    combined = np.zeros(len(parts[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for part in parts:
            combined = combined * MULTIPLY + part
            combined ^= combined >> np.uint64(29)
    return combined
