"""The few Arrow compute kernels the checkers use, called without importing ``pyarrow.compute``.

``pyarrow.compute`` builds a Python wrapper for each of several hundred kernels when imported (about a
fifth of a second here, more than the rest of a small file's validation); ``pyarrow._compute.call_function``
reaches the same kernels directly. Array methods such as ``fill_null``, ``take`` or ``is_valid`` import
``pyarrow.compute`` behind the scenes, so they are avoided too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow import _compute as _c


def call(name: str, *args: Any, options: Any = None) -> Any:
    return _c.call_function(name, list(args), options)


def mask(array: Any) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls counting as False."""
    if array.null_count:
        array = call("coalesce", array, pa.scalar(False))
    return array.to_numpy(zero_copy_only=False)


def matches_regex(raw: pa.Array, pattern: str) -> np.ndarray:
    return mask(call("match_substring_regex", raw, options=_c.MatchSubstringOptions(pattern)))


def starts_with(raw: pa.Array, prefix: str) -> pa.Array:
    return call("starts_with", raw, options=_c.MatchSubstringOptions(prefix))


def is_in(values: pa.Array, allowed: pa.Array) -> np.ndarray:
    return mask(call("is_in", values, options=_c.SetLookupOptions(allowed)))


def cast(array: pa.Array, to_type: pa.DataType) -> pa.Array:
    """A safe cast (raises ArrowInvalid on a cell that does not convert)."""
    return call("cast", array, options=_c.CastOptions.safe(to_type))


def take(array: pa.Array, indices: np.ndarray) -> pa.Array:
    return call("take", array, pa.array(indices, pa.int64()))


def where(condition: np.ndarray, then: pa.Array, otherwise: Any) -> pa.Array:
    return call("if_else", pa.array(condition, pa.bool_()), then, otherwise)


def compare(name: str, values: pa.Array, bound: Any) -> np.ndarray:
    """``name`` is one of greater_equal, less_equal, greater, less, equal."""
    return mask(call(name, values, bound))


def utf8_length(raw: pa.Array) -> pa.Array:
    return call("utf8_length", raw)


def offsets(raw: pa.Array) -> np.ndarray:
    """The int32 offsets of a string array's cells (length + 1), zero-copy."""
    return np.frombuffer(raw.buffers()[1], dtype=np.int32)[raw.offset : raw.offset + len(raw) + 1]


def data_bytes(raw: pa.Array) -> np.ndarray:
    """The whole data buffer of a string array as uint8 (index it with ``offsets``)."""
    data = raw.buffers()[2]
    return np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def valid(raw: pa.Array) -> np.ndarray:
    if raw.null_count == 0:
        return np.ones(len(raw), dtype=bool)
    return np.unpackbits(np.frombuffer(raw.buffers()[0], np.uint8), bitorder="little")[
        raw.offset : raw.offset + len(raw)
    ].astype(bool)
