"""The quality seal's five criteria, from a report and metadata."""

from __future__ import annotations

from datetime import date

from datapackages.quality import quality_summary
from datapackages.schemas import load_schema

VALID = {"valid": True, "stats": {"errors": 0}, "tasks": [{"warnings": [], "errors": []}]}
INVALID = {"valid": False, "stats": {"errors": 3}, "tasks": [{"warnings": ["reached error limit: 3"]}]}
META = {
    "title": "Incidents",
    "description": "Fire incidents",
    "licenses": [{"name": "OGL-UK-3.0"}],
    "contributors": [{"title": "NYFRS"}],
    "keywords": ["fire"],
    "frequency": "monthly",
    "modified": "2026-11-01",
    "schema": load_schema("emergency-incidents"),
}


def _criteria(summary):
    return {c["id"]: c["passed"] for c in summary["criteria"]}


def test_all_criteria_met_earns_the_seal():
    summary = quality_summary(VALID, META, today=date(2026, 11, 23))
    assert summary["seal"] and summary["score"] == 5
    assert all(set(c) == {"id", "label", "passed", "detail"} for c in summary["criteria"])


def test_each_criterion_can_fail():
    bad = {**META, "licenses": [{"name": "proprietary"}], "keywords": [], "schema": {"fields": []}}
    summary = quality_summary(INVALID, bad, today=date(2027, 3, 1))
    assert _criteria(summary) == {
        "standard-schema": False,
        "valid": False,
        "open-licence": False,
        "metadata-complete": False,
        "up-to-date": False,
    }
    assert not summary["seal"]
    details = {c["id"]: c["detail"] for c in summary["criteria"]}
    assert "stopped early" in details["valid"]
    assert "keywords" in details["metadata-complete"]
    assert "overdue" in details["up-to-date"]


def test_timeliness_follows_stated_frequency():
    weekly = {**META, "frequency": "weekly", "modified": "2026-11-10"}
    assert _criteria(quality_summary(VALID, weekly, today=date(2026, 11, 18)))["up-to-date"]
    assert not _criteria(quality_summary(VALID, weekly, today=date(2026, 11, 23)))["up-to-date"]
    licence_by_url = {**META, "licenses": [{"path": "https://creativecommons.org/licenses/by/4.0/"}]}
    assert _criteria(quality_summary(VALID, licence_by_url, today=date(2026, 11, 2)))["open-licence"]


def test_unregistered_major_version_does_not_conform():
    schema = {**load_schema("emergency-incidents"), "version": "9.0.0"}
    assert not _criteria(quality_summary(VALID, {**META, "schema": schema}, today=date(2026, 11, 2)))["standard-schema"]
