"""The few Arrow compute kernels and conversions the checkers use, without importing pandas or
``pyarrow.compute``.

``pyarrow.compute`` builds a Python wrapper for each of several hundred kernels when imported (about a
fifth of a second here, more than the rest of a small file's validation); ``pyarrow._compute.call_function``
reaches the same kernels directly. Array methods such as ``fill_null``, ``take`` or ``is_valid`` import
``pyarrow.compute`` behind the scenes, so they are avoided too. Worse, ``pa.array``, ``pa.scalar`` and
``Array.to_numpy`` ask pyarrow's pandas shim whether pandas is installed, which imports pandas (half a
second); arrays are therefore built from and read through their buffers here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow import _compute as _c


def call(name: str, *args: Any, options: Any = None) -> Any:
    return _c.call_function(name, list(args), options)


def numbers(values: np.ndarray) -> pa.Array:
    """An int64, int32 or float64 Arrow array sharing a contiguous numpy array's memory."""
    values = np.ascontiguousarray(values)
    kind = {"i8": pa.int64(), "i4": pa.int32(), "f8": pa.float64()}[values.dtype.str[1:]]
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def scalar(value: int | float) -> pa.Scalar:
    dtype = np.float64 if isinstance(value, float) else np.int64
    return numbers(np.array([value], dtype=dtype))[0]


def strings(values: list[str]) -> pa.Array:
    """A string Arrow array of Python strings."""
    encoded = [v.encode("utf-8") for v in values]
    bounds = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=bounds[1:])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(bounds), pa.py_buffer(b"".join(encoded))]
    )


def string_scalar(value: str) -> pa.Scalar:
    return strings([value])[0]


def bools(values: np.ndarray) -> pa.Array:
    packed = np.packbits(values.astype(bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(packed)])


FALSE = bools(np.zeros(1, dtype=bool))[0]


def to_numpy(array: pa.Array) -> np.ndarray:
    """The values of a primitive array without nulls (zero-copy), or of a boolean array (unpacked)."""
    buffer = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        bits = np.frombuffer(buffer, dtype=np.uint8)
        unpacked = np.unpackbits(bits, count=array.offset + len(array), bitorder="little")
        return unpacked[array.offset :].view(bool)
    dtype = {pa.int64(): np.int64, pa.int32(): np.int32, pa.float64(): np.float64}[array.type]
    return np.frombuffer(buffer, dtype=dtype)[array.offset : array.offset + len(array)]


def mask(array: Any) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls counting as False."""
    if array.null_count:
        array = call("coalesce", array, FALSE)
    return to_numpy(array)


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
    return call("take", array, numbers(indices.astype(np.int64)))


def where(condition: np.ndarray, then: pa.Array, otherwise: Any) -> pa.Array:
    return call("if_else", bools(condition), then, otherwise)


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
