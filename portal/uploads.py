"""An uploaded file as actions see it, whoever parsed the request (Flask, the CLI, a test)."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from typing import BinaryIO

from werkzeug.utils import secure_filename

# Types a browser would run or render as a page: always served as a download, never inline.
INLINE_SAFE = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "text/csv",
    "application/json",
}


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: BinaryIO


def clean_filename(name: str | None) -> str:
    cleaned = secure_filename(name or "") or "file"
    return cleaned[:200]


def guess_mimetype(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def guess_format(url: str) -> str:
    """CKAN fills an empty format from the file extension; so do we (``data.csv`` -> ``CSV``)."""
    match = re.search(r"\.([A-Za-z0-9]{1,10})(?:[?#].*)?$", url or "")
    return match.group(1).upper() if match else ""
