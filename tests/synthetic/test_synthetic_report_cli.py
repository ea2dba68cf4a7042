"""Release report (JSON + HTML) and the `synthetic` command end to end."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from synthetic import gate
from synthetic.cli import main
from synthetic.report import build_report, render_html
from tests.synthetic.synthetic_fixtures import INCIDENT_SCHEMA


@pytest.fixture(scope="module")
def report(incident_split, incident_model):
    train, holdout = incident_split
    synth = incident_model.sample(3200, seed=8)
    result = gate.check(train, holdout, synth, INCIDENT_SCHEMA, gate.GateSettings(n_attacks=200))
    return build_report(train, holdout, synth, INCIDENT_SCHEMA, gate_result=result, notes=incident_model.notes)


def test_report_has_fidelity_utility_privacy_and_spectrum(report):
    assert report["verdict"] == "released"
    assert 0.8 < report["fidelity"]["column_shapes"] <= 1
    assert "reported_at | category" in report["fidelity"]["pairs"]
    assert report["utility"]["target"] == "outcome"
    assert report["utility"]["trained_on_synthetic"] > 0.6
    assert report["spectrum"]["level"] >= 4
    json.dumps(report)


def test_html_is_self_contained_accessible_and_escaped(report):
    hostile = dict(report, title='<script>alert("x")</script>')
    hostile["preparation_notes"] = ["<img src=x onerror=alert(1)>"]
    page = render_html(hostile)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') >= 3
    assert "<title id=" in page and "<desc id=" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_cli_fit_sample_check_report(tmp_path, incident_split):
    train, holdout = incident_split
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(INCIDENT_SCHEMA))
    train.to_csv(tmp_path / "train.csv", index=False)
    holdout.to_csv(tmp_path / "holdout.csv", index=False)
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, [str(a) for a in args])  # noqa: E731
    assert (
        run("fit", tmp_path / "train.csv", "--schema", schema, "--out", tmp_path / "m.pkl", "--seed", 1).exit_code == 0
    )
    result = run("sample", tmp_path / "m.pkl", "-n", 3000, "--seed", 2, "--out", tmp_path / "synth.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "synth.csv")) == 3000
    common = ["--train", tmp_path / "train.csv", "--holdout", tmp_path / "holdout.csv", "--schema", schema]
    common += ["--attacks", 200]
    result = run("check", *common, "--synth", tmp_path / "synth.csv", "--json", tmp_path / "gate.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "gate.json").read_text())["passed"] is True
    refused = run("check", *common, "--synth", tmp_path / "train.csv")
    assert refused.exit_code == 1 and "refused" in refused.output
    out = run(
        "report",
        *common,
        "--synth",
        tmp_path / "synth.csv",
        "--json",
        tmp_path / "r.json",
        "--html",
        tmp_path / "r.html",
    )
    assert out.exit_code == 0, out.output
    assert "<svg" in (tmp_path / "r.html").read_text()


def test_cli_reports_bad_input(tmp_path, incident_split):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(INCIDENT_SCHEMA))
    bad = incident_split[0].copy()
    bad.loc[4, "category"] = "Arson"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    result = CliRunner().invoke(main, ["fit", str(tmp_path / "bad.csv"), "--schema", str(schema), "--out", "x"])
    assert result.exit_code == 2
    assert "category" in result.output and "[4]" in result.output
    (tmp_path / "broken.json").write_text("{not json")
    result = CliRunner().invoke(
        main, ["fit", str(tmp_path / "bad.csv"), "--schema", str(tmp_path / "broken.json"), "--out", "x"]
    )
    assert result.exit_code == 2 and "JSON" in result.output
