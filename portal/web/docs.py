"""Static information pages: the API documentation (from the actions' own docstrings) and accessibility."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.actions import registry

bp = Blueprint("docs", __name__)


@bp.route("/api")
@bp.route("/api/")
def api() -> str:
    registry.get_action("status_show")  # loads the register
    actions = sorted(registry.ACTIONS.values(), key=lambda a: (not a.side_effect_free, a.name))
    site_url = current_app.extensions["portal"].settings.site_url
    return render_template("api.html", nav="api", actions=actions, site_url=site_url)


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("accessibility.html")
