"""Answers kept by the in-memory index for repeated searches are exact: never stale, never someone else's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from portal.actions import registry
from portal.jsonwrite import RawJson
from portal.search import SearchParams, Visibility
from portal.search.memory.results import ResultCache, result_key


@pytest.fixture
def catalogue(factory):
    factory.user("member")
    factory.org("police", {"member": "member"})
    factory.org("fire")
    for n in range(6):
        factory.dataset(
            "police" if n % 2 else "fire", f"crime-{n}", title=f"Crime figures {n}", tags=[{"name": "crime"}]
        )
    factory.dataset("police", "secret-crime", title="Crime, restricted", private=True)
    return factory


def cache(app):
    return app.extensions["portal"].search.memory.results


SEARCH = {"q": "crime", "facet.field": ["organization", "tags"], "rows": 3}


def test_a_repeated_search_is_answered_from_the_cache_and_equals_the_first_answer(api, app, catalogue, backend):
    first = api.ok("package_search", SEARCH)
    hits = cache(app).hits
    again = api.ok("package_search", SEARCH)
    assert cache(app).hits == hits + 1
    assert again == first
    assert api.ok("package_search", {**SEARCH, "start": 3})["results"] != first["results"]  # another page


def test_a_change_is_seen_by_the_next_search(api, app, catalogue, backend):
    before = api.ok("package_search", SEARCH)
    catalogue.dataset("fire", "crime-new", title="Crime figures, the newest")
    catalogue.call("package_patch", {"id": "crime-0", "title": "Renamed"})
    after = api.ok("package_search", SEARCH)
    assert after["count"] == before["count"] + 1
    assert after["facets"]["organization"]["fire"] == before["facets"]["organization"]["fire"] + 1
    api.ok("package_search", SEARCH)
    assert api.ok("package_search", {"q": "crime", "rows": 20}) == api.ok("package_search", {"q": "crime", "rows": 20})
    catalogue.call("package_delete", {"id": "crime-new"})
    assert api.ok("package_search", SEARCH)["count"] == before["count"]


def test_one_users_answer_is_never_given_to_another(api, app, catalogue, backend):
    private = {**SEARCH, "include_private": True, "rows": 20}
    token = catalogue.token("member")
    as_member = api.ok("package_search", private, token)
    assert "secret-crime" in [r["name"] for r in as_member["results"]]
    anonymous = api.ok("package_search", private)
    assert "secret-crime" not in [r["name"] for r in anonymous["results"]]
    assert anonymous["count"] == as_member["count"] - 1
    assert api.ok("package_search", private, token) == as_member


def test_the_cache_keeps_the_most_recently_used_answers_of_one_snapshot():
    kept = ResultCache(2)
    snapshot, newer = object(), object()
    keys = [result_key(SearchParams(q=q), Visibility()) for q in ("a", "b", "c")]
    answers = [object(), object(), object()]
    kept.put(snapshot, keys[0], answers[0])
    kept.put(snapshot, keys[1], answers[1])
    assert kept.get(snapshot, keys[0]) is answers[0]  # now the most recently used
    kept.put(snapshot, keys[2], answers[2])
    assert kept.get(snapshot, keys[1]) is None  # the least recently used went
    assert kept.get(snapshot, keys[0]) is answers[0]
    assert kept.get(newer, keys[0]) is None  # another snapshot's answers are never given
    kept.put(newer, keys[1], answers[1])
    assert kept.get(snapshot, keys[0]) is None  # and moving on forgets the old snapshot's
    assert result_key(SearchParams(q="a"), Visibility(user_id="u")) != keys[0]
    off = ResultCache(0)
    off.put(snapshot, keys[0], answers[0])
    assert off.get(snapshot, keys[0]) is None


def documents(app):
    return app.extensions["portal"].search.memory.documents


def test_a_pages_records_and_groups_are_reused_only_while_current(api, app, catalogue, backend):
    first = api.ok("package_search", SEARCH)
    kept = documents(app)
    hits, misses = kept.hits, kept.misses
    assert misses >= len(first["results"]) > 0
    assert api.ok("package_search", SEARCH) == first
    assert (kept.hits, kept.misses) == (hits, misses)  # the API wrote the page from the results kept written
    assert {package_id for package_id in kept.written} >= {r["id"] for r in first["results"]}
    with app.extensions["portal"].context() as ctx:  # a caller wanting dicts gets them, from the kept records
        assert registry.call("package_search", ctx, SEARCH)["results"] == first["results"]
    assert kept.hits == hits + len(first["results"])
    assert kept.misses == misses

    # Changed through another process (the factory's own engine): the next page shows each change at once.
    catalogue.call("organization_update", {"id": "police", "name": "police", "title": "North Yorkshire Police"})
    after = api.ok("package_search", SEARCH)
    assert any(r["organization"]["name"] == "police" for r in after["results"])
    for result in after["results"]:
        if result["organization"]["name"] == "police":
            assert result["organization"]["title"] == "North Yorkshire Police"
    titles = {i["name"]: i["display_name"] for i in after["search_facets"]["organization"]["items"]}
    assert titles["police"] == "North Yorkshire Police"

    name = first["results"][0]["name"]
    catalogue.call("package_patch", {"id": name, "notes": "Revised figures"})
    after = api.ok("package_search", {**SEARCH, "rows": 20})  # the longer text may rank it lower
    assert [r for r in after["results"] if r["name"] == name][0]["notes"] == "Revised figures"
    for result in after["results"]:
        assert result == api.ok("package_show", {"id": result["name"]})


def test_a_change_to_an_organization_moves_the_change_counter(services, catalogue, backend):
    from portal.search.changes import current_state, read_state

    with services.db.session() as session:
        before = read_state(session)
        assert current_state(session) == before  # the driver's read, as each search makes it
    catalogue.call("organization_update", {"id": "fire", "name": "fire", "title": "Fire and Rescue"})
    with services.db.read_sessions() as session:
        assert current_state(session) == read_state(session) != before
    with services.db.session() as session:
        after = read_state(session)
        assert after.version > before.version
        session.execute(text("SELECT 1"))  # a transaction that changes no group takes no number
    with services.db.session() as session:
        assert read_state(session) == after


def test_the_document_cache_keeps_records_by_version_and_groups_by_state():
    from portal.search.changes import State
    from portal.search.memory.documents import DocumentCache

    kept = DocumentCache(2)
    one, two = State("g1", 1), State("g1", 2)
    kept.keep_records(one, [("a", '{"v": 1}', 1), ("b", '{"v": 1}', 1)])
    assert kept.records_of(two, ["a", "b"], [1, 2]) == {"a": '{"v": 1}'}  # b is at version 2 now
    kept.keep_records(two, [("c", '{"v": 2}', 2)])
    assert kept.records_of(two, ["a", "b", "c"], [1, 1, 2]) == {"a": '{"v": 1}', "c": '{"v": 2}'}  # b went
    assert kept.records_of(State("g2", 2), ["a"], [1]) == {}  # another generation: numbers start again

    row = SimpleNamespace(id="o1", name="police")
    kept.keep_groups(one, ["o1", "gone"], ["police"], [row])
    assert kept.groups_of(one, ["o1", "gone"], ["police"]) == ([row], True)
    assert kept.groups_of(one, ["o2"], []) == ([], False)  # never asked for
    assert kept.groups_of(two, ["o1"], []) == ([], False)  # the state moved on
    off = DocumentCache(0)
    off.keep_records(one, [("a", "{}", 1)])
    assert off.records_of(one, ["a"], [1]) == {}


def test_the_api_writes_the_same_answer_as_the_action_gives_callers_in_the_process(api, app, catalogue, backend):
    catalogue.dataset("police", "crime-upload", title="Crime upload", resources=[{"url": "crime.csv"}])
    searches = [SEARCH, {"q": "crime", "rows": 20}, {"fq": "organization:police", "facet.field": ["groups"]}]
    for search in searches * 2:  # each once written afresh, once from the kept results
        written = api.ok("package_search", search)
        with app.extensions["portal"].context() as ctx:
            assert registry.call("package_search", ctx, search) == written
            assert all(isinstance(r, dict) for r in registry.call("package_search", ctx, search)["results"])
            raw = registry.call("package_search", ctx, search, written=True)["results"]
        assert raw and all(isinstance(r, RawJson) for r in raw)
        assert [r.value() for r in raw] == written["results"]


def test_kept_results_follow_the_site_address_and_the_state():
    from portal.search.changes import State
    from portal.search.memory.documents import DocumentCache

    kept = DocumentCache(2)
    register, other_register = {}, {}
    one, two = State("g1", 1), State("g1", 2)
    kept.keep_written(one, "https://a", register, [("a", 1, b"1"), ("b", 1, b"2")])
    assert kept.written_of(one, "https://a", register, ["a", "b"], [1, 2]) == {"a": b"1"}  # b is at 2 now
    assert kept.written_of(two, "https://a", register, ["a"], [1]) == {}  # a group may have changed since
    assert kept.written_of(one, "https://b", register, ["a"], [1]) == {}  # upload links name the site
    assert kept.written_of(one, "https://a", other_register, ["a"], [1]) == {}  # the licence register was read again
    kept.keep_written(two, "https://a", register, [("c", 2, b"3")])
    assert kept.written_of(one, "https://a", register, ["a"], [1]) == {}  # forgotten with the state
    kept.keep_written(two, "https://a", register, [("d", 2, b"4"), ("e", 2, b"5")])
    assert kept.written_of(two, "https://a", register, ["c", "d", "e"], [2, 2, 2]) == {"d": b"4", "e": b"5"}
    off = DocumentCache(0)
    off.keep_written(one, "https://a", register, [("a", 1, b"1")])
    assert off.written_of(one, "https://a", register, ["a"], [1]) == {}


def test_kept_results_outlive_a_register_read_again_unchanged_and_follow_a_changed_one(
    api, app, services, catalogue, backend, monkeypatch
):
    """The register is read again each minute (here: every time); kept results stay valid while it is the same."""
    from portal.search import records

    monkeypatch.setattr(records, "LICENSES_TTL", -1.0)
    search = {"q": "crime", "rows": 20}
    catalogue.call("package_patch", {"id": "crime-1", "license_id": "CC0-1.0"})
    first = api.ok("package_search", search)
    kept = app.extensions["portal"].search.memory.documents.written
    register = kept.under[2]
    again = api.ok("package_search", search)
    assert again == first
    assert kept.under[2] is register and len(list(kept)) == first["count"]  # not emptied by the read
    with services.db.session() as session:
        session.execute(text("UPDATE licenses SET title = 'Public domain' WHERE id = 'CC0-1.0'"))
    changed = api.ok("package_search", search)
    assert kept.under[2] is not register
    titles = {r["name"]: r["license_title"] for r in changed["results"]}
    assert titles["crime-1"] == "Public domain"
    assert {n: t for n, t in titles.items() if n != "crime-1"} == {
        r["name"]: r["license_title"] for r in first["results"] if r["name"] != "crime-1"
    }
