"""The data quality seal: five criteria computed from a validation report and package metadata.

A resource earns the seal when it conforms to an agreed standard schema, validates, carries an open
licence, has complete metadata and is up to date against its stated update frequency. The result is plain
data (criteria with pass/fail and a human reason) for the portal to show.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from .schemas import list_schemas

OPEN_LICENCES = {
    "ogl-uk-3.0",
    "ogl-uk-2.0",
    "cc-by-4.0",
    "cc-by-sa-4.0",
    "cc0-1.0",
    "odc-by-1.0",
    "odc-odbl-1.0",
    "odc-pddl-1.0",
    "pddl-1.0",
    "odbl-1.0",
    "cc-by-3.0",
    "cc-by-2.0",
}
OPEN_LICENCE_URLS = (
    "nationalarchives.gov.uk/doc/open-government-licence",
    "creativecommons.org/licenses/by",
    "creativecommons.org/publicdomain/zero",
    "opendatacommons.org/licenses",
)
REQUIRED_METADATA = ("title", "description", "licenses", "contributors", "keywords", "frequency", "modified")
FREQUENCY_DAYS = {
    "daily": 1,
    "weekly": 7,
    "fortnightly": 14,
    "monthly": 31,
    "quarterly": 92,
    "biannually": 183,
    "annually": 366,
    "annual": 366,
    "yearly": 366,
}
GRACE = 0.25


def _criterion(key: str, label: str, passed: bool, detail: str) -> dict[str, Any]:
    return {"id": key, "label": label, "passed": passed, "detail": detail}


def _schema_conformance(metadata: dict[str, Any]) -> dict[str, Any]:
    schema = metadata.get("schema")
    label = "Conforms to an agreed standard schema"
    if not isinstance(schema, dict) or not schema.get("name"):
        return _criterion("standard-schema", label, False, "no standard schema is named for this data")
    registered = {(s["name"], s["major"]) for s in list_schemas()}
    major = int(str(schema.get("version", "0")).split(".")[0] or 0)
    passed = (schema["name"], major) in registered
    detail = f"{schema['name']} v{schema.get('version', '?')}" + ("" if passed else " is not a registered standard")
    return _criterion("standard-schema", label, passed, detail)


def _validity(report: dict[str, Any]) -> dict[str, Any]:
    errors = report.get("stats", {}).get("errors", 0)
    passed = bool(report.get("valid")) and not any(t.get("warnings") for t in report.get("tasks", []))
    detail = (
        "no errors"
        if passed
        else f"{errors} error(s) found"
        + (" (validation stopped early)" if any(t.get("warnings") for t in report.get("tasks", [])) else "")
    )
    return _criterion("valid", "Passes validation against its schema", passed, detail)


def _licence(metadata: dict[str, Any]) -> dict[str, Any]:
    licences = metadata.get("licenses") or []
    for lic in licences:
        name, path = str(lic.get("name", "")).lower(), str(lic.get("path", "")).lower()
        if name in OPEN_LICENCES or any(url in path for url in OPEN_LICENCE_URLS):
            return _criterion("open-licence", "Has an open licence", True, lic.get("title") or lic.get("name"))
    detail = "no licence stated" if not licences else "licence is not a recognised open licence"
    return _criterion("open-licence", "Has an open licence", False, detail)


def _completeness(metadata: dict[str, Any]) -> dict[str, Any]:
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key)]
    detail = "all required metadata present" if not missing else "missing: " + ", ".join(missing)
    return _criterion("metadata-complete", "Metadata is complete", not missing, detail)


def _parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _timeliness(metadata: dict[str, Any], today: date) -> dict[str, Any]:
    label = "Up to date against its stated frequency"
    frequency = str(metadata.get("frequency", "")).lower()
    modified = _parse_day(metadata.get("modified") or metadata.get("created"))
    if frequency in ("never", "one-off", "irregular"):
        return _criterion("up-to-date", label, modified is not None, f"{frequency}; last updated {modified}")
    if frequency not in FREQUENCY_DAYS or modified is None:
        return _criterion("up-to-date", label, False, "frequency or last-updated date not stated")
    due = modified + timedelta(days=round(FREQUENCY_DAYS[frequency] * (1 + GRACE)))
    passed = today <= due
    detail = f"updated {modified}, {frequency}; " + (f"next due by {due}" if passed else f"overdue since {due}")
    return _criterion("up-to-date", label, passed, detail)


def quality_summary(report: dict[str, Any], metadata: dict[str, Any], *, today: date | None = None) -> dict:
    """Compute the seal for one resource.

    ``metadata`` is the package metadata merged with the resource's (its ``schema`` dict, ``frequency``
    such as ``monthly``, ``modified`` ISO date, ``licenses``...). ``report`` is a frictionless-shaped report.
    """
    today = today or datetime.now(UTC).date()
    criteria = [
        _schema_conformance(metadata),
        _validity(report),
        _licence(metadata),
        _completeness(metadata),
        _timeliness(metadata, today),
    ]
    passed = sum(c["passed"] for c in criteria)
    return {"seal": passed == len(criteria), "score": passed, "out_of": len(criteria), "criteria": criteria}
