"""Fidelity measures, defined as SDMetrics defines them (implemented here; SDMetrics is benchmark-only).

- column shapes: KSComplement (1 - Kolmogorov-Smirnov D) for numbers/dates, TVComplement (1 - total
  variation distance) for categories, missing values ignored;
- pair trends: CorrelationSimilarity (1 - |r_real - r_synth| / 2, Pearson) for two numeric columns,
  ContingencySimilarity (1 - total variation of the joint table, missing kept, numbers cut into the real
  data's 10 histogram bins) for every other pair."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from scipy.stats.contingency import association

from synthetic.schema import TableSpec, parse_schema
from synthetic.tabular import aligned, comparable_fields, is_numeric

CORRELATION_THRESHOLD = 0.5
ASSOCIATION_THRESHOLD = 0.3


def ks_complement(real: np.ndarray, synth: np.ndarray) -> float:
    real, synth = real[~np.isnan(real)], synth[~np.isnan(synth)]
    if real.size == 0 or synth.size == 0:
        return float("nan")
    return 1.0 - float(ks_2samp(real, synth).statistic)


def tv_complement(real: pd.Series, synth: pd.Series) -> float:
    real, synth = real.dropna(), synth.dropna()
    if real.empty or synth.empty:
        return float("nan")
    p = real.value_counts(normalize=True)
    q = synth.value_counts(normalize=True)
    p, q = p.align(q, fill_value=0.0)
    return 1.0 - 0.5 * float(np.abs(p - q).sum())


def _pearson(frame: pd.DataFrame) -> float:
    f = frame.dropna()
    if len(f) < 2 or f.std().min() == 0:
        return float("nan")
    return float(np.corrcoef(f.iloc[:, 0], f.iloc[:, 1])[0, 1])


def correlation_similarity(real: pd.DataFrame, synth: pd.DataFrame) -> float:
    return 1.0 - abs(_pearson(real) - _pearson(synth)) / 2.0


def cramers_v(real: pd.DataFrame) -> float:
    """Association of two (binned) columns in the real data, missing kept as a category."""
    table = real.groupby(list(real.columns), dropna=False).size().unstack(fill_value=0)
    if table.to_numpy().sum() == 0 or min(table.shape) < 2:
        return float("nan")
    return float(association(table.to_numpy(), method="cramer"))


def contingency_similarity(real: pd.DataFrame, synth: pd.DataFrame) -> float:
    cols = list(real.columns)
    p = real.groupby(cols, dropna=False).size() / len(real)
    q = synth.groupby(cols, dropna=False).size() / len(synth)
    index = p.index.union(q.index, sort=False)
    p, q = p.reindex(index, fill_value=0.0), q.reindex(index, fill_value=0.0)
    return 1.0 - 0.5 * float(np.abs(p - q).fillna(0).sum())


def _discretise(values: np.ndarray) -> np.ndarray:
    finite = values[~np.isnan(values)]
    edges = np.histogram_bin_edges(finite) if finite.size else np.array([0.0, 1.0])
    return np.where(np.isnan(values), -1, np.digitize(values, edges))


def column_shapes(real: pd.DataFrame, synth: pd.DataFrame, table: TableSpec) -> dict[str, dict[str, Any]]:
    shapes = {}
    for spec in comparable_fields(table):
        if is_numeric(spec):
            score = ks_complement(real[spec.name].to_numpy(float), synth[spec.name].to_numpy(float))
            shapes[spec.name] = {"metric": "KSComplement", "score": score}
        else:
            shapes[spec.name] = {
                "metric": "TVComplement",
                "score": tv_complement(real[spec.name], synth[spec.name]),
            }
    return shapes


def pair_trends(real: pd.DataFrame, synth: pd.DataFrame, table: TableSpec) -> dict[str, dict[str, Any]]:
    fields = comparable_fields(table)
    binned_real, binned_synth = {}, {}
    for spec in fields:
        if is_numeric(spec):
            binned_real[spec.name] = _discretise(real[spec.name].to_numpy(float))
            binned_synth[spec.name] = _discretise(synth[spec.name].to_numpy(float))
        else:
            binned_real[spec.name], binned_synth[spec.name] = real[spec.name], synth[spec.name]
    trends = {}
    for a, b in combinations(fields, 2):
        pair = [a.name, b.name]
        if is_numeric(a) and is_numeric(b):
            score, metric = correlation_similarity(real[pair], synth[pair]), "CorrelationSimilarity"
            strength = abs(_pearson(real[pair]))
            related = bool(strength > CORRELATION_THRESHOLD)
        else:
            r = pd.DataFrame({a.name: binned_real[a.name], b.name: binned_real[b.name]})
            s = pd.DataFrame({a.name: binned_synth[a.name], b.name: binned_synth[b.name]})
            score, metric = contingency_similarity(r, s), "ContingencySimilarity"
            strength = cramers_v(r)
            related = bool(strength > ASSOCIATION_THRESHOLD)
        trends[f"{a.name} | {b.name}"] = {
            "metric": metric,
            "score": score,
            "real_strength": strength,
            "related": related,
        }
    return trends


def quality(real: pd.DataFrame, synth: pd.DataFrame, schema: dict[str, Any] | TableSpec) -> dict[str, Any]:
    """SDMetrics-style quality: the mean of the column-shape and pair-trend averages, with every score."""
    table = schema if isinstance(schema, TableSpec) else parse_schema(schema)
    real_n, synth_n = aligned(real, synth, table)
    shapes = column_shapes(real_n, synth_n, table)
    trends = pair_trends(real_n, synth_n, table)
    shape_mean = float(np.nanmean([v["score"] for v in shapes.values()])) if shapes else float("nan")
    all_pairs = float(np.nanmean([v["score"] for v in trends.values()])) if trends else float("nan")
    related = [v["score"] for v in trends.values() if v["related"]]
    trend_mean = float(np.nanmean(related)) if related else all_pairs
    overall = float(np.nanmean([shape_mean, trend_mean]))
    return {
        "overall": overall,
        "column_shapes": shape_mean,
        "pair_trends": trend_mean,
        "pair_trends_all_pairs": all_pairs,
        "related_pairs": len(related),
        "columns": shapes,
        "pairs": trends,
    }
