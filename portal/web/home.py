"""The home page: search box, counts, themes, publishers and recently updated datasets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from portal.web.helpers import cached, call, public_context

bp = Blueprint("home", __name__)


HOME_TTL = 30.0  # seconds the front page's public counts and lists may be reused


@bp.route("/")
def index() -> str:
    return render_template("home.html", **cached("home", HOME_TTL, _home))


def _home() -> dict[str, Any]:
    """Public figures only (as an anonymous visitor), so one cached copy serves everyone."""
    ctx = public_context()
    recent = call("package_search", {"rows": 5, "sort": "metadata_modified desc", "facet.field": ["res_format"]}, ctx)
    return {
        "recent": recent["results"],
        "count": recent["count"],
        "formats": len(recent["facets"].get("res_format", {})),
        "orgs": call("organization_list", {"all_fields": True, "sort": "title asc"}, ctx),
        "themes": call("group_list", {"all_fields": True, "sort": "title asc"}, ctx),
    }
