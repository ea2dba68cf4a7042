"""Utility check: a gradient-boosted model trained on synthetic rows, tested on held-out real rows, against
the same model trained on the real training rows (ROC AUC for a categorical target, R^2 for a numeric one)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import r2_score, roc_auc_score
from threadpoolctl import threadpool_limits

from synthetic.schema import TableSpec, parse_schema
from synthetic.tabular import aligned, comparable_fields, is_numeric

MAX_CATEGORIES = 250


def default_target(table: TableSpec) -> str | None:
    """The first sensitive learned field, else None (then no utility check is run)."""
    for spec in comparable_fields(table):
        if spec.disclosure == "sensitive":
            return spec.name
    return None


def _features(frames: list[pd.DataFrame], table: TableSpec, target: str) -> list[pd.DataFrame]:
    out = [pd.DataFrame(index=f.index) for f in frames]
    for spec in comparable_fields(table):
        if spec.name == target:
            continue
        if is_numeric(spec):
            for o, f in zip(out, frames, strict=True):
                o[spec.name] = f[spec.name].astype(float)
            continue
        counts = frames[0][spec.name].value_counts()
        keep = list(counts.index[:MAX_CATEGORIES])
        for o, f in zip(out, frames, strict=True):
            o[spec.name] = pd.Categorical(f[spec.name].where(f[spec.name].isin(keep)), categories=keep)
    return out


def _score(model: Any, train_x, train_y, test_x, test_y, numeric: bool) -> float:
    with threadpool_limits(limits=1):  # OpenMP threads spin badly on a busy machine; one is quick enough here
        model.fit(train_x, train_y)
        if numeric:
            return float(r2_score(test_y, model.predict(test_x)))
        proba = model.predict_proba(test_x)
    classes = list(model.classes_)
    if len(classes) == 2:
        return float(roc_auc_score(test_y == classes[1], proba[:, 1]))
    known = np.isin(test_y, classes)
    return float(roc_auc_score(test_y[known], proba[known], multi_class="ovr", labels=classes))


def utility(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synth: pd.DataFrame,
    schema: dict[str, Any] | TableSpec,
    target: str | None = None,
    seed: int = 0,
) -> dict[str, Any] | None:
    table = schema if isinstance(schema, TableSpec) else parse_schema(schema)
    target = target or default_target(table)
    if target is None:
        return None
    spec = table.get(target)
    numeric = is_numeric(spec)
    real_n, synth_n = aligned(train, synth, table)
    hold_n, _ = aligned(holdout, holdout.iloc[:0], table)
    frames = [real_n, synth_n, hold_n]
    labelled = [f[f[target].notna()] for f in frames]
    x_real, x_synth, x_hold = _features(labelled, table, target)
    y_real, y_synth, y_hold = (f[target].to_numpy() for f in labelled)
    make = HistGradientBoostingRegressor if numeric else HistGradientBoostingClassifier
    kwargs = {"random_state": seed, "categorical_features": "from_dtype"}
    on_synth = _score(make(**kwargs), x_synth, y_synth, x_hold, y_hold, numeric)
    on_real = _score(make(**kwargs), x_real, y_real, x_hold, y_hold, numeric)
    return {
        "target": target,
        "metric": "R2" if numeric else "ROC AUC",
        "trained_on_synthetic": on_synth,
        "trained_on_real": on_real,
        "ratio": on_synth / on_real if on_real else float("nan"),
    }
