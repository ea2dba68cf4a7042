"""Writing datasets and resources: shared by create, update and patch so each rule lives in one place."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select

from portal import authz
from portal.context import Context
from portal.db import on_commit, on_rollback
from portal.errors import PayloadTooLarge, StorageUnavailable
from portal.models import Group, Package, PackageGroup, PackageTag, Resource, Tag, utcnow
from portal.storage.base import StorageError, TooLarge
from portal.uploads import Upload, clean_filename, guess_format, guess_mimetype
from portal.validation import (
    Errors,
    check_client_id,
    check_name,
    extras,
    group_refs,
    package_fields,
    resource_fields,
    tag_names,
)

# Tag ids derive from the name, so the same tag has the same id in every catalogue (dump and load agree).
TAG_NAMESPACE = uuid.UUID("3b8a5f0e-7f43-4d1e-9a53-6f1f0c2d7a10")

PACKAGE_CORE = {
    "id", "name", "title", "notes", "url", "version", "author", "author_email", "maintainer",
    "maintainer_email", "license_id", "private", "state", "type", "owner_org", "tags", "groups", "extras",
    "resources", "organization", "metadata_created", "metadata_modified", "creator_user_id",
}  # fmt: skip


def clean_package(ctx: Context, data: dict[str, Any], existing: Package | None) -> dict[str, Any]:
    """Validate a dataset dict against the database as well as its own shape."""
    errors = Errors()
    out = package_fields(errors, data)
    out["name"] = check_name(errors, data.get("name"))
    if out["name"] and _name_taken(ctx, out["name"], existing):
        errors.add("name", "That URL is already in use.")
    if existing is None:
        out["id"] = check_client_id(errors, data.get("id"))
        if out["id"] and ctx.session.get(Package, out["id"]) is not None:
            errors.add("id", "Dataset id already exists")
        if out["id"] and not ctx.is_sysadmin:
            out["id"] = None  # as CKAN: only sysadmins choose ids
    out["owner_org"] = _owner_org(ctx, errors, data.get("owner_org"))
    out["tags"] = tag_names(errors, data)
    refs = group_refs(errors, data)
    out["groups"] = _groups(ctx, errors, refs) if refs is not None else None
    out["extras"] = extras(errors, data, PACKAGE_CORE)
    out["resources"] = _resources(errors, data.get("resources")) if "resources" in data else None
    errors.raise_if_any()
    return out


def _name_taken(ctx: Context, name: str, existing: Package | None) -> bool:
    other = ctx.session.scalar(select(Package.id).where(Package.name == name))
    return other is not None and (existing is None or other != existing.id)


def _owner_org(ctx: Context, errors: Errors, ref: Any) -> str | None:
    if ref in (None, ""):
        errors.add("owner_org", "Missing value")
        return None
    try:
        org = authz.find_group(ctx, ref, organization=True)
    except Exception:
        errors.add("owner_org", "Organization does not exist")
        return None
    return org.id


def _groups(ctx: Context, errors: Errors, refs: list[str]) -> list[str]:
    ids = []
    for ref in refs:
        try:
            ids.append(authz.find_group(ctx, ref, organization=False).id)
        except Exception:
            errors.add("groups", f"Group {ref!r} does not exist")
    return ids


def _resources(errors: Errors, raw: Any) -> list[dict[str, Any]] | None:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        errors.add("resources", "Must be a list of resource objects")
        return None
    out = []
    for index, item in enumerate(raw):
        sub = Errors()
        upload = item.get("upload")
        if isinstance(upload, Upload):  # a file sent with the dataset (package_revise's multipart uploads)
            item = {k: v for k, v in item.items() if k != "upload"}
        elif upload not in (None, ""):
            sub.add("upload", "Must be a file sent as multipart/form-data")
            upload = None
        cleaned = resource_fields(sub, {k: v for k, v in item.items() if k != "upload"})
        cleaned["id"] = check_client_id(sub, item.get("id"))
        cleaned["upload"] = upload if isinstance(upload, Upload) else None
        for field, messages in sub.fields.items():
            errors.add("resources", f"resource {index + 1}, {field}: {'; '.join(messages)}")
        out.append(cleaned)
    return out


def apply_package(ctx: Context, pkg: Package, clean: dict[str, Any]) -> None:
    """Copy cleaned values onto ``pkg``; lists left out of an update (``None``) stay as they were."""
    for key in ("name", "title", "notes", "url", "version", "author", "author_email", "maintainer",
                "maintainer_email", "license_id", "private", "type", "owner_org"):  # fmt: skip
        setattr(pkg, key, clean[key])
    if clean["state"]:
        pkg.state = clean["state"]
    if clean["tags"] is not None:
        set_tags(ctx, pkg, clean["tags"])
    if clean["groups"] is not None:
        pkg.groups = [PackageGroup(group_id=g, group=ctx.session.get(Group, g)) for g in clean["groups"]]
    if clean["extras"] is not None:
        pkg.extras = clean["extras"]
    if clean["resources"] is not None:
        set_resources(ctx, pkg, clean["resources"])
    pkg.metadata_modified = utcnow()


def set_tags(ctx: Context, pkg: Package, names: list[str]) -> None:
    query = select(Tag).where(Tag.name.in_(names), Tag.vocabulary_id.is_(None))
    existing = {t.name: t for t in ctx.session.scalars(query)}
    links = []
    for position, name in enumerate(names):
        tag = existing.get(name) or Tag(id=str(uuid.uuid5(TAG_NAMESPACE, name)), name=name)
        ctx.session.add(tag)
        links.append(PackageTag(tag=tag, position=position))
    pkg.tags = links


def set_resources(ctx: Context, pkg: Package, items: list[dict[str, Any]]) -> None:
    """Replace the resource list: matching ids are updated in place, the rest created or removed."""
    current = {r.id: r for r in pkg.resources}
    kept: list[Resource] = []
    for position, item in enumerate(items):
        res = current.pop(item["id"], None) if item.get("id") else None
        if res is None:
            if item.get("id") and ctx.session.get(Resource, item["id"]) is not None:
                raise_validation("resources", f"resource id {item['id']} already exists")
            res = Resource(id=item.get("id") or str(uuid.uuid4()), package_id=pkg.id, created=utcnow())
        apply_resource(ctx, res, item)
        if item.get("upload") is not None:
            store_upload(ctx, res, item["upload"])
        res.position = position
        kept.append(res)
    for gone in current.values():
        forget_file(ctx, gone.storage_key)
    pkg.resources = kept


def apply_resource(ctx: Context, res: Resource, clean: dict[str, Any]) -> None:
    """Copy cleaned values onto ``res``. An uploaded file stays unless the client points elsewhere."""
    url, url_type = clean.get("url") or "", clean.get("url_type")
    has_file = res.url_type == "upload" and res.storage_key is not None
    keeps_file = has_file and url_type in (None, "", "upload") and (not url or _file_name(url) == res.url)
    if keeps_file:
        url, url_type = res.url, "upload"
    elif url_type == "upload":
        url = _file_name(url)
    if has_file and not keeps_file:
        forget_file(ctx, res.storage_key)
        res.storage_key = None
    res.url, res.url_type = url, url_type or None
    for key in ("name", "description", "resource_type"):
        setattr(res, key, clean.get(key))
    if not keeps_file:  # a stored file's size, hash and type are facts, not client input
        res.size, res.hash, res.mimetype = clean.get("size"), clean.get("hash") or "", clean.get("mimetype")
    res.format = clean.get("format") or guess_format(res.url)
    res.extras = clean.get("extras") or {}
    res.metadata_modified = utcnow()
    res.state = "active"


def _file_name(url: str) -> str:
    return unquote(url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])


def store_upload(ctx: Context, res: Resource, upload: Upload) -> None:
    """Stream the file to storage under a fresh key; the database row switches to it only on commit."""
    key = f"resources/{res.id}/{uuid.uuid4().hex}"
    try:
        stored = ctx.storage.put(key, upload.stream, max_bytes=ctx.settings.max_upload_bytes)
    except TooLarge as exc:
        raise PayloadTooLarge({"upload": [f"File upload too large: the limit is {exc.limit} bytes"]}) from exc
    except StorageError as exc:
        raise StorageUnavailable() from exc
    on_rollback(ctx.session, lambda: ctx.storage.delete(key))
    forget_file(ctx, res.storage_key)
    filename = clean_filename(upload.filename)
    res.storage_key, res.url, res.url_type = key, filename, "upload"
    res.size, res.hash = stored.size, f"sha256:{stored.sha256}"
    res.mimetype = guess_mimetype(filename)
    res.format = res.format or guess_format(filename)
    res.last_modified = utcnow()


def forget_file(ctx: Context, key: str | None) -> None:
    if key:
        on_commit(ctx.session, lambda: ctx.storage.delete(key))


def touch(ctx: Context, pkg: Package) -> None:
    pkg.metadata_modified = utcnow()
    ctx.session.flush()
    ctx.session.refresh(pkg)
    ctx.search.index(ctx.session, pkg)


def raise_validation(field: str, message: str) -> None:
    from portal.errors import ValidationError

    raise ValidationError({field: [message]})
