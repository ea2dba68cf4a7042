"""The home page: search box, counts, themes, publishers and recently updated datasets."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.web.helpers import call

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> str:
    recent = call("package_search", {"rows": 5, "sort": "metadata_modified desc", "facet.field": ["res_format"]})
    orgs = call("organization_list", {"all_fields": True, "sort": "title asc"})
    themes = call("group_list", {"all_fields": True, "sort": "title asc"})
    return render_template(
        "home.html",
        recent=recent["results"],
        count=recent["count"],
        formats=len(recent["facets"].get("res_format", {})),
        orgs=orgs,
        themes=themes,
    )
