"""The privacy gate: every check must run and pass, or the release is refused (it fails closed).

Checks, in order: the synthetic table satisfies the schema; no category held by fewer than k real rows
appears; no synthetic row equals a real row (training or held-out) on all learned columns; no synthetic row
reproduces a quasi-identifier combination held by fewer than ``qi_k`` training rows (a real person's unique
combination); synthetic rows do not sit closer to the training rows than genuinely new (held-out) rows do
(distance to closest record, DCR); and anonymeter-style singling-out, linkability and inference risks are
not shown to exceed ``max_risk`` (refused when the lower end of the 95% interval is above it, or the
estimate above ``max_risk_point``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synthetic import risks
from synthetic.distance import MixedEncoder, nearest
from synthetic.schema import TableSpec, parse_schema
from synthetic.tabular import aligned, comparable_fields, frame_hashes, is_numeric
from synthetic.validity import schema_violations

MIN_HOLDOUT = 50


@dataclass
class GateResult:
    """``passed`` is True only when every check ran and passed; ``reasons`` says why not; ``figures`` has all
    measured values for the report."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "reasons": list(self.reasons), "figures": self.figures}


@dataclass(frozen=True)
class GateSettings:
    k: int = 10
    qi_k: int = 2
    max_risk: float = 0.1
    max_risk_point: float = 0.5
    dcr_rows: int = 1000
    zero_distance_margin: float = 0.01
    close_share_limit: float = 0.08
    n_attacks: int = 1000
    attack_rows: int = 50_000
    seed: int = 0


def check(
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synth: pd.DataFrame,
    schema: dict[str, Any],
    settings: GateSettings | None = None,
) -> GateResult:
    """Run every check; any error while checking refuses the release rather than letting it through."""
    settings = settings or GateSettings()
    result = GateResult(passed=False)
    try:
        table = parse_schema(schema)
        if len(real_holdout) < MIN_HOLDOUT:
            result.reasons.append(f"held-out real rows: {len(real_holdout)} < {MIN_HOLDOUT}, cannot measure privacy")
            return result
        result.reasons.extend(schema_violations(synth, table))
        if result.reasons:
            return result
        train_n, synth_n = aligned(real_train, synth, table)
        hold_n, _ = aligned(real_holdout, real_holdout.iloc[:0], table)
        rng = np.random.default_rng(settings.seed)
        for step in (_rare_categories, _exact_copies, _quasi_identifiers, _distances, _attack_risks):
            step(train_n, hold_n, synth_n, table, settings, rng, result)
    except Exception as exc:  # noqa: BLE001 - failing closed is the point
        result.reasons.append(f"gate could not complete ({type(exc).__name__}: {exc}); release refused")
    result.passed = not result.reasons
    return result


def _rare_categories(train, hold, synth, table: TableSpec, settings: GateSettings, rng, result: GateResult) -> None:
    found = {}
    for spec in comparable_fields(table):
        if is_numeric(spec):
            continue
        counts = train[spec.name].value_counts()
        rare = set(counts.index[counts < settings.k])
        hits = int(synth[spec.name].isin(rare).sum())
        if hits:
            found[spec.name] = hits
    result.figures["rare_category_rows"] = found
    if found:
        result.reasons.append(f"categories held by fewer than k={settings.k} real rows appear in rows: {found}")


def _exact_copies(train, hold, synth, table, settings, rng, result) -> None:
    real = np.concatenate([_hashes(train), _hashes(hold)])
    copies = int(np.isin(_hashes(synth), real).sum())
    result.figures["exact_copies"] = copies
    if copies:
        result.reasons.append(f"{copies} synthetic rows equal a real row on every learned column")


def _quasi_identifiers(train, hold, synth, table, settings, rng, result) -> None:
    qis = table.quasi_identifiers
    result.figures["quasi_identifiers"] = qis
    if not qis:
        result.figures["rare_qi_matches"] = 0
        return
    hashes, counts = np.unique(_hashes(train[qis]), return_counts=True)
    rare = hashes[counts < settings.qi_k]
    matches = int(np.isin(_hashes(synth[qis]), rare).sum())
    result.figures["rare_qi_matches"] = matches
    result.figures["real_rows_with_rare_qi"] = float(np.isin(_hashes(train[qis]), rare).mean())
    if matches:
        result.reasons.append(
            f"{matches} synthetic rows reproduce a quasi-identifier combination ({', '.join(qis)}) "
            f"held by fewer than {settings.qi_k} real rows"
        )


def _distances(train, hold, synth, table, settings, rng, result) -> None:
    numeric, categorical = _kinds(table)
    train, hold, synth = _released_granularity(train, hold, synth, numeric, categorical, settings.k)
    enc = MixedEncoder(numeric, categorical).fit(train, hold, synth)
    take = lambda f: f.sample(min(settings.dcr_rows, len(f)), random_state=int(rng.integers(2**31)))  # noqa: E731
    train_x = enc.transform(train)
    synth_d = nearest(enc.transform(take(synth)), train_x)[1][:, 0]
    hold_d = nearest(enc.transform(take(hold)), train_x)[1][:, 0]
    q05 = float(np.quantile(hold_d, 0.05))
    figures = {
        "synthetic_median": float(np.median(synth_d)),
        "holdout_median": float(np.median(hold_d)),
        "synthetic_p05": float(np.quantile(synth_d, 0.05)),
        "holdout_p05": q05,
        "synthetic_zero_share": float((synth_d == 0).mean()),
        "holdout_zero_share": float((hold_d == 0).mean()),
        "synthetic_share_below_holdout_p05": float((synth_d < q05).mean()),
        "rows_compared": int(synth_d.size),
    }
    result.figures["dcr"] = figures
    if figures["synthetic_zero_share"] > figures["holdout_zero_share"] + settings.zero_distance_margin:
        result.reasons.append(
            f"{figures['synthetic_zero_share']:.1%} of synthetic rows are at distance 0 from a training row, "
            f"against {figures['holdout_zero_share']:.1%} of held-out real rows"
        )
    if figures["synthetic_share_below_holdout_p05"] > settings.close_share_limit:
        result.reasons.append(
            f"{figures['synthetic_share_below_holdout_p05']:.1%} of synthetic rows sit closer to the "
            "training "
            f"data than 95% of held-out real rows do (limit {settings.close_share_limit:.0%})"
        )


def _released_granularity(train, hold, synth, numeric, categorical, k: int):
    """Compare rows at the granularity a release can have: categories rarer than k in the training rows become
    one token and numbers are capped at the training rows' k-th extremes, in all three frames. Otherwise
    held-out rows look far away merely because they hold rare values that no safe generator reproduces."""
    frames = [train.copy(), hold.copy(), synth.copy()]
    for name in categorical:
        counts = train[name].value_counts()
        rare = set(counts.index[counts < k])
        for f in frames:
            f[name] = f[name].where(~f[name].isin(rare), "\0rare")
    for name in numeric:
        finite = np.sort(train[name].dropna().to_numpy(dtype=float))
        if finite.size >= 2 * k:
            for f in frames:
                f[name] = f[name].clip(finite[k - 1], finite[-k])
    return frames


def _attack_risks(train, hold, synth, table, settings, rng, result) -> None:
    """Attacks on at most ``attack_rows`` rows of each frame (a random sample), as their cost is quadratic."""
    numeric, categorical = _kinds(table)
    n = settings.n_attacks
    cap = settings.attack_rows
    train, hold, synth = (
        f.sample(cap, random_state=int(rng.integers(2**31))) if len(f) > cap else f for f in (train, hold, synth)
    )
    found = [risks.singling_out(train, hold, synth, numeric, categorical, rng, n_attacks=n)]
    qis = table.quasi_identifiers
    others = [f.name for f in comparable_fields(table) if f.name not in qis and f.disclosure != "sensitive"]
    if qis and others:
        found.append(risks.linkability(train, hold, synth, numeric, categorical, (qis, others), rng, n_attacks=n))
    for spec in comparable_fields(table):
        if spec.disclosure == "sensitive":
            found.append(risks.inference(train, hold, synth, numeric, categorical, spec.name, rng, n_attacks=n))
    result.figures["risks"] = {r.name: r.as_dict() for r in found}
    for r in found:
        if r.ci[0] > settings.max_risk or r.value > settings.max_risk_point:
            result.reasons.append(
                f"{r.name} risk {r.value:.3f} (95% interval {r.ci[0]:.3f}-{r.ci[1]:.3f}) is above the limit "
                f"{settings.max_risk} (or its point estimate above {settings.max_risk_point})"
            )


def _kinds(table: TableSpec) -> tuple[list[str], list[str]]:
    fields = comparable_fields(table)
    return [f.name for f in fields if is_numeric(f)], [f.name for f in fields if not is_numeric(f)]


def _hashes(frame: pd.DataFrame) -> np.ndarray:
    return frame_hashes(frame)
