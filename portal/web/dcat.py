"""The DCAT-AP 3 catalogue in Turtle and JSON-LD (``/catalog.ttl``, ``/catalog.jsonld``), paged like ckanext-dcat.

Controlled values use the EU vocabularies DCAT-AP expects (access rights, frequency, file type); every
referenced resource is typed, so the official SHACL range shapes can check it. Anonymous caller only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from portal.web.details import facts
from portal.web.helpers import call, fail, public_context, site_url
from portal.web.markdown import plain_text

bp = Blueprint("dcat", __name__)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
PAGE_SIZE = 100
FORMATS = {"text/turtle": ("ttl", "turtle"), "application/ld+json": ("jsonld", "json-ld")}
MIMETYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json"}
FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "fortnightly": "BIWEEKLY", "monthly": "MONTHLY",
    "quarterly": "QUARTERLY", "biannually": "ANNUAL_2", "annually": "ANNUAL", "annual": "ANNUAL",
    "yearly": "ANNUAL", "irregular": "IRREG", "never": "NEVER", "one-off": "NEVER", "continuous": "CONT",
}  # fmt: skip
FILE_TYPES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "xls": "XLS", "zip": "ZIP", "pdf": "PDF",
              "geojson": "GEOJSON", "xml": "XML", "parquet": "PARQUET", "ods": "ODS", "txt": "TXT"}  # fmt: skip


@bp.route("/catalog.<fmt>")
def catalog(fmt: str) -> Response:
    if fmt not in MIMETYPES:
        fail(404)
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    found = call(
        "package_search",
        {"rows": PAGE_SIZE, "start": (page - 1) * PAGE_SIZE, "sort": "metadata_modified desc"},
        public_context(),
    )
    graph = catalog_graph(found["results"], site_url(), found["count"], page)
    body = graph.serialize(format="turtle" if fmt == "ttl" else "json-ld")
    return Response(body, mimetype=MIMETYPES[fmt])


def catalog_graph(packages: list[dict[str, Any]], base: str, total: int, page: int) -> Graph:
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("hydra", HYDRA)):
        g.bind(prefix, ns)
    cat = URIRef(f"{base}/catalog")
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal("North Yorkshire and York Open Data", lang="en")))
    g.add((cat, DCTERMS.description, Literal(
        "Open data published by the councils, police, fire and rescue service and NHS of North Yorkshire and York.",
        lang="en")))  # fmt: skip
    g.add((cat, DCTERMS.publisher, _agent(g, URIRef(f"{base}/#partners"), "North Yorkshire and York partners")))
    g.add((cat, FOAF.homepage, _typed(g, f"{base}/", FOAF.Document)))
    g.add((cat, DCTERMS.language, _typed(g, EU + "language/ENG", DCTERMS.LinguisticSystem)))
    for pkg in packages:
        g.add((cat, DCAT.dataset, add_dataset(g, pkg, base)))
    _paging(g, base, total, page)
    return g


def add_dataset(g: Graph, pkg: dict[str, Any], base: str) -> URIRef:
    ds = URIRef(f"{base}/dataset/{pkg['id']}")
    info = facts(pkg)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(pkg.get("title") or pkg["name"])))
    g.add((ds, DCTERMS.description, Literal(plain_text(pkg.get("notes"), 10000) or pkg.get("title") or pkg["name"])))
    g.add((ds, DCTERMS.identifier, Literal(pkg["id"])))
    g.add((ds, DCAT.landingPage, _typed(g, f"{base}/dataset/{pkg['name']}", FOAF.Document)))
    g.add((ds, DCTERMS.modified, Literal(pkg["metadata_modified"][:19], datatype=XSD.dateTime)))
    g.add((ds, DCTERMS.issued, Literal(pkg["metadata_created"][:19], datatype=XSD.dateTime)))
    access = "PUBLIC" if not pkg.get("private") else "RESTRICTED"
    g.add((ds, DCTERMS.accessRights, _typed(g, EU + f"access-right/{access}", DCTERMS.RightsStatement)))
    if code := FREQUENCIES.get(info["frequency"].lower()):
        g.add((ds, DCTERMS.accrualPeriodicity, _typed(g, EU + f"frequency/{code}", DCTERMS.Frequency)))
    for tag in pkg.get("tags", []):
        g.add((ds, DCAT.keyword, Literal(tag["name"])))
    for theme in pkg.get("groups", []):
        concept = _typed(g, f"{base}/group/{theme['name']}", SKOS.Concept)
        g.add((concept, SKOS.prefLabel, Literal(theme["display_name"])))
        g.add((ds, DCAT.theme, concept))
    if org := pkg.get("organization"):
        g.add((ds, DCTERMS.publisher, _agent(g, URIRef(f"{base}/organization/{org['name']}"), org["title"])))
    if info["spatial"]:
        place = BNode()
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, SKOS.prefLabel, Literal(info["spatial"])))
        g.add((ds, DCTERMS.spatial, place))
    if info["temporal_start"] or info["temporal_end"]:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for key, prop in (("temporal_start", DCAT.startDate), ("temporal_end", DCAT.endDate)):
            if info[key]:
                g.add((period, prop, _date(info[key])))
        g.add((ds, DCTERMS.temporal, period))
    if info["contact_email"] or info["contact_name"]:
        contact = BNode()
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(info["contact_name"] or info["contact_email"])))
        if info["contact_email"]:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{info['contact_email']}")))
        g.add((ds, DCAT.contactPoint, contact))
    for res in pkg.get("resources", []):
        g.add((ds, DCAT.distribution, _distribution(g, pkg, res, base)))
    return ds


def _distribution(g: Graph, pkg: dict[str, Any], res: dict[str, Any], base: str) -> URIRef:
    dist = URIRef(f"{base}/dataset/{pkg['id']}/resource/{res['id']}")
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.accessURL, URIRef(f"{base}/dataset/{pkg['name']}/resource/{res['id']}")))
    if res.get("url_type") == "upload" and res.get("url"):
        g.add((dist, DCAT.downloadURL, URIRef(res["url"])))
    if res.get("name"):
        g.add((dist, DCTERMS.title, Literal(res["name"])))
    if res.get("description"):
        g.add((dist, DCTERMS.description, Literal(plain_text(res["description"], 5000))))
    fmt = (res.get("format") or "").lower()
    if code := FILE_TYPES.get(fmt):
        g.add((dist, DCTERMS.format, _typed(g, EU + f"file-type/{code}", DCTERMS.MediaTypeOrExtent)))
    if (mime := res.get("mimetype")) and "/" in mime and " " not in mime:
        g.add((dist, DCAT.mediaType, _typed(g, IANA + mime, DCTERMS.MediaType)))
    if isinstance(res.get("size"), int):
        g.add((dist, DCAT.byteSize, Literal(res["size"], datatype=XSD.nonNegativeInteger)))
    if res.get("last_modified"):
        g.add((dist, DCTERMS.modified, Literal(res["last_modified"][:19], datatype=XSD.dateTime)))
    if pkg.get("license_url", "") and pkg["license_url"].startswith(("http://", "https://")):
        lic = _typed(g, pkg["license_url"], DCTERMS.LicenseDocument)
        g.add((dist, DCTERMS.license, lic))
    return dist


def _agent(g: Graph, uri: URIRef, name: str) -> URIRef:
    g.add((uri, RDF.type, FOAF.Agent))
    g.add((uri, FOAF.name, Literal(name)))
    return uri


def _typed(g: Graph, uri: str, kind: URIRef) -> URIRef:
    node = URIRef(uri)
    g.add((node, RDF.type, kind))
    return node


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date if len(value) == 10 else XSD.dateTime)


def _paging(g: Graph, base: str, total: int, page: int) -> None:
    """hydra:PagedCollection, as ckanext-dcat pages large catalogues."""
    node = URIRef(f"{base}/catalog.ttl?page={page}")
    last = max(1, -(-total // PAGE_SIZE))
    g.add((node, RDF.type, HYDRA.PagedCollection))
    g.add((node, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    g.add((node, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    g.add((node, HYDRA.firstPage, Literal(f"{base}/catalog.ttl?page=1")))
    g.add((node, HYDRA.lastPage, Literal(f"{base}/catalog.ttl?page={last}")))
    if page < last:
        g.add((node, HYDRA.nextPage, Literal(f"{base}/catalog.ttl?page={page + 1}")))
    if page > 1:
        g.add((node, HYDRA.previousPage, Literal(f"{base}/catalog.ttl?page={page - 1}")))
