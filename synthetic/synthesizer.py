"""``fit`` and ``Model.sample``: the public face of the generator.

A fitted Model holds leaf pools of prepared real values (never direct identifiers or free text) and, for the
copy filter, only 64-bit hashes of training rows and of rare quasi-identifier combinations, and flags of which
combinations of a few values are rare (``combinations``). ``sample`` rejects and redraws any synthetic row that
equals a training row on all learned columns, that reproduces a quasi-identifier combination held by fewer than
``qi_k`` training rows, or that reproduces a combination of up to ``combo_size`` values held by fewer than
``combo_k`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthetic.combinations import RareCombinations
from synthetic.identifiers import IdentifierPlan, generate_identifier, plan_identifier
from synthetic.model import Conditional, draw, fit_conditional, sentinel_for, tree_features
from synthetic.prepare import Column, prepare
from synthetic.schema import SchemaError, TableSpec, check_columns, parse_schema
from synthetic.tabular import comparable_fields, frame_hashes, is_numeric, normalise

MAX_ROUNDS = 50


@dataclass
class Model:
    """A fitted synthesiser; create it with :func:`fit`."""

    table: TableSpec
    columns: list[Column]
    order: list[int]
    conditionals: list[Conditional]
    sentinels: np.ndarray
    identifiers: list[IdentifierPlan]
    train_hashes: np.ndarray
    qi_names: list[str]
    rare_qi_hashes: np.ndarray
    rare_combinations: RareCombinations | None = None
    notes: list[str] = field(default_factory=list)
    derived_dates: list[tuple[int, int]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def sample(self, n: int, *, seed: int) -> pd.DataFrame:
        """Draw n synthetic rows; the same model and seed always give the same rows."""
        if n < 0:
            raise ValueError(f"n must be zero or more, got {n}")
        rng = np.random.default_rng(seed)
        data = dict(self._filtered_rows(n, rng).items())
        for plan in self.identifiers:
            data[plan.spec.name] = generate_identifier(plan, n, rng)
        return pd.DataFrame({name: data[name].reset_index(drop=True) for name in self.table.names})

    def _filtered_rows(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        kept: list[pd.DataFrame] = []
        need = n
        accepted = 1.0
        for _ in range(MAX_ROUNDS):
            if need <= 0:
                break
            drawn = int(need * 1.1 / accepted) + 16
            batch = self._decode(self._draw_rows(drawn, rng))
            batch = batch[~self.is_disclosive(batch)]
            # Draw the next round in proportion to what this one kept, so a strict filter costs few rounds.
            accepted = max(len(batch) / drawn, 0.05)
            batch = batch.iloc[:need]
            kept.append(batch)
            need -= len(batch)
        if need > 0:
            raise RuntimeError(
                f"could not draw {n} rows that are not copies of real rows after {MAX_ROUNDS} rounds; "
                "the data may be too small or too uniform to synthesise safely (raise min_leaf or k)"
            )
        if not kept:
            return self._decode(np.empty((0, len(self.columns))))
        return pd.concat(kept, ignore_index=True)

    def _decode(self, matrix: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({c.spec.name: c.decode(matrix[:, j]) for j, c in enumerate(self.columns)})

    def is_disclosive(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows equal to a training row, or reproducing a rare quasi-identifier combination or a rare combination
        of a few values (as the gate sees them: compared on the values written out, not on model codes)."""
        learned = normalise(frame, self.table)
        copies = np.isin(frame_hashes(learned), self.train_hashes)
        if self.qi_names:
            copies |= np.isin(frame_hashes(learned[self.qi_names]), self.rare_qi_hashes)
        if self.rare_combinations is not None:
            copies |= self.rare_combinations.flag(learned)
        return copies

    def _draw_rows(self, n: int, rng: np.random.Generator) -> np.ndarray:
        matrix = np.full((n, len(self.columns)), np.nan)
        features = np.zeros((n, len(self.columns)), dtype=np.float32)
        smooth = self.params.get("smooth", True)
        for step, j in enumerate(self.order):
            parents = self.order[:step]
            conditional = self.conditionals[step]
            values, slots = draw(conditional, features[:, parents], rng)
            column = self.columns[j]
            if column.kind == "numeric":
                if smooth:
                    values = column.codec.smooth(values, conditional.bandwidth[slots], rng)
                values = column.codec.finish(values)
            matrix[:, j] = values
            features[:, j] = np.where(np.isnan(values), self.sentinels[j], values)
        for date_j, datetime_j in self.derived_dates:
            matrix[:, date_j] = np.floor(matrix[:, datetime_j] / 86_400)
        return matrix


def fit(
    df: pd.DataFrame,
    schema: dict[str, Any],
    *,
    seed: int,
    k: int = 10,
    min_leaf: int | None = None,
    qi_k: int = 2,
    combo_k: int = 1,
    combo_size: int = 3,
    min_gain: float = 1e-3,
    order: list[str] | None = None,
    smooth: bool = True,
) -> Model:
    """Learn a synthesiser from real rows described by a Table Schema dict.

    k: categories with fewer rows are merged or suppressed and numeric extremes capped before fitting.
    min_leaf: smallest group of real rows a synthetic value may be drawn from (default: one 250th of the
        rows, at least 25 and at most 100).
    qi_k: synthetic rows may not reproduce a quasi-identifier combination held by fewer real rows.
    combo_k, combo_size: with combo_k >= 2, synthetic rows may not reproduce a combination of up to combo_size
        values (numbers in tenths of the real rows) held by at least one but fewer than combo_k real rows: the
        combinations an attacker who knows a few attributes singles a person out by (``combinations``; combo_k=2
        is SUDA's special uniques). Off by default: on small tables, or with high-cardinality columns, most
        combinations are rare, and the filter leaves only the dense core, whose rows sit closer to the training
        rows than new data would (the gate's distance check then refuses the release). On the adult census it
        lowers singling-out risk at a small cost in fidelity (bench/README.md).
    min_gain: a tree split must cut the column's impurity by this share of its total, so trees do not learn
        noise (unpruned trees make rows that sit closer to the training data than new data would).
    order: visiting order of learned columns (default: categorical columns by cardinality, then numbers).
    """
    if min_leaf is None:
        min_leaf = default_min_leaf(len(df))
    if k < 1 or min_leaf < 1 or qi_k < 1 or combo_k < 1 or combo_size < 0:
        raise ValueError("k, min_leaf, qi_k and combo_k must be at least 1, combo_size at least 0")
    table = parse_schema(schema)
    check_columns(df, table)
    if len(df) < 2 * min_leaf:
        raise SchemaError(f"data: {len(df)} rows is too few to synthesise safely (need at least {2 * min_leaf})")
    prepared = prepare(df, table, k)
    columns = prepared.columns
    visit = _visiting_order(columns, order)
    matrix = prepared.matrix()
    sentinels = np.array([sentinel_for(c.values) for c in columns], dtype=np.float32)
    features = tree_features(matrix, sentinels) if columns else np.zeros((len(df), 0), dtype=np.float32)
    seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, size=max(len(visit), 1))
    derived = _derived_dates(columns)
    is_cat = [c.kind == "categorical" for c in columns]
    conditionals = [
        fit_conditional(
            columns[j],
            features[:, visit[:step]],
            [is_cat[p] for p in visit[:step]],
            matrix[:, j],
            min_leaf,
            min_gain,
            int(seeds[step]),
        )
        for step, j in enumerate(visit)
    ]
    real = normalise(df, table)
    qi_names = table.quasi_identifiers
    identifiers = [plan_identifier(s, df[s.name], k) for s in table.fields if not s.is_learned]
    return Model(
        table=table,
        columns=columns,
        order=visit,
        conditionals=conditionals,
        sentinels=sentinels,
        identifiers=identifiers,
        train_hashes=np.unique(frame_hashes(real)),
        qi_names=qi_names,
        rare_qi_hashes=_rare_hashes(real[qi_names], qi_k) if qi_names else np.zeros(0, np.uint64),
        rare_combinations=_rare_combinations(real, table, combo_k, combo_size),
        notes=prepared.notes
        + [f"{columns[d].spec.name}: the date of {columns[t].spec.name}" for d, t in derived]
        + _filter_notes(qi_names, qi_k, combo_k, combo_size),
        derived_dates=derived,
        params={
            "seed": seed,
            "k": k,
            "min_leaf": min_leaf,
            "qi_k": qi_k,
            "combo_k": combo_k,
            "combo_size": combo_size,
            "min_gain": min_gain,
            "smooth": smooth,
        },
    )


def _derived_dates(columns: list[Column]) -> list[tuple[int, int]]:
    """(date, datetime) column pairs where the date is the datetime's day in at least 99.9% of real rows (such as
    an incident date beside its timestamp); the synthetic date is then taken from the synthetic datetime."""
    pairs = []
    for d, date_col in enumerate(columns):
        if date_col.spec.type != "date":
            continue
        for t, time_col in enumerate(columns):
            if time_col.spec.type != "datetime":
                continue
            both = ~np.isnan(date_col.values) & ~np.isnan(time_col.values)
            if both.sum() == 0 or (np.isnan(date_col.values) != np.isnan(time_col.values)).any():
                continue
            same_day = np.floor(time_col.values[both] / 86_400) == date_col.values[both]
            if same_day.mean() >= 0.999:
                pairs.append((d, t))
                break
    return pairs


def default_min_leaf(rows: int) -> int:
    """Bigger tables afford bigger leaves: more rows behind every drawn value, with little loss of detail."""
    return int(min(100, max(25, rows // 250)))


def _visiting_order(columns: list[Column], order: list[str] | None) -> list[int]:
    names = [c.spec.name for c in columns]
    if order is not None:
        unknown = [n for n in order if n not in names]
        if unknown or sorted(order) != sorted(names):
            raise ValueError(f"order must list every learned column once; got unknown {unknown} for {names}")
        return [names.index(n) for n in order]

    def key(j: int) -> tuple[int, int]:
        column = columns[j]
        if column.kind == "categorical":
            return (0, len(column.categories))
        return (1, j)

    return sorted(range(len(columns)), key=key)


def _filter_notes(qi_names: list[str], qi_k: int, combo_k: int, combo_size: int) -> list[str]:
    notes = []
    if qi_names and qi_k > 1:
        notes.append(
            f"no synthetic row reproduces a combination of the quasi-identifiers ({', '.join(qi_names)}) "
            f"held by fewer than {qi_k} real rows"
        )
    if combo_k > 1 and combo_size > 0:
        notes.append(
            f"no synthetic row reproduces a combination of up to {combo_size} values (numbers and dates in bands "
            f"of a tenth of the real rows) held by at least one but fewer than {combo_k} real rows"
        )
    return notes


def _rare_combinations(real: pd.DataFrame, table: TableSpec, combo_k: int, size: int) -> RareCombinations | None:
    if combo_k <= 1 or size == 0 or real.shape[1] == 0:
        return None
    numeric = [f.name for f in comparable_fields(table) if is_numeric(f)]
    return RareCombinations.fit(real, numeric, combo_k, size)


def _rare_hashes(qi_frame: pd.DataFrame, qi_k: int) -> np.ndarray:
    hashes, counts = np.unique(frame_hashes(qi_frame), return_counts=True)
    return hashes[counts < qi_k]
