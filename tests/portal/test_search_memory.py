"""The in-memory search index answers exactly as the database does, and keeps in step with every writer.

A generated catalogue (the load benchmark's generator, a few hundred datasets) is searched both ways with the
same parameters: count, ids in order, facets in order, and the sort used must all be equal. Then datasets are
written through a second set of services (another process, as far as the index can tell) and the first one's
next search must see the writes, through the memory path.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select, text

from bench.catalogue.generate import datasets
from bench.catalogue.load import LOADER_USER, bulk_load, ensure_publishers
from portal.actions import registry
from portal.models import Group, User
from portal.search import SearchParams, Visibility
from portal.search.base import parse_fq, parse_q
from portal.search.memory.ftstext import table_totals
from portal.services import Services

FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
QUERIES = [
    {"q": "crime"},
    {"q": "council"},
    {"q": "york housing"},
    {"q": "traffic roads parking"},
    {"q": "hous*"},
    {"q": "recycling waste", "sort": "score desc"},
    {"q": "the crime"},
    {"q": "title:crime"},
    {"q": "notes:quarterly"},
    {"q": "tags_text:housing"},
    {"q": "crime -york"},
    {"q": "crime OR fire"},
    {"q": "text:health"},
    {"q": "tags:crime"},
    {"q": "name:*"},
    {"q": "*:*", "sort": "name asc"},
    {"q": "", "sort": "title_string desc", "rows": 30, "start": 15},
    {"q": "", "sort": "metadata_created asc, name desc", "rows": 40},
    {"q": "schools", "sort": "metadata_modified asc"},
    {"fq": "organization:north-yorkshire-council"},
    {"fq": "groups:health AND res_format:CSV"},
    {"fq": "tags:(crime OR burglary) -license_id:OGL-UK-3.0"},
    {"fq": "organization:city-of-york-council", "q": "data"},
    {"fq": "res_format:C*"},
    {"fq": "tags:hous*"},
    {"fq": "groups:*"},
    {"fq": "update_frequency:Monthly"},
    {"fq": "extras_spatial_coverage:*"},
    {"fq": "num_resources:2"},
    {"fq": "capacity:private"},
    {"fq": "state:draft"},
    {"fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]", "sort": "metadata_modified asc"},
    {"fq": "metadata_created:[* TO 2016-06-30T00:00:00Z} organization:north-yorkshire-police"},
    {"fq": "organization:nobody"},
    {"q": "crime", "facet.limit": 3, "facet.mincount": 5},
    {"q": "", "facet.limit": -1, "facet_fields": ["update_frequency", "res_name", "tags", "owner_org_name"]},
    {"q": "flooding", "facet_fields": ["spatial_coverage", "license_id"], "rows": 0},
    {"q": "council", "rows": 100, "start": 200},
]


def params(query: dict) -> SearchParams:
    fq = query.get("fq")
    return SearchParams(
        q=query.get("q", ""),
        fq=[fq] if fq else [],
        rows=query.get("rows", 10),
        start=query.get("start", 0),
        sort=query.get("sort"),
        facet_fields=query.get("facet_fields", FACETS),
        facet_limit=query.get("facet.limit", 50),
        facet_mincount=query.get("facet.mincount", 1),
    )


def both_ways(services: Services, p: SearchParams, visibility: Visibility):  # noqa: ANN201
    """(memory, database): the memory path's answer (None if it declined) and the database's."""
    backend = services.search
    with services.db.session() as session:
        memory = backend.memory.search(session, p, visibility, parse_q(p.q), [parse_fq(f) for f in p.fq])
    saved, backend.memory = backend.memory, None
    try:
        with services.db.session() as session:
            database = backend.query(session, p, visibility)
    finally:
        backend.memory = saved
    return memory, database


def assert_same(services: Services, visibilities: list[Visibility]) -> None:
    for query in QUERIES:
        for visibility in visibilities:
            memory, database = both_ways(services, params(query), visibility)
            assert memory is not None, f"the memory path declined {query}"
            assert memory == database, f"{query} as {visibility}"


@pytest.fixture
def generated(services):  # noqa: ANN201
    """About 500 generated datasets, some private, a few drafts and deleted ones."""
    ensure_publishers(services)
    bulk_load(services, datasets(500, np.random.default_rng(11), 0), batch=200)
    with services.system_context(LOADER_USER, "Benchmark loader") as ctx:
        names = [r[0] for r in ctx.session.execute(text("SELECT name FROM packages ORDER BY name LIMIT 12"))]
        for name in names[:4]:
            registry.call("package_patch", ctx, {"id": name, "state": "draft"})
        for name in names[4:8]:
            registry.call("package_delete", ctx, {"id": name})
        loader = ctx.user.id
        police = ctx.session.scalar(select(Group.id).where(Group.name == "north-yorkshire-police"))
    return {"loader": loader, "police": police, "names": names}


def visibilities(generated: dict) -> list[Visibility]:
    return [
        Visibility(),
        Visibility(user_id=generated["loader"], sysadmin=True, include_private=True, include_drafts=True),
        Visibility(user_id="someone", readable_orgs=(generated["police"],), include_private=True),
        Visibility(user_id=generated["loader"], include_drafts=True, include_deleted=True),
    ]


def test_memory_agrees_with_the_database_on_a_generated_catalogue(services, generated, backend):
    assert_same(services, visibilities(generated))


def test_memory_agrees_after_changes_spread_over_base_and_delta(services, settings, generated, backend):
    both_ways(services, params({"q": "crime"}), Visibility())  # the first search builds the base
    writer = Services.from_settings(settings)  # another process, as far as the first can tell
    try:
        with writer.system_context(LOADER_USER, "Benchmark loader") as ctx:
            names = [r[0] for r in ctx.session.execute(text("SELECT name FROM packages ORDER BY name DESC LIMIT 30"))]
            for i, name in enumerate(names):
                change = {"title": f"Crime and housing {i}", "notes": "Council crime figures, quarterly."}
                if i % 3 == 0:
                    change["tags"] = [{"name": "crime"}, {"name": f"new-tag-{i}"}]
                if i % 5 == 0:
                    change["private"] = True
                registry.call("package_patch", ctx, {"id": name, **change})
            registry.call("package_delete", ctx, {"id": names[-1]})
    finally:
        writer.db.engine.dispose()
    assert_same(services, visibilities(generated))
    assert len(services.search.memory.snapshot.delta_rows) == 30


def test_a_write_through_one_process_is_seen_by_the_next_search_of_another(services, settings, factory, backend):
    factory.org("police")
    factory.dataset("police", "burglaries", title="Burglaries by ward")
    reader = Services.from_settings(settings)
    try:
        first, _ = both_ways(reader, params({"q": "burglaries"}), Visibility())
        assert first is not None and first.count == 1
        factory.dataset("police", "burglaries-2024", title="Burglaries in 2024")
        factory.call("package_patch", {"id": "burglaries", "title": "Thefts by ward"})
        seen, database = both_ways(reader, params({"q": "burglaries"}), Visibility())
        assert seen is not None and seen == database and seen.count == 2
        retitled, _ = both_ways(reader, params({"q": "thefts"}), Visibility())
        assert retitled is not None and retitled.ids == [factory.call("package_show", {"id": "burglaries"})["id"]]
        factory.call("package_delete", {"id": "burglaries-2024"})
        gone, _ = both_ways(reader, params({"q": "2024"}), Visibility())
        assert gone is not None and gone.count == 0
    finally:
        reader.db.engine.dispose()


def test_a_removed_row_leaves_every_process(services, settings, factory, backend):
    factory.org("police")
    made = factory.dataset("police", "gone-soon", title="Gone soon")
    assert both_ways(services, params({"q": "gone"}), Visibility())[0].count == 1
    writer = Services.from_settings(settings)
    try:
        with writer.db.session() as session:
            writer.search.remove(session, made["id"])
    finally:
        writer.db.engine.dispose()
    memory, database = both_ways(services, params({"q": "gone"}), Visibility())
    assert memory == database and memory.count == 0


def test_a_transaction_sees_its_own_uncommitted_writes(services, factory, backend):
    org = factory.org("police")
    with services.context() as ctx:
        admin = ctx.session.get(User, factory.admin_id)
        registry.call("package_create", ctx.as_user(admin), {"name": "fresh", "owner_org": org["name"]})
        found = services.search.query(ctx.session, SearchParams(fq=["name:fresh"]), Visibility())
        assert found.count == 1  # answered by the database: the memory index cannot see this yet


def test_an_emptied_database_is_rebuilt_not_patched(services, factory, backend):
    factory.org("police")
    factory.dataset("police", "kestrels", title="Kestrels")
    assert both_ways(services, params({"q": "kestrels"}), Visibility())[0].count == 1
    generation = services.search.memory.snapshot.state.generation
    with services.db.session() as session:
        session.execute(text("DELETE FROM search_state"))
    factory.dataset("police", "ospreys", title="Ospreys")  # the next write starts a new generation
    memory, database = both_ways(services, params({"q": "kestrels OR ospreys"}), Visibility())
    assert memory == database and memory.count == 2
    assert services.search.memory.snapshot.state.generation != generation


def test_phrases_are_left_to_the_database(services, factory, backend):
    factory.org("police")
    factory.dataset("police", "street-crime", title="Street crime figures")
    memory, database = both_ways(services, params({"q": '"street crime"'}), Visibility())
    assert memory is None and database.count == 1
    with services.db.session() as session:
        assert services.search.query(session, params({"q": '"street crime"'}), Visibility()).count == 1


@pytest.mark.parametrize("backend", ["sqlite"])  # FTS5's own totals; PostgreSQL has no such table
def test_fts_totals_are_read_from_the_index_itself(services, generated, backend):
    with services.db.engine.connect() as conn:
        rows, tokens = table_totals(conn)
        assert rows == conn.execute(text("SELECT count(*) FROM search_docs")).scalar()
    assert rows > 0 and tokens > rows
