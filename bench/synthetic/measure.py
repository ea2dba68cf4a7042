"""Wall time and peak resident memory of a block of work, sampled from /proc by a background thread."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

PAGE = 4096


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


@dataclass
class Usage:
    seconds: float = 0.0
    peak_mb: float = 0.0


@contextmanager
def measured(interval: float = 0.01):
    """Yields a Usage filled in on exit: seconds elapsed and peak RSS growth (MB) above the starting RSS."""
    usage = Usage()
    start_rss = rss_bytes()
    peak = [start_rss]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes())
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        yield usage
    finally:
        usage.seconds = time.perf_counter() - start
        done.set()
        thread.join()
        peak[0] = max(peak[0], rss_bytes())
        usage.peak_mb = (peak[0] - start_rss) / 2**20
