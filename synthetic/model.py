"""Sequential conditional synthesis (synthpop-style CART) over the prepared columns.

Each column, in visiting order, gets a decision tree on the columns before it; a synthetic row's value is
drawn from the real values in the leaf it lands in (leaves hold at least ``min_leaf`` rows, so no single
person is reproduced), then smoothed for continuous numbers. Deterministic relations, spikes, missingness
and interactions survive because the donors are real values of similar rows. Everything is vectorised per
column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from synthetic.prepare import Column

BANDWIDTH_FACTOR = 1.06


@dataclass
class Conditional:
    """The learned distribution of one column given the earlier ones."""

    tree: DecisionTreeClassifier | DecisionTreeRegressor | None
    slot_of_node: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    donors: np.ndarray
    bandwidth: np.ndarray
    remaps: dict[int, np.ndarray]

    def encode(self, features: np.ndarray) -> np.ndarray:
        """Replace category codes of parents by their rank for this target (see ``_target_order``)."""
        if not self.remaps:
            return features
        out = features.copy()
        for j, rank in self.remaps.items():
            out[:, j] = rank[features[:, j].astype(np.int64)]
        return out


def sentinel_for(values: np.ndarray) -> float:
    """A value below every real one, standing for 'missing' in tree features."""
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return -1.0
    return float(finite.min() - (finite.max() - finite.min()) - 1.0)


def tree_features(matrix: np.ndarray, sentinels: np.ndarray) -> np.ndarray:
    features = matrix.astype(np.float32, copy=True)
    nan_rows, nan_cols = np.nonzero(np.isnan(features))
    features[nan_rows, nan_cols] = sentinels[nan_cols]
    return features


def fit_conditional(
    column: Column,
    features: np.ndarray,
    categorical_parents: list[bool],
    target: np.ndarray,
    min_leaf: int,
    min_gain: float,
    seed: int,
) -> Conditional:
    """Fit a tree on the earlier columns (or none for the first) and index the donors by leaf."""
    remaps = {}
    if features.shape[1]:
        remaps = {
            j: _target_order(features[:, j], target, column.kind)
            for j, is_cat in enumerate(categorical_parents)
            if is_cat
        }
        features = Conditional(None, np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), remaps).encode(
            features
        )
    if features.shape[1] == 0:
        leaves = np.zeros(target.size, dtype=np.int64)
        tree = None
        node_count = 1
    else:
        tree_cls = DecisionTreeClassifier if column.kind == "categorical" else DecisionTreeRegressor
        fill = sentinel_for(target)
        y = np.where(np.isnan(target), fill, target)
        tree = tree_cls(
            min_samples_leaf=min_leaf,
            min_impurity_decrease=min_gain * _impurity(y, column.kind),
            random_state=seed,
        )
        tree.fit(features, y)
        leaves = tree.apply(features)
        node_count = tree.tree_.node_count
    order = np.argsort(leaves, kind="stable")
    leaf_ids, starts, counts = np.unique(leaves[order], return_index=True, return_counts=True)
    slot_of_node = np.full(node_count, -1, dtype=np.int64)
    slot_of_node[leaf_ids] = np.arange(leaf_ids.size)
    donors = target[order]
    bandwidth = _leaf_bandwidths(donors, starts, counts) if column.kind == "numeric" else np.zeros(0)
    return Conditional(tree, slot_of_node, starts, counts, donors, bandwidth, remaps)


def draw(conditional: Conditional, features: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw one donor value per synthetic row from its leaf; returns values and the leaf slot of each row."""
    n = features.shape[0]
    if conditional.tree is None:
        slots = np.zeros(n, dtype=np.int64)
    else:
        slots = conditional.slot_of_node[conditional.tree.apply(conditional.encode(features))]
    picks = conditional.starts[slots] + np.floor(rng.random(n) * conditional.counts[slots]).astype(np.int64)
    return conditional.donors[picks], slots


def _target_order(codes: np.ndarray, target: np.ndarray, kind: str) -> np.ndarray:
    """Rank a parent's categories by the target's mean (numbers) or by the share of the target's most common
    value (categories), so one threshold split can separate any groups of categories (Breiman's ordering)."""
    codes = codes.astype(np.int64)
    size = int(codes.max()) + 1
    if kind == "categorical":
        values = (target == np.bincount(target.astype(np.int64)).argmax()).astype(float)
    else:
        values = np.where(np.isnan(target), np.nanmin(target) - 1 if np.isfinite(target).any() else 0, target)
    sums = np.bincount(codes, weights=values, minlength=size)
    counts = np.bincount(codes, minlength=size)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), -np.inf)
    rank = np.empty(size, dtype=np.float32)
    rank[np.argsort(means, kind="stable")] = np.arange(size, dtype=np.float32)
    return rank


def _impurity(y: np.ndarray, kind: str) -> float:
    """Root impurity (Gini or variance), so the minimum gain of a split is relative to the column's spread."""
    if kind == "categorical":
        _, counts = np.unique(y, return_counts=True)
        p = counts / counts.sum()
        return float(1.0 - (p * p).sum())
    return float(np.var(y))


def _leaf_bandwidths(donors: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Silverman's rule of thumb per leaf: 1.06 * sd * n^(-1/5), over the leaf's non-missing values."""
    slot = np.repeat(np.arange(starts.size), counts)
    present = ~np.isnan(donors)
    values = np.where(present, donors, 0.0)
    n = np.bincount(slot, weights=present, minlength=starts.size)
    total = np.bincount(slot, weights=values, minlength=starts.size)
    squares = np.bincount(slot, weights=values * values, minlength=starts.size)
    safe_n = np.maximum(n, 1)
    variance = np.maximum(squares / safe_n - (total / safe_n) ** 2, 0.0)
    return BANDWIDTH_FACTOR * np.sqrt(variance) * safe_n ** (-0.2)
