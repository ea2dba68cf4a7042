"""End-to-end publish of a 1,000,000-row open dataset, stage by stage, against pyarrow reading and writing
the same file, interleaved in one run.

The publisher is the partners' own ``police-street-crime`` (data.police.uk layout, LSOA checks against a
lookup, withheld columns, validation, packaging) pushing through ckanapi into a real portal served by
gunicorn on loopback (SQLite and local files, as the demo). Each repeat publishes under a fresh dataset name,
so every push uploads the whole file.

    python bench/publishers/bench_publish.py --rows 1000000 --repeats 3 --out bench/publishers/results.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.publishers.make_data import lookup, write  # noqa: E402
from publishers import registry  # noqa: E402
from publishers.framework.pipeline import STAGES, Options, run  # noqa: E402


def pyarrow_copy(source: Path, target: Path) -> float:
    """What the target is measured against: pyarrow reading the extract (as text) and writing it back."""
    started = time.perf_counter()
    names = source.open(encoding="utf-8").readline().strip().split(",")
    table = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())))
    pacsv.write_csv(table, target)
    return time.perf_counter() - started


def portal(workdir: Path, port: int) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": str(workdir / "instance"),
        "PORTAL_SITE_URL": f"http://127.0.0.1:{port}",
    }
    cli = [sys.executable, "-m", "portal.cli"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    token = subprocess.run(
        [*cli, "token", "new", "demo-publisher"], env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()[-1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "600", "portal.wsgi:app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
    )  # fmt: skip
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=1)
            return server, token
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the portal did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/publish-bench"))
    parser.add_argument("--port", type=int, default=5091)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    raw = args.workdir / "raw"
    extract = raw / "police" / f"{args.rows}-north-yorkshire-street.csv"
    if not extract.exists():
        for old in (raw / "police").glob("*.csv") if (raw / "police").exists() else []:
            old.unlink()
        write(extract, args.rows, lookup(raw / "geography" / "lsoa-lookup.csv"))
    server, token = portal(args.workdir, args.port)
    spec = registry.load("police-street-crime")
    runs = []
    try:
        for repeat in range(args.repeats):
            baseline = pyarrow_copy(extract, args.workdir / "pyarrow-copy.csv")
            named = dataclasses.replace(spec, name=f"bench-police-{int(time.time())}-{repeat}")
            options = Options(
                raw, args.workdir / "work", catalogue=f"http://127.0.0.1:{args.port}", token=token,
                geography=[raw / "geography" / "lsoa-lookup.csv"],
            )  # fmt: skip
            started = time.perf_counter()
            result = run(named, options)
            total = time.perf_counter() - started
            runs.append({"pyarrow_s": baseline, "total_s": total, "stages": result.seconds,
                         "rows_out": result.rows_out, "change": result.change, "load": os.getloadavg()[0]})  # fmt: skip
            ratio = total / baseline
            print(f"[{repeat + 1}/{args.repeats}] pyarrow {baseline:.2f} s  publish {total:.2f} s  ({ratio:.1f}x)  "
                  f"{result.seconds}  load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(30)
    best = min(runs, key=lambda r: r["total_s"])
    best_pyarrow = min(r["pyarrow_s"] for r in runs)
    summary = {
        "rows": args.rows, "bytes": extract.stat().st_size, "runs": runs, "best_total_s": best["total_s"],
        "best_pyarrow_s": best_pyarrow, "ratio": best["total_s"] / best_pyarrow, "best_stages": best["stages"],
    }  # fmt: skip
    print("\n| stage | seconds (best run) |\n|---|---:|")
    for stage in STAGES:
        print(f"| {stage} | {best['stages'].get(stage, 0):.2f} |")
    print(f"| **end to end** | **{best['total_s']:.2f}** |")
    print(f"\npyarrow read + write: {best_pyarrow:.2f} s; publish / pyarrow = {summary['ratio']:.1f}x (target <= 3x)")
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
