"""Service time without queueing: each request once, one at a time, in process (no HTTP, no concurrency).

Under 16 concurrent connections on 2 cores, latency is mostly waiting for a CPU; this separates what one
request costs, and how much of it is the search query itself (``services.search.query``) as opposed to
building the result dicts and the JSON. It also reports how many datasets the queries matched, since the
cost of counting facets grows with the size of the matching set.

    python -m bench.catalogue.service_time --database-url postgresql://postgres@127.0.0.1:5432/nyy_bench \\
        --paths /tmp/nyy_bench/paths-search_text.txt --requests 300

Each paths file is measured with the in-memory search index (``memory``, built before timing) and without it
(``database``), one after the other in the same run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import click

from portal.app import create_app
from portal.config import Settings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def measure(database_url: str, paths: list[str], memory: bool) -> dict[str, Any]:
    settings = Settings.from_env(
        database_url=database_url,
        storage_path="/tmp/nyy_bench/files",
        site_url="http://x",
        secret_key="x",
        search_memory=memory,
    )
    app = create_app(settings, migrate=False)
    services = app.extensions["portal"]
    search = services.search
    if search.memory is not None:
        search.memory.warm(services.db.engine)
    query, timings = search.query, []

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        result = query(*args, **kwargs)
        timings.append((time.perf_counter() - began, result.count))
        return result

    search.query = timed
    client = app.test_client()
    for path in paths[:5]:
        client.get(path)  # warm caches and connections
    timings.clear()
    totals = []
    for path in paths:
        began = time.perf_counter()
        response = client.get(path)
        totals.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise click.ClickException(f"{path} answered {response.status_code}: {response.get_data()[:300]!r}")
    row: dict[str, Any] = {"requests": len(paths), **_summary("request", totals)}
    if timings:
        row.update(_summary("query", [t for t, _ in timings]))
        counts = [float(c) for _, c in timings]
        row.update(matched_p50=int(percentile(counts, 0.5)), matched_p95=int(percentile(counts, 0.95)))
    services.db.engine.dispose()
    return row


def _summary(name: str, seconds: list[float]) -> dict[str, float]:
    return {f"{name}_{p}_ms": round(1000 * percentile(seconds, s), 1) for p, s in (("p50", 0.5), ("p95", 0.95))}


@click.command()
@click.option("--database-url", required=True)
@click.option("--paths", "path_files", type=click.Path(exists=True, path_type=Path), multiple=True, required=True)
@click.option("--requests", "count", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--variant", "variants", type=click.Choice(["memory", "database"]), multiple=True)
def main(database_url: str, path_files: tuple[Path, ...], count: int, variants: tuple[str, ...]) -> None:
    """Time each request of the PATHS files once, sequentially, and print percentiles per file and variant."""
    for path_file in path_files:
        paths = path_file.read_text().split()[:count]
        for variant in variants or ("memory", "database"):
            row = measure(database_url, paths, variant == "memory")
            click.echo(f"{path_file.name} {variant} (load {os.getloadavg()[0]:.1f}): {row}")


if __name__ == "__main__":
    main()
