"""``publish``: run partner publishers from raw extract to catalogue.

Exit codes: 0 published or unchanged, 1 data errors (the table says where), 2 configuration or connection
errors, 130 interrupted (the catalogue still shows the previous version).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from publishers import registry
from publishers.framework.errors import DataError, PublishError, SetupError
from publishers.framework.pipeline import STAGES, Options, Result, run, secret_from

err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)
MAX_SHOWN = 50


@click.group()
def main() -> None:
    """Publish partner datasets: raw extract -> standard schema -> validated, protected package -> catalogue."""


@main.command("list")
def list_command() -> None:
    """The partner publishers, one a line: name, release mode, schema, description."""
    table = Table("name", "mode", "schema", "organization", "what")
    for name in registry.PUBLISHERS:
        spec = registry.load(name)
        table.add_row(name, spec.release.mode, spec.schema, spec.catalogue.organization, spec.description)
    out.print(table)


def _options(raw: str, work: str, catalogue, token, dry_run, out_to, geography) -> Options:  # noqa: ANN001
    raw_dir = Path(raw)
    lookups = [Path(g) for g in geography]
    default_lookup = raw_dir / "geography" / "lsoa-lookup.csv"
    if not lookups and default_lookup.is_file():
        lookups = [default_lookup]
    return Options(
        raw_dir=raw_dir,
        work_dir=Path(work),
        catalogue=catalogue,
        token=token,
        dry_run=dry_run,
        out=out_to,
        geography=lookups,
        secret=secret_from(raw_dir),
    )


@main.command("run")
@click.argument("name")
@click.option("--catalogue", envvar="PUBLISH_CATALOGUE_URL", help="CKAN-compatible catalogue URL.")
@click.option("--token", envvar="PUBLISH_TOKEN", help="API token of a user who may edit the organization.")
@click.option("--raw", default="raw", envvar="PUBLISH_RAW_DIR", show_default=True, help="Folder of raw extracts.")
@click.option("--work", default="publish-work", envvar="PUBLISH_WORK_DIR", show_default=True, help="Local work folder.")
@click.option("--geography", multiple=True, help="LSOA lookup CSV(s) (default: RAW/geography/lsoa-lookup.csv).")
@click.option("--dry-run", is_flag=True, help="Build and validate; push nothing.")
@click.option("--out", "out_to", help="Also write each built package to this folder or s3:// prefix.")
def run_command(name, catalogue, token, raw, work, geography, dry_run, out_to) -> None:  # noqa: ANN001
    """Publish NAME (see `publish list`), or `all`."""
    try:
        names = list(registry.PUBLISHERS) if name == "all" else [name]
        registry.load(names[0])
        options = _options(raw, work, catalogue, token, dry_run, out_to, geography)
    except PublishError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(exc.exit_code)
    results, worst = [], 0
    for publisher in names:
        try:
            results.append(_run_one(publisher, options))
        except DataError as exc:
            worst = max(worst, 1)
            _show_problems(publisher, exc)
            results.append(_failed(publisher, "failed: data errors", exc.total))
        except SetupError as exc:
            worst = max(worst, 2)
            err.print(f"[red]{publisher}: {exc}[/red]")
            results.append(_failed(publisher, "failed: setup", 0))
        except KeyboardInterrupt:
            err.print("[yellow]interrupted: nothing half-published; the catalogue shows the previous version[/yellow]")
            sys.exit(130)
    _summary(results)
    sys.exit(worst)


def _failed(publisher: str, change: str, problems: int) -> Result:
    spec = registry.load(publisher)
    return Result(spec.name, spec.release.mode, problems=problems, change=change + "; nothing pushed")


def _run_one(name: str, options: Options) -> Result:
    spec = registry.load(name)
    columns = (SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=not err.is_terminal) as progress:
        tasks = {stage: progress.add_task(f"{name}: {stage}", total=1, start=False) for stage in STAGES}

        def report(stage: str, state: str) -> None:
            if state == "start":
                progress.start_task(tasks[stage])
            else:
                progress.update(tasks[stage], completed=1)

        result = run(spec, options, report)
    for note in result.notes:
        err.print(f"  note: {note}")
    return result


def _show_problems(name: str, exc: DataError) -> None:
    err.print(f"[red]{name}: {exc.message}[/red]")
    if not exc.problems:
        return
    table = Table("file", "row", "column", "value", "expected", title=f"{name}: problems", title_justify="left")
    for problem in exc.problems[:MAX_SHOWN]:
        row = "" if problem.row is None else str(problem.row)
        table.add_row(problem.file, row, problem.column, problem.value[:60], problem.expected)
    err.print(table)
    if exc.total > MAX_SHOWN:
        err.print(f"... and {exc.total - MAX_SHOWN} more. Nothing was pushed.")
    else:
        err.print("Nothing was pushed.")


def _summary(results: list[Result]) -> None:
    table = Table("dataset", "mode", "rows in", "rows out", "held back", "problems", "change", "published at")
    for r in results:
        table.add_row(
            r.name, r.mode, str(r.rows_in), str(r.rows_out), str(r.rows_held), str(r.problems), r.change, r.where
        )
    out.print(table)


@main.command("simulate")
@click.option("--raw", default="raw", envvar="PUBLISH_RAW_DIR", show_default=True, help="Folder to write into.")
@click.option("--seed", default=2024, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=float, help="Multiply every extract's size.")
def simulate_command(raw: str, seed: int, scale: float) -> None:
    """Write generated, deliberately messy raw extracts for every partner (clearly labelled as generated)."""
    from publishers.simulate import write_all

    for path in write_all(Path(raw), seed=seed, scale=scale):
        out.print(str(path))


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--instance", default=os.environ.get("PORTAL_INSTANCE_PATH", "instance"), show_default=True)
@click.option("--no-serve", is_flag=True, help="Publish everything, then stop the portal and exit.")
def demo_command(host: str, port: int, instance: str, no_serve: bool) -> None:
    """Start the portal on its embedded default, simulate every partner's raw extract and publish them all."""
    from publishers.demo import run_demo

    sys.exit(run_demo(host, port, Path(instance), serve=not no_serve))


if __name__ == "__main__":  # pragma: no cover
    main()
