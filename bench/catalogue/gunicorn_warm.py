"""gunicorn settings for the benchmark: each worker builds its in-memory search index before it serves.

Without this a new worker answers searches from the database until its background build ends, which on a large
catalogue would fall inside the measured window. ``timeout`` covers the build (4 workers on 2 cores, 100,000
datasets). Used as ``gunicorn -c bench/catalogue/gunicorn_warm.py portal.wsgi:app``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

timeout = 600


def post_worker_init(worker: Any) -> None:
    app = worker.wsgi
    services = app.extensions["portal"]
    if services.search.memory is not None:
        services.search.memory.warm(services.db.engine)
    if ready := os.environ.get("BENCH_READY_DIR"):  # bench/catalogue/run.py waits for every worker's mark
        Path(ready, str(os.getpid())).touch()


def worker_exit(server: Any, worker: Any) -> None:
    """Say how often this worker's searches were answered from its cache (``bench/catalogue/run.py`` sums it)."""
    memory = worker.wsgi.extensions["portal"].search.memory
    if memory is not None:
        server.log.warning("search cache: %d hits, %d misses", memory.results.hits, memory.results.misses)
