"""Each dataset's ``package_show`` record, kept as JSON on its search row: what CKAN keeps in Solr as
``validated_data_dict``, so a page of results is one indexed read instead of loading datasets through the ORM.

The record is written by :meth:`portal.search.base.SearchBackend.index` in the same transaction as the rest of
the row, so it is exactly as current as the search itself. The parts that change without the dataset changing
(its organization and themes, the licence register, the site's address) are added when it is read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from portal.dictize import SUMMARY, finish_package, license_register, package_dict, package_record
from portal.jsonwrite import RawJson, try_dumps
from portal.models import Group, License, Package, SearchDoc
from portal.search.changes import DOC_VERSION

if TYPE_CHECKING:
    from portal.search.base import SearchResult
    from portal.search.memory.documents import DocumentCache


def record_json(pkg: Package) -> str:
    return json.dumps(package_record(pkg), separators=(",", ":"))


# Built once: a page of results costs two indexed reads, with no ORM objects and no statement building.
# SQLite gets ``IN (?, ?, ...)``; PostgreSQL one array parameter, so the statement's text never changes and
# psycopg prepares it on the server after a few uses (and nothing renders a cast per id on every request).
def _in(column: Any, name: str, dialect: str) -> Any:
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(String)))
    return column.in_(bindparam(name, expanding=True))


RECORDS = {
    d: select(SearchDoc.package_id, SearchDoc.data, DOC_VERSION).where(_in(SearchDoc.package_id, "ids", d))
    for d in ("sqlite", "postgresql")
}
GROUPS = {
    d: select(*(getattr(Group, c) for c in SUMMARY)).where(or_(_in(Group.id, "ids", d), _in(Group.name, "names", d)))
    for d in ("sqlite", "postgresql")
}
LICENSES = select(License.id, License.title, License.url, License.is_open)
LICENSES_TTL = 60.0  # seconds: the register is reference data that only migrations change
_licenses: dict[str, tuple[float, dict[str, Any]]] = {}


def licenses(session: Session) -> dict[str, Any]:
    """The licence register as rows by id, read at most once a minute per database and process. A register read
    again unchanged is the same object as before: results kept as written under it stay valid (see
    :meth:`~portal.search.memory.documents.DocumentCache.written_of`)."""
    key, now = str(session.get_bind().url), time.monotonic()
    cached = _licenses.get(key)
    if cached is None or now - cached[0] > LICENSES_TTL:
        register = {lic.id: lic for lic in session.execute(LICENSES)}
        if cached is not None and _same_register(cached[1], register):
            register = cached[1]
        cached = _licenses[key] = (now, register)
    return cached[1]


def _same_register(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(tuple(a[k]) == tuple(b[k]) for k in a)


# A dataset by id or name: both are unique, but a name may look like another dataset's id, so the id wins.
BY_REF = select(SearchDoc.package_id, SearchDoc.data).where(
    or_(SearchDoc.package_id == bindparam("ref"), SearchDoc.name == bindparam("ref"))
)


def record_by_ref(session: Session, ref: object) -> dict[str, Any] | None:
    """The stored record of the dataset whose id (first) or name is ``ref``; None when it has none."""
    if not isinstance(ref, str) or not ref:
        return None
    rows = session.execute(BY_REF, {"ref": ref}).all()
    rows.sort(key=lambda row: row[0] != ref)
    return json.loads(rows[0][1]) if rows and rows[0][1] else None


def group_ids(records: Collection[dict[str, Any]]) -> set[str]:
    """The ids of the organizations and themes ``records`` belong to."""
    return {g for r in records for g in (r["owner_org"], *r["group_ids"]) if g}


def groups_of(session: Session, records: Collection[dict[str, Any]], names: Collection[str] = ()) -> list[Any]:
    """The organizations and themes of ``records``, and the groups named ``names``, as rows, in one read."""
    wanted = group_ids(records)
    if not wanted and not names:
        return []
    statement = GROUPS[session.get_bind().dialect.name]
    return list(session.execute(statement, {"ids": sorted(wanted), "names": sorted(names)}))


def finish_one(session: Session, record: dict[str, Any], site_url: str) -> dict[str, Any]:
    """``package_show``'s dict from a stored record, with its organization, themes and licence read now."""
    groups = {g.id: g for g in groups_of(session, [record])}
    return finish_package(record, groups, licenses(session), site_url)


def package_dicts(
    session: Session,
    result: SearchResult,
    site_url: str,
    group_names: Collection[str] = (),
    cache: DocumentCache | None = None,
    *,
    written: bool = False,
) -> tuple[list[Any], dict[str, Any]]:
    """``package_show`` dicts of a page of results, in order (ids no longer there are left out), and the groups
    named in ``group_names`` (facet values wanting titles), read with the results' own organizations and themes.
    With a ``cache`` and a result from the in-memory index (which names its snapshot and row versions), what the
    cache provably holds is not read again; and where ``written`` (the caller only writes the results out as
    JSON), results come as :class:`~portal.jsonwrite.RawJson`, kept as last written, in place of dicts. Groups
    and licences come back as rows, which :func:`~portal.dictize.finish_package` reads like objects.
    """
    ids, state, versions = result.ids, result.state, result.versions
    cache = cache if state is not None and versions is not None else None
    register = licenses(session) if ids else {}
    done: dict[str, bytes] = {}
    if cache is not None and written:
        done = cache.written_of(state, site_url, register, ids, versions)  # type: ignore[arg-type]
    todo = [i for i in ids if i not in done]
    texts = cache.records_of(state, todo, _versions_of(result, todo)) if cache is not None and todo else {}
    wanted = [i for i in todo if i not in texts]
    if wanted:
        rows = session.execute(RECORDS[session.get_bind().dialect.name], {"ids": wanted}).all()
        fresh = [(package_id, data, version) for package_id, data, version in rows if data]
        texts.update((package_id, data) for package_id, data, _ in fresh)
        if cache is not None:
            cache.keep_records(state, fresh)
    # The json module, not orjson: orjson reads integers beyond 64 bits as floats.
    records = {package_id: json.loads(texts[package_id]) for package_id in todo if package_id in texts}
    missing = [i for i in todo if i not in records]  # indexed before records were kept: load them
    loaded = {p.id: p for p in session.scalars(select(Package).where(Package.id.in_(missing)))} if missing else {}
    found = _groups(session, records.values(), group_names, cache, state)
    groups = {g.id: g for g in found}
    out: list[Any] = []
    now_written = []
    for n, i in enumerate(ids):
        if i in done:
            out.append(RawJson(done[i]))
        elif i in records:
            finished = finish_package(records[i], groups, register, site_url)
            raw = try_dumps(finished) if written and cache is not None else None
            out.append(finished if raw is None else RawJson(raw))
            if raw is not None:
                now_written.append((i, versions[n], raw))  # type: ignore[index]
        elif i in loaded:
            out.append(package_dict(loaded[i], site_url, license_register(session)))
    if now_written and cache is not None:
        cache.keep_written(state, site_url, register, now_written)
    return out, {g.name: g for g in found}


def _versions_of(result: SearchResult, ids: list[str]) -> list[int]:
    if len(ids) == len(result.ids):
        return result.versions  # type: ignore[return-value]
    version = dict(zip(result.ids, result.versions, strict=True))  # type: ignore[arg-type]
    return [version[i] for i in ids]


def _groups(
    session: Session,
    records: Collection[dict[str, Any]],
    names: Collection[str],
    cache: DocumentCache | None,
    state: Any,
) -> list[Any]:
    if cache is None:
        return groups_of(session, records, names)
    ids = group_ids(records)
    rows, complete = cache.groups_of(state, ids, names)
    if not complete:
        rows = groups_of(session, records, names)
        cache.keep_groups(state, ids, names, rows)
    return rows
