"""Site-wide actions: status, help, licences, tags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.actions.package import allow_all
from portal.actions.params import as_bool_param
from portal.actions.registry import ACTIONS, action
from portal.context import Context
from portal.dictize import license_dict, license_register
from portal.errors import NotFound
from portal.models import Package, PackageTag, Tag

CKAN_VERSION = "2.11.0"


@action(allow_all, get=True)
def status_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the site's status; load balancers use it as the health check (it touches the database)."""
    ctx.session.execute(select(1))
    return {
        "site_title": ctx.settings.site_title,
        "site_description": "Open data from the public-sector partners of North Yorkshire and York",
        "site_url": ctx.settings.site_url,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "en_GB",
        "extensions": [],
    }


@action(allow_all, get=True)
def site_read(ctx: Context, data: dict[str, Any]) -> bool:
    """Return true: anyone may read this site."""
    return True


@action(allow_all, get=True)
def help_show(ctx: Context, data: dict[str, Any]) -> str:
    """Return an action's documentation.

    :param name: the action's name
    """
    name = data.get("name")
    if not isinstance(name, str) or name not in ACTIONS:
        raise NotFound(f"action {name}")
    return ACTIONS[name].doc


@action(allow_all, get=True)
def license_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licence register datasets choose from."""
    return [license_dict(lic) for lic in license_register(ctx.session).values()]


@action(allow_all, get=True)
def tag_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the tags of public, active datasets.

    :param query: only tags containing this text (optional)
    :param all_fields: return dicts instead of names (default false)
    """
    stmt = (
        select(Tag)
        .join(PackageTag, PackageTag.tag_id == Tag.id)
        .join(Package, Package.id == PackageTag.package_id)
        .where(Package.state == "active", Package.private.is_(False), Tag.vocabulary_id.is_(None))
        .group_by(Tag.id)
        .order_by(Tag.name)
    )
    if query := data.get("query") or data.get("q"):
        stmt = stmt.where(func.lower(Tag.name).like(f"%{str(query).lower()}%"))
    tags = list(ctx.session.scalars(stmt))
    if as_bool_param(data, "all_fields", False):
        return [{"id": t.id, "name": t.name, "display_name": t.name, "vocabulary_id": None} for t in tags]
    return [t.name for t in tags]
