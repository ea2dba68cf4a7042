"""gunicorn settings for the benchmark: each worker builds its in-memory search index before it serves.

Without this a new worker answers searches from the database until its background build ends, which on a large
catalogue would fall inside the measured window. ``timeout`` covers the build (4 workers on 2 cores, 100,000
datasets). Used as ``gunicorn -c bench/catalogue/gunicorn_warm.py portal.wsgi:app``.

Each worker also times its garbage collector's passes and says, as it stops, how many of each generation ran and
the longest: a full pass pauses every request the worker holds, so it is the first suspect for a stall in p99.
"""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

timeout = 600

_passes: dict[int, list[float]] = {0: [], 1: [], 2: []}
_started = [0.0]


def _time_pass(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        _passes[info["generation"]].append(time.perf_counter() - _started[0])


def post_worker_init(worker: Any) -> None:
    app = worker.wsgi
    services = app.extensions["portal"]
    if services.search.memory is not None:
        services.search.memory.warm(services.db.engine)
    for passes in _passes.values():  # only passes while serving count
        passes.clear()
    gc.callbacks.append(_time_pass)
    if ready := os.environ.get("BENCH_READY_DIR"):  # bench/catalogue/run.py waits for every worker's mark
        Path(ready, str(os.getpid())).touch()


def worker_exit(server: Any, worker: Any) -> None:
    """Say how often this worker's searches were answered from its cache (``bench/catalogue/run.py`` sums it)."""
    memory = worker.wsgi.extensions["portal"].search.memory
    if memory is not None:
        server.log.warning("search cache: %d hits, %d misses", memory.results.hits, memory.results.misses)
        if getattr(memory, "shared", None) is not None:  # the baseline tree may predate it
            server.log.warning("shared answers: %d hits, %d misses", memory.shared.hits, memory.shared.misses)
    for generation, passes in _passes.items():
        if passes:
            server.log.warning(
                "gc generation %d: %d passes, %.1f ms in all, longest %.1f ms",
                generation, len(passes), 1000 * sum(passes), 1000 * max(passes),
            )  # fmt: skip
