"""Singling-out, linkability and inference risk, following anonymeter's method (Giomi et al. 2022).

Each attack is run against the training rows (used to fit) and against control rows (held out, never seen);
the risk is the attack's excess success on training rows over control rows, normalised by the room left:
``(rate_train - rate_control) / (1 - rate_control)``, with Wilson-score rates and a 95% interval.
A random-guess baseline is reported so a reader can see whether the attack worked at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from math import sqrt

import numpy as np
import pandas as pd
from scipy.stats import norm

from synthetic.distance import MixedEncoder, nearest

Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Risk:
    name: str
    value: float
    ci: tuple[float, float]
    attack_rate: float
    control_rate: float
    baseline_rate: float
    n_attacks: int

    def as_dict(self) -> dict:
        return asdict(self)


def wilson(n_success: int, n_total: int) -> tuple[float, float]:
    """Wilson score estimate of a success rate and its 95% error."""
    if n_total == 0:
        return 0.0, 1.0
    var = n_success * (n_total - n_success) / n_total
    denom = n_total + Z95**2
    return (n_success + 0.5 * Z95**2) / denom, (Z95 / denom) * sqrt(var + 0.25 * Z95**2)


def residual_risk(name: str, n: int, success: int, control: int, baseline: int, n_control: int | None = None) -> Risk:
    attack, attack_err = wilson(success, n)
    ctrl, ctrl_err = wilson(control, n_control or n)
    base, _ = wilson(baseline, n)
    value = (attack - ctrl) / (1 - ctrl)
    err = sqrt((attack_err / abs(1 - ctrl)) ** 2 + (ctrl_err * (attack - 1) / (1 - ctrl) ** 2) ** 2)
    clip = lambda v: min(max(v, 0.0), 1.0)  # noqa: E731
    return Risk(name, clip(value), (clip(value - err), clip(value + err)), attack, ctrl, base, n)


class _Columns:
    """Column arrays of several frames with shared category codes, for fast predicate counting."""

    def __init__(self, frames: list[pd.DataFrame], numeric: list[str], categorical: list[str]) -> None:
        self.numeric, self.categorical = set(numeric), set(categorical)
        codes = {
            c: {v: i for i, v in enumerate(pd.concat([f[c] for f in frames]).dropna().unique())} for c in categorical
        }
        self.arrays = []
        for f in frames:
            arrays = {c: f[c].to_numpy(dtype=float) for c in numeric}
            arrays.update({c: f[c].map(codes[c]).fillna(-1).to_numpy(dtype=np.int64) for c in categorical})
            self.arrays.append(arrays)


def _count(arrays: dict[str, np.ndarray], query: tuple) -> int:
    mask = None
    for col, op, value in query:
        a = arrays[col]
        if op == "eq":
            m = (np.isnan(a) if np.isnan(value) else a == value) if a.dtype.kind == "f" else a == value
        elif op == "ne":
            m = a != value
        elif op == "ge":
            m = a >= value
        elif op == "le":
            m = a <= value
        elif op == "gt":
            m = a > value
        else:
            m = a < value
        mask = m if mask is None else mask & m
    return int(mask.sum())


def singling_out(
    train: pd.DataFrame,
    control: pd.DataFrame,
    synth: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    rng: np.random.Generator,
    n_attacks: int = 300,
    n_cols: int = 3,
    max_attempts: int = 20_000,
) -> Risk:
    """Multivariate singling out: predicates built from synthetic rows that isolate one synthetic row."""
    frames = [f.drop_duplicates().reset_index(drop=True) for f in (synth, train, control)]
    cols = _Columns(frames, numeric, categorical)
    syn, ori, ctl = cols.arrays
    names = numeric + categorical
    medians = {c: np.nanmedian(syn[c]) for c in numeric}
    n_cols = min(n_cols, len(names))
    queries, seen, attempts = [], set(), 0
    n_syn = len(frames[0])
    while len(queries) < n_attacks and attempts < max_attempts:
        attempts += 1
        row = int(rng.integers(n_syn))
        chosen = sorted(rng.choice(names, size=n_cols, replace=False))
        query = tuple(
            (
                c,
                ("ge" if syn[c][row] > medians[c] else "le")
                if c in cols.numeric and not np.isnan(syn[c][row])
                else "eq",
                syn[c][row],
            )
            for c in chosen
        )
        key = repr(query)
        if key not in seen and _count(syn, query) == 1:
            seen.add(key)
            queries.append(query)
    success = sum(_count(ori, q) == 1 for q in queries)
    in_control = sum(_count(ctl, q) == 1 for q in queries)
    baseline = sum(_count(ori, _random_query(syn, names, cols, n_cols, rng)) == 1 for _ in range(len(queries)))
    return residual_risk("singling_out", len(queries), success, in_control, baseline)


def _random_query(syn: dict, names: list[str], cols: _Columns, n_cols: int, rng: np.random.Generator) -> tuple:
    out = []
    for c in sorted(rng.choice(names, size=n_cols, replace=False)):
        value = syn[c][int(rng.integers(len(syn[c])))]
        ops = ["eq", "ne", "gt", "lt", "ge", "le"] if c in cols.numeric else ["eq", "ne"]
        out.append((c, str(rng.choice(ops)), value))
    return tuple(out)


def linkability(
    train: pd.DataFrame,
    control: pd.DataFrame,
    synth: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    aux: tuple[list[str], list[str]],
    rng: np.random.Generator,
    n_attacks: int = 300,
    n_neighbors: int = 1,
) -> Risk:
    """Split targets' columns in two; a link is made when both halves share a nearest synthetic row."""

    def links(targets: pd.DataFrame) -> int:
        found = []
        for part in aux:
            enc = MixedEncoder([c for c in part if c in numeric], [c for c in part if c in categorical])
            enc.fit(synth, train, control)
            idx, _ = nearest(enc.transform(targets), enc.transform(synth), k=n_neighbors)
            found.append(idx)
        return sum(bool(set(a) & set(b)) for a, b in zip(found[0], found[1], strict=True))

    n = min(n_attacks, len(train), len(control))
    success = links(train.sample(n, random_state=_seed(rng)))
    in_control = links(control.sample(n, random_state=_seed(rng)))
    rand = [set(rng.choice(len(synth), n_neighbors, replace=False)) for _ in range(2 * n)]
    baseline = sum(bool(rand[i] & rand[n + i]) for i in range(n))
    return residual_risk("linkability", n, success, in_control, baseline)


def inference(
    train: pd.DataFrame,
    control: pd.DataFrame,
    synth: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    secret: str,
    rng: np.random.Generator,
    n_attacks: int = 300,
    tolerance: float = 0.05,
) -> Risk:
    """Guess a target's secret from the synthetic row nearest on every other column."""
    aux_num = [c for c in numeric if c != secret]
    aux_cat = [c for c in categorical if c != secret]
    enc = MixedEncoder(aux_num, aux_cat).fit(synth, train, control)
    syn_x = enc.transform(synth)
    regression = secret in numeric

    def correct(guesses: np.ndarray, truth: np.ndarray) -> int:
        if regression:
            guesses, truth = guesses.astype(float), truth.astype(float)
            ok = np.abs(guesses - truth) <= tolerance * np.abs(guesses + 1e-12)
            return int((ok | (np.isnan(guesses) & np.isnan(truth))).sum())
        return int(sum(g == t or (pd.isna(g) and pd.isna(t)) for g, t in zip(guesses, truth, strict=True)))

    def attack(targets: pd.DataFrame) -> int:
        idx, _ = nearest(enc.transform(targets), syn_x, k=1)
        return correct(synth[secret].to_numpy()[idx[:, 0]], targets[secret].to_numpy())

    n = min(n_attacks, len(train), len(control))
    targets = train.sample(n, random_state=_seed(rng))
    success = attack(targets)
    in_control = attack(control.sample(n, random_state=_seed(rng)))
    guesses = synth[secret].sample(n, replace=len(synth) < n, random_state=_seed(rng)).to_numpy()
    baseline = correct(guesses, targets[secret].to_numpy())
    return residual_risk(f"inference:{secret}", n, success, in_control, baseline)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))
