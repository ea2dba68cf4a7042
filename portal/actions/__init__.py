"""The logic layer: every behaviour is an action ``fn(ctx, data) -> result`` registered by name."""

from portal.actions.registry import ACTIONS, call, get_action

__all__ = ["ACTIONS", "call", "get_action"]
