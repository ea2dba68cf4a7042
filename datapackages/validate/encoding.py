"""The encoding frictionless would detect for a file, without importing frictionless.

frictionless (``Detector.detect_encoding``) feeds the first 100,000 bytes, line by line, to chardet's
``UniversalDetector`` and maps "ascii" to "utf-8". chardet takes about 0.15 s to load and run, more than the
whole clean-file validation budget, so for the common case we decide ourselves: a sample of plain printable
ASCII that cannot trigger any earlier chardet stage (BOM, UTF-16/32 null patterns, ISO-2022/HZ/UTF-7 escapes,
binary magic numbers, markup or PEP 263 charset declarations) is what chardet 7 calls "ascii" with confidence
1.0. Everything else goes through chardet exactly as frictionless calls it. ``tests/datapackages`` checks
both against frictionless on ordinary and adversarial samples.
"""

from __future__ import annotations

import codecs

BUFFER_SIZE = 100_000  # frictionless.settings.DEFAULT_BUFFER_SIZE
DEFAULT_ENCODING = "utf-8"
ENCODING_CONFIDENCE = 0.5

_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t"
# Bytes that start escape-sequence encodings or markup/PEP 263 declarations in chardet's pipeline.
_SHIFT_MARKS = (b"~", b"+", b"<", b"\x1b")
# chardet's binary signatures made only of printable bytes (pipeline/magic.py); the rest contain other bytes.
_PRINTABLE_MAGIC = (
    b"GIF87a",
    b"GIF89a",
    b"8BPS",
    b"qoif",
    b"BM",
    b"ID3",
    b"MThd",
    b"OggS",
    b"fLaC",
    b"BZh",
    b"%PDF-",
    b"ARROW1",
    b"PAR1",
    b"MZ",
    b"wOFF",
    b"wOF2",
    b"OTTO",
    b"RIFF",
    b"FORM",
    b"dex",
)


def plain_ascii(buffer: bytes) -> bool:
    """Whether chardet certainly answers "ascii" (confidence 1.0) for this buffer as frictionless feeds it."""
    data = b"".join(buffer.splitlines())
    if not data or data.translate(None, _PRINTABLE):
        return False
    if any(mark in data for mark in _SHIFT_MARKS) or b"coding" in data[:4096]:
        return False
    if data.startswith(_PRINTABLE_MAGIC) or b"ustar" in data[250:270]:
        return False
    return True


def _chardet(buffer: bytes) -> str:
    """frictionless's own detection, step for step."""
    import chardet

    detector = chardet.UniversalDetector()
    for line in buffer.splitlines():
        detector.feed(line)
    detector.close()
    encoding = detector.result["encoding"] or DEFAULT_ENCODING
    confidence = detector.result["confidence"] or 0
    if confidence < ENCODING_CONFIDENCE:
        detected, encoding = encoding, DEFAULT_ENCODING
        try:
            buffer.decode(encoding)
        except UnicodeDecodeError:
            encoding = detected
    return DEFAULT_ENCODING if encoding == "ascii" else encoding


def detect_encoding(buffer: bytes) -> str:
    """The normalised codec name frictionless would read the file with (raises LookupError like it)."""
    encoding = DEFAULT_ENCODING if plain_ascii(buffer) else _chardet(buffer)
    encoding = codecs.lookup(encoding).name
    if encoding == "utf-8" and buffer.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif encoding == "utf-16-be" and buffer.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif encoding == "utf-16-le" and buffer.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16"
    return encoding
