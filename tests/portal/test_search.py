"""package_search: text ranking, Solr-style filters, facets, paging, sorting and visibility."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def catalogue(factory):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.org("fire")
    factory.group("crime-and-justice")
    factory.group("emergency-services")
    d = factory.dataset
    d(
        "police",
        "street-crime",
        title="Street crime",
        notes="Recorded crime by month.",
        tags=[{"name": "crime"}, {"name": "anti social behaviour"}],
        groups=[{"name": "crime-and-justice"}],
        license_id="OGL-UK-3.0",
        resources=[{"url": "https://x.org/a.csv"}, {"url": "https://x.org/b.json"}],
    )
    d(
        "police",
        "stop-and-search",
        title="Stop and search",
        notes="Searches of people and vehicles; crime.",
        tags=[{"name": "crime"}],
        groups=[{"name": "crime-and-justice"}],
        license_id="OGL-UK-3.0",
        resources=[{"url": "https://x.org/c.csv"}],
    )
    d(
        "fire",
        "fire-incidents",
        title="Fire incidents",
        notes="Incidents attended by fire crews.",
        tags=[{"name": "fire"}],
        groups=[{"name": "emergency-services"}],
        license_id="CC-BY-4.0",
        resources=[{"url": "https://x.org/d.xlsx"}],
        extras=[{"key": "release_mode", "value": "open"}],
    )
    d("police", "private-intel", title="Private crime intelligence", private=True, tags=[{"name": "crime"}])
    return factory  # fmt: skip


def names(result):
    return [r["name"] for r in result["results"]]


def test_free_text_ranks_title_over_notes(api, catalogue, backend):
    result = api.ok("package_search", {"q": "crime"})
    assert result["count"] == 2  # the private one is hidden
    assert names(result)[0] == "street-crime"  # title and tag match beat a notes-only match
    assert set(result) == {"count", "results", "facets", "search_facets", "sort"}


def test_text_is_stemmed_and_and_ed(api, catalogue, backend):
    assert names(api.ok("package_search", {"q": "searching vehicle"})) == ["stop-and-search"]
    assert api.ok("package_search", {"q": "crime fire"})["count"] == 0
    assert names(api.ok("package_search", {"q": "incid*"})) == ["fire-incidents"]


def test_field_queries_in_q(api, catalogue, backend):
    assert names(api.ok("package_search", {"q": "tags:fire"})) == ["fire-incidents"]
    assert names(api.ok("package_search", {"q": "name:stop-and-search"})) == ["stop-and-search"]


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:police", {"street-crime", "stop-and-search"}),
        ('tags:"anti social behaviour"', {"street-crime"}),
        ("res_format:CSV", {"street-crime", "stop-and-search"}),
        ("res_format:XLSX OR res_format:JSON", {"street-crime", "fire-incidents"}),
        ("+organization:police -res_format:JSON", {"stop-and-search"}),
        ('organization:police AND NOT tags:"anti social behaviour"', {"stop-and-search"}),
        (
            "groups:(crime-and-justice OR emergency-services)",
            {"street-crime", "stop-and-search", "fire-incidents"},
        ),
        ("license_id:CC-BY-4.0", {"fire-incidents"}),
        ("release_mode:open", {"fire-incidents"}),
        ("extras_release_mode:open", {"fire-incidents"}),
        ("*:*", {"street-crime", "stop-and-search", "fire-incidents"}),
        ("name:fire-incidents", {"fire-incidents"}),
        ("metadata_modified:[* TO NOW]", {"street-crime", "stop-and-search", "fire-incidents"}),
        ("metadata_modified:[NOW-1DAY TO NOW+1DAY] organization:fire", {"fire-incidents"}),
        ("tags:nonexistent", set()),
    ],
)
def test_fq_filters(api, catalogue, backend, fq, expected):
    assert set(names(api.ok("package_search", {"fq": fq, "rows": 100}))) == expected


def test_facets_are_counted_in_the_database(api, catalogue, backend):
    result = api.ok("package_search", {"facet.field": ["organization", "tags", "res_format", "groups"]})
    assert result["facets"]["organization"] == {"police": 2, "fire": 1}
    assert result["facets"]["res_format"] == {"CSV": 2, "JSON": 1, "XLSX": 1}
    assert result["facets"]["tags"]["crime"] == 2
    items = result["search_facets"]["organization"]["items"]
    assert items[0] == {"name": "police", "display_name": "Police", "count": 2}
    assert result["search_facets"]["groups"]["title"] == "groups"


def test_facet_field_as_json_string_and_limits(api, catalogue, backend):
    status, body = api.get("package_search", **{"facet.field": json.dumps(["tags"]), "facet.limit": "1"})
    assert status == 200
    assert body["result"]["facets"]["tags"] == {"crime": 2}
    result = api.ok("package_search", {"facet.field": ["tags"], "facet.mincount": 2})
    assert result["facets"]["tags"] == {"crime": 2}


def test_facets_follow_the_filters(api, catalogue, backend):
    result = api.ok("package_search", {"fq": "organization:police", "facet.field": ["res_format"]})
    assert result["facets"]["res_format"] == {"CSV": 2, "JSON": 1}


def test_paging_and_empty_page_past_the_end(api, catalogue, backend):
    first = api.ok("package_search", {"sort": "name asc", "rows": 2})
    second = api.ok("package_search", {"sort": "name asc", "rows": 2, "start": 2})
    assert names(first) == ["fire-incidents", "stop-and-search"] and names(second) == ["street-crime"]
    past = api.ok("package_search", {"rows": 2, "start": 50})
    assert past["count"] == 3 and past["results"] == []


def test_rows_are_capped_at_1000(api, catalogue, backend):
    assert api.ok("package_search", {"rows": 5000})["count"] == 3


def test_sorts(api, catalogue, backend):
    assert names(api.ok("package_search", {"sort": "name desc"}))[0] == "street-crime"
    assert names(api.ok("package_search", {"sort": "title_string asc"}))[0] == "fire-incidents"
    newest = api.ok("package_search", {"sort": "metadata_modified desc"})
    assert names(newest)[0] == "fire-incidents"
    assert api.ok("package_search", {"q": "crime"})["sort"] == "score desc, metadata_modified desc"


def test_private_visible_only_with_include_private_to_members(api, catalogue, backend):
    token = catalogue.token("ed")
    assert api.ok("package_search", {"q": "intelligence", "include_private": True})["count"] == 0
    assert api.ok("package_search", {"q": "intelligence"}, token)["count"] == 0
    found = api.ok("package_search", {"q": "intelligence", "include_private": True}, token)
    assert names(found) == ["private-intel"]
    outsider = catalogue.user("outsider")
    catalogue.call("organization_member_create", {"id": "fire", "username": outsider["name"], "role": "admin"})
    other = catalogue.token("outsider")
    assert api.ok("package_search", {"q": "intelligence", "include_private": True}, other)["count"] == 0


def test_drafts_only_for_their_creator(api, catalogue, backend):
    token = catalogue.token("ed")
    api.ok("package_create", {"name": "draft-one", "owner_org": "police", "state": "draft"}, token)
    assert api.ok("package_search", {"fq": "name:draft-one"})["count"] == 0
    assert api.ok("package_search", {"fq": "name:draft-one", "include_drafts": True}, token)["count"] == 1
    assert api.ok("package_search", {"fq": "name:draft-one", "include_drafts": True})["count"] == 0


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE packages; --",
        '" OR 1=1 --',
        "title:(unbalanced",
        "NEAR(crime fire)",
        "crime AND AND OR",
        "*",
        "{!lucene}crime",
        "tags:[a TO",
        "\\",
        "%_%",
        "ñandú ümlaut",
    ],
)
def test_hostile_q_never_errors_and_never_injects(api, catalogue, backend, q):
    status, body = api.get("package_search", q=q)
    assert status == 200, body
    assert api.ok("package_list") != []  # the tables are still there


@pytest.mark.parametrize(
    "fq",
    [
        "tags:(",
        'organization:"x',
        "); DROP TABLE packages; --",
        "a:b:c:[",
        "tags:[a TO b]",
        "title:a*b",
        "(((((",
    ],
)
def test_hostile_fq_is_a_search_query_error(api, catalogue, backend, fq):
    status, body = api.get("package_search", fq=fq)
    assert status == 400, body
    assert body["error"]["__type"] == "Search Query Error"
