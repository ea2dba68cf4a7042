"""schema.org ``Dataset`` JSON-LD for a dataset page, so search engines list it (Google Dataset Search)."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from portal.web.details import facts
from portal.web.markdown import plain_text


def dataset_jsonld(pkg: dict[str, Any], site_url: str) -> dict[str, Any]:
    info = facts(pkg)
    page = f"{site_url}/dataset/{pkg['name']}"
    org = pkg.get("organization")
    publisher = (
        {"@type": "Organization", "name": org["title"], "url": f"{site_url}/organization/{org['name']}"}
        if org
        else None
    )
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": page,
        "name": pkg.get("title") or pkg["name"],
        "description": plain_text(pkg.get("notes"), limit=5000) or pkg.get("title") or pkg["name"],
        "url": page,
        "identifier": pkg["id"],
        "keywords": [t["name"] for t in pkg.get("tags", [])],
        "dateModified": pkg.get("metadata_modified"),
        "dateCreated": pkg.get("metadata_created"),
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r.get("name") or r.get("format") or "file",
                "contentUrl": r["url"],
                "encodingFormat": r.get("mimetype") or r.get("format") or None,
                **({"contentSize": f"{r['size']} B"} if r.get("size") else {}),
            }
            for r in pkg.get("resources", [])
            if str(r.get("url") or "").startswith(("http://", "https://"))
        ],
    }
    if pkg.get("license_url") or pkg.get("license_title"):
        doc["license"] = pkg.get("license_url") or pkg.get("license_title")
    if publisher:
        doc["publisher"] = publisher
        doc["creator"] = publisher
    if info["spatial"]:
        doc["spatialCoverage"] = {"@type": "Place", "name": info["spatial"]}
    if info["temporal_start"] or info["temporal_end"]:
        doc["temporalCoverage"] = f"{info['temporal_start'] or '..'}/{info['temporal_end'] or '..'}"
    return {k: v for k, v in doc.items() if v not in (None, "", [])}


def script_json(doc: dict[str, Any]) -> Markup:
    """JSON safe inside a ``<script type="application/ld+json">`` block: no way to close the element."""
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
