"""Atom feeds of recently updated datasets (all, per publisher, per theme), ``sitemap.xml`` and ``robots.txt``.

Built with ElementTree, so every value is escaped as XML; always as an anonymous caller, so private
datasets never appear whoever asks.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request

from portal.web.helpers import call, public_context, site_url
from portal.web.markdown import plain_text
from portal.web.search import quote

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ROWS = 50
SITEMAP_CHUNK = 10_000
ET.register_namespace("", ATOM)


@bp.route("/feeds/dataset.atom")
def recent() -> Response:
    return _feed("Recently updated datasets", "", "/feeds/dataset.atom", "/dataset")


@bp.route("/feeds/organization/<name>.atom")
def organization(name: str) -> Response:
    org = call("organization_show", {"id": name, "include_users": False}, public_context())
    title = f"{org['display_name']}: recently updated datasets"
    return _feed(title, f"organization:{quote(org['name'])}", request.path, f"/organization/{org['name']}")


@bp.route("/feeds/group/<name>.atom")
def group(name: str) -> Response:
    theme = call("group_show", {"id": name, "include_users": False}, public_context())
    title = f"{theme['display_name']}: recently updated datasets"
    return _feed(title, f"groups:{quote(theme['name'])}", request.path, f"/group/{theme['name']}")


def _feed(title: str, fq: str, self_path: str, alternate: str) -> Response:
    base = site_url()
    found = call("package_search", {"fq": fq, "rows": FEED_ROWS, "sort": "metadata_modified desc"}, public_context())
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", base + self_path)
    _link(feed, base + self_path, "self", "application/atom+xml")
    _link(feed, base + alternate, "alternate", "text/html")
    newest = found["results"][0]["metadata_modified"] if found["results"] else "1970-01-01T00:00:00"
    _text(feed, "updated", _atom_time(newest))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "North Yorkshire and York partners")
    for pkg in found["results"]:
        feed.append(_entry(base, pkg))
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _entry(base: str, pkg: dict[str, Any]) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    url = f"{base}/dataset/{pkg['name']}"
    _text(entry, "title", pkg.get("title") or pkg["name"])
    _text(entry, "id", f"{base}/dataset/{pkg['id']}")
    _link(entry, url, "alternate", "text/html")
    _text(entry, "updated", _atom_time(pkg["metadata_modified"]))
    _text(entry, "published", _atom_time(pkg.get("metadata_created") or pkg["metadata_modified"]))
    author = ET.SubElement(entry, f"{{{ATOM}}}author")
    _text(author, "name", (pkg.get("organization") or {}).get("title") or "Unknown publisher")
    if summary := plain_text(pkg.get("notes"), limit=1000):
        _text(entry, "summary", summary).set("type", "text")
    for tag in pkg.get("tags", []):
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag["name"]})
    return entry


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    node.text = value
    return node


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})


def _atom_time(iso: str) -> str:
    """CKAN's naive UTC timestamps, as RFC 3339 with a zone (Atom requires one)."""
    return iso.split(".")[0] + "Z" if iso and not iso.endswith("Z") else iso


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """A sitemap index: the fixed pages, then datasets in files of 10,000 (the limit is 50,000)."""
    count = call("package_search", {"rows": 0}, public_context())["count"]
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP})
    base = site_url()
    parts = ["/sitemap-pages.xml"] + [f"/sitemap-datasets-{n}.xml" for n in range(1, -(-count // SITEMAP_CHUNK) + 1)]
    for path in parts:
        ET.SubElement(ET.SubElement(root, "sitemap"), "loc").text = base + path
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/xml")


@bp.route("/sitemap-pages.xml")
def sitemap_pages() -> Response:
    ctx = public_context()
    paths = ["/", "/dataset", "/organization", "/group", "/schema", "/api", "/accessibility"]
    paths += [f"/organization/{n}" for n in call("organization_list", {}, ctx)]
    paths += [f"/group/{n}" for n in call("group_list", {}, ctx)]
    return _urlset(paths)


@bp.route("/sitemap-datasets-<int:number>.xml")
def sitemap_datasets(number: int) -> Response:
    names = call("package_list", {"limit": SITEMAP_CHUNK, "offset": (max(number, 1) - 1) * SITEMAP_CHUNK},
                 public_context())  # fmt: skip
    return _urlset([f"/dataset/{n}" for n in names])


def _urlset(paths: list[str]) -> Response:
    root = ET.Element("urlset", {"xmlns": SITEMAP})
    base = site_url()
    for path in paths:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = base + path
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/xml")


@bp.route("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Disallow: /user/",
        "Disallow: /api/",
        "Disallow: /dataset/*/resource/*/download",
        "Allow: /",
        f"Sitemap: {site_url()}/sitemap.xml",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
