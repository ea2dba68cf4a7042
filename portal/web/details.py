"""What the dataset page shows beyond CKAN's core fields, found in the dataset when it carries them.

Publishers attach ``datapackage.json``, ``validation-report.json`` and ``synthetic-report.json`` (or
``disclosure-report.json``) as resources, and set extras such as ``release_mode``, ``update_frequency``,
``spatial``, ``temporal_start``/``temporal_end`` and ``schema``. Anything absent is simply not shown.
"""

from __future__ import annotations

import json
from typing import Any

from portal.web.files import read_json
from portal.web.helpers import extras_dict

SPECIAL = {
    "datapackage.json": "datapackage",
    "validation-report.json": "validation",
    "quality.json": "quality",
    "synthetic-report.json": "synthetic",
    "disclosure-report.json": "disclosure",
}
RELEASE_MODES = {
    "open": "Open data",
    "synthetic": "Synthetic data (a privacy-safe look-alike of data about people)",
    "aggregate": "Aggregate statistics (disclosure-controlled counts)",
    "partners": "Partners only",
}
ACCESS_LEVELS = {"public": "Public", "partners": "Partner agencies only", "restricted": "Restricted"}


def special_resources(pkg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The supporting-file resources by role, matched on their name or file name."""
    found: dict[str, dict[str, Any]] = {}
    for res in pkg.get("resources", []):
        names = {(res.get("name") or "").lower(), (res.get("url") or "").rsplit("/", 1)[-1].lower()}
        for file_name, role in SPECIAL.items():
            if file_name in names and role not in found:
                found[role] = res
    return found


def facts(pkg: dict[str, Any]) -> dict[str, Any]:
    """The summary-list facts: frequency, coverage, contact, release mode, access level."""
    extras = extras_dict(pkg)
    start, end = extras.get("temporal_start", ""), extras.get("temporal_end", "")
    contact_name = pkg.get("maintainer") or pkg.get("author") or ""
    contact_email = pkg.get("maintainer_email") or pkg.get("author_email") or ""
    mode = extras.get("release_mode", "")
    access = extras.get("access_level", "") or ("partners" if pkg.get("private") else "")
    return {
        "frequency": extras.get("update_frequency") or extras.get("frequency", ""),
        "spatial": extras.get("spatial_text") or _spatial_text(extras.get("spatial", "")),
        "temporal": " to ".join(x for x in (start, end) if x),
        "temporal_start": start,
        "temporal_end": end,
        "contact_name": contact_name,
        "contact_email": contact_email if "@" in contact_email else "",
        "release_mode": mode,
        "release_mode_text": RELEASE_MODES.get(mode, mode),
        "access_level": access,
        "access_text": ACCESS_LEVELS.get(access, access),
        "schema": extras.get("schema", ""),
    }


def _spatial_text(value: str) -> str:
    """``spatial`` may be a place name or GeoJSON; GeoJSON is described rather than dumped."""
    if not value.strip().startswith("{"):
        return value
    try:
        geo = json.loads(value)
    except ValueError:
        return ""
    return str(geo.get("name") or geo.get("properties", {}).get("name") or f"{geo.get('type', 'Area')} (GeoJSON)")


def table_schema(pkg: dict[str, Any], res: dict[str, Any] | None, specials: dict[str, Any]) -> dict[str, Any] | None:
    """The Table Schema for a resource: inline, in datapackage.json, or the standard schema the dataset names."""
    candidates = [res] if res else [r for r in pkg.get("resources", []) if r.get("schema")]
    for r in candidates:
        if schema := _as_schema(r.get("schema")):
            return schema
    if "datapackage" in specials and isinstance(descriptor := read_json(specials["datapackage"]), dict):
        for entry in descriptor.get("resources") or []:
            if not isinstance(entry, dict) or (res and entry.get("name") not in (res.get("name"), None)):
                continue
            if schema := _as_schema(entry.get("schema")) or _schema_file(pkg, entry.get("schema")):
                return schema
    return standard_schema(facts(pkg)["schema"])


def _as_schema(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) and isinstance(value.get("fields"), list) else None


def _schema_file(pkg: dict[str, Any], path: Any) -> dict[str, Any] | None:
    """A schema datapackage.json refers to by path, uploaded as a resource of the same file name."""
    if not isinstance(path, str) or path.startswith(("http:", "https:")):
        return standard_schema(path) if isinstance(path, str) else None
    base = path.rsplit("/", 1)[-1].lower()
    for r in pkg.get("resources", []):
        if base in ((r.get("name") or "").lower(), (r.get("url") or "").rsplit("/", 1)[-1].lower()):
            return _as_schema(read_json(r))
    return None


def standard_schema(name: str | None) -> dict[str, Any] | None:
    """One of the partners' agreed standard schemas, by name (``spend-over-500``) or URL ending in it."""
    if not name:
        return None
    try:
        from datapackages.schemas import load_schema
    except ImportError:
        return None
    stem = name.rsplit("/", 1)[-1].removesuffix(".json")
    try:
        return load_schema(stem)
    except Exception:  # noqa: BLE001 - an unknown name simply has no dictionary to show
        return None


def quality(pkg: dict[str, Any], specials: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """The quality seal: a stored summary, or one computed from the validation report and the metadata."""
    if "quality" in specials and isinstance(summary := read_json(specials["quality"]), dict):
        if isinstance(summary.get("criteria"), list):
            return summary
    if "validation" not in specials or not isinstance(report := read_json(specials["validation"]), dict):
        return None
    try:
        from datapackages.quality import quality_summary
    except ImportError:
        return None
    summary = quality_summary(report, _seal_metadata(pkg, schema))
    stats = report.get("stats") or {}
    summary["validation"] = {"valid": bool(report.get("valid")), "errors": stats.get("errors", 0)}
    summary["errors"] = _report_errors(report)
    return summary


def _seal_metadata(pkg: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    extras = extras_dict(pkg)
    lic = {"name": pkg.get("license_id") or "", "path": pkg.get("license_url") or "", "title": pkg.get("license_title")}
    return {
        "schema": {"name": schema.get("name"), "version": schema.get("version", "")} if schema else None,
        "title": pkg.get("title"),
        "description": pkg.get("notes"),
        "licenses": [lic] if pkg.get("license_id") else [],
        "contributors": [{"title": pkg["organization"]["title"]}] if pkg.get("organization") else [],
        "keywords": [t["name"] for t in pkg.get("tags", [])],
        "frequency": extras.get("update_frequency") or extras.get("frequency"),
        "modified": pkg.get("metadata_modified"),
    }


def _report_errors(report: dict[str, Any], limit: int = 10) -> list[str]:
    out = []
    for task in report.get("tasks") or []:
        for err in task.get("errors") or []:
            if len(out) == limit:
                return out
            out.append(str(err.get("message") or err.get("note") or err)[:300])
    return out


def release_report(specials: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The synthetic data report or the disclosure-control report, whichever the dataset carries."""
    for role in ("synthetic", "disclosure"):
        if role in specials and isinstance(report := read_json(specials[role]), dict):
            return role, report
    return None
