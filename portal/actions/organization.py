"""Organization actions: the partner agencies that publish datasets, and their members' roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal import authz
from portal.actions import groups_common as common
from portal.actions.package import allow_all
from portal.actions.registry import action
from portal.context import Context
from portal.errors import NotFound, ValidationError
from portal.models import Group, Membership, Package, PackageGroup


def auth_sysadmin(ctx: Context, data: dict[str, Any]) -> None:
    authz.require_sysadmin(ctx, "create organizations and groups")


def auth_group_admin(ctx: Context, data: dict[str, Any]) -> None:
    authz.require_user(ctx, "manage organizations")
    group = _find_any_group(ctx, data.get("id"))
    if not authz.has_permission(ctx, group.id, "manage_group"):
        raise authz.NotAuthorized(f"user {ctx.user.name} is not an admin of {group.name}")


def _find_any_group(ctx: Context, ref: Any) -> Group:
    group = authz.by_id_or_name(ctx, Group, ref)
    if group is None or group.state == "deleted":
        raise NotFound("organization or group")
    return group


@action(allow_all, get=True)
def organization_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the organizations' names, or full dicts with ``all_fields``.

    :param all_fields: return dicts with ``package_count`` (default false)
    :param sort: ``title asc`` (default), ``name``, ``package_count``, asc or desc
    :param limit, offset: paging (optional)
    :param organizations: only these names (optional)
    :param q: names or titles containing this text (optional)
    """
    return common.list_groups(ctx, data, organization=True)


@action(allow_all, get=True)
def organization_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return an organization. Its members are listed to its own members and sysadmins only.

    :param id: id or name
    :param include_datasets: add up to 1,000 of its datasets (default false)
    """
    return common.show_group(ctx, data, organization=True)


@action(auth_sysadmin)
def organization_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create an organization (sysadmins only); the creator becomes its admin unless ``users`` is given.

    :param name: URL name (required); title, description, image_url, extras, users: optional
    """
    org = common.save_group(ctx, None, common.clean_group(ctx, data, None), organization=True)
    return common.show_group(ctx, {"id": org.id}, organization=True)


@action(auth_group_admin)
def organization_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace an organization's details (its admins and sysadmins). ``users`` left out are kept.

    :param id: id or name
    """
    org = authz.find_group(ctx, data.get("id"), organization=True)
    common.save_group(ctx, org, common.clean_group(ctx, data, org), organization=True)
    return common.show_group(ctx, {"id": org.id}, organization=True)


@action(auth_group_admin)
def organization_member_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Give a user a role in an organization, or change it (its admins and sysadmins).

    :param id: the organization's id or name
    :param username: the user's name or id
    :param role: member, editor or admin
    """
    org = authz.find_group(ctx, data.get("id"), organization=True)
    user = common._find_user(ctx, data.get("username"))
    role = data.get("role")
    errors = {}
    if user is None:
        errors["username"] = ["User not found"]
    if role not in authz.ROLES:
        errors["role"] = [f"Role must be one of: {', '.join(authz.ROLES)}"]
    if errors:
        raise ValidationError(errors)
    member = next((m for m in org.memberships if m.user_id == user.id), None)
    if member is None:
        member = Membership(user_id=user.id, capacity=role)
        org.memberships.append(member)
    member.capacity = role
    ctx.session.flush()
    return {
        "id": member.id,
        "group_id": org.id,
        "table_name": "user",
        "table_id": user.id,
        "capacity": role,
        "state": "active",
    }


def auth_member_list(ctx: Context, data: dict[str, Any]) -> None:
    group = _find_any_group(ctx, data.get("id"))
    if data.get("object_type", "user") in ("user", None, "") and group.is_organization:
        if not (ctx.is_sysadmin or authz.capacity(ctx, group.id)):
            raise authz.NotAuthorized("only an organization's members may list its members")


@action(auth_member_list, get=True)
def member_list(ctx: Context, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return an organization's or group's members as ``[id, type, capacity]`` triples.

    :param id: the organization's or group's id or name
    :param object_type: ``user`` or ``package`` (default: both for groups, users for organizations)
    :param capacity: only this role (optional)
    """
    group = _find_any_group(ctx, data.get("id"))
    object_type = data.get("object_type")
    out: list[tuple[str, str, str]] = []
    if object_type in (None, "", "user"):
        out += [(m.user_id, "user", m.capacity) for m in group.memberships]
    if object_type in (None, "", "package"):
        if group.is_organization:
            stmt = select(Package.id).where(Package.owner_org == group.id, Package.state == "active")
            visible = list(ctx.session.scalars(stmt.where(Package.private.is_(False))))
            if ctx.is_sysadmin or authz.capacity(ctx, group.id):
                visible = list(ctx.session.scalars(stmt))
            out += [(pid, "package", "organization") for pid in visible]
        else:
            stmt = (
                select(PackageGroup.package_id)
                .join(Package, Package.id == PackageGroup.package_id)
                .where(PackageGroup.group_id == group.id, Package.state == "active", Package.private.is_(False))
            )
            out += [(pid, "package", "public") for pid in ctx.session.scalars(stmt)]
    if capacity := data.get("capacity"):
        out = [m for m in out if m[2] == capacity]
    return out
