"""JSON-LD, DCAT-AP 3 (checked with pyshacl against the official shapes), Atom feeds, sitemap and robots.txt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib import namespace as rns

from tests.web.conftest import Catalogue

SHAPES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dcat-ap-3.0.1-shacl"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_dataset_page_jsonld_describes_the_dataset(client, catalogue: Catalogue) -> None:
    body = client.get("/dataset/demand-by-lsoa").get_data(as_text=True)
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert doc["@type"] == "Dataset" and doc["name"] == "Service demand by LSOA"
    assert doc["description"].startswith("Contacts per month.")
    assert doc["url"] == "http://portal.test/dataset/demand-by-lsoa" and doc["identifier"] == catalogue.rich["id"]
    assert doc["license"].startswith("http") and doc["publisher"]["name"] == "North Yorkshire Police"
    assert doc["creator"]["@type"] == "Organization" and doc["keywords"] == ["demand", "lsoa"]
    assert doc["spatialCoverage"]["name"] == "North Yorkshire"
    assert doc["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert doc["dateModified"] == catalogue.rich["metadata_modified"]
    csv = next(d for d in doc["distribution"] if d["name"] == "demand-csv")
    assert csv["contentUrl"].endswith("/download/demand.csv") and csv["encodingFormat"] == "text/csv"


def catalog(client) -> Graph:  # noqa: ANN001
    response = client.get("/catalog.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_dcat_catalogue_lists_public_datasets_with_access_rights_and_frequency(client, catalogue: Catalogue) -> None:
    g = catalog(client)
    datasets = set(g.subjects(rns.RDF.type, rns.DCAT.Dataset))
    assert len(datasets) == 3  # the private dataset is never listed
    rich = URIRef(f"http://portal.test/dataset/{catalogue.rich['id']}")
    eu = Namespace("http://publications.europa.eu/resource/authority/")
    assert (rich, rns.DCTERMS.accessRights, eu["access-right/PUBLIC"]) in g
    assert (rich, rns.DCTERMS.accrualPeriodicity, eu["frequency/MONTHLY"]) in g
    assert len(list(g.objects(rich, rns.DCAT.distribution))) == 4
    jsonld = Graph().parse(data=client.get("/catalog.jsonld").get_data(as_text=True), format="json-ld")
    assert len(jsonld) == len(g)


@pytest.mark.skipif(not SHAPES.is_dir(), reason=f"the DCAT-AP 3.0.1 SHACL shapes are not at {SHAPES}")
def test_dcat_catalogue_conforms_to_dcat_ap_3(client, catalogue: Catalogue) -> None:
    from pyshacl import validate

    data = catalog(client)
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    conforms, _graph, report = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, report


def test_dcat_pages_through_large_catalogues(client, factory, catalogue: Catalogue) -> None:
    for i in range(100):
        factory.dataset(catalogue.org, f"many-{i:03d}")
    hydra = Namespace("http://www.w3.org/ns/hydra/core#")
    g = catalog(client)
    assert len(set(g.subjects(rns.RDF.type, rns.DCAT.Dataset))) == 100
    assert str(next(g.objects(None, hydra.nextPage))).endswith("page=2")
    g2 = Graph().parse(data=client.get("/catalog.ttl?page=2").get_data(as_text=True), format="turtle")
    assert len(set(g2.subjects(rns.RDF.type, rns.DCAT.Dataset))) == 3


def test_atom_feeds_overall_per_publisher_and_theme(client, catalogue: Catalogue) -> None:
    def entries(path: str) -> list[str]:
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        root = ET.fromstring(response.data)
        assert root.find(f"{ATOM}updated").text.endswith("Z")
        return [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")]

    everything = entries("/feeds/dataset.atom")
    assert "Service demand by LSOA" in everything and "Council spending" in everything
    assert "Partners only referrals" not in everything
    assert "Council spending" not in entries("/feeds/organization/nypolice.atom")
    assert entries("/feeds/group/crime-and-justice.atom") == ["Service demand by LSOA"]
    assert client.get("/feeds/group/nothing.atom").status_code == 404


def test_sitemap_and_robots(client, catalogue: Catalogue) -> None:
    index = ET.fromstring(client.get("/sitemap.xml").data)
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == ["http://portal.test/sitemap-pages.xml", "http://portal.test/sitemap-datasets-1.xml"]
    urls = [loc.text for loc in ET.fromstring(client.get("/sitemap-datasets-1.xml").data).iter(f"{SITEMAP}loc")]
    assert "http://portal.test/dataset/demand-by-lsoa" in urls and len(urls) == 3
    pages = [loc.text for loc in ET.fromstring(client.get("/sitemap-pages.xml").data).iter(f"{SITEMAP}loc")]
    assert "http://portal.test/organization/nypolice" in pages
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://portal.test/sitemap.xml" in robots and "Disallow: /user/" in robots
