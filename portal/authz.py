"""Who may do what, following CKAN's ``authz``: roles in an organization grant permissions on its datasets.

member: read the organization's private datasets; editor: also create, update and delete them;
admin: also manage the organization and its members; sysadmin: everything.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select

from portal.context import Context
from portal.errors import NotAuthorized, NotFound
from portal.models import Group, Membership, Package, Resource

ROLES = ("member", "editor", "admin")
ROLE_PERMISSIONS = {
    "member": {"read"},
    "editor": {"read", "create_dataset", "update_dataset", "delete_dataset"},
    "admin": {"read", "create_dataset", "update_dataset", "delete_dataset", "manage_group"},
}


def capacity(ctx: Context, group_id: str | None) -> str | None:
    if ctx.user is None or group_id is None:
        return None
    return ctx.session.scalar(
        select(Membership.capacity).where(Membership.group_id == group_id, Membership.user_id == ctx.user.id)
    )


def has_permission(ctx: Context, group_id: str | None, permission: str) -> bool:
    if ctx.is_sysadmin:
        return True
    role = capacity(ctx, group_id)
    return role is not None and permission in ROLE_PERMISSIONS.get(role, set())


def member_org_ids(ctx: Context, permission: str = "read") -> list[str]:
    """Organizations where the user holds ``permission`` (sysadmins are handled by callers)."""
    if ctx.user is None:
        return []
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if permission in perms]
    return list(
        ctx.session.scalars(
            select(Membership.group_id)
            .join(Group, Group.id == Membership.group_id)
            .where(Membership.user_id == ctx.user.id, Membership.capacity.in_(roles), Group.is_organization)
        )
    )


def require_user(ctx: Context, what: str) -> None:
    if ctx.user is None:
        raise NotAuthorized(f"you must be signed in to {what}")


def require_sysadmin(ctx: Context, what: str) -> None:
    if not ctx.is_sysadmin:
        raise NotAuthorized(f"only a sysadmin may {what}")


class Readable(Protocol):
    """What the read check looks at: a dataset, or its stored search record (``package_show``)."""

    id: str
    state: str
    private: bool
    owner_org: str | None
    creator_user_id: str | None


def can_read_package(ctx: Context, pkg: Readable) -> bool:
    if ctx.is_sysadmin:
        return True
    if pkg.state == "deleted":
        return has_permission(ctx, pkg.owner_org, "update_dataset")
    if pkg.state == "draft" and ctx.user is not None and pkg.creator_user_id == ctx.user.id:
        return True
    if pkg.state == "draft":
        return has_permission(ctx, pkg.owner_org, "update_dataset")
    if pkg.private:
        return has_permission(ctx, pkg.owner_org, "read")
    return True


def check_package_read(ctx: Context, pkg: Readable) -> None:
    if not can_read_package(ctx, pkg):
        raise NotAuthorized(f"user {_who(ctx)} not authorized to read package {pkg.id}")


def check_package_permission(ctx: Context, pkg: Package, permission: str) -> None:
    require_user(ctx, "change datasets")
    if not has_permission(ctx, pkg.owner_org, permission):
        raise NotAuthorized(f"user {_who(ctx)} not authorized to edit package {pkg.id}")


def by_id_or_name(ctx: Context, model: Any, ref: Any) -> Any:
    """The row of ``model`` whose id or name is ``ref``, or ``None`` (also for a ref that is not a string)."""
    if not isinstance(ref, str) or not ref:
        return None
    return ctx.session.get(model, ref) or ctx.session.scalar(select(model).where(model.name == ref))


def find_package(ctx: Context, id_or_name: Any) -> Package:
    pkg = by_id_or_name(ctx, Package, id_or_name)
    if pkg is None:
        raise NotFound("dataset")
    return pkg


def find_resource(ctx: Context, resource_id: Any) -> Resource:
    if not isinstance(resource_id, str) or not resource_id:
        raise NotFound("resource")
    res = ctx.session.get(Resource, resource_id)
    if res is None or res.state != "active":
        raise NotFound("resource")
    return res


def find_group(ctx: Context, id_or_name: Any, *, organization: bool) -> Group:
    kind = "organization" if organization else "group"
    group = by_id_or_name(ctx, Group, id_or_name)
    if group is None or group.is_organization != organization or group.state == "deleted":
        raise NotFound(kind)
    return group


def _who(ctx: Context) -> str:
    return ctx.user.name if ctx.user else "anonymous"
