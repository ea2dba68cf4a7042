"""Download throughput and portal memory for one large resource, per storage backend, against a direct read.

Scenarios, each timed on the same file (best of ``--repeats``, interleaved so background load hits all alike):

- ``direct file read``: the file read from disk into a 1 MiB buffer, no portal (the baseline);
- ``local stream``: the portal (gunicorn, 1 worker) serving it from local storage;
- ``S3 direct read``: boto3 reading the object straight from the S3 server, no portal (the S3 ceiling);
- ``S3 stream``: the portal streaming it from S3 (moto's server) to the client;
- ``S3 presigned redirect``: the portal answering 302 to a presigned URL, the client following it.

The portal worker's resident memory is sampled every 20 ms during each download. moto runs as its own process,
so its memory is not counted as the portal's.

    python -m bench.storage.run --size-mb 1000 --repeats 3
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import click
from rich.console import Console
from rich.table import Table

from bench.storage import harness

MIB = 1024 * 1024


def make_file(path: Path, size_mb: int) -> Path:
    """``size_mb`` MB (10^6 bytes) of incompressible bytes, written once and reused."""
    size = size_mb * 1_000_000
    if path.exists() and path.stat().st_size == size:
        return path
    block = os.urandom(MIB)
    with path.open("wb") as f:
        written = 0
        while written < size:
            n = min(MIB, size - written)
            f.write(block[:n] if n < MIB else block)
            block = block[1:] + block[:1]  # no two blocks alike
            written += n
    return path


def base_env(workdir: Path, name: str, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_INSTANCE_PATH=str(workdir / name),
        PORTAL_DATABASE_URL=f"sqlite:///{workdir / name / 'portal.db'}",
        PORTAL_SECRET_KEY="bench",
        PORTAL_MAX_UPLOAD_BYTES=str(4 * 1024 * MIB),
        PORTAL_S3_ENDPOINT_URL=endpoint,
        PORTAL_S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
    )
    return env


def setup_catalogue(env: dict[str, str], url: str) -> str:
    """A sysadmin token (operator CLI), a publisher and a dataset to attach the file to."""
    harness.portal_cli(env, "user", "add", "bench", "--email", "b@example.org", "--password", "x" * 16, "--sysadmin")
    token = harness.portal_cli(env, "token", "new", "bench").strip().splitlines()[-1]
    for action, data in (
        ("organization_create", {"name": "bench", "title": "Bench"}),
        ("package_create", {"name": "big", "owner_org": "bench"}),
    ):
        r = harness.requests.post(f"{url}/api/3/action/{action}", json=data, headers={"Authorization": token})
        r.raise_for_status()
    return token


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(workdir: Path, size_mb: int, repeats: int) -> dict[str, Any]:
    data = make_file(workdir / "resource.bin", size_mb)
    size = data.stat().st_size
    results: dict[str, Any] = {"bytes": size, "runs": {}}
    portals: dict[str, harness.Process] = {}
    moto, endpoint = harness.moto_server(workdir)
    try:  # every process started here is stopped in ``finally``, whatever fails
        credentials = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
        s3.create_bucket(Bucket="bench")
        for name, storage in (("local", ""), ("s3", "s3://bench/portal")):
            env = base_env(workdir, name, endpoint) | {"PORTAL_STORAGE": storage}
            (workdir / name).mkdir(exist_ok=True)
            harness.portal_cli(env, "db", "upgrade")
            proc, url, worker = harness.portal(env, workdir, name)
            portals[name] = proc
            token = setup_catalogue(env, url)
            with harness.MemoryWatch(worker) as mem:
                start = time.perf_counter()
                res = harness.upload(f"{url}/api/3/action", token, data, {"package_id": "big"})
                seconds = time.perf_counter() - start
            results[f"upload_{name}"] = {"seconds": seconds, "rss_before": mem.before, "rss_peak": mem.peak}
            download_url = url + "/" + res["url"].split("/", 3)[3]
            results[name] = {"url": download_url, "token": token, "worker": worker, "env": env}
        redirect_env = results["s3"]["env"] | {"PORTAL_DOWNLOAD_REDIRECT": "1"}
        proc, url, worker = harness.portal(redirect_env, workdir, "s3-redirect")
        portals["s3-redirect"] = proc
        results["s3-redirect"] = {**results["s3"], "url": url + "/" + results["s3"]["url"].split("/", 3)[3]}
        results["s3-redirect"]["worker"] = worker
        key = s3.list_objects_v2(Bucket="bench")["Contents"][0]["Key"]
        [stored] = (workdir / "local" / "files").glob("resources/*/*")  # the portal's copy of the file
        local, s3_stream, s3_redirect = results["local"], results["s3"], results["s3-redirect"]
        scenarios: dict[str, tuple[Any, Any]] = {  # label: (prepare, measure -> (memory watch or None, bytes))
            "direct file read": (None, lambda: (None, harness.read_file(data))),
            "local stream": (None, lambda: through_portal(local, follow=False)),
            "direct file read, cold cache": (lambda: harness.evict(data), lambda: (None, harness.read_file(data))),
            "local stream, cold cache": (lambda: harness.evict(stored), lambda: through_portal(local, follow=False)),
            "S3 direct read": (None, lambda: (None, harness.read_body(s3.get_object(Bucket="bench", Key=key)["Body"]))),
            "S3 stream": (None, lambda: through_portal(s3_stream, follow=False)),
            "S3 presigned redirect": (None, lambda: through_portal(s3_redirect, follow=True)),
        }
        for _ in range(repeats):
            for label, (prepare, measure) in scenarios.items():
                if prepare:
                    prepare()
                seconds, (mem, got) = timed(measure)
                if got != size:
                    raise RuntimeError(f"{label}: read {got} bytes, expected {size}")
                runs = results["runs"].setdefault(label, [])
                runs.append({"seconds": seconds, **({"rss_before": mem.before, "rss_peak": mem.peak} if mem else {})})
    finally:
        for proc in portals.values():
            proc.stop()
        moto.stop()
    for name in ("local", "s3", "s3-redirect"):
        results[name].pop("env", None)
    return results


def through_portal(target: dict[str, Any], *, follow: bool) -> tuple[harness.MemoryWatch, int]:
    with harness.MemoryWatch(target["worker"]) as mem:
        got, _ = harness.download(target["url"], target["token"], follow=follow)
    return mem, got


BASELINE = {  # each portal scenario against reading the same bytes without the portal
    "local stream": "direct file read",
    "local stream, cold cache": "direct file read, cold cache",
    "S3 stream": "S3 direct read",
    "S3 presigned redirect": "S3 direct read",
}


def report(results: dict[str, Any], console: Console) -> None:
    size = results["bytes"]
    best = {label: min(r["seconds"] for r in runs) for label, runs in results["runs"].items()}
    repeats = len(next(iter(results["runs"].values())))
    table = Table(title=f"Download of a {size / 1e9:.2f} GB resource (best of {repeats})")
    for col in ("scenario", "MB/s", "share of baseline", "baseline", "portal RSS before → peak (MiB)"):
        table.add_column(col, justify="left" if col in ("scenario", "baseline") else "right")
    for label, seconds in best.items():
        runs = results["runs"][label]
        mem = ""
        if "rss_peak" in runs[0]:
            mem = f"{min(r['rss_before'] for r in runs):.0f} → {max(r['rss_peak'] for r in runs):.0f}"
        base = BASELINE.get(label)
        share = f"{best[base] / seconds:.0%}" if base else ""
        table.add_row(label, f"{size / seconds / 1e6:,.0f}", share, base or "", mem)
    console.print(table)
    for name in ("local", "s3"):
        up = results[f"upload_{name}"]
        console.print(
            f"upload to {name}: {size / up['seconds'] / 1e6:,.0f} MB/s, portal RSS {up['rss_before']:.0f} → "
            f"{up['rss_peak']:.0f} MiB"
        )


@click.command()
@click.option("--size-mb", default=1000, show_default=True, help="Resource size in MB (10^6 bytes).")
@click.option("--repeats", default=3, show_default=True)
@click.option("--workdir", default="/tmp/nyy-bench-storage", show_default=True, type=click.Path(path_type=Path))
@click.option("--keep", is_flag=True, help="Keep the work folder (the data file is reused next time).")
def main(size_mb: int, repeats: int, workdir: Path, keep: bool) -> None:
    """Download throughput and portal memory per storage backend, against reading the file directly."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("local", "s3", "s3-redirect"):
        shutil.rmtree(workdir / name, ignore_errors=True)
    results = run(workdir, size_mb, repeats)
    (workdir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    report(results, Console(width=130))
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
