"""Security for the pages: CSRF on every form post, and a strict Content-Security-Policy on every page.

The API blueprint is exempt from CSRF: it authenticates writes by token only and never trusts cookies.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from portal.response_headers import set_missing

csrf = CSRFProtect()

# No inline script or style anywhere: all JavaScript is in static files, all CSS in site.css.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Beyond portal.response_headers' defaults, which every response gets after these.
PAGE_HEADERS = [
    ("Content-Security-Policy", PAGE_CSP),  # first: the API keeps its own
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()"),
]


def setup(app: Flask) -> None:
    from portal import api

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
    csrf.init_app(app)
    csrf.exempt(api.bp)
    app.after_request(page_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    for status in (404, 405, 500):
        _page_for_errors(app, status)


def _csrf_failed(exc: CSRFError) -> tuple[str, int]:
    advice = "The form could not be checked. Go back, reload the page and try again."
    return render_template("error.html", title="There is a problem with your request", advice=advice), 400


def _page_for_errors(app: Flask, status: int) -> None:
    """GOV.UK error pages for people; the API (and anything else already handled) keeps its own answer."""
    handlers = app.error_handler_spec.setdefault(None, {}).get(status, {})
    previous = next(iter(handlers.values()), None)
    titles = {404: "Page not found", 405: "There is a problem with your request", 500: "Sorry, there is a problem"}
    advice = {
        404: "If you typed the web address, check it is correct.",
        405: "This page cannot be used that way.",
        500: "Try again later.",
    }

    def handler(exc: Exception) -> Any:
        if request.path.startswith("/api/") or request.blueprint in ("api", "downloads"):
            return previous(exc) if previous else exc
        code = exc.code if isinstance(exc, HTTPException) and exc.code else status
        return render_template("error.html", title=titles[status], advice=advice[status]), code

    app.register_error_handler(status, handler)


def page_headers(response: Response) -> Response:
    """Headers for every response the API and downloads have not set themselves."""
    wanted = [*PAGE_HEADERS] if request.blueprint != "api" else PAGE_HEADERS[1:]
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if response.mimetype == "text/html":
        wanted.append(("Cache-Control", "no-cache"))
    set_missing(response, wanted)
    return response
