"""A minimal front door until the GOV.UK website lands: where to find the data and the API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string

from portal.actions import registry
from portal.web_context import action_context

bp = Blueprint("pages", __name__)

HOME = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<p>{{ count }} datasets from {{ orgs|length }} partner organisations.</p>
<ul>{% for d in datasets %}<li><a href="/dataset/{{ d.name }}">{{ d.title }}</a></li>{% endfor %}</ul>
<p>Developers: the <a href="/api/3/action/package_search">CKAN Action API v3</a> is at <code>/api/3/action/</code>.</p>
</main></body></html>"""

DATASET = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ d.title }}</title></head>
<body><main><h1>{{ d.title }}</h1><p>{{ d.notes or "" }}</p>
<ul>{% for r in d.resources %}<li><a href="{{ r.url }}">{{ r.name or r.url }}</a> {{ r.format }}</li>{% endfor %}
</ul></main></body></html>"""


@bp.route("/")
def home() -> str:
    ctx = action_context()
    found = registry.call("package_search", ctx, {"rows": 20})
    orgs = registry.call("organization_list", ctx, {})
    title = current_app.extensions["portal"].settings.site_title
    return render_template_string(HOME, title=title, count=found["count"], datasets=found["results"], orgs=orgs)


@bp.route("/dataset/<name>")
def dataset(name: str) -> str:
    from flask import abort

    from portal.errors import ActionError

    try:
        d = registry.call("package_show", action_context(), {"id": name})
    except ActionError as exc:
        abort(exc.status)
    return render_template_string(DATASET, d=d)
