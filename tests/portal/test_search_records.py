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
