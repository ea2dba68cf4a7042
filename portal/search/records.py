"""Each dataset's ``package_show`` record, kept as JSON on its search row: what CKAN keeps in Solr as
``validated_data_dict``, so a page of results is one indexed read instead of loading datasets through the ORM.

The record is written by :meth:`portal.search.base.SearchBackend.index` in the same transaction as the rest of
the row, so it is exactly as current as the search itself. The parts that change without the dataset changing
(its organization and themes, the licence register, the site's address) are added when it is read.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.dictize import finish_package, license_register, package_dict, package_record
from portal.models import Group, Package, SearchDoc


def record_json(pkg: Package) -> str:
    return json.dumps(package_record(pkg), separators=(",", ":"))


def package_dicts(
    session: Session, ids: Sequence[str], site_url: str, group_names: Collection[str] = ()
) -> tuple[list[dict[str, Any]], dict[str, Group]]:
    """``package_show`` dicts of ``ids``, in that order (ids no longer there are left out), and the groups
    named in ``group_names`` (facet values wanting titles), read with the results' own organizations and themes.
    """
    rows = session.execute(select(SearchDoc.package_id, SearchDoc.data).where(SearchDoc.package_id.in_(ids)))
    records = {package_id: json.loads(data) for package_id, data in rows if data} if ids else {}
    missing = [i for i in ids if i not in records]  # indexed before records were kept: load them
    loaded = {p.id: p for p in session.scalars(select(Package).where(Package.id.in_(missing)))} if missing else {}
    wanted = {g for r in records.values() for g in (r["owner_org"], *r["group_ids"]) if g}
    found = []
    if wanted or group_names:
        found = list(session.scalars(select(Group).where(or_(Group.id.in_(wanted), Group.name.in_(group_names)))))
    groups = {g.id: g for g in found}
    licenses = license_register(session) if ids else {}
    out = []
    for i in ids:
        if i in records:
            out.append(finish_package(records[i], groups, licenses, site_url))
        elif i in loaded:
            out.append(package_dict(loaded[i], site_url, licenses))
    return out, {g.name: g for g in found}
