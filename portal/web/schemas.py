"""Standard schema pages: each agreed Table Schema's fields and the datasets that use it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from portal.web.details import standard_schema
from portal.web.helpers import call, fail
from portal.web.search import quote

bp = Blueprint("schemas", __name__)


def _registered() -> list[dict[str, Any]]:
    try:
        from datapackages.schemas import list_schemas
    except ImportError:
        return []
    return [s for s in list_schemas() if s["current"]]


@bp.route("/schema")
@bp.route("/schema/")
def index() -> str:
    return render_template("schemas.html", nav="schemas", schemas=_registered())


@bp.route("/schema/<name>")
def show(name: str) -> str:
    schema = standard_schema(name)
    if schema is None:
        fail(404)
    found = call("package_search", {"fq": f"schema:{quote(schema['name'])}", "rows": 50, "sort": "title_string asc"})
    return render_template("schema.html", nav="schemas", schema=schema, datasets=found["results"], count=found["count"])
