"""User and API token actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal import authz, tokens
from portal.actions.package import allow_all, user_created_count
from portal.actions.registry import action
from portal.context import Context
from portal.dictize import iso, user_dict
from portal.errors import NotAuthorized, NotFound, ValidationError
from portal.models import ApiToken, User
from portal.passwords import MIN_LENGTH, hash_password
from portal.validation import Errors, check_name, text


def find_user(ctx: Context, ref: Any) -> User:
    user = authz.by_id_or_name(ctx, User, ref)
    if user is None or user.state == "deleted":
        raise NotFound("user")
    return user


def auth_self_or_sysadmin(ctx: Context, data: dict[str, Any]) -> None:
    authz.require_user(ctx, "manage API tokens")
    ref = data.get("user") or data.get("user_id")
    if ref is None and (data.get("token") or data.get("jti")):
        token = _find_token(ctx, data)
        ref = token.user_id
    target = find_user(ctx, ref or ctx.user.id)
    if target.id != ctx.user.id and not ctx.is_sysadmin:
        raise NotAuthorized("you may manage only your own API tokens")


@action(allow_all, get=True)
def user_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a user's public profile; the email address only to the user and sysadmins.

    :param id: id or name
    """
    user = find_user(ctx, data.get("id") or (ctx.user.id if ctx.user else None))
    private = ctx.is_sysadmin or (ctx.user is not None and ctx.user.id == user.id)
    return user_dict(user, private=private, created_count=user_created_count(ctx, user))


@action(lambda ctx, data: authz.require_sysadmin(ctx, "create users"))
def user_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a user (sysadmins only).

    :param name: user name (required); email, password (at least 8 characters), fullname: optional
    :param sysadmin: make the user a sysadmin (default false)
    """
    errors = Errors()
    name = check_name(errors, data.get("name"))
    if name and ctx.session.scalar(select(User.id).where(User.name == name)):
        errors.add("name", "That login name is not available.")
    email = text(errors, data, "email", 254)
    fullname = text(errors, data, "fullname", 200)
    password = data.get("password")
    if password is not None and (not isinstance(password, str) or len(password) < MIN_LENGTH):
        errors.add("password", f"Your password must be {MIN_LENGTH} characters or longer")
    errors.raise_if_any()
    user = User(
        name=name,
        email=email,
        fullname=fullname,
        password_hash=hash_password(password) if password else None,
        sysadmin=data.get("sysadmin") in (True, "true", "True", "1"),
    )
    ctx.session.add(user)
    ctx.session.flush()
    return user_dict(user, private=True)


@action(auth_self_or_sysadmin)
def api_token_create(ctx: Context, data: dict[str, Any]) -> dict[str, str]:
    """Create an API token. It is shown once, here; only a hash is kept.

    :param user: the user's name or id (default: yourself)
    :param name: a label for the token (required)
    """
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["Missing value"]})
    user = find_user(ctx, data.get("user") or ctx.user.id)
    _, raw = tokens.issue(ctx.session, user, name.strip()[:200])
    return {"token": raw}


@action(auth_self_or_sysadmin)
def api_token_revoke(ctx: Context, data: dict[str, Any]) -> None:
    """Revoke an API token: it stops working at once.

    :param token: the token itself, or
    :param jti: its id
    """
    ctx.session.delete(_find_token(ctx, data))


@action(auth_self_or_sysadmin, get=True)
def api_token_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """List a user's API tokens (ids, names, dates; never the secrets).

    :param user: the user's name or id (default: yourself)
    """
    user = find_user(ctx, data.get("user") or data.get("user_id") or ctx.user.id)
    found = ctx.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at))
    return [
        {
            "id": t.id,
            "name": t.name,
            "user_id": t.user_id,
            "created_at": iso(t.created_at),
            "last_access": iso(t.last_access),
        }
        for t in found
    ]


def _find_token(ctx: Context, data: dict[str, Any]) -> ApiToken:
    token_id = data.get("jti")
    if not token_id and isinstance(data.get("token"), str):
        parts = tokens.split(data["token"])
        token_id = parts[0] if parts else None
    token = ctx.session.get(ApiToken, token_id) if isinstance(token_id, str) else None
    if token is None:
        raise NotFound("API token")
    return token
