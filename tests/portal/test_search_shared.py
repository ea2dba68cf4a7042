"""Answers shared by the processes of one server are exact: the same as worked out afresh, never stale, never
another user's or another database's, and a broken file only costs the sharing."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from portal.app import create_app
from portal.config import Settings
from portal.search import SearchParams, SearchResult, Visibility
from portal.search.changes import State
from portal.search.memory import shared
from portal.search.memory.results import result_key
from portal.search.memory.shared import SharedAnswers

ONE, TWO = State("g1", 1), State("g1", 2)
KEY = result_key(SearchParams(q="crime", facet_fields=["tags"]), Visibility())
ANSWER = SearchResult(3, ["a", "b", "c"], {"tags": [("crime", 3), ("fire", 1)]}, "score desc", ONE, [4, 5, 6])
SEARCH = {"q": "crime", "facet.field": ["organization", "tags"], "rows": 3}


def test_an_answer_filed_comes_back_equal_for_the_same_state_key_and_database_only(tmp_path: Path) -> None:
    answers = SharedAnswers(tmp_path / "answers.sqlite", 100, "sqlite:///one.db")
    answers.put(ONE, KEY, ANSWER)
    got = answers.get(ONE, KEY)
    assert got == ANSWER and got.state == ONE and got.versions == ANSWER.versions
    assert got.facets["tags"][0] == ("crime", 3)  # pairs, as the index gives them
    assert answers.get(TWO, KEY) is None  # a later state may answer differently
    assert answers.get(State("g2", 1), KEY) is None  # another generation of the database
    assert answers.get(ONE, result_key(SearchParams(q="crime"), Visibility(user_id="u"))) is None
    other_database = SharedAnswers(tmp_path / "answers.sqlite", 100, "sqlite:///two.db")
    assert other_database.get(ONE, KEY) is None
    same_database = SharedAnswers(tmp_path / "answers.sqlite", 100, "sqlite:///one.db")  # another process's view
    assert same_database.get(ONE, KEY) == ANSWER


def _file_in_child(path: str, database: str) -> None:
    SharedAnswers(Path(path), 100, database).put(ONE, KEY, ANSWER)


def test_processes_of_one_server_share_answers_and_another_servers_do_not(tmp_path: Path) -> None:
    path, database = tmp_path / "answers.sqlite", "sqlite:///one.db"
    answers = SharedAnswers(path, 100, database)
    assert answers.get(ONE, KEY) is None  # opened here first, as the server's master would before forking
    fork = multiprocessing.get_context("fork")
    sibling = fork.Process(target=_file_in_child, args=(str(path), database))  # a worker of the same parent...
    sibling.start()
    sibling.join(30)
    assert sibling.exitcode == 0
    assert answers.get(ONE, KEY) is None  # ...is this test's child, so its parent is this process, not ours
    reader = fork.Process(target=_read_in_child, args=(str(path), database))
    reader.start()
    reader.join(30)
    assert reader.exitcode == 0, "a second worker of the same parent did not find the first one's answer"


def _read_in_child(path: str, database: str) -> None:
    found = SharedAnswers(Path(path), 100, database).get(ONE, KEY)
    os._exit(0 if found == ANSWER else 1)


def test_trimming_keeps_the_newest_answers_of_the_current_state(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(shared, "TRIM_EVERY", 5)
    answers = SharedAnswers(tmp_path / "answers.sqlite", 3, "db")
    keys = [result_key(SearchParams(q=f"q{n}"), Visibility()) for n in range(5)]
    answers.put(ONE, keys[0], ANSWER)  # filed at the older state
    for key in keys[1:]:
        answers.put(TWO, key, ANSWER)  # the fifth filing trims
    assert answers.get(ONE, keys[0]) is None
    assert answers.get(TWO, keys[1]) is None  # the oldest beyond three
    assert all(answers.get(TWO, key) == ANSWER for key in keys[2:])


def test_a_file_that_cannot_be_used_only_costs_the_sharing(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    nowhere = SharedAnswers(tmp_path / "not-a-folder" / "answers.sqlite", 100, "db")
    nowhere.put(ONE, KEY, ANSWER)
    assert nowhere.get(ONE, KEY) is None
    (tmp_path / "garbage.sqlite").write_bytes(b"this is not a database" * 100)
    garbage = SharedAnswers(tmp_path / "garbage.sqlite", 100, "db")
    garbage.put(ONE, KEY, ANSWER)
    assert garbage.get(ONE, KEY) is None


def test_the_file_is_kept_in_a_folder_only_the_server_can_read(tmp_path: Path) -> None:
    answers = SharedAnswers(tmp_path / "cache" / "answers.sqlite", 100, "db")
    answers.put(ONE, KEY, ANSWER)
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700


def test_settings_put_the_file_in_the_instance_folder_unless_turned_off(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x")
    assert Settings.from_env().search_shared_cache == tmp_path / "cache" / "search-answers.sqlite"
    monkeypatch.setenv("PORTAL_SEARCH_SHARED_CACHE", "0")
    assert Settings.from_env().search_shared_cache is None
    monkeypatch.setenv("PORTAL_SEARCH_SHARED_CACHE", str(tmp_path / "elsewhere.sqlite"))
    assert Settings.from_env().search_shared_cache == tmp_path / "elsewhere.sqlite"


@pytest.fixture
def two_apps(settings):  # noqa: ANN001, ANN201
    """Two processes' worth of the portal, as two workers of one server: one database, one shared file."""
    apps = [create_app(settings, migrate=False) for _ in range(2)]
    yield apps
    for app in apps:
        app.extensions["portal"].db.engine.dispose()


def _search(app, data: dict, token: str | None = None) -> dict:  # noqa: ANN001
    headers = {"Authorization": token} if token else {}
    body = app.test_client().post("/api/3/action/package_search", json=data, headers=headers).get_json()
    assert body["success"], body
    return body["result"]


def _shared(app) -> SharedAnswers:  # noqa: ANN001
    return app.extensions["portal"].search.memory.shared


def test_a_search_worked_out_by_one_worker_is_answered_by_the_other_from_the_shared_file(
    two_apps, factory, backend
) -> None:
    one, two = two_apps
    factory.user("member")
    factory.org("police", {"member": "member"})
    for n in range(5):
        factory.dataset("police", f"crime-{n}", title=f"Crime figures {n}", tags=[{"name": "crime"}])
    factory.dataset("police", "secret-crime", title="Crime, restricted", private=True)
    first = _search(one, SEARCH)
    hits = _shared(two).hits
    assert _search(two, SEARCH) == first
    assert _shared(two).hits == hits + 1
    private = {**SEARCH, "include_private": True, "rows": 20}
    token = factory.token("member")
    as_member = _search(one, private, token)
    assert "secret-crime" in [r["name"] for r in as_member["results"]]
    assert "secret-crime" not in [r["name"] for r in _search(two, private)["results"]]  # not the member's answer
    factory.dataset("police", "crime-new", title="Crime figures, the newest", tags=[{"name": "crime"}])
    after = _search(two, SEARCH)  # a new state: nothing filed before it is found
    assert after["count"] == first["count"] + 1
    assert _search(one, SEARCH) == after
    with one.extensions["portal"].context() as ctx:  # and both equal the database's own answer
        from portal.actions import registry

        one.extensions["portal"].search.memory = None
        assert registry.call("package_search", ctx, SEARCH) == after
