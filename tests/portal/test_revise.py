"""package_revise: CKAN's match / filter / update semantics, and several files swapped in one transaction."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest


@pytest.fixture
def editor(factory):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.dataset(
        "police",
        "crime",
        title="Crime",
        notes="old notes",
        resources=[
            {"name": "a", "url": "https://example.org/a.csv"},
            {"name": "b", "url": "https://example.org/b.csv"},
        ],
    )
    return factory.token("ed")


def revise_multipart(client, token, fields: dict, files: dict):
    data = {k: json.dumps(v) if not isinstance(v, str) else v for k, v in fields.items()}
    data.update({k: (io.BytesIO(body), name) for k, (name, body) in files.items()})
    r = client.post(
        "/api/3/action/package_revise",
        data=data,
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    return r.status_code, r.get_json()


def test_match_then_update_merges(api, editor, backend):
    result = api.ok(
        "package_revise", {"match": {"name": "crime", "notes": "old notes"}, "update": {"notes": "new"}}, editor
    )
    pkg = result["package"]
    assert pkg["notes"] == "new" and pkg["title"] == "Crime" and len(pkg["resources"]) == 2


def test_a_stale_match_is_refused_and_changes_nothing(api, editor, backend):
    status, body = api.post(
        "package_revise", {"match": {"name": "crime", "notes": "other"}, "update": {"title": "X"}}, editor
    )
    assert status == 409 and body["error"]["__type"] == "Validation Error"
    assert body["error"]["match"] == ["notes"]
    assert api.ok("package_show", {"id": "crime"})["title"] == "Crime"


def test_flattened_keys_index_id_prefix_and_extend(api, editor, backend):
    pkg = api.ok("package_show", {"id": "crime"})
    second = pkg["resources"][1]["id"]
    result = api.ok(
        "package_revise",
        {
            "match__name": "crime",
            "update__resources__-1__description": "last one",
            f"update__resources__{second[:6]}__name": "renamed",
            "update__resources__extend": [{"name": "c", "url": "https://example.org/c.csv"}],
        },
        editor,
    )["package"]
    assert [r["name"] for r in result["resources"]] == ["a", "renamed", "c"]
    assert result["resources"][2]["description"] == "last one"  # as CKAN: extensions apply first, so -1 is "c"
    status, body = api.post("package_revise", {"match__name": "crime", "update__resources__zzzzzz__name": "x"}, editor)
    assert status == 409 and "update__resources__zzzzzz__name" in body["error"]


def test_filter_removes_then_update_replaces_the_resource_list(api, editor, backend):
    result = api.ok(
        "package_revise",
        {
            "match": {"name": "crime"},
            "filter": ["-resources"],
            "update": {"resources": [{"name": "only", "url": "https://x.org/o"}]},
        },
        editor,
    )["package"]
    assert [r["name"] for r in result["resources"]] == ["only"]
    assert api.ok("package_revise", {"match": {"name": "crime"}, "include": ["-*"]}, editor) == {}


def test_several_files_in_one_call(client, api, editor, backend):
    files = {
        "update__resources__0__upload": ("data.csv", b"x,y\n1,2\n"),
        "update__resources__1__upload": ("datapackage.json", b'{"name": "crime"}'),
    }
    status, body = revise_multipart(
        client,
        editor,
        {
            "match": {"name": "crime"},
            "filter": ["-resources"],
            "update": {"resources": [{"name": "data.csv"}, {"name": "datapackage.json"}]},
        },
        files,
    )
    assert status == 200, body
    resources = body["result"]["package"]["resources"]
    assert [r["url_type"] for r in resources] == ["upload", "upload"]
    assert resources[0]["hash"] == "sha256:" + hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert client.get(resources[1]["url"].removeprefix("http://portal.test")).data == b'{"name": "crime"}'


def test_a_failed_file_rolls_back_the_files_stored_before_it(client, api, editor, settings, backend):
    before = api.ok("package_show", {"id": "crime"})
    too_big = b"b\n" * (settings.max_upload_bytes // 2 + 1)
    status, body = revise_multipart(
        client,
        editor,
        {
            "match": {"name": "crime"},
            "filter": ["-resources"],
            "update": {"resources": [{"name": "good"}, {"name": "big"}]},
        },
        {"update__resources__0__upload": ("good.csv", b"a\n1\n"), "update__resources__1__upload": ("big.csv", too_big)},
    )
    assert status == 413, body
    after = api.ok("package_show", {"id": "crime"})
    assert after["resources"] == before["resources"] and after["metadata_modified"] == before["metadata_modified"]
    assert not [p for p in Path(settings.storage_path).rglob("*") if p.is_file()]


def test_unknown_dataset_and_missing_match(api, editor, backend):
    assert api.post("package_revise", {"match": {"id": "nope"}}, editor)[0] == 404
    status, body = api.post("package_revise", {"update": {"title": "x"}}, editor)
    assert status == 409 and body["error"]["match__id"] == ["Missing value"]
