"""The API's envelope and error shapes, as CKAN clients parse them."""

from __future__ import annotations

import pytest

from portal.actions.registry import ACTIONS, _load_all


def test_unknown_action_is_400_with_envelope(api, backend):
    status, body = api.post("no_such_action")
    assert status == 400
    assert body["success"] is False
    assert "Action name not known: no_such_action" in body["error"]["message"]


def test_get_on_write_action_is_400(api, backend):
    status, body = api.get("package_create", name="x")
    assert status == 400
    assert "POST" in body["error"]["message"]


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_json_is_400(client, backend, payload):
    r = client.post("/api/3/action/package_search", data=payload, content_type="application/json")
    assert r.status_code == 400
    assert r.get_json()["success"] is False


def test_unversioned_path_and_versioned_path_agree(client, backend):
    a = client.get("/api/action/package_list").get_json()
    b = client.get("/api/3/action/package_list").get_json()
    assert a["result"] == b["result"] == []


def test_validation_error_shape(api, factory, backend):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    token = factory.token("ed")
    status, body = api.post("package_create", {"name": "Bad Name!", "owner_org": "police"}, token)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["name"][0].startswith("Must be purely lowercase")


def test_not_found_shape(api, backend):
    status, body = api.get("package_show", id="missing")
    assert status == 404
    assert body["error"] == {"__type": "Not Found Error", "message": "Not found: dataset"}


def test_authorization_error_shape(api, backend):
    status, body = api.post("organization_create", {"name": "x"})
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert body["error"]["message"].startswith("Access denied")


def test_search_query_error_shape(api, backend):
    status, body = api.get("package_search", fq='tags:"unterminated')
    assert status == 400
    assert body["error"]["__type"] == "Search Query Error"


def test_help_show_documents_every_action(api, backend):
    _load_all()
    for name in ACTIONS:
        status, body = api.get("help_show", name=name)
        assert status == 200
        assert len(body["result"]) > 20, f"{name} has no documentation"


def test_post_never_redirects(client, backend):
    r = client.post("/api/3/action/package_list", json={})
    assert r.status_code == 200
    r = client.post("/api/3/action/status_show/", json={})
    assert r.status_code in (400, 404)
    assert r.status_code not in (301, 302, 307, 308)


def test_bad_token_is_anonymous_not_an_error(api, backend):
    status, body = api.get("package_list", token="nyy_00000000-0000-0000-0000-000000000000.nope")
    assert status == 200
    status, body = api.post("package_create", {"name": "x", "owner_org": "y"}, token="garbage")
    assert status == 403


def test_x_ckan_api_key_header(client, factory, backend):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    token = factory.token("ed")
    r = client.post(
        "/api/3/action/package_create", json={"name": "via-header", "owner_org": "police"},
        headers={"X-CKAN-API-Key": token},
    )  # fmt: skip
    assert r.status_code == 200, r.get_json()


@pytest.mark.parametrize(
    "data",
    [
        {"name": ["list"], "owner_org": "police"},
        {"name": "ok-name", "owner_org": "police", "private": "maybe"},
        {"name": "ok-name", "owner_org": "police", "tags": "not-a-list"},
        {"name": "ok-name", "owner_org": "police", "tags": [{"name": "x" * 200}]},
        {"name": "ok-name", "owner_org": "police", "extras": [{"key": "name", "value": "clash"}]},
        {"name": "ok-name", "owner_org": "police", "resources": [{"size": "big"}]},
        {"name": "ok-name", "owner_org": "police", "resources": "nope"},
        {"name": "ok-name", "owner_org": "police", "title": {"a": 1}},
        {"name": "ok-name", "owner_org": "police", "id": "../../etc/passwd"},
        {"name": "ok-name", "owner_org": "no-such-org"},
    ],
)
def test_bad_input_is_a_validation_error_never_500(api, factory, backend, data):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    status, body = api.post("package_create", data, factory.token("ed"))
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"


@pytest.mark.parametrize(
    "params",
    [
        {"rows": "ten"},
        {"start": "-1"},
        {"facet.field": "{bad json"},
        {"facet.limit": "x"},
        {"include_private": "perhaps"},
        {"sort": "name; DROP TABLE packages"},
    ],
)
def test_bad_search_params_are_client_errors(api, backend, params):
    status, body = api.get("package_search", **params)
    assert status in (400, 409), body
    assert body["success"] is False


def test_values_beyond_64_bits_that_a_client_stored_are_returned_as_sent(api, factory, backend):
    factory.org("big")
    factory.dataset("big", "huge-numbers", resources=[{"url": "https://x.org/a.csv", "rows": 10**30}])
    assert api.ok("package_show", {"id": "huge-numbers"})["resources"][0]["rows"] == 10**30
    factory.dataset("big", "small-numbers", resources=[{"url": "https://x.org/b.csv", "rows": 10}])
    for _ in range(2):  # once written afresh, once from what the search kept
        found = api.ok("package_search", {"fq": "organization:big", "sort": "name asc"})["results"]
        assert [r["resources"][0]["rows"] for r in found] == [10**30, 10]
