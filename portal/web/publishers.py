"""Publisher (``/organization``) and theme (``/group``) pages, with CKAN's URLs."""

from __future__ import annotations

from flask import Blueprint, render_template, session

from portal.web.helpers import call
from portal.web.search import AGENCY_LABELS, quote

bp = Blueprint("publishers", __name__)
RECENT = 20


@bp.route("/organization")
@bp.route("/organization/")
def organizations() -> str:
    orgs = call("organization_list", {"all_fields": True, "sort": "title asc"})
    for org in orgs:
        agency = next((e["value"] for e in org.get("extras") or [] if e["key"] == "agency_type"), "")
        org["agency_label"] = AGENCY_LABELS.get(agency, agency.title())
    return render_template("groups.html", nav="publishers", kind="organization", heading="Publishers", groups=orgs)


@bp.route("/group")
@bp.route("/group/")
def groups() -> str:
    themes = call("group_list", {"all_fields": True, "sort": "title asc"})
    return render_template("groups.html", nav="themes", kind="group", heading="Themes", groups=themes)


@bp.route("/organization/<name>")
def organization(name: str) -> str:
    org = call("organization_show", {"id": name, "include_users": False})
    agency = next((e["value"] for e in org.get("extras") or [] if e["key"] == "agency_type"), "")
    return _group_page(org, "organization", "publishers", AGENCY_LABELS.get(agency, agency.title()))


@bp.route("/group/<name>")
def group(name: str) -> str:
    return _group_page(call("group_show", {"id": name, "include_users": False}), "groups", "themes", "")


def _group_page(group: dict, field: str, nav: str, agency: str) -> str:
    found = call(
        "package_search",
        {
            "fq": f"{field}:{quote(group['name'])}",
            "rows": RECENT,
            "sort": "metadata_modified desc",
            "include_private": bool(session.get("user_id")),
        },
    )
    return render_template(
        "group.html", nav=nav, group=group, field=field, agency=agency, count=found["count"], datasets=found["results"]
    )
