"""Partner sign-in (session cookie, CSRF-protected forms, a fresh session on every sign-in) and API tokens.

Token pages call the ``api_token_*`` actions as the signed-in user. Forms post only with the CSRF token
(Flask-WTF), so another site cannot make a signed-in browser create or revoke tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal.actions import registry
from portal.actions.user import find_user
from portal.errors import ActionError, NotFound
from portal.models import User
from portal.passwords import hash_password, verify_password
from portal.web.helpers import fail
from portal.web_context import action_context

bp = Blueprint("account", __name__)
_DUMMY_HASH = hash_password("a password nobody has")  # equal work for unknown names: no user enumeration


@bp.route("/user/login", methods=["GET", "POST"])
def sign_in() -> Any:
    errors: dict[str, str] = {}
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:100]
        password = request.form.get("password", "")[:1000]
        if not username:
            errors["username"] = "Enter your user name"
        if not password:
            errors["password"] = "Enter your password"
        if not errors:
            user = _check(username, password)
            if user is None:
                errors["username"] = "The user name or password is not right"
            else:
                session.clear()  # rotate: nothing from before sign-in survives, including the CSRF token
                session["user_id"], session["user_name"] = user.id, user.name
                return redirect(_safe_next(request.form.get("next")), code=303)
    return render_template(
        "sign_in.html", nav="account", errors=errors, username=username, next=request.values.get("next", "")
    ), (400 if errors else 200)


def _check(username: str, password: str) -> User | None:
    ctx = action_context(allow_cookie=False)
    try:
        user = find_user(ctx, username)
    except NotFound:
        user = None
    if user is None or user.state != "active" or not user.password_hash:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("account.tokens")


@bp.route("/user/logout", methods=["POST"])
def sign_out() -> Response:
    session.clear()
    return redirect(url_for("home.index"), code=303)


@bp.route("/user/tokens", methods=["GET", "POST"])
def tokens() -> Any:
    ctx = action_context()
    if ctx.user is None:
        return redirect(url_for("account.sign_in", next=request.path), code=303)
    new_token, errors = None, {}
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name:
            errors["name"] = "Enter a name for the token, such as the script that will use it"
        else:
            new_token = _write(ctx, "api_token_create", {"name": name[:200]})["token"]
    listed = registry.call("api_token_list", ctx, {})
    return render_template(
        "tokens.html", nav="account", user=ctx.user, tokens=listed, new_token=new_token, errors=errors
    ), (400 if errors else 200)


@bp.route("/user/tokens/revoke", methods=["POST"])
def revoke() -> Response:
    ctx = action_context()
    if ctx.user is None:
        return redirect(url_for("account.sign_in"), code=303)
    _write(ctx, "api_token_revoke", {"jti": request.form.get("jti", "")})
    return redirect(url_for("account.tokens", revoked=1), code=303)


def _write(ctx: Any, action: str, data: dict[str, Any]) -> Any:
    try:
        result = registry.call(action, ctx, data)
        ctx.session.commit()
        return result
    except ActionError as exc:
        ctx.session.rollback()
        fail(exc.status, exc.message)
