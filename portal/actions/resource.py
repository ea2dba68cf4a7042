"""Resource actions: create (a link or an uploaded file), show, update, patch, delete, views."""

from __future__ import annotations

from typing import Any

from portal import authz
from portal.actions import saving
from portal.actions.registry import action
from portal.context import Context
from portal.dictize import resource_dict
from portal.errors import ValidationError
from portal.models import Resource, new_id, utcnow
from portal.uploads import Upload
from portal.validation import Errors, check_client_id, resource_fields


def auth_resource_create(ctx: Context, data: dict[str, Any]) -> None:
    if not data.get("package_id"):
        authz.require_user(ctx, "add resources")
        raise ValidationError({"package_id": ["Missing value"]})
    authz.check_package_permission(ctx, authz.find_package(ctx, data["package_id"]), "update_dataset")


def auth_resource_show(ctx: Context, data: dict[str, Any]) -> None:
    authz.check_package_read(ctx, authz.find_resource(ctx, data.get("id")).package)


def auth_resource_update(ctx: Context, data: dict[str, Any]) -> None:
    res = authz.find_resource(ctx, data.get("id"))
    authz.check_package_permission(ctx, res.package, "update_dataset")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors = Errors()
    clean = resource_fields(errors, data)
    upload = data.get("upload")
    if upload is not None and not isinstance(upload, Upload) and upload != "":
        errors.add("upload", "Must be a file sent as multipart/form-data")
    errors.raise_if_any()
    return clean


def _store(ctx: Context, res: Resource, data: dict[str, Any]) -> None:
    upload = data.get("upload")
    if isinstance(upload, Upload):
        saving.store_upload(ctx, res, upload)


@action(auth_resource_create)
def resource_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to a dataset: a link (``url``) or a file sent as multipart ``upload``.

    :param package_id: the dataset's id or name (required)
    :param url: a link, when there is no upload
    :param upload: the file (multipart/form-data)
    :param name, description, format, mimetype, hash, resource_type: optional; other keys are kept
    :param id: optional client-chosen UUID
    """
    pkg = authz.find_package(ctx, data["package_id"])
    clean = _clean(data)
    errors = Errors()
    rid = check_client_id(errors, data.get("id"))
    errors.raise_if_any()
    if rid and ctx.session.get(Resource, rid) is not None:
        raise ValidationError({"id": ["Resource id already exists"]})
    res = Resource(id=rid or new_id(), package_id=pkg.id, created=utcnow(), position=len(pkg.resources))
    saving.apply_resource(ctx, res, clean)
    _store(ctx, res, data)
    pkg.resources.append(res)
    saving.touch(ctx, pkg)
    return resource_dict(res, ctx.settings.site_url)


@action(auth_resource_show, get=True)
def resource_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return a resource's metadata.

    :param id: the resource id
    """
    return resource_dict(authz.find_resource(ctx, data.get("id")), ctx.settings.site_url)


@action(auth_resource_update)
def resource_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's metadata, and its file if ``upload`` is sent. Keys left out are cleared,
    except an uploaded file, which stays unless a new ``url`` or ``upload`` replaces it.

    :param id: the resource id
    """
    res = authz.find_resource(ctx, data.get("id"))
    clean = _clean(data)
    saving.apply_resource(ctx, res, clean)
    _store(ctx, res, data)
    saving.touch(ctx, res.package)
    return resource_dict(res, ctx.settings.site_url)


@action(auth_resource_update)
def resource_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Update only the given keys of a resource (and its file if ``upload`` is sent).

    :param id: the resource id
    """
    res = authz.find_resource(ctx, data.get("id"))
    current = resource_dict(res, ctx.settings.site_url)
    current.update(data)
    return resource_update(ctx, current)


@action(auth_resource_update)
def resource_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Remove a resource and its stored file.

    :param id: the resource id
    """
    res = authz.find_resource(ctx, data.get("id"))
    pkg = res.package
    saving.forget_file(ctx, res.storage_key)
    pkg.resources.remove(res)
    ctx.session.delete(res)
    for position, other in enumerate(pkg.resources):
        other.position = position
    saving.touch(ctx, pkg)


@action(auth_resource_show, get=True)
def resource_view_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a resource's views. This catalogue has no view plugins, so the list is empty.

    :param id: the resource id
    """
    return []
