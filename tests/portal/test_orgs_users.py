"""Organizations, groups, members, users, tokens, licences and tags."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from portal.models import ApiToken, User


def test_organization_list_and_all_fields(api, factory, backend):
    factory.org("police")
    factory.org("fire")
    factory.dataset("police", "ds-a")
    factory.dataset("police", "ds-b", private=True)
    assert api.ok("organization_list") == ["fire", "police"]
    full = api.ok("organization_list", {"all_fields": True, "sort": "package_count desc"})
    assert [o["name"] for o in full] == ["police", "fire"]
    assert full[0]["package_count"] == 1  # public datasets only
    assert {"id", "name", "title", "display_name", "description", "image_url", "created", "is_organization",
            "type", "state", "package_count"} <= set(full[0])  # fmt: skip
    assert api.ok("organization_list", {"limit": 1, "offset": 1}) == ["police"]
    status, body = api.get("organization_list", sort="bogus")
    assert status == 409


def test_organization_show_and_update(api, factory, backend):
    factory.user("boss")
    factory.org("police", {"boss": "admin"})
    token = factory.token("boss")
    shown = api.ok("organization_show", {"id": "police"})
    assert shown["is_organization"] is True and shown["type"] == "organization"
    updated = api.ok("organization_update", {"id": "police", "title": "North Yorkshire Police",
                                             "extras": [{"key": "agency_type", "value": "police"}]}, token)  # fmt: skip
    assert updated["title"] == "North Yorkshire Police"
    assert updated["extras"] == [{"key": "agency_type", "value": "police"}]
    assert {u["name"]: u["capacity"] for u in updated["users"]}["boss"] == "admin"  # users left out are kept


def test_member_create_changes_roles(api, factory, backend):
    factory.user("boss")
    factory.user("new")
    factory.org("police", {"boss": "admin"})
    token = factory.token("boss")
    member = api.ok("organization_member_create", {"id": "police", "username": "new", "role": "member"}, token)
    assert member["capacity"] == "member" and member["table_name"] == "user"
    api.ok("organization_member_create", {"id": "police", "username": "new", "role": "editor"}, token)
    members = api.ok("member_list", {"id": "police", "object_type": "user"}, token)
    roles = {m[0]: m[2] for m in members}
    new_id = api.ok("user_show", {"id": "new"})["id"]
    assert roles[new_id] == "editor"
    status, body = api.post("organization_member_create", {"id": "police", "username": "new", "role": "king"}, token)
    assert status == 409 and "role" in body["error"]


def test_groups_and_group_package_show(api, factory, backend):
    factory.org("police")
    factory.group("crime-and-justice")
    factory.dataset("police", "in-theme", groups=[{"name": "crime-and-justice"}])
    factory.dataset("police", "secret-in-theme", groups=[{"name": "crime-and-justice"}], private=True)
    factory.dataset("police", "elsewhere")
    assert api.ok("group_list") == ["crime-and-justice"]
    assert api.ok("group_list", {"all_fields": True})[0]["package_count"] == 1
    assert [p["name"] for p in api.ok("group_package_show", {"id": "crime-and-justice"})] == ["in-theme"]
    shown = api.ok("group_show", {"id": "crime-and-justice", "include_datasets": True})
    assert [p["name"] for p in shown["packages"]] == ["in-theme"] and shown["is_organization"] is False
    members = api.ok("member_list", {"id": "crime-and-justice", "object_type": "package"})
    assert len(members) == 1 and members[0][1:] == ["package", "public"]
    assert api.post("group_show", {"id": "police"})[0] == 404  # an organization is not a group


def test_user_show_hides_email_from_others(api, factory, backend):
    factory.user("alice")
    factory.user("bob")
    assert "email" not in api.ok("user_show", {"id": "alice"})
    assert "email" not in api.ok("user_show", {"id": "alice"}, factory.token("bob"))
    assert api.ok("user_show", {"id": "alice"}, factory.token("alice"))["email"] == "alice@example.org"
    shown = api.ok("user_show", {"id": "alice"}, factory.token("alice"))
    assert not any("password" in key for key in shown)


def test_passwords_and_tokens_are_stored_hashed(api, factory, services, backend):
    factory.user("alice", password="correct horse battery")
    token = factory.token("alice")
    with services.context() as ctx:
        user = ctx.session.scalar(select(User).where(User.name == "alice"))
        assert "correct horse" not in user.password_hash and user.password_hash.startswith("scrypt:")
        stored = ctx.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
        secret = token.split(".", 1)[1]
        assert secret not in stored.secret_hash
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_token_list_and_revoke_by_id(api, factory, backend):
    factory.user("alice")
    token = factory.token("alice")
    second = api.ok("api_token_create", {"user": "alice", "name": "laptop"}, token)["token"]
    listed = api.ok("api_token_list", {}, token)
    assert [t["name"] for t in listed] == ["test", "laptop"]
    assert all("secret" not in key and "hash" not in key for t in listed for key in t)
    api.ok("api_token_revoke", {"jti": listed[1]["id"]}, token)
    assert api.post("package_list", {}, second)[0] == 200  # anonymous again, not an error
    assert api.post("api_token_list", {}, second)[0] == 403


def test_license_register(api, backend):
    licences = {lic["id"]: lic for lic in api.ok("license_list")}
    for wanted in ("OGL-UK-3.0", "CC-BY-4.0", "CC0-1.0", "ODbL-1.0"):
        assert wanted in licences
    assert licences["OGL-UK-3.0"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    assert licences["OGL-UK-3.0"]["od_conformance"] == "approved"


def test_tag_list_only_public_tags(api, factory, backend):
    factory.org("police")
    factory.dataset("police", "ds-a", tags=[{"name": "crime"}, {"name": "lsoa"}])
    factory.dataset("police", "ds-b", tags=[{"name": "secret-tag"}], private=True)
    assert api.ok("tag_list") == ["crime", "lsoa"]
    assert api.ok("tag_list", {"query": "cri"}) == ["crime"]


def test_site_read_and_status(api, backend):
    assert api.ok("site_read") is True
    assert api.ok("status_show")["site_url"] == "http://portal.test"
