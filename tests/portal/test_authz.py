"""Who may do what: every write action for every role, and private-dataset visibility everywhere."""

from __future__ import annotations

import io

import pytest

ROLES = ["anonymous", "member", "editor", "admin", "other_admin", "sysadmin"]
EDITORS = {"editor", "admin", "sysadmin"}
ADMINS = {"admin", "sysadmin"}


@pytest.fixture
def world(factory):
    for name in ("member", "editor", "admin", "other_admin", "sysadmin"):
        factory.user(name, sysadmin=name == "sysadmin")
    factory.org("org-a", {"member": "member", "editor": "editor", "admin": "admin"})
    factory.org("org-b", {"other_admin": "admin"})
    pkg = factory.dataset("org-a", "public-ds", resources=[{"url": "https://example.org/a.csv"}])
    factory.dataset("org-a", "private-ds", private=True)
    tokens = {name: factory.token(name) for name in ROLES if name != "anonymous"}
    tokens["anonymous"] = None
    return {"tokens": tokens, "pkg": pkg, "res": pkg["resources"][0], "factory": factory}


def write_cases(world):
    pkg, res = world["pkg"], world["res"]
    other_token = world["factory"].call("api_token_create", {"user": "member", "name": "x"})["token"]
    return {
        "package_create": ({"name": "new-ds", "owner_org": "org-a"}, EDITORS),
        "package_update": (
            {"id": pkg["id"], "name": pkg["name"], "owner_org": "org-a", "title": "T"},
            EDITORS,
        ),
        "package_patch": ({"id": pkg["id"], "title": "T"}, EDITORS),
        "package_revise": ({"match": {"id": pkg["id"]}, "update": {"title": "T"}}, EDITORS),
        "package_delete": ({"id": pkg["id"]}, EDITORS),
        "resource_create": ({"package_id": pkg["id"], "url": "https://example.org/b.csv"}, EDITORS),
        "resource_update": ({"id": res["id"], "url": "https://example.org/c.csv"}, EDITORS),
        "resource_patch": ({"id": res["id"], "name": "n"}, EDITORS),
        "resource_delete": ({"id": res["id"]}, EDITORS),
        "organization_create": ({"name": "org-new"}, {"sysadmin"}),
        "organization_update": ({"id": "org-a", "title": "A"}, ADMINS),
        "organization_member_create": ({"id": "org-a", "username": "other_admin", "role": "editor"}, ADMINS),
        "group_create": ({"name": "theme-new"}, {"sysadmin"}),
        "user_create": ({"name": "someone-new", "email": "n@example.org"}, {"sysadmin"}),
        "api_token_create": ({"user": "member", "name": "t"}, {"member", "sysadmin"}),
        "api_token_revoke": ({"token": other_token}, {"member", "sysadmin"}),
    }


WRITE_ACTIONS = [
    "package_create", "package_update", "package_patch", "package_revise", "package_delete", "resource_create",
    "resource_update", "resource_patch", "resource_delete", "organization_create", "organization_update",
    "organization_member_create", "group_create", "user_create", "api_token_create", "api_token_revoke",
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", WRITE_ACTIONS)
def test_write_action_matrix(api, world, backend, action, role):
    data, allowed = write_cases(world)[action]
    status, body = api.post(action, data, world["tokens"][role])
    if role in allowed:
        assert status == 200, body
    else:
        assert status == 403, body
        assert body["error"]["__type"] == "Authorization Error"


@pytest.mark.parametrize("role", ROLES)
def test_private_dataset_visibility(api, client, world, backend, role):
    token = world["tokens"][role]
    can_see = role in {"member", "editor", "admin", "sysadmin"}
    status, _ = api.get("package_show", token=token, id="private-ds")
    assert status == (200 if can_see else 403)
    found = api.ok("package_search", {"q": "", "include_private": True, "rows": 100}, token)
    assert ("private-ds" in [r["name"] for r in found["results"]]) is can_see
    assert "private-ds" not in api.ok("package_search", {"rows": 100}, token)["results"]
    assert "private-ds" not in api.ok("package_list", {}, token)
    org = api.ok("organization_show", {"id": "org-a", "include_datasets": True}, token)
    assert ("private-ds" in [p["name"] for p in org["packages"]]) is can_see


@pytest.mark.parametrize("role", ROLES)
def test_private_download(client, world, backend, role):
    factory = world["factory"]
    res = factory.call(
        "resource_create",
        {
            "package_id": "private-ds",
            "upload": __import__("portal.uploads").uploads.Upload("s.csv", io.BytesIO(b"a")),
        },
    )
    headers = {"Authorization": world["tokens"][role]} if world["tokens"][role] else {}
    status = client.get(res["url"].removeprefix("http://portal.test"), headers=headers).status_code
    assert status == (200 if role in {"member", "editor", "admin", "sysadmin"} else 403)


@pytest.mark.parametrize("role", ROLES)
def test_member_lists_are_for_members(api, world, backend, role):
    token = world["tokens"][role]
    status, body = api.get("member_list", token=token, id="org-a")
    assert status == (200 if role in {"member", "editor", "admin", "sysadmin"} else 403)
    shown = api.ok("organization_show", {"id": "org-a"}, token)
    assert bool(shown["users"]) is (role in {"member", "editor", "admin", "sysadmin"})


def test_editor_cannot_move_a_dataset_to_another_org(api, world, backend):
    status, body = api.post("package_patch", {"id": "public-ds", "owner_org": "org-b"}, world["tokens"]["editor"])
    assert status == 403


def test_revoked_token_stops_working(api, world, backend):
    token = world["tokens"]["editor"]
    assert api.ok("package_patch", {"id": "public-ds", "title": "ok"}, token)
    api.ok("api_token_revoke", {"token": token}, token)
    status, _ = api.post("package_patch", {"id": "public-ds", "title": "no"}, token)
    assert status == 403
