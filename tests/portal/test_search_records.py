"""Search results come from the records kept with the search rows, and are exactly what package_show gives."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from portal.search.reindex import reindex_all


@pytest.fixture
def dataset(factory, client):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.group("crime-and-justice")
    factory.group("transport")
    factory.dataset(
        "police",
        "street-crime",
        title="Street crime",
        notes="Recorded crime by month.",
        tags=[{"name": "crime"}, {"name": "anti social behaviour"}],
        groups=[{"name": "transport"}, {"name": "crime-and-justice"}],
        license_id="OGL-UK-3.0",
        extras=[{"key": "release_mode", "value": "open"}, {"key": "coverage", "value": "York"}],
        resources=[{"url": "https://x.org/a.csv", "name": "Link", "extras": {"rows": 3}}],
    )
    r = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "street-crime", "name": "Data", "upload": (io.BytesIO(b"a,b\n1,2\n"), "crime.csv")},
        headers={"Authorization": factory.token("ed")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_json()
    return factory


def found(api, **params):
    return api.ok("package_search", {"q": "crime", **params})["results"]


def test_results_are_what_package_show_gives(api, dataset, backend):
    shown = api.ok("package_show", {"id": "street-crime"})
    assert found(api) == [shown]
    assert shown["resources"][1]["url"].startswith("http://portal.test/dataset/")  # this site's address


def test_organization_and_themes_are_current_in_results(api, dataset, backend):
    dataset.call("organization_update", {"id": "police", "title": "North Yorkshire Police"})
    result = found(api)[0]
    assert result["organization"]["title"] == "North Yorkshire Police"
    assert result == api.ok("package_show", {"id": "street-crime"})


def test_rows_indexed_before_records_were_kept_still_give_full_results(api, services, dataset, backend):
    shown = api.ok("package_show", {"id": "street-crime"})
    with services.db.session() as session:
        session.execute(text("UPDATE search_docs SET data = NULL"))
    assert found(api) == [shown]
    reindex_all(services, records_only=True)
    with services.db.session() as session:
        assert session.execute(text("SELECT count(*) FROM search_docs WHERE data IS NULL")).scalar() == 0
    assert found(api) == [shown]


def orm_show(services, ref: str) -> dict:
    """package_show's dict read the long way, through the ORM: what the stored record must equal."""
    from portal.authz import by_id_or_name
    from portal.dictize import license_register, package_dict
    from portal.models import Package

    with services.context() as ctx:
        pkg = by_id_or_name(ctx, Package, ref)
        return package_dict(pkg, services.settings.site_url, license_register(ctx.session))


def test_package_show_reads_the_record_and_it_equals_the_dataset_itself(api, services, dataset, backend):
    """package_show answers from the stored record; after every kind of change it equals the ORM's dict."""
    token = dataset.token("ed")
    changes = [
        ("package_patch", {"id": "street-crime", "notes": "Changed.", "private": True}),
        ("organization_update", {"id": "police", "title": "North Yorkshire Police", "description": "Keeps order"}),
        ("organization_update", {"id": "police", "title": "Police, North Yorkshire"}),
        ("resource_patch", {"id": None, "name": "Renamed", "format": "CSV"}),
        ("resource_delete", {"id": None}),
        ("package_patch", {"id": "street-crime", "license_id": "CC0-1.0", "tags": [{"name": "fresh"}]}),
        ("package_patch", {"id": "street-crime", "name": "street-crime-2"}),
    ]
    ref = "street-crime"
    for action, data in changes:
        if data.get("id", "") is None:
            data = {**data, "id": api.ok("package_show", {"id": ref}, token)["resources"][0]["id"]}
        if action.startswith(("organization", "group")):
            dataset.call(action, data)  # as a sysadmin
        else:
            api.ok(action, data, token)
        ref = data.get("name", ref) if action == "package_patch" else ref
        shown = api.ok("package_show", {"id": ref}, token)
        assert shown == orm_show(services, ref), action
        assert api.ok("package_show", {"id": shown["id"]}, token) == shown
    with services.db.session() as session:  # and it really is the record that answered
        session.execute(text("UPDATE search_docs SET data = replace(data, 'Changed.', 'From the record')"))
    assert api.ok("package_show", {"id": ref}, token)["notes"] == "From the record"


def test_package_show_prefers_the_dataset_whose_id_is_asked_over_one_named_so(api, factory, backend):
    factory.org("fire")
    first = factory.dataset("fire", "first")
    factory.dataset("fire", first["id"])  # a name may look like an id: CKAN looks ids up first
    assert api.ok("package_show", {"id": first["id"]})["name"] == "first"


def test_package_show_without_a_record_reads_the_dataset(api, services, dataset, backend):
    shown = api.ok("package_show", {"id": "street-crime"})
    with services.db.session() as session:
        session.execute(text("UPDATE search_docs SET data = NULL"))
    assert api.ok("package_show", {"id": "street-crime"}) == shown
    with services.db.session() as session:
        session.execute(text("DELETE FROM search_docs"))
    assert api.ok("package_show", {"id": "street-crime"}) == shown
