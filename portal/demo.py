"""Demo content made up here, so a fresh clone shows a working catalogue without any outside data.

Everything is labelled as generated. The partner publishers (``publishers/``) replace this with the real
pipeline once they run against the portal.
"""

from __future__ import annotations

import csv
import io
import random

from sqlalchemy import select

from portal.actions import registry
from portal.models import Package, User
from portal.services import Services
from portal.uploads import Upload

PARTNERS = [
    ("north-yorkshire-council", "North Yorkshire Council", "council"),
    ("city-of-york-council", "City of York Council", "council"),
    ("north-yorkshire-police", "North Yorkshire Police", "police"),
    ("north-yorkshire-fire-and-rescue", "North Yorkshire Fire and Rescue Service", "fire"),
    ("nhs-north-yorkshire", "NHS North Yorkshire", "health"),
]
THEMES = [
    ("crime-and-justice", "Crime and justice"),
    ("emergency-services", "Emergency services"),
    ("government-spending", "Government spending"),
    ("health", "Health"),
    ("society", "Society"),
]
DATASETS = [
    ("north-yorkshire-police", "demo-crime-by-lsoa", "Recorded crime by LSOA (generated demo)",
     ["crime", "lsoa"], ["crime-and-justice"]),
    ("north-yorkshire-fire-and-rescue", "demo-fire-incidents", "Fire and rescue incidents (generated demo)",
     ["fire", "incidents"], ["emergency-services"]),
    ("city-of-york-council", "demo-spending-over-500", "Spending over GBP 500 (generated demo)",
     ["spending", "transparency"], ["government-spending"]),
    ("north-yorkshire-council", "demo-service-demand", "Service demand by LSOA (generated demo)",
     ["demand", "lsoa"], ["society"]),
]  # fmt: skip
DEMO_PASSWORD = "demo-password-change-me"


def _csv(seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lsoa_code", "month", "count"])
    for i in range(50):
        writer.writerow([f"E0102{7000 + i:04d}", f"2024-{rng.randint(1, 12):02d}", rng.randint(0, 40)])
    return out.getvalue().encode()


def load_demo(svc: Services) -> str:
    """Idempotent: a second run finds everything in place and changes nothing."""
    with svc.system_context("demo-admin", "Demo administrator") as sys_ctx:
        existing_orgs = set(registry.call("organization_list", sys_ctx, {}))
        for name, title, agency in PARTNERS:
            if name not in existing_orgs:
                extras = [{"key": "agency_type", "value": agency}]
                registry.call("organization_create", sys_ctx, {"name": name, "title": title, "extras": extras})
        existing_groups = set(registry.call("group_list", sys_ctx, {}))
        for name, title in THEMES:
            if name not in existing_groups:
                registry.call("group_create", sys_ctx, {"name": name, "title": title})
        if sys_ctx.session.scalar(select(User).where(User.name == "partner-editor")) is None:
            registry.call(
                "user_create",
                sys_ctx,
                {"name": "partner-editor", "email": "editor@example.org", "password": DEMO_PASSWORD},
            )
            registry.call(
                "organization_member_create",
                sys_ctx,
                {"id": "north-yorkshire-police", "username": "partner-editor", "role": "editor"},
            )
        for seed, (org, name, title, tags, groups) in enumerate(DATASETS):
            if sys_ctx.session.scalar(select(Package.id).where(Package.name == name)):
                continue
            pkg = registry.call(
                "package_create",
                sys_ctx,
                {
                    "name": name,
                    "title": title,
                    "owner_org": org,
                    "notes": "Generated demonstration data: not real figures.",
                    "license_id": "OGL-UK-3.0",
                    "tags": [{"name": t} for t in tags],
                    "groups": [{"name": g} for g in groups],
                },
            )
            registry.call(
                "resource_create",
                sys_ctx,
                {"package_id": pkg["id"], "name": "Data (CSV)", "format": "CSV",
                 "upload": Upload("data.csv", io.BytesIO(_csv(seed)))},
            )  # fmt: skip
        count = registry.call("package_search", sys_ctx, {"rows": 0})["count"]
    return f"Demo catalogue ready: {count} datasets. Partner sign-in: partner-editor / {DEMO_PASSWORD}"
