"""The publish pipeline: extract, map, validate, protect, package, push, report. Each stage is a function;
``run`` strings them together and tells a progress reporter where it is."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from datapackages.schemas import SchemaNotFoundError, load_schema
from publishers.framework import s3
from publishers.framework.checks import check_rows
from publishers.framework.errors import SetupError
from publishers.framework.extract import RawTable, read_source
from publishers.framework.geography import Geography, load_geography
from publishers.framework.mapping import Mapped, expected_headers, map_inputs
from publishers.framework.packaging import Built, build
from publishers.framework.protect import Released, protect, withhold
from publishers.framework.push import Catalogue, PushResult, push
from publishers.framework.spec import Input, Open, PublisherSpec
from publishers.framework.transforms import Context

STAGES = ("extract", "map", "validate", "protect", "package", "push")
GENERATED_MARKER = "GENERATED-DATA.txt"
RELEASE_TEXT = {
    "open": "Released as open data. Direct identifiers are withheld.",
    "synthetic": (
        "**This is synthetic data.** The real records are about people and never leave the partner. These rows "
        "were generated to look like them and passed a privacy check before release: see the synthetic data "
        "report. Use them to understand the structure and ask for the right access; do not draw conclusions "
        "about real people or places from them."
    ),
    "aggregate": (
        "Released as counts by area and period. Small counts are suppressed (and enough others to stop them being "
        "worked out from totals): see the disclosure control report."
    ),
    "metadata": "Only the description of this dataset is published; partners can ask the publisher for access.",
}


@dataclass
class Options:
    raw_dir: Path
    work_dir: Path
    catalogue: str | None = None
    token: str | None = None
    dry_run: bool = False
    out: str | None = None  # a folder or s3:// prefix to write the built package to
    geography: list[Path] = field(default_factory=list)
    secret: bytes = b""


@dataclass
class Result:
    name: str
    mode: str
    rows_in: int = 0
    rows_out: int = 0
    rows_held: int = 0
    problems: int = 0
    change: str = ""
    where: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    built: Built | None = None
    uploaded: list[str] = field(default_factory=list)  # files sent to the catalogue
    kept: list[str] = field(default_factory=list)  # files the catalogue already had


Progress = Callable[[str, str], None]  # (stage, "start" | "done")


@contextmanager
def _stage(result: Result, name: str, progress: Progress) -> Iterator[None]:
    progress(name, "start")
    started = time.perf_counter()
    yield
    result.seconds[name] = round(time.perf_counter() - started, 3)
    progress(name, "done")


def _quiet(stage: str, state: str) -> None:
    """A progress reporter that reports nothing (library use, tests)."""


def run(spec: PublisherSpec, options: Options, progress: Progress = _quiet) -> Result:
    """Publish one dataset. Raises DataError (exit 1) or SetupError (exit 2) before anything is pushed."""
    result = Result(spec.name, spec.release.mode)
    schema = _schema(spec.schema)
    work = options.work_dir / spec.name
    work.mkdir(parents=True, exist_ok=True)
    geo = load_geography(options.geography) if options.geography else None
    with _stage(result, "extract", progress):
        tables = extract(spec.inputs, options.raw_dir)
    with _stage(result, "map", progress):
        mapped = map_all(spec, tables, schema, geo, options.secret)
        result.rows_in = mapped.rows_in
        withheld: list[str] = []
        if isinstance(spec.release, Open):  # open rows are validated once, as they will be released
            mapped.frame, withheld = withhold(mapped.frame, schema, spec.release)
    with _stage(result, "validate", progress):
        kept, report, held, problems = check_rows(mapped, schema, work, spec.rejects)
        result.rows_held, result.problems = held, problems
    with _stage(result, "protect", progress):
        if isinstance(spec.release, Open):
            released = Released(kept.frame, schema, notes=withheld, checked=(work / "checked.csv", report))
        else:
            released = protect(kept.frame, work / "checked.csv", schema, spec.release, geo)
    with _stage(result, "package", progress):
        built = build(spec, released, work, _created(tables))
        result.rows_out, result.built = built.rows_out, built
    result.notes = _notes(mapped, released, held)
    with _stage(result, "push", progress):
        push_result = publish(spec, built, kept.frame, released, result, options)
        result.change, result.where = push_result.action, push_result.url
        result.uploaded, result.kept = push_result.uploaded, push_result.kept
    return result


def _schema(name: str) -> dict[str, Any]:
    try:
        return load_schema(name)
    except SchemaNotFoundError as exc:
        raise SetupError(str(exc)) from None


def extract(inputs: tuple[Input, ...], raw_dir: Path) -> list[tuple[Input, RawTable]]:
    out = []
    for inp in inputs:
        for table in read_source(inp.source, raw_dir, expected_headers((inp,))):
            out.append((inp, table))
    return out


def map_all(spec: PublisherSpec, tables, schema, geo: Geography | None, secret: bytes) -> Mapped:  # noqa: ANN001
    fields = [f["name"] for f in schema["fields"]]
    mapped = map_inputs(tables, fields, Context(geography=geo, secret=secret))
    if spec.derive is not None:
        mapped.frame = spec.derive(mapped.frame)[fields]
    return mapped


def _created(tables: list[tuple[Input, RawTable]]) -> datetime:
    """The release's date: when its newest source was written (the same input gives the same package)."""
    stamps = []
    for _, table in tables:
        if table.path is not None and table.path.exists():
            stamps.append(table.path.stat().st_mtime)
    return datetime.fromtimestamp(max(stamps), UTC) if stamps else datetime(2000, 1, 1, tzinfo=UTC)


def _notes(mapped: Mapped, released: Released, held: int) -> list[str]:
    notes = list(mapped.notes) + list(released.notes)
    if held:
        notes.append(f"{held} row(s) with problems held back (listed in the work folder's held-back-rows.csv)")
    return notes


def catalogue_fields(spec: PublisherSpec, built: Built, rows: pd.DataFrame, result: Result, generated: bool) -> dict:
    """The dataset as the catalogue shows it (CKAN fields, extras for everything else)."""
    cat = spec.catalogue
    notes = [cat.summary.strip(), RELEASE_TEXT[spec.release.mode]]
    if result.rows_held:
        notes.append(f"{result.rows_held} source row(s) failed checks and were held back by the publisher.")
    if generated:
        notes.append("*Generated demonstration data from the raw-extract simulator: these are not real records.*")
    extras = {
        "release_mode": spec.release.mode,
        "update_frequency": cat.frequency,
        "spatial_text": cat.spatial,
        "schema": spec.schema if spec.release.mode != "aggregate" else spec.release.schema,  # type: ignore[union-attr]
        "access_level": "public",
        "rows": str(built.rows_out),
        "published_by": "nyy-publish",
    }
    if cat.temporal_field and cat.temporal_field in rows and rows[cat.temporal_field].ne("").any():
        values = rows.loc[rows[cat.temporal_field].ne(""), cat.temporal_field].astype(str)
        extras["temporal_start"], extras["temporal_end"] = values.min()[:10], values.max()[:10]
    if cat.sources:
        extras["source"] = "; ".join(s.title for s in cat.sources)
    return {
        "name": spec.name,
        "title": cat.title,
        "notes": "\n\n".join(notes),
        "owner_org": cat.organization,
        "license_id": cat.licence,
        "tags": [{"name": t} for t in cat.tags],
        "groups": [{"name": g} for g in cat.themes],
        "maintainer": cat.contact_name,
        "maintainer_email": cat.contact_email,
        "url": next((s.url for s in cat.sources if s.url), ""),
        "version": built.descriptor.get("version", ""),
        "private": False,
        "extras": extras,
    }


def is_generated(raw_dir: Path) -> bool:
    return (raw_dir / GENERATED_MARKER).is_file()


def publish(spec, built: Built, rows, released, result: Result, options: Options) -> PushResult:  # noqa: ANN001
    """Write the package where asked (a folder or s3://) and push it to the catalogue unless a dry run."""
    if options.out:
        write_out(built.folder, options.out, spec.name)
    if options.dry_run:
        return PushResult("dry run: nothing pushed", str(built.folder))
    if not options.catalogue:
        if options.out:
            return PushResult("written", options.out)
        raise SetupError("no catalogue to push to: give --catalogue URL (or PUBLISH_CATALOGUE_URL), or --dry-run")
    metadata = catalogue_fields(spec, built, rows, result, is_generated(options.raw_dir))
    return push(built, metadata, Catalogue(options.catalogue, options.token))


def write_out(folder: Path, out: str, name: str) -> None:
    if out.startswith("s3://"):
        s3.upload_folder(folder, f"{out.rstrip('/')}/{name}")
        return
    target = Path(out) / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(folder, target)


def secret_from(raw_dir: Path) -> bytes:
    """The partner's pseudonymisation key: PUBLISH_PSEUDONYM_KEY, else a key file kept with the raw extracts."""
    if key := os.environ.get("PUBLISH_PSEUDONYM_KEY"):
        return key.encode()
    path = raw_dir / ".pseudonym-key"
    return path.read_bytes().strip() if path.is_file() else b""
