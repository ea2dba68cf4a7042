"""Gower-style nearest-neighbour distances on mixed data (as anonymeter measures them).

Numbers are min-max scaled over both frames so one column contributes at most 1; a missing number is placed at
-1 (so missing vs present costs at least 1); categories cost 1 when they differ (missing is a category).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHUNK_CELLS = 4_000_000


class MixedEncoder:
    """Learns scaling and category codes from the frames it is fitted on, then encodes any of them."""

    def __init__(self, numeric: list[str], categorical: list[str]) -> None:
        self.numeric = numeric
        self.categorical = categorical

    def fit(self, *frames: pd.DataFrame) -> MixedEncoder:
        both = pd.concat([f[self.numeric + self.categorical] for f in frames], ignore_index=True)
        self.low = both[self.numeric].min().to_numpy(dtype=float) if self.numeric else np.zeros(0)
        high = both[self.numeric].max().to_numpy(dtype=float) if self.numeric else np.zeros(0)
        span = np.where(np.isfinite(high - self.low) & (high > self.low), high - self.low, 1.0)
        self.span = span
        self.codes = {c: {v: i for i, v in enumerate(both[c].dropna().unique())} for c in self.categorical}
        return self

    def transform(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        num = (frame[self.numeric].to_numpy(dtype=float) - self.low) / self.span if self.numeric else None
        if num is None:
            num = np.zeros((len(frame), 0))
        num = np.where(np.isnan(num), -1.0, num).astype(np.float32)
        cat = (
            np.column_stack([frame[c].map(self.codes[c]).fillna(-1).to_numpy(dtype=np.int32) for c in self.categorical])
            if self.categorical
            else np.zeros((len(frame), 0), dtype=np.int32)
        )
        return num, cat


def nearest(
    queries: tuple[np.ndarray, np.ndarray], candidates: tuple[np.ndarray, np.ndarray], k: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of the k nearest candidates to each query (brute force, chunked)."""
    q_num, q_cat = queries
    c_num, c_cat = candidates
    n_q, n_c = q_num.shape[0], c_num.shape[0]
    width = max(1, q_num.shape[1] + q_cat.shape[1])
    step = max(1, CHUNK_CELLS // max(1, n_c * width))
    idx = np.zeros((n_q, k), dtype=np.int64)
    dist = np.zeros((n_q, k), dtype=np.float64)
    for start in range(0, n_q, step):
        stop = min(n_q, start + step)
        d = np.zeros((stop - start, n_c), dtype=np.float32)
        for j in range(q_num.shape[1]):
            d += np.abs(q_num[start:stop, j, None] - c_num[None, :, j])
        for j in range(q_cat.shape[1]):
            d += q_cat[start:stop, j, None] != c_cat[None, :, j]
        part = np.argpartition(d, k - 1, axis=1)[:, :k] if k < n_c else np.tile(np.arange(n_c), (stop - start, 1))
        part_d = np.take_along_axis(d, part, axis=1)
        order = np.argsort(part_d, axis=1, kind="stable")
        idx[start:stop] = np.take_along_axis(part, order, axis=1)
        dist[start:stop] = np.take_along_axis(part_d, order, axis=1)
    return idx, dist
