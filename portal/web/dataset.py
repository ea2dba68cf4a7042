"""The dataset page, the resource page and the whole data package as one zip.

URLs are CKAN's (``/dataset/{name}``, ``/dataset/{id}/resource/{rid}``), so links and clients such as
frictionless-py, which parse the dataset URL and then call the API, carry over.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from portal.web import charts, details
from portal.web.files import PREVIEW_ROWS, csv_preview
from portal.web.helpers import call, fail
from portal.web.jsonld import dataset_jsonld, script_json
from portal.web.snippets import api_snippets

bp = Blueprint("dataset", __name__)

PREVIEW_PAGE = 25


@bp.route("/dataset/<name>")
def show(name: str) -> str:
    pkg = call("package_show", {"id": name})
    site_url = current_app.extensions["portal"].settings.site_url
    specials = details.special_resources(pkg)
    support_ids = {r["id"] for r in specials.values()}
    data_resources = [r for r in pkg["resources"] if r["id"] not in support_ids]
    schema = details.table_schema(pkg, None, specials)
    report = details.release_report(specials)
    preview_res = next((r for r in data_resources if (r.get("format") or "").lower() == "csv"), None)
    return render_template(
        "dataset.html",
        nav="data",
        pkg=pkg,
        facts=details.facts(pkg),
        data_resources=data_resources,
        support_resources=list(specials.items()),
        schema=schema,
        seal=details.quality(pkg, specials, schema),
        report=_report_view(*report) if report else None,
        preview=_preview_view(preview_res, f"/dataset/{pkg['name']}") if preview_res else None,
        snippets=api_snippets(site_url, pkg),
        jsonld=None if pkg.get("private") else script_json(dataset_jsonld(pkg, site_url)),
        has_uploads=any(r.get("url_type") == "upload" for r in pkg["resources"]),
    )


@bp.route("/dataset/<pkg_ref>/resource/<rid>")
def resource(pkg_ref: str, rid: str) -> str:
    res = call("resource_show", {"id": rid})
    pkg = call("package_show", {"id": res["package_id"]})
    if pkg_ref not in (pkg["id"], pkg["name"]):
        fail(404)
    specials = details.special_resources(pkg)
    is_support = res["id"] in {r["id"] for r in specials.values()}
    return render_template(
        "resource.html",
        nav="data",
        pkg=pkg,
        res=res,
        schema=None if is_support else details.table_schema(pkg, res, specials),
        preview=_preview_view(res, f"/dataset/{pkg['name']}/resource/{res['id']}"),
    )


def _preview_view(res: dict[str, Any], base_url: str) -> dict[str, Any] | None:
    """One page of the first 100 rows; ``?preview_page=N`` moves through them without JavaScript."""
    preview = csv_preview(res)
    if preview is None:
        return None
    pages = max(1, -(-len(preview.rows) // PREVIEW_PAGE))
    try:
        page = min(max(int(request.args.get("preview_page", 1)), 1), pages)
    except ValueError:
        page = 1
    first = (page - 1) * PREVIEW_PAGE
    return {
        "res": res,
        "header": preview.header,
        "rows": preview.rows[first : first + PREVIEW_PAGE],
        "first": first + 1,
        "last": first + len(preview.rows[first : first + PREVIEW_PAGE]),
        "shown": len(preview.rows),
        "truncated": preview.truncated,
        "limit": PREVIEW_ROWS,
        "error": preview.error,
        "page": page,
        "pages": pages,
        "page_url": lambda n: f"{base_url}?preview_page={n}#preview",
    }


def _report_view(kind: str, report: dict[str, Any]) -> dict[str, Any]:
    """The synthetic or disclosure report: verdict, evidence and charts with their numbers as tables."""
    fidelity = report.get("fidelity") if isinstance(report.get("fidelity"), dict) else {}
    columns = [(name, v.get("score")) for name, v in (fidelity.get("columns") or {}).items() if isinstance(v, dict)][
        :30
    ]
    summary = [(k, fidelity.get(k)) for k in ("overall", "column_shapes", "pair_trends") if k in fidelity]
    privacy = report.get("privacy") if isinstance(report.get("privacy"), dict) else {}
    spectrum = report.get("spectrum") if isinstance(report.get("spectrum"), dict) else {}
    return {
        "kind": kind,
        "title": str(report.get("title") or ("Synthetic data report" if kind == "synthetic" else "Disclosure report")),
        "verdict": str(report.get("verdict") or ""),
        "rows": report.get("rows") if isinstance(report.get("rows"), dict) else {},
        "reasons": [str(r) for r in privacy.get("reasons") or []][:20],
        "spectrum": spectrum,
        "summary": summary,
        "summary_chart": charts.bar_chart(
            [(_nice(k), v) for k, v in summary], title="Quality summary (1 is identical)", max_value=1.0
        )
        if summary
        else None,  # fmt: skip
        "columns": columns,
        "columns_chart": charts.bar_chart(columns, title="Column shape similarity (1 is identical)", max_value=1.0)
        if columns
        else None,
        "distributions": charts.distributions(report),
        "scalars": [(_nice(k), v) for k, v in report.items() if isinstance(v, str | int | float) and k != "title"][:20],
    }


def _nice(key: str) -> str:
    return key.replace("_", " ").capitalize()
