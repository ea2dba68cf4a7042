"""Which text encoding a partner's extract is in: a BOM, strict UTF-8, else the best legacy guess.

Raw extracts come out of old case-management and finance systems in cp1252, Latin-1 or, once, GB18030
for a single pound sign. Guessing wrong silently corrupts names; failing to guess must say so plainly.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from publishers.framework.errors import DataError, Problem, SetupError

CHUNK = 4 << 20
NOT_TEXT = "a CSV saved as text: UTF-8 or cp1252 (UTF-16 needs its byte-order mark)"
# Encodings in which every ASCII byte is that character alone (not UTF-16/32, not UTF-7 or escape encodings).
ASCII_SUPERSETS = {"utf-8", "cp1252", "iso8859-1", "iso8859-15", "ascii", "cp1250", "gb18030"}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _known(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise SetupError(
            f"unknown encoding {name!r}; use a Python codec name such as utf-8, cp1252 or latin-1"
        ) from None


def _first_bad_byte(path: Path, encoding: str) -> int | None:
    """Offset of the first byte that does not decode, or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    ascii_safe = codecs.lookup(encoding).name in ASCII_SUPERSETS
    offset = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if ascii_safe and chunk.isascii() and not decoder.getstate()[0]:
                offset += len(chunk)  # plain ASCII decodes the same in all of them: skip making the text
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as stream:
        return stream.read(offset).count(b"\n") + 1


def detect_encoding(path: Path, declared: str | None = None, fallback: str = "cp1252") -> str:
    """The encoding to read ``path`` with. A declared encoding must decode the whole file."""
    if declared:
        encoding = _known(declared)
        bad = _first_bad_byte(path, encoding)
        if bad is not None:
            line = _line_of(path, bad)
            raise DataError(
                f"{path.name} is not valid {declared}",
                [
                    Problem(
                        path.name, line, "", f"byte offset {bad}", f"text in {declared}; fix Source.encoding or re-save"
                    )
                ],
            )
        return encoding
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        raise DataError(
            f"{path.name} is not a text file in a known encoding",
            [Problem(path.name, _line_of(path, head.index(b"\x00")), "", "NUL bytes", NOT_TEXT)],
        )
    bad = _first_bad_byte(path, "utf-8")
    if bad is None:
        return "utf-8"
    return _legacy(path, bad, _known(fallback))


def _legacy(path: Path, bad: int, fallback: str) -> str:
    with path.open("rb") as stream:
        stream.seek(max(0, bad - 2048))
        sample = stream.read(8192)
    if b"\x00" in sample:
        raise DataError(
            f"{path.name} is not a text file in a known encoding",
            [Problem(path.name, _line_of(path, bad), "", "binary data", NOT_TEXT)],
        )
    # The partner's usual legacy encoding first (UK systems: cp1252), then the detector's guess.
    best = from_bytes(sample).best()
    for candidate in [fallback] + ([_known(best.encoding)] if best else []) + ["latin-1"]:
        if _first_bad_byte(path, candidate) is None:
            return candidate
    return "latin-1"  # unreachable: every byte decodes in Latin-1
