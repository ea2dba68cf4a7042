"""The explicit register of actions: name -> function, its authorization check and whether GET may call it.

Every action is ``fn(ctx, data) -> result``; the API and the website both call them through :func:`call`,
which always runs the action's auth function first, so no action can forget to check access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from portal.context import Context
from portal.errors import NotFound

ActionFn = Callable[[Context, dict[str, Any]], Any]
AuthFn = Callable[[Context, dict[str, Any]], None]


@dataclass(frozen=True)
class Action:
    name: str
    fn: ActionFn
    auth: AuthFn
    side_effect_free: bool
    # The same action for callers that only write its answer out as JSON (the API): it may return parts
    # already written (portal.jsonwrite.RawJson) in place of dicts, which other callers could not read.
    writer: ActionFn | None = None

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip()


ACTIONS: dict[str, Action] = {}


def action(auth: AuthFn, *, get: bool = False) -> Callable[[ActionFn], ActionFn]:
    """Register ``fn`` under its own name; ``get`` marks a read action that GET requests may call."""

    def register(fn: ActionFn) -> ActionFn:
        if fn.__name__ in ACTIONS:
            raise RuntimeError(f"action {fn.__name__} registered twice")
        ACTIONS[fn.__name__] = Action(fn.__name__, fn, auth, get)
        return fn

    return register


def writer_of(name: str) -> Callable[[ActionFn], ActionFn]:
    """Register ``fn`` as the writer variant of the action ``name`` (see :attr:`Action.writer`)."""

    def register(fn: ActionFn) -> ActionFn:
        ACTIONS[name] = replace(ACTIONS[name], writer=fn)
        return fn

    return register


def get_action(name: str) -> Action:
    _load_all()
    try:
        return ACTIONS[name]
    except KeyError:
        raise NotFound(f"action {name}") from None


def call(name: str, ctx: Context, data: dict[str, Any] | None = None, *, written: bool = False) -> Any:
    """Authorize, then run an action. Callers own the transaction (commit or roll back). ``written``: the caller
    only writes the answer out with :func:`portal.jsonwrite.dumps`, so the action's writer variant may answer."""
    act = get_action(name)
    data = dict(data or {})
    act.auth(ctx, data)
    fn = act.writer if written and act.writer is not None else act.fn
    return fn(ctx, data)


def _load_all() -> None:
    """Import the action modules once so their decorators fill the register."""
    from portal.actions import group, organization, package, resource, revise, site, user  # noqa: F401
