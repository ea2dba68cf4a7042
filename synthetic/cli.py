"""``synthetic`` command: fit, sample, report, check."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console

from synthetic import gate as gate_module
from synthetic.report import build_report, render_html, to_json
from synthetic.schema import SchemaError, parse_schema
from synthetic.synthesizer import Model, fit

MODEL_FORMAT = "nyy-synthetic-model/1"
console = Console(stderr=True)


def _schema(path: str) -> dict[str, Any]:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"{path}: cannot read the Table Schema JSON ({exc})") from exc
    try:
        parse_schema(schema)
    except SchemaError as exc:
        raise click.UsageError(f"{path}: {exc}") from exc
    return schema


def _csv(path: str, schema: dict[str, Any]) -> pd.DataFrame:
    """Read every column as text so each field's codec parses it by the schema (missingValues respected)."""
    missing = schema.get("missingValues", [""])
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=missing)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"{path}: cannot read CSV ({exc})") from exc


@click.group()
def main() -> None:
    """Synthetic look-alikes of sensitive tables, and the privacy gate that guards their release."""


@main.command("fit")
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("--schema", "schema_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Model file to write.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--k", default=10, show_default=True, type=int, help="Rare-category threshold.")
@click.option("--min-leaf", default=None, type=int, help="Smallest leaf (default: rows/250, within 25-100).")
@click.option(
    "--combo-k",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="No synthetic row may reproduce a combination of a few values held by fewer real rows (1: off; 2: uniques).",
)
@click.option(
    "--combo-size", default=3, show_default=True, type=click.IntRange(min=0), help="Values in such a combination."
)
def fit_command(
    data: str, schema_path: str, out: str, seed: int, k: int, min_leaf: int | None, combo_k: int, combo_size: int
) -> None:
    """Learn a model from DATA (CSV) described by a Table Schema.

    The model file holds groups of real values (never identifiers or free text): keep it as private as the data.
    """
    schema = _schema(schema_path)
    try:
        model = fit(
            _csv(data, schema), schema, seed=seed, k=k, min_leaf=min_leaf, combo_k=combo_k, combo_size=combo_size
        )
    except SchemaError as exc:
        console.print(f"[red]error:[/red] {data}: {exc}")
        sys.exit(2)
    with open(out, "wb") as fh:
        pickle.dump({"format": MODEL_FORMAT, "model": model}, fh)
    for note in model.notes:
        console.print(f"note: {note}")
    console.print(f"model written to {out}")


@main.command("sample")
@click.argument("model_path", type=click.Path(exists=True, dir_okay=False))
@click.option("-n", "rows", required=True, type=click.IntRange(min=0))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def sample_command(model_path: str, rows: int, seed: int, out: str) -> None:
    """Draw synthetic rows from a model file written by `fit` (only load model files you made)."""
    with open(model_path, "rb") as fh:
        payload = pickle.load(fh)  # noqa: S301 - our own model files only, as the help says
    if (
        not isinstance(payload, dict)
        or payload.get("format") != MODEL_FORMAT
        or not isinstance(payload["model"], Model)
    ):
        console.print(f"[red]error:[/red] {model_path} is not a model written by `synthetic fit`")
        sys.exit(2)
    payload["model"].sample(rows, seed=seed).to_csv(out, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    console.print(f"{rows} synthetic rows written to {out}")


def _frames(train: str, holdout: str, synth: str, schema: dict[str, Any]) -> tuple[pd.DataFrame, ...]:
    return tuple(_csv(p, schema) for p in (train, holdout, synth))


_common = [
    click.option("--train", required=True, type=click.Path(exists=True, dir_okay=False)),
    click.option("--holdout", required=True, type=click.Path(exists=True, dir_okay=False)),
    click.option("--synth", required=True, type=click.Path(exists=True, dir_okay=False)),
    click.option("--schema", "schema_path", required=True, type=click.Path(exists=True, dir_okay=False)),
]


_common.append(
    click.option("--attacks", default=1000, show_default=True, type=click.IntRange(min=10), help="Attacks per risk.")
)


def _with_common(func):
    for option in reversed(_common):
        func = option(func)
    return func


@main.command("check")
@_with_common
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the gate's figures here.")
def check_command(train: str, holdout: str, synth: str, schema_path: str, attacks: int, json_out: str | None) -> None:
    """Run the privacy gate on a real (training + held-out) and synthetic pair; exit 1 when refused."""
    schema = _schema(schema_path)
    settings = gate_module.GateSettings(n_attacks=attacks)
    result = gate_module.check(*_frames(train, holdout, synth, schema), schema, settings)
    if json_out:
        Path(json_out).write_text(json.dumps(result.as_dict(), indent=2, default=str), encoding="utf-8")
    if result.passed:
        console.print("[green]passed[/green]: every privacy check ran and passed")
        return
    console.print("[red]refused[/red]:")
    for reason in result.reasons:
        console.print(f"  - {reason}")
    sys.exit(1)


@main.command("report")
@_with_common
@click.option("--json", "json_out", required=True, type=click.Path(dir_okay=False))
@click.option("--html", "html_out", type=click.Path(dir_okay=False))
@click.option("--target", default=None, help="Field for the utility check (default: first sensitive field).")
@click.option("--title", default="Synthetic data release")
def report_command(
    train: str,
    holdout: str,
    synth: str,
    schema_path: str,
    attacks: int,
    json_out: str,
    html_out: str | None,
    target: str | None,
    title: str,
) -> None:
    """Write the release report (JSON, and HTML with charts); exit 1 when the gate refuses the release."""
    schema = _schema(schema_path)
    frames = _frames(train, holdout, synth, schema)
    result = gate_module.check(*frames, schema, gate_module.GateSettings(n_attacks=attacks))
    report = build_report(*frames, schema, gate_result=result, target=target, title=title)
    Path(json_out).write_text(to_json(report), encoding="utf-8")
    if html_out:
        Path(html_out).write_text(render_html(report), encoding="utf-8")
    console.print(f"report written ({report['verdict']}, ONS level {report['spectrum']['level']})")
    if report["verdict"] != "released":
        sys.exit(1)
