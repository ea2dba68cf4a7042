"""Hostile titles, notes, tags and resource names render inert everywhere; every page sends security headers."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

from tests.web.conftest import Catalogue, sign_in

PAGES = ["/", "/dataset", "/dataset?q=evil", "/dataset/hostile", "/organization/nypolice", "/feeds/dataset.atom",
         "/feeds/organization/nypolice.atom", "/sitemap-datasets-1.xml"]  # fmt: skip


def no_live_markup(body: str) -> None:
    assert "<script>alert" not in body
    assert "javascript:" not in body.replace("javascript:alert(1)", "").lower() or 'href="javascript' not in body
    assert not re.search(r"<[^>]+\son\w+\s*=", body), "an event handler attribute got through"
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", body, re.I)
    assert "<img" not in body


@pytest.mark.parametrize("path", PAGES)
def test_hostile_dataset_is_inert(client, catalogue: Catalogue, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    no_live_markup(response.get_data(as_text=True))


def test_hostile_resource_pages_are_inert(client, catalogue: Catalogue) -> None:
    for res in catalogue.hostile["resources"]:
        body = client.get(f"/dataset/hostile/resource/{res['id']}").get_data(as_text=True)
        no_live_markup(body)
    body = client.get("/dataset/hostile").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body or "&lt;script&gt;alert(" in body
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in body  # the preview cell, escaped


def test_jsonld_cannot_break_out_of_its_script_element(client, catalogue: Catalogue) -> None:
    body = client.get("/dataset/hostile").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in block
    doc = json.loads(block)
    assert doc["name"] == 'Evil <script>alert("x")</script> title'  # the data survives, inert
    assert doc["spatialCoverage"]["name"] == '<script>alert("x")</script>'


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_dcat_keeps_hostile_text_as_plain_literals(client, catalogue: Catalogue, fmt: str) -> None:
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS

    body = client.get(f"/catalog.{fmt}").get_data(as_text=True)
    g = Graph().parse(data=body, format="turtle" if fmt == "ttl" else "json-ld")
    titles = {str(t) for t in g.objects(None, DCTERMS.title) if isinstance(t, Literal)}
    assert 'Evil <script>alert("x")</script> title' in titles  # text, never markup
    descriptions = " ".join(str(d) for d in g.objects(None, DCTERMS.description))
    assert "<script" not in descriptions and "<img" not in descriptions and "onerror" not in descriptions


def test_feed_escapes_as_xml(client, catalogue: Catalogue) -> None:
    root = ET.fromstring(client.get("/feeds/dataset.atom").data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert 'Evil <script>alert("x")</script> title' in titles


@pytest.mark.parametrize("path", ["/", "/dataset", "/dataset/demand-by-lsoa", "/user/login", "/api", "/nope"])
def test_pages_send_security_headers(client, catalogue: Catalogue, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp and "form-action 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_api_answers_send_each_security_header_once_with_the_apis_own_policy(client, catalogue: Catalogue) -> None:
    for path in ("/api/3/action/package_search?q=crime", "/api/3/action/package_show?id=nope"):
        headers = client.get(path).headers
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
            assert len(headers.getlist(name)) == 1, (path, name)
        assert headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client, catalogue: Catalogue) -> None:
    sign_in(client)
    for path in ("/", "/dataset", "/dataset/demand-by-lsoa", "/user/tokens", "/api", "/accessibility"):
        body = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert 'src="/assets/' in tag or 'type="application/ld+json"' in tag, tag
        assert "<style" not in body and " style=" not in body, path


def test_session_cookie_is_httponly_and_samesite(client, catalogue: Catalogue) -> None:
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_pages_get_a_govuk_404_and_the_api_keeps_its_json(client, catalogue: Catalogue) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    api = client.get("/api/3/action/no_such_action")
    assert api.status_code in (400, 404) and api.get_json()["success"] is False
    missing = client.get("/api/3/no/such")
    assert missing.get_json()["success"] is False


def test_jsonld_lists_only_web_links(client, catalogue: Catalogue) -> None:
    body = client.get("/dataset/hostile").get_data(as_text=True)
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert all(d["contentUrl"].startswith("http") for d in doc["distribution"]) and doc["distribution"]
