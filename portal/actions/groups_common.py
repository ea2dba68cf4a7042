"""What organizations and groups (themes) share: listing, showing and saving, as CKAN's group logic does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from portal import authz
from portal.actions.params import as_bool_param, as_int_param, as_list_param
from portal.context import Context
from portal.dictize import group_dict, user_dict
from portal.errors import ValidationError
from portal.models import Group, Membership, Package, PackageGroup, User, new_id
from portal.validation import Errors, check_client_id, check_name, extras, text

SORTS = {"name": Group.name, "title": Group.title, "package_count": None}


def package_counts(ctx: Context, organization: bool) -> dict[str, int]:
    """Public, active datasets per organization or group, counted in one query."""
    visible = (Package.state == "active", Package.private.is_(False))
    if organization:
        stmt = select(Package.owner_org, func.count()).where(*visible).group_by(Package.owner_org)
    else:
        stmt = (
            select(PackageGroup.group_id, func.count())
            .join(Package, Package.id == PackageGroup.package_id)
            .where(*visible)
            .group_by(PackageGroup.group_id)
        )
    return {gid: n for gid, n in ctx.session.execute(stmt) if gid}


def list_groups(ctx: Context, data: dict[str, Any], organization: bool) -> list[Any]:
    stmt = select(Group).where(Group.is_organization == organization, Group.state == "active")
    names = as_list_param(data, "organizations" if organization else "groups")
    if names:
        stmt = stmt.where(Group.name.in_(names))
    if q := data.get("q"):
        like = f"%{str(q).lower()}%"
        stmt = stmt.where(or_(func.lower(Group.name).like(like), func.lower(Group.title).like(like)))
    groups = list(ctx.session.scalars(stmt))
    counts = package_counts(ctx, organization)
    groups = _sort(groups, str(data.get("sort") or "title asc"), counts)
    offset = as_int_param(data, "offset", 0)
    limit = as_int_param(data, "limit", None)
    groups = groups[offset : offset + limit if limit is not None else None]
    if as_bool_param(data, "all_fields", False):
        return [group_dict(g, counts.get(g.id, 0)) for g in groups]
    return [g.name for g in groups]


def _sort(groups: list[Group], sort: str, counts: dict[str, int]) -> list[Group]:
    bits = sort.split()
    key, direction = (bits + ["asc"])[:2] if bits else ("title", "asc")
    if key not in SORTS or direction not in ("asc", "desc") or len(bits) > 2:
        raise ValidationError({"sort": [f"Cannot sort by {sort!r}: use name, title or package_count, asc or desc"]})
    keyfn = {
        "name": lambda g: g.name,
        "title": lambda g: (g.title or g.name).lower(),
        "package_count": lambda g: counts.get(g.id, 0),
    }[key]
    return sorted(groups, key=keyfn, reverse=direction == "desc")


def show_group(ctx: Context, data: dict[str, Any], organization: bool) -> dict[str, Any]:
    from portal.actions.package import package_search

    group = authz.find_group(ctx, data.get("id"), organization=organization)
    out = group_dict(group, package_counts(ctx, organization).get(group.id, 0))
    if as_bool_param(data, "include_datasets", False):
        field = "owner_org" if organization else "groups"
        value = group.id if organization else group.name
        found = package_search(ctx, {"fq": f'{field}:"{value}"', "rows": 1000, "include_private": True})
        out["packages"] = found["results"]
    if as_bool_param(data, "include_users", True) and _can_see_members(ctx, group):
        out["users"] = [{**user_dict(m.user, private=False), "capacity": m.capacity} for m in group.memberships]
    else:
        out["users"] = []
    return out


def _can_see_members(ctx: Context, group: Group) -> bool:
    """Staff lists of partner agencies are not public: members and sysadmins only."""
    return ctx.is_sysadmin or authz.capacity(ctx, group.id) is not None


def clean_group(ctx: Context, data: dict[str, Any], existing: Group | None) -> dict[str, Any]:
    errors = Errors()
    out: dict[str, Any] = {
        "name": check_name(errors, data.get("name") or (existing.name if existing else None)),
        "title": text(errors, data, "title", 300),
        "description": text(errors, data, "description", 100_000),
        "image_url": text(errors, data, "image_url", 2000),
    }
    taken = out["name"] and ctx.session.scalar(select(Group.id).where(Group.name == out["name"]))
    if taken and (existing is None or taken != existing.id):
        errors.add("name", "Group name already exists in database")
    if existing is None:
        out["id"] = check_client_id(errors, data.get("id"))
        if out["id"] and ctx.session.get(Group, out["id"]) is not None:
            errors.add("id", "Group id already exists")
    out["extras"] = extras(errors, data, set(out) | {"users", "packages", "type"})
    out["users"] = _users(ctx, errors, data["users"]) if "users" in data else None
    errors.raise_if_any()
    return out


def _users(ctx: Context, errors: Errors, raw: Any) -> list[tuple[User, str]]:
    if not isinstance(raw, list):
        errors.add("users", 'Must be a list of {"name": ..., "capacity": ...}')
        return []
    out = []
    for item in raw:
        ref = (item.get("name") or item.get("id")) if isinstance(item, dict) else item
        capacity = (item.get("capacity") if isinstance(item, dict) else None) or "member"
        user = _find_user(ctx, ref)
        if user is None:
            errors.add("users", f"User {ref!r} does not exist")
        elif capacity not in authz.ROLES:
            errors.add("users", f"Role {capacity!r} is not one of {', '.join(authz.ROLES)}")
        else:
            out.append((user, capacity))
    return out


def _find_user(ctx: Context, ref: Any) -> User | None:
    return authz.by_id_or_name(ctx, User, ref)


def save_group(ctx: Context, group: Group | None, clean: dict[str, Any], organization: bool) -> Group:
    if group is None:
        group = Group(
            id=clean.get("id") or new_id(),
            is_organization=organization,
            type="organization" if organization else "group",
        )
        ctx.session.add(group)
        if ctx.user is not None and clean["users"] is None:
            group.memberships.append(Membership(user_id=ctx.user.id, capacity="admin"))
    for key in ("name", "title", "description", "image_url"):
        setattr(group, key, clean[key])
    if clean["extras"] is not None:
        group.extras = clean["extras"]
    if clean["users"] is not None:
        set_members(ctx, group, clean["users"])
    ctx.session.flush()
    return group


def set_members(ctx: Context, group: Group, users: list[tuple[User, str]]) -> None:
    wanted = {u.id: cap for u, cap in users}
    for m in list(group.memberships):
        if m.user_id not in wanted:
            group.memberships.remove(m)
    current = {m.user_id: m for m in group.memberships}
    for uid, cap in wanted.items():
        if uid in current:
            current[uid].capacity = cap
        else:
            group.memberships.append(Membership(user_id=uid, capacity=cap))


def new_member_id() -> str:
    return new_id()
