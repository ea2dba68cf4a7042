"""The committed, pre-built CSS, JS and icons under ``static/`` (see scripts/build_frontend.sh)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent / "static"

bp = Blueprint("static_site", __name__)


@bp.route("/assets/<path:filename>")
def asset(filename: str) -> Response:
    response = send_from_directory(STATIC_DIR, filename, max_age=3600)
    if filename.endswith(".js"):
        response.mimetype = "text/javascript"
    return response
