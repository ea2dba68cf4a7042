"""Dataset actions and the CKAN dict shapes they return."""

from __future__ import annotations

import re
import uuid

import pytest

PACKAGE_KEYS = {
    "id", "name", "title", "notes", "url", "version", "author", "author_email", "maintainer", "maintainer_email",
    "license_id", "license_title", "license_url", "isopen", "private", "state", "type", "owner_org",
    "organization", "groups", "tags", "extras", "resources", "num_resources", "num_tags", "metadata_created",
    "metadata_modified", "creator_user_id", "relationships_as_object", "relationships_as_subject",
}  # fmt: skip
RESOURCE_KEYS = {
    "id", "package_id", "url", "name", "description", "format", "mimetype", "size", "hash", "url_type",
    "position", "created", "last_modified", "metadata_modified", "state", "resource_type", "datastore_active",
}  # fmt: skip
NAIVE_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


@pytest.fixture
def editor(factory):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.group("crime-and-justice")
    return factory.token("ed")


def full_dataset(**extra):
    return {
        "name": "crime-by-lsoa",
        "title": "Crime by LSOA",
        "owner_org": "police",
        "notes": "Monthly **recorded crime**.",
        "license_id": "OGL-UK-3.0",
        "private": "false",
        "tags": [{"name": "crime"}, {"name": "lsoa"}],
        "groups": [{"name": "crime-and-justice"}],
        "extras": [{"key": "update_frequency", "value": "monthly"}],
        "resources": [
            {"id": "6a1f3c1e-9b7e-4a55-8d64-0f9c0c1c2a11", "url": "https://example.org/crime.csv", "name": "CSV",
             "custom_key": "kept"}
        ],
        "unknown_top_level": "ignored",
        "metadata_modified": "1999-01-01T00:00:00",
        **extra,
    }  # fmt: skip


def test_package_show_has_ckan_shape(api, editor, backend):
    created = api.ok("package_create", full_dataset(), editor)
    shown = api.ok("package_show", {"id": "crime-by-lsoa"})
    assert shown == created
    assert PACKAGE_KEYS <= set(shown)
    assert shown["license_title"] == "Open Government Licence v3.0" and shown["isopen"] is True
    assert shown["private"] is False and shown["state"] == "active" and shown["type"] == "dataset"
    assert shown["organization"]["name"] == "police" and shown["owner_org"] == shown["organization"]["id"]
    assert [t["name"] for t in shown["tags"]] == ["crime", "lsoa"]
    assert set(shown["tags"][0]) == {"id", "name", "display_name", "state", "vocabulary_id"}
    assert shown["groups"][0]["name"] == "crime-and-justice"
    assert shown["extras"] == [{"key": "update_frequency", "value": "monthly"}]
    assert shown["num_tags"] == 2 and shown["num_resources"] == 1
    assert NAIVE_ISO.match(shown["metadata_created"]) and NAIVE_ISO.match(shown["metadata_modified"])
    assert not shown["metadata_modified"].startswith("1999")
    assert "unknown_top_level" not in shown
    res = shown["resources"][0]
    assert RESOURCE_KEYS <= set(res)
    assert res["id"] == "6a1f3c1e-9b7e-4a55-8d64-0f9c0c1c2a11"
    assert res["custom_key"] == "kept" and res["format"] == "CSV" and res["position"] == 0


def test_show_by_id_or_name(api, editor, backend):
    created = api.ok("package_create", full_dataset(), editor)
    assert api.ok("package_show", {"id": created["id"]})["name"] == "crime-by-lsoa"


def test_duplicate_name_is_rejected(api, editor, backend):
    api.ok("package_create", full_dataset(), editor)
    status, body = api.post("package_create", full_dataset(resources=[]), editor)
    assert status == 409
    assert body["error"]["name"] == ["That URL is already in use."]


def test_update_replaces_and_keeps_unsent_lists(api, editor, backend):
    created = api.ok("package_create", full_dataset(), editor)
    updated = api.ok("package_update", {"id": created["id"], "name": "crime-by-lsoa", "owner_org": "police",
                                        "title": "New title"}, editor)  # fmt: skip
    assert updated["title"] == "New title"
    assert updated["notes"] is None and updated["license_id"] is None  # scalars replaced
    assert [t["name"] for t in updated["tags"]] == ["crime", "lsoa"]  # lists left out are kept
    assert updated["num_resources"] == 1
    assert updated["metadata_modified"] > created["metadata_modified"]


def test_update_with_resources_matches_by_id(api, editor, backend):
    created = api.ok("package_create", full_dataset(), editor)
    new_id = str(uuid.uuid4())
    resources = [
        {"id": new_id, "url": "https://example.org/new.json"},
        dict(created["resources"][0], name="Renamed"),
    ]
    updated = api.ok("package_update", dict(created, resources=resources), editor)
    assert [r["id"] for r in updated["resources"]] == [new_id, created["resources"][0]["id"]]
    assert updated["resources"][1]["name"] == "Renamed" and updated["resources"][1]["position"] == 1
    assert updated["resources"][0]["format"] == "JSON"
    trimmed = api.ok("package_update", dict(updated, resources=updated["resources"][:1]), editor)
    assert [r["id"] for r in trimmed["resources"]] == [new_id]
    status, _ = api.get("resource_show", id=created["resources"][0]["id"])
    assert status == 404


def test_patch_merges(api, editor, backend):
    created = api.ok("package_create", full_dataset(), editor)
    patched = api.ok("package_patch", {"id": "crime-by-lsoa", "notes": "Changed"}, editor)
    assert patched["notes"] == "Changed"
    assert patched["title"] == created["title"] and patched["license_id"] == "OGL-UK-3.0"
    assert patched["extras"] == created["extras"] and patched["resources"][0]["id"] == created["resources"][0]["id"]


def test_private_flag_accepts_strings_and_booleans(api, editor, backend):
    assert api.ok("package_create", full_dataset(name="a1", private=True, resources=[]), editor)["private"] is True
    assert api.ok("package_create", full_dataset(name="a2", private="True", resources=[]), editor)["private"] is True
    assert api.ok("package_create", full_dataset(name="a3", private=False, resources=[]), editor)["private"] is False


def test_delete_hides_from_lists_and_search(api, editor, backend):
    api.ok("package_create", full_dataset(), editor)
    assert api.ok("package_list") == ["crime-by-lsoa"]
    api.ok("package_delete", {"id": "crime-by-lsoa"}, editor)
    assert api.ok("package_list") == []
    assert api.ok("package_search", {"q": "crime"})["count"] == 0
    status, _ = api.get("package_show", id="crime-by-lsoa")
    assert status == 403  # anonymous may not see a deleted dataset
    assert api.ok("package_show", {"id": "crime-by-lsoa"}, editor)["state"] == "deleted"


def test_tag_string_and_form_encoded_post(client, editor, backend):
    r = client.post(
        "/api/3/action/package_create",
        data={
            "name": "form-post",
            "owner_org": "police",
            "tag_string": "crime, anti social",
            "private": "false",
        },
        headers={"Authorization": editor},
    )
    body = r.get_json()
    assert r.status_code == 200, body
    assert [t["name"] for t in body["result"]["tags"]] == ["crime", "anti social"]


def test_package_list_paging(api, factory, editor, backend):
    for n in range(5):
        factory.dataset("police", f"ds-{n}")
    assert api.ok("package_list", {"limit": 2, "offset": 1}) == ["ds-1", "ds-2"]


def test_resource_crud(api, editor, backend):
    pkg = api.ok("package_create", full_dataset(resources=[]), editor)
    res = api.ok("resource_create", {"package_id": pkg["name"], "url": "https://example.org/a.xlsx",
                                     "name": "Workbook", "schema_name": "x"}, editor)  # fmt: skip
    assert res["format"] == "XLSX" and res["schema_name"] == "x"
    assert api.ok("resource_show", {"id": res["id"]}) == res
    patched = api.ok("resource_patch", {"id": res["id"], "description": "desc"}, editor)
    assert patched["description"] == "desc" and patched["name"] == "Workbook" and patched["schema_name"] == "x"
    updated = api.ok("resource_update", {"id": res["id"], "url": "https://example.org/b.csv"}, editor)
    assert updated["name"] is None and updated["format"] == "CSV" and "schema_name" not in updated
    assert api.ok("resource_view_list", {"id": res["id"]}) == []
    api.ok("resource_delete", {"id": res["id"]}, editor)
    assert api.ok("package_show", {"id": pkg["id"]})["num_resources"] == 0
    assert api.post("resource_view_list", {"id": res["id"]})[0] == 404


def test_resource_create_needs_package_id(api, editor, backend):
    status, body = api.post("resource_create", {"url": "https://example.org"}, editor)
    assert status == 409 and body["error"]["package_id"] == ["Missing value"]
