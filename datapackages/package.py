"""Build Frictionless Data Package v2 folders and zips from CSV resources and metadata.

Each resource is rewritten as normalised UTF-8, comma-separated CSV (decoded with the encoding and
dialect frictionless detects in the source) and described with its bytes, sha256 hash, dialect and a
``schema`` path pointing at a copy of the standard schema it follows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frictionless import Resource

from .schemas import load_schema

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DIALECT_PROFILE = "https://datapackage.org/profiles/2.0/tabledialect.json"
OGL = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class PackageError(ValueError):
    """Raised for metadata or resources that cannot make a valid package; the message says how to fix it."""


@dataclass
class ResourceSpec:
    """A source file, the standard schema it follows, and optional descriptive metadata."""

    path: Path
    schema: str | dict[str, Any]
    name: str | None = None
    title: str | None = None
    description: str | None = None
    # Set by a caller that has just written and validated ``path``: a source that needs no re-encoding is
    # hard-linked into the package instead of copied, and its sha256 (from the validation report of these
    # very bytes) is taken instead of reading the file again.
    link: bool = False
    sha256: str | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "resource"


def _source_format(source: Path) -> tuple[str, str, str]:
    """(encoding, delimiter, quote char) as frictionless detects them from the file's sample."""
    with Resource(path=source.name, basepath=str(source.parent.resolve())) as resource:
        control = resource.dialect.get_control("csv") if resource.dialect.has_control("csv") else None
        delimiter = control.delimiter if control else ","
        quote = control.quote_char if control else '"'
        return resource.encoding or "utf-8", delimiter, quote


def _normalise_csv(source: Path, target: Path, link: bool = False) -> bool:
    """Write the source as UTF-8 (no BOM), comma-separated, minimally quoted CSV with CRLF line ends.
    Returns whether the target holds the source's bytes unchanged."""
    encoding, delimiter, quote = _source_format(source)
    if encoding in ("utf-8", "ascii") and delimiter == "," and quote == '"':
        target.unlink(missing_ok=True)
        try:
            if not link:
                raise OSError("copy asked for")
            os.link(source, target)
        except OSError:  # another file system, or a copy asked for
            shutil.copyfile(source, target)
        return True
    with (
        source.open(encoding=encoding, newline="") as src,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        writer.writerows(csv.reader(src, delimiter=delimiter, quotechar=quote))
    return False


def _file_facts(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(4 << 20):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def _resource_descriptor(spec: ResourceSpec, out_dir: Path, used: set[str]) -> dict[str, Any]:
    if not spec.path.is_file():
        raise PackageError(f"resource file not found: {spec.path} (check the path)")
    schema = spec.schema if isinstance(spec.schema, dict) else load_schema(spec.schema)
    name = spec.name or _slug(spec.path.stem)
    if name in used:
        raise PackageError(f"two resources are named {name!r}; give each a distinct name")
    used.add(name)
    data_path = out_dir / "data" / f"{name}.csv"
    data_path.parent.mkdir(parents=True, exist_ok=True)
    unchanged = _normalise_csv(spec.path, data_path, spec.link)
    schema_name = schema.get("name") or f"{name}-schema"
    schema_version = schema.get("version", "")
    schema_file = f"schemas/{schema_name}" + (f"-{schema_version}" if schema_version else "") + ".json"
    (out_dir / schema_file).parent.mkdir(parents=True, exist_ok=True)
    (out_dir / schema_file).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if unchanged and spec.sha256:
        size, sha256 = data_path.stat().st_size, spec.sha256
    else:
        size, sha256 = _file_facts(data_path)
    descriptor = {
        "name": name,
        "type": "table",
        "path": f"data/{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "schema": schema_file,
        "dialect": {"$schema": DIALECT_PROFILE, "delimiter": ",", "header": True, "quoteChar": '"'},
    }
    descriptor.update({k: v for k, v in (("title", spec.title), ("description", spec.description)) if v})
    return descriptor


def _package_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    missing = [key for key in ("name", "title", "description") if not metadata.get(key)]
    if missing:
        raise PackageError(f"package metadata lacks {', '.join(missing)}; add them to the metadata")
    if not SLUG.match(metadata["name"]):
        raise PackageError(f"package name {metadata['name']!r} must be lower-case letters, digits, '.', '-' or '_'")
    return {
        "$schema": PACKAGE_PROFILE,
        "name": metadata["name"],
        "id": metadata.get("id") or str(uuid.uuid4()),
        "title": metadata["title"],
        "description": metadata["description"],
        "version": metadata.get("version", "1.0.0"),
        "created": metadata.get("created") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": metadata.get("licenses") or [OGL],
        "sources": metadata.get("sources", []),
        "contributors": metadata.get("contributors", []),
        "keywords": metadata.get("keywords", []),
        **{k: v for k, v in metadata.items() if k not in {"resources"} and k not in _CORE},
    }


_CORE = {
    "name",
    "id",
    "title",
    "description",
    "version",
    "created",
    "licenses",
    "sources",
    "contributors",
    "keywords",
}


def build_package(
    resources: Iterable[ResourceSpec | dict[str, Any]],
    metadata: dict[str, Any],
    out_dir: str | Path,
    *,
    make_zip: bool = True,
) -> dict[str, Any]:
    """Write datapackage.json, data/*.csv and schemas/*.json into ``out_dir``, and a zip beside it.

    Returns ``{"descriptor": ..., "path": datapackage.json path, "zip": zip path or None}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    specs = [r if isinstance(r, ResourceSpec) else ResourceSpec(**{**r, "path": Path(r["path"])}) for r in resources]
    if not specs:
        raise PackageError("a package needs at least one resource")
    descriptor = _package_metadata(metadata)
    used: set[str] = set()
    descriptor["resources"] = [_resource_descriptor(spec, out, used) for spec in specs]
    path = out / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    zip_path = _zip(out) if make_zip else None
    return {"descriptor": descriptor, "path": path, "zip": zip_path}


def _zip(folder: Path) -> Path:
    zip_path = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(folder).as_posix())
    return zip_path
