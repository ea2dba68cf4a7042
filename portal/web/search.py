"""``/dataset``: search with facets, sorting, pagination and filters that can be removed one by one.

Every filter is a plain GET parameter, so results pages are links people can share and work without
JavaScript. Agency type is a property of publishers, so it filters by the publishers of that type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, session

from portal.actions import registry
from portal.errors import ActionError
from portal.web.helpers import cached, call
from portal.web_context import action_context

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_PAGE = 500
LANDING_TTL = 30.0  # seconds the unfiltered, anonymous result list may be reused
AGENCY_TTL = 60.0  # seconds a publisher's new agency type may take to reach the filters
SORTS = {
    "relevance": ("Best match", "score desc, metadata_modified desc"),
    "recent": ("Recently updated", "metadata_modified desc"),
    "name": ("Name (A to Z)", "title_string asc"),
}


@dataclass(frozen=True)
class Facet:
    param: str  # the GET parameter and, except for agency, the search field
    label: str


FACETS = (
    Facet("organization", "Publisher"),
    Facet("agency", "Agency type"),
    Facet("groups", "Theme"),
    Facet("res_format", "Format"),
    Facet("license_id", "Licence"),
    Facet("release_mode", "Release mode"),
)
AGENCY_LABELS = {"council": "Council", "police": "Police", "fire": "Fire and rescue", "health": "NHS and health"}
RELEASE_LABELS = {"open": "Open data", "synthetic": "Synthetic data", "aggregate": "Aggregate statistics"}


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_filter(field: str, values: list[str]) -> str:
    if not values:
        return f"{field}:{quote('-no-match-')}"
    return "(" + " OR ".join(f"{field}:{quote(v)}" for v in values) + ")"


@bp.route("/dataset")
@bp.route("/dataset/")
def index() -> str:
    q = request.args.get("q", "").strip()[:500]
    sort_key = request.args.get("sort") or ("relevance" if q else "recent")
    sort_key = sort_key if sort_key in SORTS else "relevance"
    page = min(max(_int(request.args.get("page"), 1), 1), MAX_PAGE)
    chosen = {f.param: [v for v in request.args.getlist(f.param) if v][:20] for f in FACETS}
    agency_of = cached("agency_of", AGENCY_TTL, _agencies)
    filters = {
        f.param: field_filter(f.param, chosen[f.param]) for f in FACETS if f.param != "agency" and chosen[f.param]
    }
    if chosen["agency"]:
        filters["agency"] = field_filter("organization", [n for n, a in agency_of.items() if a in chosen["agency"]])
    fq = list(filters.values())
    data = {
        "q": q,
        "fq_list": fq,
        "rows": PER_PAGE,
        "start": (page - 1) * PER_PAGE,
        "sort": SORTS[sort_key][1],
        "facet.field": [f.param for f in FACETS if f.param != "agency"],
        "facet.limit": -1,
        "include_private": bool(session.get("user_id")),
    }
    if not q and not fq and not data["include_private"]:
        # The unfiltered list is the most visited search page and the costliest (facets over every dataset).
        result, query_error = cached(f"landing:{sort_key}:{page}", LANDING_TTL, lambda: _search(data))
    else:
        result, query_error = _search(data)
    titles = {
        item["name"]: item["display_name"]
        for field in ("organization", "groups")
        for item in result.get("search_facets", {}).get(field, {}).get("items", [])
    }
    own = _own_facet_counts(q, filters, data["include_private"], titles) if not query_error else {}
    facets = _facet_view(result["facets"], own, chosen, agency_of, titles)
    return render_template(
        "search.html",
        nav="data",
        q=q,
        result=result,
        query_error=query_error,
        facets=facets,
        selected=_selected(chosen, titles, q, sort_key),
        sorts=[(k, label) for k, (label, _) in SORTS.items()],
        sort_key=sort_key,
        page=page,
        pages=min(-(-result["count"] // PER_PAGE), MAX_PAGE),
        page_url=lambda n: _url({**_state(chosen, q, sort_key), "page": n}),
    )


def _agencies() -> dict[str, str]:
    """Publisher name -> agency type (an extra on the publisher); publishers rarely change."""
    return {o["name"]: _extra(o, "agency_type") for o in call("organization_list", {"all_fields": True})}


def _own_facet_counts(
    q: str, filters: dict[str, str], include_private: bool, titles: dict[str, str]
) -> dict[str, dict[str, int]]:
    """Counts for each facet in use as if its own filter were off, so people can add another value (OR).

    One extra count-only search per facet in use; the agency facet is counted through publishers. Display
    names of publishers and themes found only this way are added to ``titles``.
    """
    out: dict[str, dict[str, int]] = {}
    for param in filters:
        field = "organization" if param == "agency" else param
        others = [fq for p, fq in filters.items() if p != param]
        data = {"q": q, "fq_list": others, "rows": 0, "facet.field": [field], "facet.limit": -1,
                "include_private": include_private}  # fmt: skip
        found = call("package_search", data)
        out["agency_organization" if param == "agency" else param] = found["facets"].get(field, {})
        titles.update({i["name"]: i["display_name"] for i in found["search_facets"].get(field, {}).get("items", [])})
    return out


def _search(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Search as asked; if the words are not a valid query, search for them as plain words instead."""
    ctx = action_context()
    try:
        return registry.call("package_search", ctx, data), ""
    except ActionError as exc:
        ctx.session.rollback()
        words = " ".join(quote(w) for w in data["q"].split())
        try:
            return registry.call("package_search", ctx, {**data, "q": words}), exc.message
        except ActionError:
            ctx.session.rollback()
            return {"count": 0, "results": [], "facets": {}}, exc.message


def _facet_view(
    facets: dict[str, dict[str, int]],
    own: dict[str, dict[str, int]],
    chosen: dict[str, list[str]],
    agency_of: dict[str, str],
    titles: dict[str, str],
) -> list[dict[str, Any]]:
    """Facet values with counts: a facet in use counts as if its own filter were off (``own``)."""
    agencies: dict[str, int] = {}
    for org, n in own.get("agency_organization", facets.get("organization", {})).items():
        if agency := agency_of.get(org):
            agencies[agency] = agencies.get(agency, 0) + n
    counts = {**facets, **{k: v for k, v in own.items() if k != "agency_organization"}, "agency": agencies}
    out = []
    for f in FACETS:
        items = sorted(counts.get(f.param, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        for value in chosen[f.param]:
            if value not in dict(items):
                items.append((value, 0))
        if not items:
            continue
        out.append(
            {
                "param": f.param,
                "label": f.label,
                "items": [
                    {"value": v, "text": _label(f.param, v, titles), "count": n, "checked": v in chosen[f.param]}
                    for v, n in items[:50]
                ],
                "open": bool(chosen[f.param]),
            }
        )
    return out


def _label(param: str, value: str, titles: dict[str, str]) -> str:
    if param == "agency":
        return AGENCY_LABELS.get(value, value.title())
    if param == "release_mode":
        return RELEASE_LABELS.get(value, value)
    return titles.get(value, value) if param in ("organization", "groups") else value


def _selected(chosen: dict[str, list[str]], titles: dict[str, str], q: str, sort_key: str) -> list[dict[str, Any]]:
    """Each active filter with a link that removes only it."""
    state = _state(chosen, q, sort_key)
    out = []
    for f in FACETS:
        for value in chosen[f.param]:
            remaining = {**state, f.param: [v for v in chosen[f.param] if v != value]}
            out.append({"label": f.label, "text": _label(f.param, value, titles), "remove": _url(remaining)})
    return out


def _state(chosen: dict[str, list[str]], q: str, sort_key: str) -> dict[str, Any]:
    return {"q": q, "sort": sort_key, **chosen}


def _url(params: dict[str, Any]) -> str:
    pairs = [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs]) if v not in ("", None)]
    return "/dataset" + ("?" + urlencode(pairs) if pairs else "")


def _extra(group: dict[str, Any], key: str) -> str:
    return next((e["value"] for e in group.get("extras") or [] if e["key"] == key), "")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default
