"""Run the catalogue load benchmark: fill, serve with gunicorn, drive with wrk, print a results table.

For each backend the catalogue is filled to each size in turn (10,000 then topped up to 100,000), served by
gunicorn on loopback, and each request mix is sent by ``wrk`` from 16 connections for ``--duration``
seconds after a short warm-up. The load client runs on the same 2-core machine as the server.

Variants are served side by side from the same catalogue and measured in turn, mix by mix, so a comparison
shares the machine's moment: ``memory`` (the in-memory search index, each worker built before it serves),
``uncached`` (the same, with ``PORTAL_SEARCH_CACHE=0``), ``database`` (``PORTAL_SEARCH_MEMORY=0``) and, with
``--baseline PATH``, ``baseline``
(another source tree, e.g. a worktree of the commit before, run with this interpreter and configured as the
variant named by ``--baseline-as``).

    python -m bench.catalogue.run --backend sqlite --backend postgres --sizes 10000,100000
    python -m bench.catalogue.run --backend postgres --sizes 100000 --variant memory --variant database \
        --baseline /work/wt-base
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import click
import numpy as np
from sqlalchemy import create_engine, func, select, text

from bench.catalogue import queries
from bench.catalogue.generate import datasets
from bench.catalogue.load import bulk_load, ensure_publishers, services_for
from portal.models import Package, SearchDoc
from portal.search.reindex import reindex_all

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
SCENARIOS = ("search_text", "search_fq", "show")
VARIANTS = ("memory", "uncached", "database", "baseline")


def database_url(backend: str, workdir: Path, pg_database: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'catalogue.db'}"
    return f"{PG_SERVER}/{pg_database}"


def reset_database(backend: str, workdir: Path, pg_database: str) -> None:
    """Start from an empty catalogue: delete the SQLite file or drop and create our own PG database."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (workdir / f"catalogue.db{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{pg_database}"'))
    engine.dispose()


def fill_to(url: str, workdir: Path, size: int, seed: int) -> int:
    """Top the catalogue up to ``size`` datasets; returns the seconds spent loading."""
    svc = services_for(url, workdir / "files")
    ensure_publishers(svc)
    with svc.db.session() as session:
        have = session.scalar(select(func.count()).select_from(Package)) or 0
    if have > size:
        raise click.ClickException(f"{url} already holds {have} datasets, more than {size}: use --fresh")
    began = time.perf_counter()
    if have < size:
        bulk_load(svc, datasets(size - have, np.random.default_rng([seed, have]), have), batch=2000)
    seconds = time.perf_counter() - began
    with svc.db.session() as session:
        unrecorded = session.scalar(select(func.count()).select_from(SearchDoc).where(SearchDoc.data.is_(None)))
    if unrecorded:  # loaded before search rows kept their package_show records
        click.echo(f"indexing {unrecorded} datasets loaded by an older version again", err=True)
        reindex_all(svc, batch=2000, progress=True, records_only=True)
    if svc.db.dialect == "postgresql":
        with svc.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    with svc.db.engine.connect() as conn:
        # Every stored record read once, so that the machine's page cache holds them as a server's would after
        # its first minutes: otherwise the first variant measured after a load pays the disk reads for the others
        # (the index builds read the text columns, not the records the results are written from).
        conn.execute(text("SELECT sum(length(data)) FROM search_docs"))
    svc.db.engine.dispose()
    return int(seconds)


def sample_names(url: str, n: int, seed: int) -> list[str]:
    svc = services_for(url, Path("/tmp/nyy_bench/files"))
    with svc.db.session() as session:
        names = list(session.scalars(select(Package.name).where(Package.private.is_(False))))
    svc.db.engine.dispose()
    rng = np.random.default_rng(seed)
    return [names[i] for i in rng.choice(len(names), size=min(n, len(names)), replace=False)]


def write_paths(workdir: Path, url: str, seed: int) -> dict[str, Path]:
    rng = np.random.default_rng(seed)
    mixes = {
        "search_text": queries.text_paths(rng, 3000),
        "search_fq": queries.fq_paths(rng, 3000),
        "show": queries.show_paths(rng, sample_names(url, 3000, seed), 3000),
    }
    files = {}
    for name, paths in mixes.items():
        files[name] = workdir / f"paths-{name}.txt"
        files[name].write_text("\n".join(paths) + "\n")
    return files


class Server:
    """gunicorn serving the portal on loopback, stopped by its own process id."""

    def __init__(self, url: str, workdir: Path, port: int, opts: dict[str, Any], variant: str) -> None:
        like = opts.get("baseline_as", "database") if variant == "baseline" else variant
        env = {
            **os.environ,
            "PORTAL_DATABASE_URL": url,
            "PORTAL_STORAGE_PATH": str(workdir / "files"),
            "PORTAL_INSTANCE_PATH": str(workdir / "instance"),
            "PORTAL_SITE_URL": f"http://127.0.0.1:{port}",
            "PORTAL_SECRET_KEY": "bench-not-secret",
            "PORTAL_SEARCH_MEMORY": "1" if like in ("memory", "uncached") else "0",
            "PORTAL_SEARCH_CACHE": "0" if like == "uncached" else os.environ.get("PORTAL_SEARCH_CACHE", "1000"),
        }
        # Every worker marks itself ready once its index is built; measuring starts when all have, here and in
        # the other variants' servers (one worker answering is not enough: the others would still be building
        # their indexes on the same two cores during the first measurement).
        # Each server shares its answers among its own workers only (portal/search/memory/shared.py), in a file of
        # its own here, emptied first: answers filed by an earlier run would be found by this one.
        shared = workdir / "instance" / f"search-answers-{variant}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{shared}{suffix}").unlink(missing_ok=True)
        env["PORTAL_SEARCH_SHARED_CACHE"] = str(shared)
        self.ready_dir = workdir / f"ready-{variant}"
        shutil.rmtree(self.ready_dir, ignore_errors=True)
        self.ready_dir.mkdir(parents=True)
        self.workers = opts["workers"] if like in ("memory", "uncached") else 0
        env["BENCH_READY_DIR"] = str(self.ready_dir)
        source = REPO
        if variant == "baseline":
            source = opts["baseline"]
            env.update(PYTHONPATH=str(source), PYTHONDONTWRITEBYTECODE="1")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.base = f"http://127.0.0.1:{port}"
        command = [str(gunicorn), "-w", str(opts["workers"]), "-k", opts["worker_class"],
                   "--threads", str(opts["threads"]), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
        if like in ("memory", "uncached"):  # this tree's hook for every variant: it marks each worker ready
            command += ["-c", str(HERE / "gunicorn_warm.py")]
        self.log_path = workdir / f"gunicorn-{variant}.log"
        self.log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*command, "portal.wsgi:app"], env=env, cwd=source, stdout=self.log, stderr=self.log
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.time() + 900  # workers with the in-memory index build it before they serve
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise click.ClickException("gunicorn exited; see the gunicorn logs in the work folder")
            try:
                with urllib.request.urlopen(self.base + "/api/3/action/status_show", timeout=2) as r:
                    if r.status == 200 and len(list(self.ready_dir.iterdir())) >= self.workers:
                        return
                time.sleep(0.5)
            except OSError:
                time.sleep(0.5)
        raise click.ClickException("gunicorn did not answer status_show within 900 s")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()
        with self.log_path.open("rb") as fh:  # what each worker said of its answer cache as it stopped
            fh.seek(self.log_start)
            hits = misses = shared_hits = shared_misses = 0
            passes: dict[str, list[float]] = {}  # generation -> [passes, ms in all, longest ms]
            for line in fh.read().decode(errors="replace").splitlines():
                if match := re.search(r"search cache: (\d+) hits, (\d+) misses", line):
                    hits, misses = hits + int(match[1]), misses + int(match[2])
                if match := re.search(r"shared answers: (\d+) hits, (\d+) misses", line):
                    shared_hits, shared_misses = shared_hits + int(match[1]), shared_misses + int(match[2])
                if match := re.search(r"gc generation (\d): (\d+) passes, ([\d.]+) ms in all, longest ([\d.]+)", line):
                    seen = passes.setdefault(match[1], [0, 0.0, 0.0])
                    seen[0], seen[1] = seen[0] + int(match[2]), seen[1] + float(match[3])
                    seen[2] = max(seen[2], float(match[4]))
        if hits + misses:
            share = 100 * hits / (hits + misses)
            click.echo(f"search answer cache ({self.base}): {hits:,} hits, {misses:,} misses ({share:.0f}%)", err=True)
        if shared_hits + shared_misses:
            click.echo(
                f"  of those misses, from the workers' shared answers: {shared_hits:,} "
                f"({100 * shared_hits / (shared_hits + shared_misses):.0f}%)",
                err=True,
            )
        for generation, (n, total, longest) in sorted(passes.items()):
            click.echo(
                f"gc generation {generation} ({self.base}): {n:,.0f} passes, {total:.0f} ms, longest {longest:.1f} ms",
                err=True,
            )


def check_paths(base: str, paths_file: Path, n: int = 5) -> None:
    """A benchmark of error pages would be meaningless: the first few requests must succeed."""
    for path in paths_file.read_text().splitlines()[:n]:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            body = json.load(r)
        if not body.get("success"):
            raise click.ClickException(f"{path} failed: {body.get('error')}")


def wrk(base: str, paths_file: Path, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(HERE / "requests.lua"), base, "--", str(paths_file)]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT_JSON "))
    return json.loads(line.removeprefix("RESULT_JSON "))


@click.command()
@click.option("--backend", "backends", type=click.Choice(["sqlite", "postgres"]), multiple=True, required=True)
@click.option("--sizes", default="10000,100000", show_default=True, help="Catalogue sizes, ascending.")
@click.option("--duration", type=click.IntRange(min=1), default=30, show_default=True, help="Seconds per mix.")
@click.option("--warmup", type=click.IntRange(min=0), default=5, show_default=True)
@click.option("--connections", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=3, show_default=True, help="gunicorn workers.")
@click.option("--threads", type=click.IntRange(min=1), default=4, show_default=True, help="Threads per worker.")
@click.option(
    "--worker-class",
    type=click.Choice(["gthread", "sync"]),
    default="gthread",
    show_default=True,
    help="gunicorn's worker: sync serves one request at a time per process, and each new request goes to the "
    "first idle process; gthread keeps a client's connection on the process that accepted it.",
)
@click.option("--scenario", "scenarios", type=click.Choice(SCENARIOS), multiple=True, help="Default: all.")
@click.option("--fresh/--reuse", default=False, help="Empty the catalogue first, or top up what is there.")
@click.option("--workdir", type=click.Path(path_type=Path), default=Path("/tmp/nyy_bench"), show_default=True)
@click.option("--pg-database", default="nyy_bench", show_default=True)
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--results", type=click.Path(path_type=Path), help="Append result rows to this JSON-lines file.")
@click.option("--variant", "variants", type=click.Choice(VARIANTS), multiple=True, help="Default: memory.")
@click.option("--baseline", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Source tree.")
@click.option(
    "--baseline-as",
    type=click.Choice(["memory", "uncached", "database"]),
    default="database",
    show_default=True,
    help="How the baseline tree is configured, as the variant of that name.",
)
def main(**opts: Any) -> None:
    """Fill, serve and load-test the catalogue; print one markdown table row per backend, size and mix."""
    workdir: Path = opts["workdir"]
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in opts["sizes"].split(","))
    scenarios = opts["scenarios"] or SCENARIOS
    variants = opts["variants"] or ("memory",)
    if "baseline" in variants and not opts["baseline"]:
        raise click.UsageError("--variant baseline needs --baseline PATH")
    click.echo(
        "| backend | datasets | variant | request | p50 ms | p95 ms | p99 ms | requests/s | errors | load 1 min |"
    )
    click.echo("|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for backend in opts["backends"]:
        url = database_url(backend, workdir, opts["pg_database"])
        if opts["fresh"]:
            reset_database(backend, workdir, opts["pg_database"])
        for size in sizes:
            load_seconds = fill_to(url, workdir, size, opts["seed"])
            files = write_paths(workdir, url, opts["seed"])
            servers = {}
            try:
                for i, variant in enumerate(variants):
                    servers[variant] = Server(url, workdir, opts["port"] + i, opts, variant)
                for scenario in scenarios:
                    for variant, server in servers.items():
                        row = measure(server.base, files[scenario], opts)
                        row.update(backend=backend, datasets=size, scenario=scenario, variant=variant)
                        row.update(load_seconds=load_seconds, workers=opts["workers"], threads=opts["threads"])
                        report(row, opts["results"])
            finally:
                for server in servers.values():
                    server.stop()


def measure(base: str, paths_file: Path, opts: dict[str, Any]) -> dict[str, Any]:
    check_paths(base, paths_file)
    if opts["warmup"]:
        wrk(base, paths_file, opts["warmup"], opts["connections"], 1)
    load_before = os.getloadavg()[0]  # other work on the machine skews results: record it
    kernel_before = kernel_counters()
    row = wrk(base, paths_file, opts["duration"], opts["connections"], 1)
    kernel = {k: v - kernel_before.get(k, 0) for k, v in kernel_counters().items()}
    return {
        **row,
        "loadavg_before": round(load_before, 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
        "kernel": {k: v for k, v in kernel.items() if v},
    }


KERNEL_COUNTERS = ("compact_stall", "compact_fail", "thp_fault_alloc", "thp_fault_fallback", "allocstall_normal",
                   "allocstall_movable", "pgmajfault", "pswpin", "pswpout")  # fmt: skip


def kernel_counters() -> dict[str, int]:
    """Memory stalls the kernel counted (Linux): a page fault that waits on compaction or reclaim stalls a request."""
    try:
        lines = Path("/proc/vmstat").read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.split() for line in lines)
    return {k: int(v) for k, v in pairs if k in KERNEL_COUNTERS}


def report(row: dict[str, Any], results: Path | None) -> None:
    errors = row["non_2xx"] + row["socket_errors"]
    click.echo(
        f"| {row['backend']} | {row['datasets']:,} | {row['variant']} | {row['scenario']} | {row['p50_ms']:.1f} | "
        f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['rps']:.0f} | {errors} | "
        f"{row['loadavg_before']:.1f}-{row['loadavg_after']:.1f} |"
    )
    click.echo(f"  max {row['max_ms']:.0f} ms; kernel: {row['kernel'] or 'no memory stalls counted'}", err=True)
    if results:
        with results.open("a") as fh:
            fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
