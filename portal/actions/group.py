"""Group actions: the themes datasets are filed under."""

from __future__ import annotations

from typing import Any

from portal import authz
from portal.actions import groups_common as common
from portal.actions.package import allow_all, package_search
from portal.actions.params import as_int_param
from portal.actions.registry import action
from portal.context import Context


def auth_sysadmin(ctx: Context, data: dict[str, Any]) -> None:
    authz.require_sysadmin(ctx, "create groups")


@action(allow_all, get=True)
def group_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the groups' (themes') names, or full dicts with ``all_fields``.

    :param all_fields: return dicts with ``package_count`` (default false)
    :param sort: ``title asc`` (default), ``name``, ``package_count``, asc or desc
    :param limit, offset: paging (optional)
    """
    return common.list_groups(ctx, data, organization=False)


@action(allow_all, get=True)
def group_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a group (theme).

    :param id: id or name
    :param include_datasets: add up to 1,000 of its datasets (default false)
    """
    return common.show_group(ctx, data, organization=False)


@action(allow_all, get=True)
def group_package_show(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a group's datasets, most recently modified first.

    :param id: the group's id or name
    :param limit: how many (default 1000)
    """
    group = authz.find_group(ctx, data.get("id"), organization=False)
    limit = as_int_param(data, "limit", 1000, minimum=1)
    found = package_search(ctx, {"fq": f'groups:"{group.name}"', "rows": limit, "include_private": True})
    return found["results"]


@action(auth_sysadmin)
def group_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a group (a theme); sysadmins only.

    :param name: URL name (required); title, description, image_url, extras: optional
    """
    group = common.save_group(ctx, None, common.clean_group(ctx, data, None), organization=False)
    return common.show_group(ctx, {"id": group.id}, organization=False)
