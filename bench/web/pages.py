"""Server time of the website's search and dataset pages on a large catalogue, side by side with the API.

Requests go straight into the WSGI app (Flask's test client: no network, no client), so the times are what
the server spends: routing, actions, database, templates. Each page is measured next to the API action a
CKAN client would call for the same thing (``package_search`` with the same filters and facets,
``package_show``), in the same run on the same database, so the page's own cost is visible.

    python -m bench.catalogue.load --database-url sqlite:////tmp/nyy_web_bench/100k.db --count 100000
    python -m bench.web.pages --database-url sqlite:////tmp/nyy_web_bench/100k.db --requests 300
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click
import numpy as np

from bench.catalogue.queries import search_words
from bench.catalogue.vocabulary import FORMATS, LICENSES, ORGANIZATIONS, THEMES
from portal.actions import registry
from portal.app import create_app
from portal.config import Settings
from portal.uploads import Upload

RICH = "bench-rich-dataset"
SORTS = {
    "relevance": "score desc, metadata_modified desc",
    "recent": "metadata_modified desc",
    "name": "title_string asc",
}
API_FACETS = json.dumps(["organization", "groups", "res_format", "license_id", "release_mode"])


def search_pages(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """(page URL, equivalent API URL): free text, a facet filter, both, sorted, and deeper pages."""
    words = search_words()
    p = 1.0 / np.arange(1, len(words) + 1) ** 0.7
    p /= p.sum()
    filters = [("organization", o[0]) for o in ORGANIZATIONS] + [("groups", t) for t in THEMES]
    filters += [("res_format", f[0]) for f in FORMATS] + [("license_id", lic[0]) for lic in LICENSES]
    out = []
    for i in range(n):
        params: dict[str, Any] = {}
        fq = ""
        if i % 4 != 1:
            params["q"] = " ".join(words[j] for j in rng.choice(len(words), size=int(rng.integers(1, 3)), p=p))
        if i % 4 != 0:
            field, value = filters[int(rng.integers(len(filters)))]
            params[field] = value
            fq = f'{field}:"{value}"'
        params["sort"] = ["relevance", "recent", "name"][i % 3] if params.get("q") else ["recent", "name"][i % 2]
        if i % 5 == 4:
            params["page"] = int(rng.integers(2, 6))
        api = {"q": params.get("q", ""), "fq": fq, "rows": 20, "facet.field": API_FACETS, "facet.limit": -1,
               "sort": SORTS[params["sort"]]}  # fmt: skip
        api["start"] = (params.get("page", 1) - 1) * 20
        out.append(("/dataset?" + urlencode(params), "/api/3/action/package_search?" + urlencode(api)))
    return out


def dataset_pages(client: Any, rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    total = client.get("/api/3/action/package_search?rows=0").get_json()["result"]["count"]
    names = []
    for start in rng.integers(0, max(total - 1, 1), size=n):
        found = client.get(f"/api/3/action/package_list?limit=1&offset={int(start)}").get_json()["result"]
        names += found
    return [(f"/dataset/{name}", f"/api/3/action/package_show?id={name}") for name in names]


def ensure_rich_dataset(app: Any) -> None:
    """One dataset with everything the page can show: a 10,000-row CSV, datapackage.json, reports."""
    svc = app.extensions["portal"]
    with svc.context() as ctx:
        from sqlalchemy import select

        from portal.models import User

        admin = ctx.session.scalar(select(User).where(User.sysadmin.is_(True)))
        actx = ctx.as_user(admin)
        if RICH in registry.call("package_list", actx, {}):
            return
        org = registry.call("organization_list", actx, {})[0]
        pkg = registry.call("package_create", actx, {
            "name": RICH, "title": "Benchmark: rich dataset", "owner_org": org, "notes": "**Every** feature.",
            "license_id": "OGL-UK-3.0", "extras": [{"key": "release_mode", "value": "synthetic"},
                                                   {"key": "update_frequency", "value": "monthly"},
                                                   {"key": "schema", "value": "service-demand-lsoa"}]})  # fmt: skip
        rows = "\n".join(f"E0102{i:04d},2024-{i % 12 + 1:02d},{i}" for i in range(10_000))
        report = {"valid": True, "stats": {"errors": 0}, "tasks": [{"errors": []}]}
        synthetic = {"title": "Synthetic", "verdict": "released", "rows": {"synthetic": 1000},
                     "fidelity": {"overall": 0.9, "column_shapes": 0.9, "pair_trends": 0.9,
                                  "columns": {f"c{i}": {"score": 0.8 + i / 100} for i in range(12)}},
                     "distributions": {f"c{i}": {"labels": list("abcdef"), "real": [1, 2, 3, 4, 5, 6],
                                                 "synthetic": [2, 2, 3, 4, 4, 6]} for i in range(6)}}  # fmt: skip
        files = [("data.csv", "CSV", b"lsoa_code,month,count\n" + rows.encode()),
                 ("validation-report.json", "JSON", json.dumps(report).encode()),
                 ("synthetic-report.json", "JSON", json.dumps(synthetic).encode())]  # fmt: skip
        for name, fmt, body in files:
            registry.call("resource_create", actx, {"package_id": pkg["id"], "name": name, "format": fmt,
                                                    "upload": Upload(name, io.BytesIO(body))})  # fmt: skip


def measure(client: Any, urls: list[str]) -> np.ndarray:
    times = []
    for url in urls:
        began = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise click.ClickException(f"{url} answered {response.status_code}")
    return np.array(times)


def summary(times: np.ndarray) -> dict[str, float]:
    return {
        "n": int(times.size),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "p99_ms": round(float(np.percentile(times, 99)), 1),
        "mean_ms": round(float(times.mean()), 1),
    }


def make_app(database_url: str, storage: Path, memory: bool) -> Any:
    settings = Settings.from_env(database_url=database_url, storage_path=storage, site_url="http://127.0.0.1:8000",
                                 secret_key="bench-not-secret", search_memory=memory)  # fmt: skip
    app = create_app(settings, migrate=True)
    services = app.extensions["portal"]
    if services.search.memory is not None:
        services.search.memory.warm(services.db.engine)  # as a served worker would before its first request
    return app


@click.command()
@click.option("--database-url", required=True)
@click.option("--storage", type=click.Path(path_type=Path), default=Path("/tmp/nyy_web_bench/files"))
@click.option("--requests", "count", type=click.IntRange(min=10), default=300, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--variant", "variants", type=click.Choice(["memory", "database"]), multiple=True,
              help="Search with the in-memory index, in the database, or both side by side (default).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), help="Write the results as JSON here too.")
def main(database_url: str, storage: Path, count: int, seed: int, variants: tuple[str, ...], out: Path | None) -> None:
    apps = {v: make_app(database_url, storage, v == "memory") for v in variants or ("memory", "database")}
    first = next(iter(apps.values()))
    ensure_rich_dataset(first)
    client = first.test_client()
    rng = np.random.default_rng(seed)
    searches = search_pages(rng, count)
    shows = dataset_pages(client, rng, count)
    rich = [(f"/dataset/{RICH}?preview_page={1 + i % 4}", f"/api/3/action/package_show?id={RICH}")
            for i in range(max(count // 5, 10))]  # fmt: skip
    results: dict[str, Any] = {
        "datasets": client.get("/api/3/action/package_search?rows=0").get_json()["result"]["count"],
        "loadavg_before": round(os.getloadavg()[0], 2),
    }
    home = [("/", "/api/3/action/package_search?rows=5&sort=metadata_modified%20desc")] * max(count // 10, 10)
    for label, pairs in (("search", searches), ("dataset", shows), ("rich dataset", rich), ("home", home)):
        for variant, app in apps.items():  # side by side: each page type under both variants in turn
            client = app.test_client()
            measure(client, [p for p, _ in pairs[:10]] + [a for _, a in pairs[:10]])  # warm caches
            results.setdefault(variant, {})[f"{label} page"] = summary(measure(client, [p for p, _ in pairs]))
            results[variant][f"{label} API"] = summary(measure(client, [a for _, a in pairs]))
    results["loadavg_after"] = round(os.getloadavg()[0], 2)
    click.echo(json.dumps(results, indent=2))
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
