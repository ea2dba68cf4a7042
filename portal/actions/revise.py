"""``package_revise``: CKAN 2.9's one-call dataset revision (match, filter, update, several file uploads).

Publishers use it to swap a dataset to a new version in one request: every file of the version travels in
the same multipart body, so the catalogue shows the old version or the new one, never a half-uploaded mix.
The flattened-key rules (``update__resources__-1__upload``, ``update__resources__1f9ab__name``,
``update__resources__extend``) follow CKAN's documented behaviour.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from portal import authz
from portal.actions.package import auth_package_update, package_update, show_dict
from portal.actions.registry import action
from portal.context import Context
from portal.errors import ValidationError

Path = tuple[Any, ...]


class _Unmatched(ValueError):
    """A flattened key that names nothing in the dataset dict."""


def _json_param(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["Must be a JSON object" if kind is dict else "Must be a JSON list"]}) from None
    if value is not None and not isinstance(value, kind):
        raise ValidationError({key: [f"Must be a {'dict' if kind is dict else 'list'}"]})
    return value


def _flattened(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``prefix__a__b`` keys with their values; JSON strings are decoded as a form post would send them."""
    out = {}
    for key, value in data.items():
        if key.startswith(prefix + "__"):
            if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            out[key[len(prefix) + 2 :]] = value
    return out


def _patterns(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.strip().startswith("[") else value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({key: ["Must be a list of patterns such as ['-resources__1']"]})
    return [v.strip() for v in value if v.strip()]


def _step(current: Any, key: str, path: list[Any]) -> Any:
    """One level down a flattened key: a dict key, a list index (negative allowed) or an id prefix (5+)."""
    if isinstance(current, dict):
        if key not in current:
            raise _Unmatched("__".join(map(str, [*path, key])))
        path.append(key)
        return current[key]
    if not isinstance(current, list):
        raise _Unmatched("__".join(map(str, [*path, key])))
    if len(key) >= 5:
        for index, item in enumerate(current):
            if isinstance(item, dict) and str(item.get("id", "")).startswith(key):
                path.append(index)
                return item
        raise _Unmatched("__".join(map(str, [*path, key])))
    try:
        index = int(key)
        if not -len(current) <= index < len(current):
            raise ValueError
    except ValueError:
        raise _Unmatched("__".join(map(str, [*path, key]))) from None
    path.append(index % len(current))
    return current[index]


def _resolve(data: Any, string_key: str) -> tuple[Any, list[Any]]:
    path: list[Any] = []
    current = data
    for key in string_key.split("__"):
        current = _step(current, key, path)
    return current, path


def _mismatches(current: Any, expected: Any, path: list[Any]) -> list[str]:
    """Where ``expected`` (a dict, list or value) differs from the dataset: each as a flattened key."""
    if isinstance(expected, dict):
        if not isinstance(current, dict):
            return ["__".join(map(str, path))]
        return [m for k, v in expected.items() for m in _mismatches(current.get(k, _MISSING), v, [*path, k])]
    if isinstance(expected, list):
        if not isinstance(current, list) or len(current) < len(expected):
            return ["__".join(map(str, path))]
        return [m for i, v in enumerate(expected) for m in _mismatches(current[i], v, [*path, i])]
    return [] if current == expected else ["__".join(map(str, path))]


_MISSING = object()


def _merge(target: Any, update: Any, path: list[Any]) -> Any:
    """CKAN's merge: dicts merge key by key, lists item by item (longer updates append), values replace."""
    if isinstance(target, dict):
        if not isinstance(update, dict):
            raise ValidationError({"update": [f"Expected dict for {'__'.join(map(str, path)) or 'update'}"]})
        for key, value in update.items():
            target[key] = _merge(target[key], value, [*path, key]) if key in target else value
        return target
    if isinstance(target, list):
        if not isinstance(update, list):
            raise ValidationError({"update": [f"Expected list for {'__'.join(map(str, path))}"]})
        for index, value in enumerate(update):
            if index < len(target):
                target[index] = _merge(target[index], value, [*path, index])
            else:
                target.append(value)
        return target
    return update


def _update_key(revised: dict[str, Any], string_key: str, value: Any) -> None:
    *parents, last = string_key.split("__")
    parent, path = _resolve(revised, "__".join(parents)) if parents else (revised, [])
    if isinstance(parent, dict):
        parent[last] = _merge(parent[last], value, [*path, last]) if last in parent else value
    elif isinstance(parent, list) and last == "extend":
        if not isinstance(value, list):
            raise ValidationError({f"update__{string_key}": ["Expected a list"]})
        parent.extend(value)
    elif isinstance(parent, list):
        child_path = list(path)
        child = _step(parent, last, child_path)
        parent[child_path[-1]] = _merge(child, value, child_path)
    else:
        raise ValidationError({f"update__{string_key}": ["Expected list or dict"]})


def _filter(data: Any, globs: list[tuple[bool, list[str]]]) -> None:
    """Remove fields matching ``-pattern`` globs unless a ``+pattern`` protects them (first match wins)."""
    if isinstance(data, dict):
        protected: dict[str, Any] = {}
        children: dict[str, list[tuple[bool, list[str]]]] = {}
        for keep, parts in globs:
            head = parts[0]
            if head == "*":
                protected.update(data) if keep else data.clear()
            elif head in data and len(parts) > 1:
                children.setdefault(head, []).append((keep, parts[1:]))
            elif head in data:
                if keep:
                    protected[head] = data[head]
                else:
                    del data[head]
        data.update(protected)
        for head, sub in children.items():
            if head in data:
                _filter(data[head], sub)
    elif isinstance(data, list):
        _filter_list(data, globs)


def _filter_list(data: list[Any], globs: list[tuple[bool, list[str]]]) -> None:
    protected: set[int] = set()
    removed: set[int] = set()
    children: dict[int, list[tuple[bool, list[str]]]] = {}
    for keep, parts in globs:
        if parts[0] == "*":
            (protected if keep else removed).update(set(range(len(data))) - (removed if keep else protected))
            continue
        path: list[Any] = []
        try:
            _step(data, parts[0], path)
        except _Unmatched:
            continue
        index = path[0]
        if len(parts) > 1:
            children.setdefault(index, []).append((keep, parts[1:]))
        elif keep and index not in removed:
            protected.add(index)
        elif not keep and index not in protected:
            removed.add(index)
    for index, sub in children.items():
        if index not in removed - protected:
            _filter(data[index], sub)
    data[:] = [item for i, item in enumerate(data) if i not in removed - protected]


def _target(data: dict[str, Any], match: dict[str, Any], match_flat: dict[str, Any]) -> str:
    ref = match_flat.get("id") or match.get("id") or match_flat.get("name") or match.get("name")
    if not ref:
        raise ValidationError({"match__id": ["Missing value"]})
    return str(ref)


def auth_package_revise(ctx: Context, data: dict[str, Any]) -> None:
    match = _json_param(data, "match", dict) or {}
    ref = _target(data, match, _flattened(data, "match"))
    auth_package_update(ctx, {"id": ref})


@action(auth_package_revise)
def package_revise(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Revise a dataset selectively: check ``match``, drop fields by ``filter``, merge ``update``.

    Everything happens in one transaction, file uploads included: a failure leaves the dataset as it was.

    :param match: dict with the dataset's ``id`` or ``name``; every value given must equal the current one,
        else a Validation Error (optimistic concurrency). Flattened keys work too: ``match__name=my-data``.
    :param filter: patterns of fields to remove first, e.g. ``["-resources"]`` or ``"+title,-*"``
    :param update: dict merged into the dataset (dicts by key, lists by position, longer lists append)
    :param update__<key>: flattened updates: ``update__resources__-1__name``, ``update__resources__1f9ab``
        (an id prefix of 5+ characters), ``update__resources__extend`` (a list to append), and
        ``update__resources__<index or id>__upload`` (a file sent as multipart/form-data)
    :param include: patterns of fields to keep in the response, e.g. ``"-*"`` to return nothing
    :returns: ``{"package": the revised dataset}``
    """
    match = _json_param(data, "match", dict) or {}
    match_flat = _flattened(data, "match")
    update = _json_param(data, "update", dict)
    update_flat = _flattened(data, "update")
    pkg = authz.find_package(ctx, _target(data, match, match_flat))
    original = show_dict(ctx, pkg)
    unmatched = _mismatches(original, match, [])
    for key, value in sorted(match_flat.items()):
        try:
            current, path = _resolve(original, key)
        except _Unmatched as exc:
            unmatched.append(str(exc))
            continue
        unmatched.extend(_mismatches(current, value, path))
    if unmatched:
        raise ValidationError({"match": unmatched})
    revised = copy.deepcopy(original)
    revised.pop("metadata_modified", None)
    filters = _patterns(data, "filter")
    if filters:
        _filter(revised, [(p.startswith("+"), p.lstrip("+-").split("__")) for p in filters])
        revised["id"] = original["id"]
    if update is not None:
        _merge(revised, update, [])
    # Extensions first, so files can be attached to resources added in the same call.
    for key in sorted(update_flat, key=lambda k: (not k.endswith("extend"), k)):
        try:
            _update_key(revised, key, update_flat[key])
        except _Unmatched as exc:
            raise ValidationError({f"update__{key}": [f"Unmatched key {exc}"]}) from None
    auth_package_update(ctx, revised)
    result: dict[str, Any] = {"package": package_update(ctx, revised)}
    includes = _patterns(data, "include")
    if includes:
        _filter(result, [(p.startswith("+"), p.lstrip("+-").split("__")) for p in includes])
    return result
