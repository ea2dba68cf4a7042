"""The facet index (search_values + search_docs.facet_terms) agrees with search_terms, however it was built."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.db import alembic_config
from portal.models import SearchTerm
from portal.search import SearchParams, Visibility

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "owner_org_name", "extras_release_mode"]


@pytest.fixture
def catalogue(factory):
    factory.org("police")
    factory.org("fire")
    factory.group("crime-and-justice")
    for i in range(6):
        factory.dataset(
            "police" if i % 3 else "fire",
            f"set-{i}",
            title=f"Set {i} crime",
            tags=[{"name": "crime"}, {"name": f"tag-{i % 2}"}],
            groups=[{"name": "crime-and-justice"}] if i % 2 else [],
            license_id="OGL-UK-3.0" if i % 2 else "CC-BY-4.0",
            resources=[{"url": f"https://x.org/{i}.csv"}, {"url": f"https://x.org/{i}.json"}],
            extras=[{"key": "release_mode", "value": "open"}],
        )
    factory.call("package_patch", {"id": "set-0", "tags": [{"name": "fire"}]})
    factory.call("package_delete", {"id": "set-5"})
    return factory


def search(services, **params):
    with services.db.session() as session:
        return services.search.query(session, SearchParams(facet_fields=FACETS, **params), Visibility())


def expected_counts(services, field: str) -> dict[str, int]:
    """Facet counts computed straight from search_terms over the active public datasets."""
    with services.db.session() as session:
        active = select(SearchTerm.package_id).where(SearchTerm.field == "state", SearchTerm.value == "active")
        rows = session.execute(
            select(SearchTerm.value, func.count())
            .where(SearchTerm.field == field, SearchTerm.package_id.in_(active))
            .group_by(SearchTerm.value)
        )
        return dict(rows.all())


def test_indexed_facets_match_search_terms(services, catalogue, backend):
    result = search(services)
    assert result.count == 5
    for name in ("organization", "groups", "tags", "res_format", "license_id"):
        assert dict(result.facets[name]) == expected_counts(services, name), name
    assert dict(result.facets["owner_org_name"]) == dict(result.facets["organization"])
    assert result.facets["extras_release_mode"] == [("open", 5)]  # counted from search_terms
    assert ("fire", 1) in result.facets["tags"]  # the patch re-indexed set-0


def test_filters_on_indexed_fields(services, catalogue, backend):
    assert search(services, fq=["tags:fire"]).count == 1
    assert search(services, fq=["organization:police -tags:tag-0"]).count == 1  # set-1 (set-5 is deleted)
    assert search(services, fq=['license_id:"CC-BY-4.0" OR groups:crime-and-justice']).count == 5
    assert search(services, fq=["tags:no-such-tag"]).count == 0
    assert search(services, fq=["-tags:no-such-tag"]).count == 5
    assert search(services, fq=["tags:cri*"]).count == 4  # prefix queries still use search_terms


def test_migration_backfills_the_same_index(services, catalogue, backend):
    from alembic import command

    before = search(services, q="crime", rows=3)
    config = alembic_config(services.db.engine)
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
    after = search(services, q="crime", rows=3)
    assert (after.count, after.ids, after.facets) == (before.count, before.ids, before.facets)
    assert search(services, fq=["tags:fire"]).count == 1
