"""Benchmark: ``datapackages validate`` against ``frictionless validate``, side by side, interleaved, best of N.

Both tools run as their command-line programs in child processes (start-up included), with ``--json``
output captured, so peak memory is each child's own maximum resident set size (from ``wait4``). The two
reports are checked to agree (valid, rows, error count) before a timing is accepted. ``--before`` times
another ``datapackages`` executable (say, main's) in the same interleaved rounds, for a before/after under
the same load; each run records the 1-minute load average before it starts.

    .venv/bin/python bench/datapackages/bench_validate.py --data /tmp/dp-bench --repeats 3
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import click

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
MAKE_DATA = Path(__file__).resolve().parent / "make_data.py"
FILES = [  # (label, kind, rows, error rate)
    ("mixed 1M x 12, clean", "mixed", 1_000_000, 0.0),
    ("mixed 1M x 12, 0.05% errors", "mixed", 1_000_000, 0.0005),
    ("strings 1M x 10, clean", "strings", 1_000_000, 0.0),
    ("wide numeric 250k x 40, clean", "wide", 250_000, 0.0),
]


def run_with_rss(command: list[str], cwd: Path) -> dict:
    """Like ``run`` but reaps the child itself so ``wait4`` reports that child's peak memory."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {code}")
    task = json.loads(out)["tasks"][0]
    return {
        "seconds": seconds,
        "rss_mib": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "valid": task["valid"],
        "rows": task["stats"].get("rows"),
        "errors": task["stats"]["errors"],
        "load": load,
    }


def commands(path: Path, schema: Path, before: Path | None = None) -> dict[str, list[str]]:
    """The CLIs, run in the data folder with relative paths (frictionless refuses absolute ones)."""
    tools = {"frictionless": BIN / "frictionless", "ours": BIN / "datapackages"}
    if before:
        tools["before"] = before
    return {name: [str(exe), "validate", path.name, "--schema", schema.name, "--json"] for name, exe in tools.items()}


def ensure(data: Path, kind: str, rows: int, rate: float) -> tuple[Path, Path]:
    suffix = "-errors" if rate else ""
    path, schema = data / f"{kind}-{rows}{suffix}.csv", data / f"{kind}.schema.json"
    if not path.exists() or not schema.exists():
        # In a child of its own: Linux carries a process's peak RSS across fork and exec, so a benchmark parent
        # that had generated 1 GB of data in-process would report that as every validator's peak memory.
        command = [sys.executable, str(MAKE_DATA), "--kind", kind, "--rows", str(rows), "--out", str(data)]
        subprocess.run([*command, "--error-rate", str(rate)], check=True)
    return path, schema


@click.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=Path("/tmp/dp-bench"))
@click.option("--repeats", default=3, show_default=True)
@click.option("--scale-rows", default=5_000_000, show_default=True, help="Rows for the memory-growth run.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write JSON results.")
@click.option(
    "--before",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Another datapackages executable to time alongside (e.g. main's .venv/bin/datapackages).",
)
@click.option("--only", default="", help="Time only the files whose label contains this text (no growth run).")
@click.option(
    "--report-only",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Only print the tables of an earlier --out JSON.",
)
def main(
    data: Path,
    repeats: int,
    scale_rows: int,
    out: Path | None,
    before: Path | None,
    only: str,
    report_only: Path | None,
) -> None:
    """Time both validators on each file, interleaved, and print a markdown table."""
    if report_only:
        print_tables(json.loads(report_only.read_text()))
        return
    data.mkdir(parents=True, exist_ok=True)
    # frictionless runs from site-packages, compiled when pip installed it; our editable checkout would be
    # compiled again on every run where PYTHONDONTWRITEBYTECODE is set (0.03 s each). Compile it once, as an
    # installed copy would be, so both start from bytecode.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "datapackages")], check=True)
    files = [(label, *ensure(data, kind, rows, rate)) for label, kind, rows, rate in FILES if only in label]
    best: dict[tuple[str, str], dict] = {}
    for repeat in range(repeats):
        for label, path, schema in files:
            for tool, command in commands(path, schema, before).items():
                result = run_with_rss(command, data)
                key = (label, tool)
                if key not in best or result["seconds"] < best[key]["seconds"]:
                    best[key] = result
                click.echo(
                    f"[{repeat + 1}/{repeats}] {label:32s} {tool:12s} {result['seconds']:7.2f} s "
                    f"cpu {result['cpu_s']:7.2f} s {result['rss_mib']:7.0f} MiB "
                    f"valid={result['valid']} errors={result['errors']} load {result['load']:.1f}",
                    err=True,
                )
    for (label, tool), a in best.items():
        b = best[(label, "frictionless")]
        if (a["valid"], a["rows"], a["errors"]) != (b["valid"], b["rows"], b["errors"]):
            raise SystemExit(f"reports disagree on {label}: {tool} {a} frictionless {b}")
    scale = [] if only else [ensure(data, "mixed", n, 0.0) for n in (1_000_000, scale_rows)]
    growth = [(path, run_with_rss(commands(path, schema)["ours"], data)) for path, schema in scale]
    rows = []
    for label, _, _ in files:
        a, b = best[(label, "ours")], best[(label, "frictionless")]
        rows.append(
            {
                "file": label,
                "frictionless_s": b["seconds"],
                "ours_s": a["seconds"],
                "speedup": b["seconds"] / a["seconds"],
                "frictionless_cpu_s": b["cpu_s"],
                "ours_cpu_s": a["cpu_s"],
                "frictionless_mib": b["rss_mib"],
                "ours_mib": a["rss_mib"],
                "rows": a["rows"],
                "errors": a["errors"],
                "load": [a["load"], b["load"]],
            }
        )
        if before:
            c = best[(label, "before")]
            rows[-1].update(before_s=c["seconds"], before_cpu_s=c["cpu_s"], before_mib=c["rss_mib"])
    results = {"best": rows, "growth": [{"file": p.name, **r} for p, r in growth]}
    if out:
        out.write_text(json.dumps(results, indent=2))
    print_tables(results)


def print_tables(results: dict) -> None:
    """Markdown tables: best-of-N wall time (CPU time in brackets), speed-ups, memory, and growth."""
    rows = results["best"]
    for r in rows:
        r["cpu_speedup"] = r["frictionless_cpu_s"] / r["ours_cpu_s"]
    wall = math.exp(sum(math.log(r["speedup"]) for r in rows) / len(rows))
    cpu = math.exp(sum(math.log(r["cpu_speedup"]) for r in rows) / len(rows))
    click.echo(
        "| file | rows | errors | frictionless wall s (cpu s) | ours wall s (cpu s) | speed-up wall (cpu) "
        "| frictionless peak MiB | ours peak MiB |"
    )
    click.echo("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        click.echo(
            f"| {r['file']} | {r['rows']:,} | {r['errors']} "
            f"| {r['frictionless_s']:.2f} ({r['frictionless_cpu_s']:.2f}) "
            f"| {r['ours_s']:.2f} ({r['ours_cpu_s']:.2f}) | "
            f"{r['speedup']:.1f}x ({r['cpu_speedup']:.1f}x) | {r['frictionless_mib']:.0f} | {r['ours_mib']:.0f} |"
        )
    click.echo(f"\nGeometric mean speed-up: {wall:.1f}x wall, {cpu:.1f}x CPU time\n")
    if all("before_s" in r for r in rows):
        click.echo("| file | before wall s (cpu s) | after wall s (cpu s) | before peak MiB | after peak MiB |")
        click.echo("|---|---:|---:|---:|---:|")
        for r in rows:
            click.echo(
                f"| {r['file']} | {r['before_s']:.2f} ({r['before_cpu_s']:.2f}) | {r['ours_s']:.2f} "
                f"({r['ours_cpu_s']:.2f}) | {r['before_mib']:.0f} | {r['ours_mib']:.0f} |"
            )
        click.echo("")
    click.echo("| ours, mixed clean | rows | wall s | cpu s | peak MiB |\n|---|---:|---:|---:|---:|")
    for g in results["growth"]:
        click.echo(f"| {g['file']} | {g['rows']:,} | {g['seconds']:.2f} | {g['cpu_s']:.2f} | {g['rss_mib']:.0f} |")


if __name__ == "__main__":
    main()
