"""Website fixtures: the catalogue fixtures of tests/portal, on SQLite (the API tests cover PostgreSQL),
plus a catalogue seeded with the kinds of dataset the pages must show, and hostile ones they must defuse.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from portal.uploads import Upload

PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script>'


@pytest.fixture
def backend() -> str:
    """Pages run on SQLite; modules that also want PostgreSQL override this fixture."""
    return "sqlite"


def csv_bytes(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lsoa_code", "month", "count"])
    for i in range(rows):
        writer.writerow([f"E0102{i:04d}", f"2024-{i % 12 + 1:02d}", i])
    return out.getvalue().encode()


SCHEMA = {
    "name": "service-demand-lsoa",
    "title": "Service demand by LSOA",
    "fields": [
        {"name": "lsoa_code", "type": "string", "title": "LSOA code", "description": "2021 LSOA",
         "constraints": {"required": True, "pattern": "E0\\d{7}"}},
        {"name": "month", "type": "yearmonth", "description": "Month of demand"},
        {"name": "count", "type": "integer", "description": "Contacts in the month", "constraints": {"minimum": 0}},
    ],
}  # fmt: skip
DATAPACKAGE = {"name": "demand", "resources": [{"name": "demand-csv", "path": "data/demand.csv", "schema": SCHEMA}]}
VALIDATION = {
    "valid": False,
    "stats": {"errors": 2},
    "tasks": [{"errors": [{"message": "Row 7: count is negative"}, {"message": "Row 9: missing lsoa_code"}]}],
}
SYNTHETIC_REPORT = {
    "title": "Synthetic referrals release",
    "verdict": "released",
    "rows": {"training": 800, "holdout": 200, "synthetic": 1000},
    "fidelity": {
        "overall": 0.91, "column_shapes": 0.93, "pair_trends": 0.89,
        "columns": {"age_band": {"metric": "TVComplement", "score": 0.95},
                    "district": {"metric": "TVComplement", "score": 0.9}},
        "pairs": {},
    },
    "privacy": {"reasons": [], "figures": {}},
    "spectrum": {"level": 3, "name": "Synthetically augmented plausible", "evidence": ["valid against schema"]},
    "distributions": {
        "age_band": {"labels": ["0-4", "5-9", "10-15"], "real": [0.2, 0.5, 0.3], "synthetic": [0.25, 0.45, 0.3]}
    },
}  # fmt: skip


@dataclass
class Catalogue:
    editor: str
    org: str
    theme: str
    rich: dict[str, Any]
    plain: dict[str, Any]
    private: dict[str, Any]
    hostile: dict[str, Any]
    rows: int


def upload(factory: Any, pkg_id: str, name: str, filename: str, body: bytes, fmt: str) -> dict[str, Any]:
    return factory.call(
        "resource_create",
        {"package_id": pkg_id, "name": name, "format": fmt, "upload": Upload(filename, io.BytesIO(body))},
    )


def seed(factory: Any, *, rows: int = 250) -> Catalogue:
    editor = factory.user("partner-ed", password=PASSWORD)["name"]
    org = factory.call(
        "organization_create",
        {"name": "nypolice", "title": "North Yorkshire Police", "extras": [{"key": "agency_type", "value": "police"}]},
    )["name"]
    factory.call("organization_member_create", {"id": org, "username": editor, "role": "editor"})
    council = factory.call(
        "organization_create",
        {
            "name": "york-council",
            "title": "City of York Council",
            "extras": [{"key": "agency_type", "value": "council"}],
        },
    )["name"]
    theme = factory.group("crime-and-justice")["name"]
    rich = factory.dataset(
        org,
        "demand-by-lsoa",
        title="Service demand by LSOA",
        notes="Contacts **per month**.\n\n## Method\n\nCounted from [the system](https://example.org/method).",
        license_id="OGL-UK-3.0",
        maintainer="Data team",
        maintainer_email="data@example.org",
        tags=[{"name": "demand"}, {"name": "lsoa"}],
        groups=[{"name": theme}],
        extras=[
            {"key": "release_mode", "value": "synthetic"},
            {"key": "update_frequency", "value": "monthly"},
            {"key": "spatial", "value": "North Yorkshire"},
            {"key": "temporal_start", "value": "2024-01-01"},
            {"key": "temporal_end", "value": "2024-12-31"},
        ],
    )
    upload(factory, rich["id"], "demand-csv", "demand.csv", csv_bytes(rows), "CSV")
    upload(factory, rich["id"], "datapackage.json", "datapackage.json", json.dumps(DATAPACKAGE).encode(), "JSON")
    upload(
        factory, rich["id"], "validation-report.json", "validation-report.json", json.dumps(VALIDATION).encode(), "JSON"
    )
    upload(
        factory,
        rich["id"],
        "synthetic-report.json",
        "synthetic-report.json",
        json.dumps(SYNTHETIC_REPORT).encode(),
        "JSON",
    )
    plain = factory.dataset(council, "council-spending", title="Council spending", license_id="OGL-UK-3.0",
                            extras=[{"key": "release_mode", "value": "open"}])  # fmt: skip
    upload(factory, plain["id"], "spending", "spending.csv", csv_bytes(5), "CSV")
    private = factory.dataset(org, "partners-only-referrals", title="Partners only referrals", private=True)
    hostile = factory.dataset(
        org,
        "hostile",
        title=f"Evil {XSS} title",
        notes=f"{XSS}\n\n[click](javascript:alert(1)) ![img](javascript:alert(2)) <img src=x onerror=alert(3)>",
        tags=[{"name": "evil-tag"}],
        extras=[{"key": "spatial", "value": XSS}],
    )
    upload(factory, hostile["id"], f"data {XSS}", "h.csv", b'a,b\n"<script>alert(4)</script>",2\n', "CSV")
    factory.call("resource_create", {"package_id": hostile["id"], "name": "link", "url": "javascript:alert(5)"})
    show = lambda pkg: factory.call("package_show", {"id": pkg["id"]})  # noqa: E731
    return Catalogue(editor, org, theme, show(rich), show(plain), private, show(hostile), rows)


@pytest.fixture
def catalogue(factory: Any) -> Catalogue:
    return seed(factory)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form has no CSRF token"
    return found.group(1)


def sign_in(client: Any, username: str = "partner-ed", password: str = PASSWORD) -> Any:
    token = csrf_token(client.get("/user/login").get_data(as_text=True))
    return client.post("/user/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def api_client_check(app: Any):  # noqa: ANN201
    """Who the API thinks a token belongs to (None if it is refused), asked by a fresh cookie-less client."""

    def check(token: str) -> str | None:
        response = app.test_client().get("/api/3/action/user_show", headers={"Authorization": token})
        return response.get_json()["result"]["name"] if response.status_code == 200 else None

    return check
