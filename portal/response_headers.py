"""Headers every response carries unless its handler set its own (the pages add stricter ones)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response

DEFAULTS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
)


def set_missing(response: Response, headers: Iterable[tuple[str, str]]) -> None:
    """Add each of ``headers`` the response does not have yet, in one pass over those it has (werkzeug's
    ``setdefault`` scans them all, and raises and catches a KeyError, for each header it adds)."""
    present = {key.lower() for key in response.headers.keys()}
    for key, value in headers:
        if key.lower() not in present:
            response.headers.add(key, value)
            present.add(key.lower())


def security_headers(response: Response) -> Response:
    set_missing(response, DEFAULTS)
    return response
