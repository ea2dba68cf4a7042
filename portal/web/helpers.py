"""What every view shares: calling actions as the visitor, turning action errors into GOV.UK error pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NoReturn

from flask import abort, make_response, render_template

from portal.actions import registry
from portal.context import Context
from portal.errors import ActionError
from portal.web_context import action_context

MESSAGES = {
    403: ("You cannot see this page", "This page is only available to signed-in partner users with access."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    400: ("There is a problem with your request", "Check the address or the search terms and try again."),
}


def call(name: str, data: dict[str, Any] | None = None, ctx: Context | None = None) -> Any:
    """Run an action as the visitor (signed-in user for reads), showing an error page if it refuses."""
    try:
        return registry.call(name, ctx or action_context(), data or {})
    except ActionError as exc:
        fail(exc.status, exc.message)


def fail(status: int, detail: str = "") -> NoReturn:
    status = status if status in MESSAGES else 400
    title, advice = MESSAGES[status]
    body = render_template("error.html", title=title, advice=advice, detail=detail if status == 400 else "")
    abort(make_response(body, status))


def extras_dict(pkg: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in pkg.get("extras") or [] if e.get("value") not in (None, "")}


def public_context() -> Context:
    """An anonymous caller, whoever is signed in: feeds, sitemaps and DCAT never list private datasets."""
    ctx = action_context(allow_cookie=False)
    return ctx.as_user(None)


def site_url() -> str:
    from flask import current_app

    return current_app.extensions["portal"].settings.site_url


def cached(key: str, ttl: float, compute: Callable[[], Any]) -> Any:
    """A value kept per app for ``ttl`` seconds: for slow-changing lists every page would otherwise rebuild."""
    from flask import current_app

    store = current_app.extensions.setdefault("portal_web_cache", {})
    now = time.monotonic()
    hit = store.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    store[key] = (now, value)
    return value
