"""The pages through the Flask test client: what a visitor finds on each page type."""

from __future__ import annotations

import io
import json
import re
import zipfile

from tests.web.conftest import Catalogue, sign_in


def text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_home_shows_counts_themes_publishers_and_recent(client, catalogue: Catalogue) -> None:
    html = text(client.get("/"))
    assert re.search(r'app-count">3</span> datasets', html)  # the private dataset is not counted
    assert "North Yorkshire Police" in html and "City of York Council" in html
    assert 'href="/group/crime-and-justice"' in html
    assert 'href="/dataset/demand-by-lsoa"' in html
    assert "partners-only-referrals" not in html


def test_search_counts_filters_and_removes_filters(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset?q=demand"))
    assert "1 dataset found" in html and 'href="/dataset/demand-by-lsoa"' in html
    html = text(client.get("/dataset?release_mode=open"))
    assert "1 dataset found" in html and "Council spending" in html and "Service demand" not in html
    assert "Release mode: Open data" in html
    assert 'href="/dataset?sort=recent">Remove' in html
    html = text(client.get("/dataset?agency=police"))
    assert "2 datasets found" in html and "Council spending" not in html
    html = text(client.get("/dataset?agency=police&res_format=CSV&groups=crime-and-justice"))
    assert "1 dataset found" in html
    remove = 'href="/dataset?sort=recent&amp;groups=crime-and-justice&amp;res_format=CSV">Remove'
    assert f'Agency type: Police <a class="govuk-link" {remove}' in html


def test_search_facets_list_every_facet_with_counts(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset"))
    for label in ("Publisher", "Agency type", "Theme", "Format", "Licence", "Release mode"):
        assert f'<span class="govuk-details__summary-text">{label}</span>' in html
    assert re.search(r"Police <span class=\"app-facet-count\">\(2\)</span>", html)


def test_search_sort_and_pagination(client, factory, catalogue: Catalogue) -> None:
    for i in range(25):
        factory.dataset(catalogue.org, f"bulk-{i:02d}", title=f"Bulk {i:02d}")
    html = text(client.get("/dataset?sort=name"))
    assert "28 datasets found" in html
    titles = re.findall(r'<h3 class="govuk-heading-s govuk-!-margin-bottom-1"><a [^>]+>([^<]+)</a>', html)
    assert titles == sorted(titles, key=str.lower) and len(titles) == 20
    assert 'href="/dataset?sort=name&amp;page=2"' in html
    page2 = text(client.get("/dataset?sort=name&page=2"))
    assert len(re.findall(r"app-result\"", page2)) == 8


def test_search_without_matches_helps(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset?q=zebra+crossings"))
    assert "0 datasets found" in html and "No datasets matched" in html and "removing filters" in html


def test_search_with_broken_query_syntax_still_searches_words(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset?q=demand+(lsoa"))
    assert "1 dataset found" in html and 'href="/dataset/demand-by-lsoa"' in html


def test_dataset_page_shows_metadata_resources_and_snippets(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset/demand-by-lsoa"))
    assert "<strong>per month</strong>" in html and '<h3 class="govuk-heading-s">Method</h3>' in html
    for fact in ("North Yorkshire Police", "monthly", "North Yorkshire", "2024-01-01 to 2024-12-31", "Data team",
                 "mailto:data@example.org", "Crime And Justice", "Synthetic data"):  # fmt: skip
        assert fact in html, fact
    assert "Open Government Licence" in html
    rid = catalogue.rich["resources"][0]["id"]
    assert f'href="/dataset/demand-by-lsoa/resource/{rid}"' in html
    assert f"/dataset/{catalogue.rich['id']}/resource/{rid}/download/demand.csv" in html
    assert "curl -s &#39;http://portal.test/api/3/action/package_show?id=demand-by-lsoa&#39;" in html
    assert "ckanapi action package_show id=demand-by-lsoa -r http://portal.test" in html
    assert 'href="/dataset/demand-by-lsoa/datapackage.zip"' in html


def test_dataset_page_preview_pages_through_first_100_rows(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset/demand-by-lsoa"))
    assert "Rows 1 to 25 of the first 100 rows" in html and "the file has more" in html
    assert '<td class="govuk-table__cell">E01020024</td>' in html
    assert "E01020025" not in html
    page4 = text(client.get("/dataset/demand-by-lsoa?preview_page=4"))
    assert "Rows 76 to 100" in page4 and "E01020099" in page4 and "E01020100" not in page4


def test_dataset_page_dictionary_seal_and_synthetic_report(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset/demand-by-lsoa"))
    assert 'id="data-dictionary"' in html and "Contacts in the month" in html and "at least 0" in html
    assert "Meets" in html and "quality criteria" in html and "2 error(s) found" in html
    assert "Row 7: count is negative" in html
    assert "Synthetic referrals release" in html and "Privacy check: <strong>released</strong>" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img"') == 3
    assert "age_band: real and synthetic" in html and "0-4: real 0.2, synthetic 0.25" in html


def test_resource_page_and_supporting_files(client, catalogue: Catalogue) -> None:
    res = catalogue.rich["resources"][0]
    html = text(client.get(f"/dataset/demand-by-lsoa/resource/{res['id']}"))
    assert "demand-csv" in html and "Download" in html and "Rows 1 to 25" in html and "Contacts in the month" in html
    html = text(client.get(f"/dataset/{catalogue.rich['id']}/resource/{res['id']}?preview_page=2"))
    assert "Rows 26 to 50" in html
    other = catalogue.plain["resources"][0]["id"]
    assert client.get(f"/dataset/demand-by-lsoa/resource/{other}").status_code == 404


def test_zip_holds_datapackage_and_files(client, catalogue: Catalogue) -> None:
    response = client.get("/dataset/demand-by-lsoa/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"datapackage.json", "data/demand.csv", "validation-report.json", "synthetic-report.json"} <= names
    assert json.loads(archive.read("datapackage.json"))["name"] == "demand"  # the publisher's own descriptor
    assert archive.read("data/demand.csv").count(b"\n") == catalogue.rows + 1
    built = zipfile.ZipFile(io.BytesIO(client.get("/dataset/council-spending/datapackage.zip").data))
    descriptor = json.loads(built.read("datapackage.json"))
    assert descriptor["name"] == "council-spending" and descriptor["resources"][0]["path"] == "data/spending.csv"


def test_publisher_theme_and_schema_pages(client, catalogue: Catalogue) -> None:
    html = text(client.get("/organization"))
    assert "North Yorkshire Police" in html and "Police</td>" in html
    html = text(client.get("/organization/nypolice"))
    assert "2 datasets" in html and "Service demand by LSOA" in html and "partners-only" not in html
    html = text(client.get("/group/crime-and-justice"))
    assert "1 dataset" in html and "Service demand by LSOA" in html
    assert "Spend over" in text(client.get("/schema")) or "spend-over-500" in text(client.get("/schema"))
    html = text(client.get("/schema/spend-over-500"))
    assert "transaction_number" in html and "unique" in html
    assert client.get("/schema/no-such-schema").status_code == 404


def test_api_and_accessibility_pages(client, catalogue: Catalogue) -> None:
    html = text(client.get("/api"))
    for action in ("package_search", "package_show", "resource_create", "api_token_create"):
        assert f'id="action-{action}"' in html
    assert "WCAG" in text(client.get("/accessibility"))


def test_private_dataset_only_for_partners(client, catalogue: Catalogue) -> None:
    assert client.get("/dataset/partners-only-referrals").status_code == 403
    sign_in(client)
    html = text(client.get("/dataset/partners-only-referrals"))
    assert "Partner agencies only" in html
    assert "application/ld+json" not in html  # private datasets are never described for search engines
    assert "partners-only-referrals" in text(client.get("/dataset?q=referrals"))


def test_missing_pages_are_govuk_404s(client, catalogue: Catalogue) -> None:
    response = client.get("/dataset/no-such-dataset")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
    assert client.get("/organization/nobody").status_code == 404
    assert client.get("/dataset/demand-by-lsoa/datapackage.zip").status_code == 200
    assert client.get("/dataset/partners-only-referrals/datapackage.zip").status_code == 403


def test_a_facet_in_use_still_offers_its_other_values(client, catalogue: Catalogue) -> None:
    html = text(client.get("/dataset?agency=police"))
    assert re.search(r'value="council"\s*>\s*<label[^>]*>Council <span class="app-facet-count">\(1\)', html)
    html = text(client.get("/dataset?organization=nypolice"))
    assert re.search(r'>City of York Council <span class="app-facet-count">\(1\)', html)
    assert re.search(r'>Crime And Justice <span class="app-facet-count">\(1\)', html)  # other facets narrow
    both = text(client.get("/dataset?organization=nypolice&organization=york-council"))
    assert "3 datasets found" in both
