"""The built release: a Frictionless data package (datapackages' builder) plus its evidence files, each with
the hash the push step compares against the catalogue."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datapackages.package import ResourceSpec, build_package
from datapackages.validate.written import write_and_validate
from publishers.framework.checks import text_table
from publishers.framework.errors import DataError, Problem
from publishers.framework.protect import Released
from publishers.framework.spec import PublisherSpec

NAMESPACE = uuid.UUID("0f7c2a51-3d1e-4c7b-9a8e-5b2d6e4f1a90")
LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}


@dataclass(frozen=True)
class BuiltFile:
    """One file of the release and how the catalogue describes it."""

    role: str  # data, datapackage, validation, synthetic, synthetic-html, disclosure
    path: Path
    name: str  # resource name in the catalogue (also the file name the portal serves)
    description: str
    format: str
    sha256: str
    size: int
    schema: dict[str, Any] | None = None


@dataclass
class Built:
    folder: Path
    files: list[BuiltFile]
    descriptor: dict[str, Any]
    rows_out: int
    validation: dict[str, Any] | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _file(
    role: str, path: Path, description: str, fmt: str, schema: dict | None = None, known: tuple[str, int] | None = None
) -> BuiltFile:
    """``known``: (sha256, size) the package descriptor already states for this file."""
    sha256, size = known or (sha256_of(path), path.stat().st_size)
    return BuiltFile(role, path, path.name, description, fmt, sha256, size, schema)


def _json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def package_metadata(spec: PublisherSpec, created: datetime) -> dict[str, Any]:
    cat = spec.catalogue
    title, url = LICENCES.get(cat.licence, (cat.licence, ""))
    return {
        "name": spec.name,
        "id": str(uuid.uuid5(NAMESPACE, spec.name)),
        "title": cat.title,
        "description": cat.summary,
        "version": created.strftime("%Y.%m.%d"),
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [{"name": cat.licence, "title": title, **({"path": url} if url else {})}],
        "sources": [{"title": s.title, **({"path": s.url} if s.url else {})} for s in cat.sources],
        "contributors": [{"title": cat.organization, "roles": ["publisher"]}],
        "keywords": list(cat.tags),
    }


def build(spec: PublisherSpec, released: Released, work: Path, created: datetime) -> Built:
    """Write the release folder: data/, schemas/, datapackage.json, the validation report and the evidence."""
    folder = work / "package"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[BuiltFile] = []
    validation = None
    rows_out = 0
    if released.frame is not None:
        data = work / "release" / f"{spec.name}.csv"
        if released.checked is not None:  # validated as released already: the same bytes under their name
            data.parent.mkdir(parents=True, exist_ok=True)
            os.replace(released.checked[0], data)
            validation = _renamed(released.checked[1], data)
        else:
            validation = write_and_validate(text_table(released.frame), data, released.schema)
        if not validation["valid"]:
            errors = validation["tasks"][0]["errors"][:20]
            problems = [
                Problem(
                    data.name, e.get("rowNumber"), e.get("fieldName", ""), str(e.get("cell", "")), e.get("note", "")
                )
                for e in errors
            ]
            raise DataError("the release does not conform to its schema; nothing was published", problems)
        rows_out = len(released.frame)
        stats = validation["tasks"][0]["stats"]  # the validator hashed exactly these bytes: no second read
        resource = ResourceSpec(
            path=data, schema=released.schema, name=spec.name, title=spec.catalogue.title, link=True,
            sha256=stats.get("sha256"),
        )  # fmt: skip
        built = build_package([resource], package_metadata(spec, created), folder, make_zip=False)
        descriptor = built["descriptor"]
        schema_name = released.schema.get("title") or released.schema.get("name")
        described = descriptor["resources"][0]
        files.append(
            _file(
                "data",
                folder / described["path"],
                f"The data, on the standard schema {schema_name}.",
                "CSV",
                released.schema,
                known=(described["hash"].removeprefix("sha256:"), described["bytes"]),
            )
        )
        files.append(_file("datapackage", folder / "datapackage.json", "Frictionless data package descriptor.", "JSON"))
        report = _json(folder / "validation-report.json", _stable(validation))
        files.append(_file("validation", report, "Validation report (frictionless format) for the data file.", "JSON"))
    else:
        descriptor = {**package_metadata(spec, created), "resources": []}
        _json(folder / "datapackage.json", descriptor)
        files.append(_file("datapackage", folder / "datapackage.json", "Frictionless data package descriptor.", "JSON"))
    if released.report_kind == "synthetic":
        files.append(
            _file(
                "synthetic",
                _json(folder / "synthetic-report.json", released.report),
                "Fidelity and privacy report for the synthetic data.",
                "JSON",
            )
        )
        html = folder / "synthetic-report.html"
        html.write_text(released.report_html or "", encoding="utf-8")
        files.append(_file("synthetic-html", html, "The synthetic data report as a page with charts.", "HTML"))
    elif released.report_kind == "disclosure":
        files.append(
            _file(
                "disclosure",
                _json(folder / "disclosure-report.json", released.report),
                "How small counts were suppressed.",
                "JSON",
            )
        )
    return Built(folder, files, descriptor, rows_out, validation)


def _renamed(report: dict[str, Any], path: Path) -> dict[str, Any]:
    renamed = json.loads(json.dumps(report))
    for task in renamed.get("tasks", []):
        task["name"], task["place"] = path.stem, path.name
    return renamed


def _stable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without its timings, so the same data gives the same bytes (and nothing to re-upload)."""
    clean = json.loads(json.dumps(report))
    clean.get("stats", {}).pop("seconds", None)
    for task in clean.get("tasks", []):
        task.get("stats", {}).pop("seconds", None)
        task["place"] = Path(str(task.get("place", ""))).name
    return clean
