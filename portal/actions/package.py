"""Dataset actions: list, show, search, create, update, patch, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal import authz
from portal.actions import saving
from portal.actions.params import as_bool_param, as_int_param, as_list_param
from portal.actions.registry import action, writer_of
from portal.context import Context
from portal.dictize import license_register, package_dict
from portal.errors import NotAuthorized, ValidationError
from portal.models import Package, User, new_id
from portal.search import SearchParams, Visibility, changes
from portal.search.query import FIELD_RE
from portal.search.records import finish_one, package_dicts, record_by_ref


def show_dict(ctx: Context, pkg: Package) -> dict[str, Any]:
    return package_dict(pkg, ctx.settings.site_url, license_register(ctx.session))


def allow_all(ctx: Context, data: dict[str, Any]) -> None:
    """Public read actions; each filters what it returns by the user's rights."""


def auth_package_show(ctx: Context, data: dict[str, Any]) -> None:
    authz.check_package_read(ctx, _shown(ctx, data.get("id") or data.get("name_or_id")))


SHOWN = "package_show_source"  # session.info: what the auth check found, handed to the action it guards


def _shown(ctx: Context, ref: Any) -> Package | RecordView:
    """The dataset ``package_show`` answers from: its stored search record, one indexed read, as a results
    page reads it; or the ORM object when there is no record, or this transaction has changed datasets it
    has not committed yet (the record then is what the search index holds, which may lag the session)."""
    found: Package | RecordView | None = None
    if not changes.pending(ctx.session) and not ctx.session.dirty and not ctx.session.new:
        record = record_by_ref(ctx.session, ref)
        found = RecordView(record) if record is not None else None
    found = found or authz.find_package(ctx, ref)
    ctx.session.info[SHOWN] = (ref, found)
    return found


class RecordView:
    """A stored record seen through the attributes the read check looks at."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.id, self.state, self.private = record["id"], record["state"], record["private"]
        self.owner_org, self.creator_user_id = record["owner_org"], record["creator_user_id"]


def auth_package_create(ctx: Context, data: dict[str, Any]) -> None:
    authz.require_user(ctx, "create datasets")
    if ctx.is_sysadmin:
        return
    org_ref = data.get("owner_org")
    if org_ref:
        try:
            org = authz.find_group(ctx, org_ref, organization=True)
        except Exception:
            return  # validation reports the missing organization
        if authz.has_permission(ctx, org.id, "create_dataset"):
            return
    elif authz.member_org_ids(ctx, "create_dataset"):
        return
    raise NotAuthorized(f"user {ctx.user.name} not authorized to add dataset to this organization")


def auth_package_update(ctx: Context, data: dict[str, Any]) -> None:
    pkg = authz.find_package(ctx, data.get("id") or data.get("name"))
    authz.check_package_permission(ctx, pkg, "update_dataset")
    new_org = data.get("owner_org")
    if new_org and new_org not in (pkg.owner_org, pkg.organization and pkg.organization.name):
        auth_package_create(ctx, {"owner_org": new_org})


def auth_package_delete(ctx: Context, data: dict[str, Any]) -> None:
    authz.check_package_permission(ctx, authz.find_package(ctx, data.get("id")), "delete_dataset")


@action(allow_all, get=True)
def package_list(ctx: Context, data: dict[str, Any]) -> list[str]:
    """Return the names of the site's public, active datasets, sorted by name.

    :param limit: how many names to return (optional)
    :param offset: how many to skip, with ``limit`` (optional)
    """
    stmt = select(Package.name).where(Package.state == "active", Package.private.is_(False)).order_by(Package.name)
    limit = as_int_param(data, "limit", None, minimum=0)
    if limit is not None:
        stmt = stmt.limit(limit).offset(as_int_param(data, "offset", 0, minimum=0))
    return list(ctx.session.scalars(stmt))


@action(auth_package_show, get=True)
def package_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata of a dataset and its resources.

    :param id: the id or name of the dataset
    """
    ref = data.get("id") or data.get("name_or_id")
    checked_ref, found = ctx.session.info.pop(SHOWN, (None, None))
    if found is None or checked_ref != ref:  # not what the check just read: read and check it again
        auth_package_show(ctx, data)
        _, found = ctx.session.info.pop(SHOWN)
    if isinstance(found, RecordView):
        return finish_one(ctx.session, found.record, ctx.settings.site_url)
    return show_dict(ctx, found)


@action(allow_all, get=True)
def package_search(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets, with Solr-style queries, filters and facets computed in the database.

    :param q: free text, ranked over name, title, tags and notes; ``field:value`` also works
    :param fq: filters such as ``organization:police tags:"anti social"``, with AND/OR/NOT
    :param rows: results per page (default 10, at most 1000)
    :param start: offset of the first result
    :param sort: e.g. ``score desc, metadata_modified desc``, ``name asc``, ``title_string asc``
    :param facet.field: a list (or JSON list) of fields to count: organization, groups, tags, res_format...
    :param facet.limit: values per facet (default 50, -1 for all)
    :param facet.mincount: smallest count shown (default 1)
    :param include_private: include private datasets of your organizations (default false)
    :param include_drafts: include your draft datasets (default false)
    :returns: ``{count, results, facets, search_facets, sort}``
    """
    return _search(ctx, data, written=False)


@writer_of("package_search")
def package_search_written(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """``package_search`` for the API, with each result's JSON kept from the last page that showed it."""
    return _search(ctx, data, written=True)


def _search(ctx: Context, data: dict[str, Any], *, written: bool) -> dict[str, Any]:
    params = search_params(ctx, data)
    visibility = visibility_for(ctx, data)
    result = ctx.search.query(ctx.session, params, visibility)
    named = {v for f in ("organization", "groups") for v, _ in result.facets.get(f, [])}
    memory = ctx.search.memory
    documents = memory.documents if memory is not None else None
    results, groups = package_dicts(ctx.session, result, ctx.settings.site_url, named, documents, written=written)
    return {
        "count": result.count,
        "results": results,
        "facets": {f: dict(items) for f, items in result.facets.items()},
        "search_facets": search_facets({n: g.title for n, g in groups.items()}, result.facets),
        "sort": result.sort,
    }


def search_params(ctx: Context, data: dict[str, Any]) -> SearchParams:
    fq = data.get("fq") or ""
    if not isinstance(fq, (str, list)):
        fq = str(fq)
    fq_list = [fq] if isinstance(fq, str) else [str(f) for f in fq]
    fq_list += as_list_param(data, "fq_list")
    rows = as_int_param(data, "rows", 10, minimum=0)
    return SearchParams(
        q=str(data.get("q") or ""),
        fq=fq_list,
        rows=min(rows, ctx.settings.search_rows_max),
        start=as_int_param(data, "start", 0, minimum=0),
        sort=str(data["sort"]) if data.get("sort") else None,
        facet_fields=_facet_fields(data),
        facet_limit=as_int_param(data, "facet.limit", 50, minimum=-1),
        facet_mincount=as_int_param(data, "facet.mincount", 1, minimum=0),
    )


def _facet_fields(data: dict[str, Any]) -> list[str]:
    fields = as_list_param(data, "facet.field")
    bad = [f for f in fields if not FIELD_RE.match(f)]
    if bad:
        raise ValidationError({"facet.field": [f"Not a field name: {bad[0]!r} (send a JSON list of names)"]})
    return fields


def visibility_for(ctx: Context, data: dict[str, Any]) -> Visibility:
    return Visibility(
        user_id=ctx.user.id if ctx.user else None,
        sysadmin=ctx.is_sysadmin,
        readable_orgs=tuple(authz.member_org_ids(ctx)),
        include_private=as_bool_param(data, "include_private", False),
        include_drafts=as_bool_param(data, "include_drafts", False),
        include_deleted=as_bool_param(data, "include_deleted", False),
    )


def search_facets(titles: dict[str, str | None], facets: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """CKAN's ``search_facets``: each value with its display name (organization and group titles)."""
    return {
        field: {
            "title": field,
            "items": [
                {
                    "name": v,
                    "display_name": (titles.get(v) or v) if field in ("organization", "groups") else v,
                    "count": n,
                }
                for v, n in items
            ],
        }
        for field, items in facets.items()
    }


@action(auth_package_create)
def package_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset, with its tags, groups, extras and resources (link resources only).

    :param name: URL name, 2-100 of a-z 0-9 - _ (required)
    :param owner_org: id or name of the publishing organization (required)
    :param title, notes, url, version, author, author_email, maintainer, maintainer_email, license_id:
    :param private: true to restrict to the organization's members
    :param tags: ``[{"name": ...}]``; groups: ``[{"name": ...}]``; extras: ``[{"key": ..., "value": ...}]``
    :param resources: list of resource dicts; client-supplied ids are kept
    :returns: the new dataset, as ``package_show`` gives it
    """
    clean = saving.clean_package(ctx, data, None)
    pkg = Package(id=clean.get("id") or new_id(), creator_user_id=ctx.user.id if ctx.user else None)
    ctx.session.add(pkg)
    saving.apply_package(ctx, pkg, clean)
    saving.touch(ctx, pkg)
    return show_dict(ctx, pkg)


@action(auth_package_update)
def package_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata. Fields left out are cleared; tags, groups, extras and resources
    left out are kept. Resources are matched by id: new ones are created, missing ones removed.

    :param id: the id or name of the dataset
    """
    pkg = authz.find_package(ctx, data.get("id") or data.get("name"))
    data = {**data, "name": data.get("name") or pkg.name}
    clean = saving.clean_package(ctx, data, pkg)
    saving.apply_package(ctx, pkg, clean)
    saving.touch(ctx, pkg)
    return show_dict(ctx, pkg)


@action(auth_package_update)
def package_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Update only the fields given; everything else keeps its value.

    :param id: the id or name of the dataset
    """
    pkg = authz.find_package(ctx, data.get("id") or data.get("name"))
    current = show_dict(ctx, pkg)
    current.update(data)
    current["id"] = pkg.id
    return package_update(ctx, current)


@action(auth_package_delete)
def package_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Delete a dataset: it leaves lists and search; its editors can still see it.

    :param id: the id or name of the dataset
    """
    pkg = authz.find_package(ctx, data.get("id"))
    pkg.state = "deleted"
    saving.touch(ctx, pkg)


def user_created_count(ctx: Context, user: User) -> int:
    from sqlalchemy import func

    return (
        ctx.session.scalar(
            select(func.count())
            .select_from(Package)
            .where(Package.creator_user_id == user.id, Package.state == "active", Package.private.is_(False))
        )
        or 0
    )
