"""Per-request wiring: one database session per request, and who the caller is."""

from __future__ import annotations

from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from portal import tokens
from portal.context import Context
from portal.models import User


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal"].db.sessions()
    return g.db_session


def use_read_session() -> None:
    """Make this request's session a reader's (see :attr:`portal.db.Database.read_sessions`)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal"].db.read_sessions()


def close_db_session(_exc: BaseException | None = None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


def current_user(*, allow_cookie: bool) -> User | None:
    """The token's user; or, where ``allow_cookie`` (reads and downloads), the signed-in user.

    Writes never trust the cookie alone, so a hostile page cannot make a signed-in browser change data.
    """
    raw = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
    if raw:
        return tokens.authenticate(db_session(), raw)
    if allow_cookie and (user_id := session.get("user_id")):
        user = db_session().get(User, user_id)
        if user is not None and user.state == "active":
            return user
    return None


def action_context(*, allow_cookie: bool = True) -> Context:
    portal = current_app.extensions["portal"]
    user = current_user(allow_cookie=allow_cookie)
    return Context(db_session(), user, portal.settings, portal.storage, portal.search)
