"""Cut a UTF-8 CSV into independent pieces at line ends, so that two threads can parse it at once.

pyarrow's streaming reader parses one block after another. In text without a quote character every line
end ends a record, so the file can be cut right after any "\\n" and each piece parsed on its own
(``pyarrow.csv.read_csv`` releases the GIL). The first piece that contains a quote character, or that has no
"\\n" to cut at (old Mac line ends), stops the cutting: the rest of the file, from the last cut on, goes to
the streaming reader, which handles quoted line breaks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv

from .reader import CsvDialect, Parsed, RaggedRowCollector, _regular_numbers, csv_options

CHUNK_SIZE = 4 << 20


@dataclass(frozen=True)
class StreamFrom:
    """Parse the rest of the file, from this byte offset, with the streaming reader."""

    offset: int


def body_start(path: Path, encoding: str, dialect: CsvDialect) -> int:
    """Byte offset of the second record: the header record as Python's csv module (frictionless) reads it.

    csv.reader pulls exactly the text lines one record needs, so the header's bytes are those lines encoded
    again (which, for "utf-8-sig", puts the byte order mark back)."""
    consumed: list[str] = []
    with path.open("rb") as stream:
        text = io.TextIOWrapper(stream, encoding, newline="")

        def lines() -> Iterator[str]:
            for line in text:
                consumed.append(line)
                yield line

        options = {"quotechar": dialect.quote_char, "doublequote": dialect.double_quote}
        next(csv.reader(lines(), delimiter=dialect.delimiter, escapechar=dialect.escape_char, **options), None)
    return len("".join(consumed).encode(encoding))


def pieces(path: Path, start: int, quote: bytes, size: int = CHUNK_SIZE) -> Iterator[bytearray | StreamFrom]:
    """Pieces of whole lines from ``start`` on, then possibly a StreamFrom for the rest.

    Each piece is read straight into its own buffer behind the previous piece's unfinished line, so the
    bytes are copied once, by the read."""
    with path.open("rb", buffering=0) as stream:
        stream.seek(start)
        carry, offset = b"", start
        while True:
            buffer = bytearray(len(carry) + size)
            buffer[: len(carry)] = carry
            end = len(carry) + stream.readinto(memoryview(buffer)[len(carry) :])
            if end == len(carry):
                if carry:
                    yield bytearray(carry)
                return
            if buffer.find(quote, len(carry), end) >= 0:
                yield StreamFrom(offset)
                return
            cut = buffer.rfind(b"\n", 0, end) + 1
            if not cut:
                if end > 4 * size:
                    yield StreamFrom(offset)
                    return
                carry = bytes(buffer[:end])
                continue
            carry, offset = bytes(buffer[cut:end]), offset + cut
            del buffer[cut:]
            yield buffer


def parse_piece(data: bytearray, n_columns: int, dialect: CsvDialect, types: list[pa.DataType] | None = None) -> Parsed:
    """Parse one piece of whole, unquoted lines on the calling thread (UTF-8 checks only if not ASCII).

    With ``types``, the columns given a numeric type are read as numbers (pyarrow raises ArrowInvalid on a
    cell it cannot read); the piece's bytes are kept so that its text can be read again if needed."""
    collector = RaggedRowCollector(dialect)
    read, parse, convert = csv_options(
        n_columns,
        dialect,
        collector,
        newlines_in_values=False,
        check_utf8=not data.isascii(),
        types=types,
        block_size=len(data) + 1,
    )
    table = pv.read_csv(pa.py_buffer(data), read_options=read, parse_options=parse, convert_options=convert)
    columns = [c.chunk(0) if c.num_chunks == 1 else c.combine_chunks() for c in table.columns]
    numbers = {n for n, _ in collector.pending}
    local = _regular_numbers(1, table.num_rows, numbers)
    ragged = [(n, collector.parse(text)) for n, text in collector.pending]
    retext = (lambda: parse_piece(data, n_columns, dialect).columns) if types else None
    return Parsed(columns, local, table.num_rows + len(ragged), ragged, retext)
