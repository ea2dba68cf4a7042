"""The pages whose queries differ by database (search, facets, feeds, DCAT) also on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.conftest import Catalogue


@pytest.fixture
def backend() -> str:
    return "postgresql"


def test_search_facets_and_dataset_page_on_postgresql(client, catalogue: Catalogue) -> None:
    html = client.get("/dataset?agency=police&q=demand").get_data(as_text=True)
    assert "1 dataset found" in html and "Service demand by LSOA" in html
    assert "Release mode" in html and "Synthetic data" in html
    page = client.get("/dataset/demand-by-lsoa").get_data(as_text=True)
    assert "Rows 1 to 25 of the first 100 rows" in page and "Contacts in the month" in page
    feed = client.get("/feeds/dataset.atom").get_data(as_text=True)
    assert "Service demand by LSOA" in feed and "Partners only referrals" not in feed
    assert client.get("/catalog.ttl").status_code == 200
