"""Model objects to the dicts CKAN's API returns (the shapes in CKAN's ``model_dictize``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Group, License, Package, Resource, User


def iso(value: datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC in ISO 8601 with microseconds."""
    return value.isoformat(timespec="microseconds") if value else None


def license_register(session: Session) -> dict[str, License]:
    return {lic.id: lic for lic in session.scalars(select(License).order_by(License.position))}


def license_dict(lic: License) -> dict[str, Any]:
    return {
        "id": lic.id,
        "title": lic.title,
        "url": lic.url,
        "family": lic.family,
        "is_okd_compliant": lic.is_open,
        "od_conformance": "approved" if lic.is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "status": "active",
        "maintainer": "",
        "domain_content": False,
        "domain_data": True,
        "domain_software": False,
        "is_generic": lic.id.startswith(("other", "notspecified")),
        "is_osi_compliant": False,
    }


def download_url(site_url: str, res: Resource) -> str:
    """Uploaded files are stored by name only; the full URL is built from this site's own address."""
    return f"{site_url}/dataset/{res.package_id}/resource/{res.id}/download/{quote(res.url)}"


def resource_dict(res: Resource, site_url: str) -> dict[str, Any]:
    out: dict[str, Any] = dict(res.extras or {})
    out.update(
        {
            "id": res.id,
            "package_id": res.package_id,
            "url": download_url(site_url, res) if res.url_type == "upload" else res.url,
            "name": res.name,
            "description": res.description or "",
            "format": res.format or "",
            "mimetype": res.mimetype,
            "mimetype_inner": None,
            "size": res.size,
            "hash": res.hash or "",
            "url_type": res.url_type,
            "position": res.position,
            "created": iso(res.created),
            "last_modified": iso(res.last_modified),
            "metadata_modified": iso(res.metadata_modified),
            "state": res.state,
            "resource_type": res.resource_type,
            "datastore_active": False,
            "cache_url": None,
            "cache_last_updated": None,
        }
    )
    return out


# The group columns group_summary reads (a results page reads just these, without ORM objects).
SUMMARY = ("id", "name", "title", "description", "image_url", "type", "is_organization", "approval_status", "state",
           "created")  # fmt: skip


def group_summary(group: Group) -> dict[str, Any]:
    """The short group/organization dict embedded in a dataset."""
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title or group.name,
        "display_name": group.title or group.name,
        "description": group.description or "",
        "image_url": group.image_url or "",
        "image_display_url": group.image_url or "",
        "type": group.type,
        "is_organization": group.is_organization,
        "approval_status": group.approval_status,
        "state": group.state,
        "created": iso(group.created),
    }


def package_dict(pkg: Package, site_url: str, licenses: dict[str, License]) -> dict[str, Any]:
    groups = {g.id: g for g in [pkg.organization, *(pg.group for pg in pkg.groups)] if g is not None}
    return finish_package(package_record(pkg), groups, licenses, site_url)


def package_record(pkg: Package) -> dict[str, Any]:
    """What of ``package_dict`` lives in the dataset's own rows, as JSON-ready values.

    Search keeps it beside the dataset's search row (written with the index, in the same transaction), so a
    results page needs no ORM loading. Organization, themes and licence change on their own and the site's
    address is per deployment, so :func:`finish_package` adds those when the record is read.
    """
    tags = [
        {
            "id": pt.tag.id,
            "name": pt.tag.name,
            "display_name": pt.tag.name,
            "state": "active",
            "vocabulary_id": pt.tag.vocabulary_id,
        }
        for pt in pkg.tags
    ]
    return {
        "id": pkg.id,
        "name": pkg.name,
        "title": pkg.title or pkg.name,
        "notes": pkg.notes,
        "url": pkg.url,
        "version": pkg.version,
        "author": pkg.author,
        "author_email": pkg.author_email,
        "maintainer": pkg.maintainer,
        "maintainer_email": pkg.maintainer_email,
        "license_id": pkg.license_id,
        "private": pkg.private,
        "state": pkg.state,
        "type": pkg.type,
        "owner_org": pkg.owner_org,
        "creator_user_id": pkg.creator_user_id,
        "metadata_created": iso(pkg.metadata_created),
        "metadata_modified": iso(pkg.metadata_modified),
        "group_ids": [pg.group_id for pg in pkg.groups],
        "tags": tags,
        "extras": [{"key": k, "value": v} for k, v in sorted((pkg.extras or {}).items())],
        "resources": [resource_dict(r, "") for r in pkg.resources if r.state == "active"],
    }


def finish_package(
    record: dict[str, Any], groups: Mapping[str, Any], licenses: Mapping[str, Any], site_url: str
) -> dict[str, Any]:
    """The ``package_show`` dict from a :func:`package_record` and the current groups, licences and site."""
    lic = licenses.get(record["license_id"] or "")
    org = groups.get(record["owner_org"]) if record["owner_org"] else None
    members = (groups[g] for g in record["group_ids"] if g in groups)
    resources = [{**r, "url": site_url + r["url"]} if r["url_type"] == "upload" else r for r in record["resources"]]
    return {
        "id": record["id"],
        "name": record["name"],
        "title": record["title"],
        "notes": record["notes"],
        "url": record["url"],
        "version": record["version"],
        "author": record["author"],
        "author_email": record["author_email"],
        "maintainer": record["maintainer"],
        "maintainer_email": record["maintainer_email"],
        "license_id": record["license_id"],
        "license_title": lic.title if lic else record["license_id"],
        "license_url": lic.url if lic else None,
        "isopen": bool(lic and lic.is_open),
        "private": record["private"],
        "state": record["state"],
        "type": record["type"],
        "owner_org": record["owner_org"],
        "organization": group_summary(org) if org is not None else None,
        "creator_user_id": record["creator_user_id"],
        "metadata_created": record["metadata_created"],
        "metadata_modified": record["metadata_modified"],
        "groups": sorted((group_summary(g) for g in members), key=lambda g: g["name"]),
        "tags": record["tags"],
        "num_tags": len(record["tags"]),
        "extras": record["extras"],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def group_dict(group: Group, package_count: int) -> dict[str, Any]:
    out = group_summary(group)
    out.update(
        {
            "package_count": package_count,
            "num_followers": 0,
            "extras": [{"key": k, "value": v} for k, v in sorted((group.extras or {}).items())],
            "groups": [],
            "tags": [],
        }
    )
    return out


def user_dict(user: User, *, private: bool, created_count: int = 0) -> dict[str, Any]:
    """``private`` adds what only the user and sysadmins see; a password hash is never returned."""
    out = {
        "id": user.id,
        "name": user.name,
        "fullname": user.fullname,
        "display_name": user.fullname or user.name,
        "about": user.about,
        "created": iso(user.created),
        "sysadmin": user.sysadmin,
        "state": user.state,
        "image_display_url": "",
        "number_created_packages": created_count,
    }
    if private:
        out["email"] = user.email
    return out
