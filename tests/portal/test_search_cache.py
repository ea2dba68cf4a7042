"""Answers kept by the in-memory index for repeated searches are exact: never stale, never someone else's."""

from __future__ import annotations

import pytest

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
