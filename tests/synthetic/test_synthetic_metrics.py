"""Fidelity metrics follow SDMetrics' definitions; utility compares synthetic-trained and real-trained models."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthetic.metrics import contingency_similarity, correlation_similarity, ks_complement, quality, tv_complement

REFERENCE_ENV = Path(__file__).resolve().parents[2] / ".venv-reference"
SCHEMA = {
    "fields": [
        {"name": "x", "type": "number"},
        {"name": "y", "type": "number"},
        {"name": "c", "type": "string"},
    ]
}


def test_hand_computed_values():
    assert tv_complement(pd.Series(list("aab")), pd.Series(list("abb"))) == pytest.approx(1 - 1 / 3)
    assert ks_complement(np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6])) == pytest.approx(0.5)
    real = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4]})
    anti = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1]})
    assert correlation_similarity(real, anti) == pytest.approx(0.0)
    joint = pd.DataFrame({"a": list("xxyy"), "b": list("pqpq")})
    assert contingency_similarity(joint, joint) == pytest.approx(1.0)


def _frame(n: int, seed: int, independent: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.permutation(x) if independent else x) * 2 + rng.normal(scale=0.3, size=n)
    c = np.where((rng.permutation(x) if independent else x) > 0, "hi", "lo")
    return pd.DataFrame({"x": x, "y": y, "c": c})


def test_independent_columns_keep_shapes_but_lose_pair_trends():
    real = _frame(3000, 0)
    same = quality(real, _frame(3000, 1), SCHEMA)
    shuffled = quality(real, _frame(3000, 1, independent=True), SCHEMA)
    assert same["column_shapes"] > 0.95 and shuffled["column_shapes"] > 0.95
    assert same["pairs"]["x | y"]["score"] > 0.99
    assert shuffled["pairs"]["x | y"]["score"] < 0.6
    assert shuffled["pair_trends"] < same["pair_trends"] - 0.2


SDMETRICS_SCRIPT = """
import json, sys
import pandas as pd
from sdmetrics.reports.single_table import QualityReport
real, synth = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
metadata = {"columns": {"x": {"sdtype": "numerical"}, "y": {"sdtype": "numerical"}, "c": {"sdtype": "categorical"}}}
report = QualityReport()
report.generate(real, synth, metadata, verbose=False)
props = report.get_properties().set_index("Property")["Score"]
scores = {"shapes": props["Column Shapes"], "trends": props["Column Pair Trends"], "score": report.get_score()}
print(json.dumps(scores))
"""


def test_matches_sdmetrics(tmp_path):
    """Against SDMetrics itself, run in the reference environment ``./run.sh setup`` makes (SDMetrics needs
    pandas 2; the project runs on pandas 3), so the comparison is with the real library, not a copy of it."""
    python = REFERENCE_ENV / "bin" / "python"
    if not python.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{python} is missing: ./run.sh setup installs SDMetrics there")
        pytest.skip(f"SDMetrics' reference environment {REFERENCE_ENV} is missing (./run.sh setup makes it)")
    real, synth = _frame(2000, 0), _frame(2000, 1, independent=True)
    real.to_csv(tmp_path / "real.csv", index=False)
    synth.to_csv(tmp_path / "synth.csv", index=False)
    done = subprocess.run(
        [str(python), "-c", SDMETRICS_SCRIPT, str(tmp_path / "real.csv"), str(tmp_path / "synth.csv")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    ours = quality(real, synth, SCHEMA)
    assert ours["column_shapes"] == pytest.approx(theirs["shapes"], abs=1e-6)
    assert ours["pair_trends"] == pytest.approx(theirs["trends"], abs=1e-6)
    assert ours["overall"] == pytest.approx(theirs["score"], abs=1e-6)


def test_unrelated_pairs_are_scored_but_not_averaged():
    rng = np.random.default_rng(3)
    real = pd.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500), "c": rng.choice(list("ab"), 500)})
    result = quality(real, real.sample(frac=1, random_state=1), SCHEMA)
    assert result["related_pairs"] == 0
    assert result["pair_trends"] == result["pair_trends_all_pairs"]
    assert all(not p["related"] for p in result["pairs"].values())
