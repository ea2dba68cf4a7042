"""Benchmark: fit + sample on a police-style incident table of 1,000,000 rows (time and peak memory).

Run from the repository root:  .venv/bin/python bench/synthetic/bench_incidents.py [ROWS]
The table is generated (no real data needed) by the same seeded maker the tests use: every field type, direct
identifiers (ids, UPRNs, pseudonymous caller keys), free text, coarsened coordinates, a 400-area LSOA column.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[1] / "tests" / "synthetic"))

from measure import measured  # noqa: E402
from synthetic_fixtures import INCIDENT_SCHEMA, make_incidents  # noqa: E402

import synthetic  # noqa: E402


def main(rows: int) -> None:
    started = time.perf_counter()
    real = make_incidents(rows, seed=2024)
    made = time.perf_counter() - started
    synthetic.fit(real.iloc[:2000], INCIDENT_SCHEMA, seed=1).sample(2000, seed=2)  # warm-up
    with measured() as fit_usage:
        model = synthetic.fit(real, INCIDENT_SCHEMA, seed=1)
    with measured() as sample_usage:
        synth = model.sample(rows, seed=2)
    result = {
        "rows": rows,
        "make_table_seconds": made,
        "fit_seconds": fit_usage.seconds,
        "sample_seconds": sample_usage.seconds,
        "fit_peak_mb": fit_usage.peak_mb,
        "sample_peak_mb": sample_usage.peak_mb,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "real_table_mb": real.memory_usage(deep=True).sum() / 2**20,
        "synthetic_rows": len(synth),
    }
    print(json.dumps(result, indent=2))
    (HERE / f"results_incidents_{rows}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
