"""What frictionless decides when it opens a CSV file (encoding, dialect, header row, labels), made its way.

``TableResource.open`` reads the first 100,000 bytes to detect the encoding, takes the first 100 text lines
(``io.TextIOWrapper`` with ``newline=""``) and lets ``csv.Sniffer`` guess the dialect from them
(``CsvParser``), reads the first 100 rows with that dialect, picks the header row as the first row whose
width is close to the average (``Detector.detect_dialect``) and strips its cells into labels. Each step below
is that code path with the same standard-library calls, so the answers are the same by construction; only
the encoding shortcut (``encoding.py``) is our own, and it is tested against chardet.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from .encoding import BUFFER_SIZE, detect_encoding

SAMPLE_LINES = 100  # frictionless.formats.csv.parser.SAMPLE_SIZE
SAMPLE_ROWS = 100  # frictionless.settings.DEFAULT_SAMPLE_SIZE
DELIMITERS = ",\t;|"
COMPRESSION_FORMATS = ("zip", "gz", "bz2", "xz")


class NotDetected(Exception):
    """frictionless would decide something the light path does not reproduce; the message says what."""


@dataclass(frozen=True)
class Detected:
    """The facts frictionless would establish on opening the file."""

    encoding: str
    delimiter: str
    header_row: int
    labels: list[str]
    sample: list[list[str]]
    format: str


def _sniff(lines: list[str]) -> csv.Dialect:
    """``CsvParser.read_cell_stream_create``: the sniffed dialect, as frictionless turns it into ``csv`` options."""
    try:
        config = csv.Sniffer().sniff("".join(lines), DELIMITERS)
    except csv.Error:
        config = csv.excel()
    if config.quotechar == "'":
        config.quotechar = '"'
    dialect = csv.excel()
    dialect.delimiter = config.delimiter
    dialect.doublequote = True  # CsvControl.to_python: escape_char is None
    dialect.escapechar = None
    dialect.lineterminator = config.lineterminator
    dialect.quotechar = config.quotechar
    dialect.quoting = csv.QUOTE_NONE if config.quotechar == "" else csv.QUOTE_MINIMAL
    dialect.skipinitialspace = config.skipinitialspace
    return dialect


def header_row(sample: list[list[str]]) -> int:
    """``Detector.detect_dialect``: the first row whose width is within 10% of the sample's mean width."""
    widths = [len(cells) for cells in sample]
    if not widths:
        return 1
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    match = range(width - drift, width + drift + 1)
    return next((number for number, cells in enumerate(sample, start=1) if len(cells) in match), 1)


def file_format(path: Path) -> str:
    """``helpers.parse_scheme_and_format`` for a plain local file name (anything URL-like is refused)."""
    if re.search(r"[:?#;%\\]", path.name):
        raise NotDetected("file name frictionless would parse as a URL")
    extension = os.path.splitext(path.name)[1][1:].lower()
    if extension in COMPRESSION_FORMATS:
        raise NotDetected("compressed file")
    return extension


def detect(path: Path) -> Detected:
    """Open the file as frictionless would and return its decisions, or raise NotDetected."""
    fmt = file_format(path)
    if fmt != "csv":
        raise NotDetected("not a .csv file")
    try:
        stream = path.open("rb")
    except OSError as error:
        raise NotDetected(f"cannot open: {error}") from error
    with stream:
        buffer = stream.read(BUFFER_SIZE)
        try:
            encoding = detect_encoding(buffer)
        except LookupError as error:
            raise NotDetected(f"encoding: {error}") from error
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding, newline="")
        try:
            lines = list(islice(text, SAMPLE_LINES))
            dialect = _sniff(lines)
            sample = list(islice(csv.reader(chain(lines, text), dialect=dialect), SAMPLE_ROWS))
        except (UnicodeDecodeError, csv.Error) as error:
            raise NotDetected(f"sample: {error}") from error
    if dialect.skipinitialspace:
        raise NotDetected("unusual CSV dialect")
    row = header_row(sample)
    labels = [str(cell).strip() for cell in sample[row - 1]] if sample else []
    return Detected(encoding, dialect.delimiter, row, labels, sample, fmt)


def resource_name(path: Path) -> str:
    """``Detector.detect_resource``: the slug of the file name without its extension."""
    from slugify.slugify import slugify

    return slugify(os.path.splitext(path.name)[0], regex_pattern=r"[^-a-z0-9._/]") or "name"
