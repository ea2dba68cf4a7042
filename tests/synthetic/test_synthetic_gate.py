"""The privacy gate refuses copying generators, fails closed, and lets a sound release through."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic import gate, risks
from tests.synthetic.synthetic_fixtures import INCIDENT_SCHEMA


@pytest.fixture(scope="module")
def good_release(incident_model):
    return incident_model.sample(3200, seed=21)


@pytest.fixture(scope="module")
def good_result(incident_split, good_release):
    train, holdout = incident_split
    return gate.check(train, holdout, good_release, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=400))


def test_sound_release_passes_with_figures(good_result):
    assert good_result.passed, good_result.reasons
    figures = good_result.figures
    assert figures["exact_copies"] == 0 and figures["rare_qi_matches"] == 0
    assert set(figures["risks"]) == {"singling_out", "linkability", "inference:outcome"}
    assert figures["dcr"]["synthetic_share_below_holdout_p05"] < 0.08


def test_generator_that_copies_rows_is_refused(incident_split):
    train, holdout = incident_split
    copier = train.sample(frac=1.0, random_state=1).reset_index(drop=True)
    result = gate.check(train, holdout, copier, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=300))
    assert not result.passed
    text = " ".join(result.reasons)
    assert "equal a real row" in text
    assert "distance 0" in text
    assert result.figures["risks"]["singling_out"]["value"] > 0.5
    assert result.figures["risks"]["inference:outcome"]["value"] > 0.3


def test_copies_hidden_among_good_rows_are_refused(incident_split, good_release):
    train, holdout = incident_split
    mixed = pd.concat([good_release.iloc[:3000], train.iloc[:5]], ignore_index=True)
    result = gate.check(train, holdout, mixed, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=100))
    assert not result.passed
    assert result.figures["exact_copies"] == 5


def test_reproducing_a_unique_quasi_identifier_combination_is_refused(incident_split, good_release):
    train, holdout = incident_split
    qis = ["reported_at", "lsoa", "latitude"]
    row = good_release.iloc[[0]].copy()
    row[qis] = train.loc[[0], qis].to_numpy()
    row["incident_id"] = "INC9999999"
    result = gate.check(
        train,
        holdout,
        pd.concat([good_release, row], ignore_index=True),
        INCIDENT_SCHEMA,
        gate.GateSettings(n_attacks=100),
    )
    assert not result.passed
    assert result.figures.get("rare_qi_matches", 0) >= 1, result.reasons
    assert any("quasi-identifier" in r for r in result.reasons)


def test_rare_category_in_release_is_refused(incident_split, good_release):
    train, holdout = incident_split
    counts = train["lsoa"].value_counts()
    rare = counts.index[counts < 10][0]
    leaked = good_release.copy()
    leaked.loc[:4, "lsoa"] = rare
    result = gate.check(train, holdout, leaked, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=100))
    assert not result.passed and result.figures["rare_category_rows"] == {"lsoa": 5}


def test_schema_violation_is_refused(incident_split, good_release):
    train, holdout = incident_split
    broken = good_release.copy()
    broken.loc[0, "officers"] = 99
    result = gate.check(train, holdout, broken, INCIDENT_SCHEMA)
    assert not result.passed and "officers" in result.reasons[0]


def test_fails_closed_on_missing_column_small_holdout_and_errors(incident_split, good_release, monkeypatch):
    train, holdout = incident_split
    assert not gate.check(train, holdout, good_release.drop(columns=["cost"]), INCIDENT_SCHEMA).passed
    assert not gate.check(train, holdout.iloc[:10], good_release, INCIDENT_SCHEMA).passed

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(gate.risks, "singling_out", broken)
    result = gate.check(train, holdout, good_release, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=50))
    assert not result.passed and "could not complete" in result.reasons[-1]


def test_wilson_and_residual_risk_match_hand_computation():
    rate, err = risks.wilson(50, 100)
    assert rate == pytest.approx(0.5) and err == pytest.approx(0.0962, abs=1e-3)
    risk = risks.residual_risk("x", 100, success=60, control=20, baseline=1)
    attack, _ = risks.wilson(60, 100)
    control, _ = risks.wilson(20, 100)
    assert risk.value == pytest.approx((attack - control) / (1 - control))
    assert risk.ci[0] < risk.value < risk.ci[1]
    assert risks.residual_risk("y", 100, success=10, control=30, baseline=1).value == 0.0


def test_inference_risk_is_low_for_independent_noise():
    rng = np.random.default_rng(1)
    frame = lambda n: pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(list("xyz"), n)})  # noqa: E731
    train, control, synth = frame(2000), frame(2000), frame(2000)
    risk = risks.inference(train, control, synth, ["a"], ["b"], "b", rng, n_attacks=500)
    copied = risks.inference(train, control, train.copy(), ["a"], ["b"], "b", rng, n_attacks=500)
    assert risk.value < 0.1
    assert copied.value > 0.9
