"""``/dataset/{name}/datapackage.zip``: the dataset's files and a ``datapackage.json``, streamed as one zip.

The zip is written as it is sent (data descriptors, no temporary file), reading each stored file in chunks,
so memory stays flat however large the files are.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app

from portal.web import details
from portal.web.files import read_json, storage_key
from portal.web.helpers import call, extras_dict, fail
from portal.web.markdown import plain_text

bp = Blueprint("packages", __name__)
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class _Sink(io.RawIOBase):
    """A write-only, non-seekable stream whose bytes the generator hands on as they are written."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = bytes(self.buffer)
        self.buffer.clear()
        return out


@bp.route("/dataset/<name>/datapackage.zip")
def zip_download(name: str) -> Response:
    pkg = call("package_show", {"id": name})
    specials = details.special_resources(pkg)
    stored = _stored_files(pkg, specials)
    if not stored:
        fail(404)
    descriptor = _descriptor(pkg, specials, stored)
    storage = current_app.extensions["portal"].storage
    body = _stream(storage, descriptor, stored)
    headers = {"Content-Disposition": f'attachment; filename="{SAFE_NAME.sub("-", pkg["name"])}.zip"'}
    return Response(body, mimetype="application/zip", headers=headers)


def _stored_files(pkg: dict[str, Any], specials: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path in the zip, storage key, resource) for each uploaded file; data under data/, reports at the top."""
    support = {r["id"] for r in specials.values()}
    out, used = [], set()
    for res in pkg["resources"]:
        key = storage_key(res["id"])
        if key is None or res is specials.get("datapackage"):
            continue
        file_name = SAFE_NAME.sub("-", res["url"].rsplit("/", 1)[-1]) or res["id"]
        path = file_name if res["id"] in support else f"data/{file_name}"
        if path in used:
            path = path.replace(file_name, f"{res['id'][:8]}-{file_name}")
        used.add(path)
        out.append((path, key, res))
    return out


def _descriptor(pkg: dict[str, Any], specials: dict[str, Any], stored: list[tuple[str, str, dict[str, Any]]]):
    """The publisher's own datapackage.json when there is one, else one built from the catalogue's metadata."""
    if "datapackage" in specials and isinstance(own := read_json(specials["datapackage"]), dict):
        return own
    extras = extras_dict(pkg)
    resources = []
    for path, _key, res in stored:
        entry: dict[str, Any] = {"name": SAFE_NAME.sub("-", (res.get("name") or path).lower()).strip("-") or "file",
                                 "path": path}  # fmt: skip
        entry.update({k: v for k, v in (("format", (res.get("format") or "").lower()), ("bytes", res.get("size")),
                                          ("mediatype", res.get("mimetype"))) if v})  # fmt: skip
        if (res.get("hash") or "").startswith("sha256:"):
            entry["hash"] = res["hash"]
        resources.append(entry)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": pkg["name"],
        "id": pkg["id"],
        "title": pkg.get("title") or pkg["name"],
        "description": plain_text(pkg.get("notes"), limit=10000),
        "licenses": _licences(pkg),
        "keywords": [t["name"] for t in pkg.get("tags", [])],
        "contributors": [{"title": org["title"], "roles": ["publisher"]}] if (org := pkg.get("organization")) else [],
        "modified": pkg.get("metadata_modified"),
        **({"frequency": extras["update_frequency"]} if extras.get("update_frequency") else {}),
        "resources": resources,
    }


def _licences(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    if not pkg.get("license_id"):
        return []
    return [{"name": pkg["license_id"], "path": pkg.get("license_url") or "", "title": pkg.get("license_title")}]


def _stream(storage: Any, descriptor: dict[str, Any], stored: list[tuple[str, str, dict[str, Any]]]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        yield sink.take()
        for path, key, _res in stored:
            with archive.open(path, "w", force_zip64=True) as out:
                for chunk in storage.read(key):
                    out.write(chunk)
                    if len(sink.buffer) >= 64 * 1024:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
