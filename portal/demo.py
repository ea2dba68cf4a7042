"""The demo catalogue's partners: organizations, themes and users, so a fresh clone has somewhere to publish.

The datasets themselves come from the partner publishers (``publish demo`` runs them against the portal
through the CKAN API, on generated raw extracts). Loading is idempotent.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.actions import registry
from portal.models import User
from portal.services import Services

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
DEMO_PASSWORD = "demo-password-change-me"
PUBLISHER = "demo-publisher"  # the account the partner publishers push with: an editor of every partner


def _user(sys_ctx, name: str, email: str, roles: dict[str, str]) -> None:  # noqa: ANN001
    if sys_ctx.session.scalar(select(User).where(User.name == name)) is not None:
        return
    registry.call("user_create", sys_ctx, {"name": name, "email": email, "password": DEMO_PASSWORD})
    for org, role in roles.items():
        registry.call("organization_member_create", sys_ctx, {"id": org, "username": name, "role": role})


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
        _user(sys_ctx, "partner-editor", "editor@example.org", {"north-yorkshire-police": "editor"})
        _user(sys_ctx, PUBLISHER, "publisher@example.org", {name: "editor" for name, _, _ in PARTNERS})
        count = registry.call("package_search", sys_ctx, {"rows": 0})["count"]
    return (
        f"Demo partners ready ({len(PARTNERS)} organizations, {count} datasets). "
        f"Partner sign-in: partner-editor / {DEMO_PASSWORD}"
    )
