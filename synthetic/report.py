"""The release report: fidelity, utility, privacy verdict and ONS spectrum level, as JSON and HTML."""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

import pandas as pd

from synthetic import gate as gate_module
from synthetic.metrics import quality
from synthetic.schema import parse_schema
from synthetic.spectrum import implausible_share, level
from synthetic.svg import bar_chart
from synthetic.tabular import aligned, comparable_fields, is_numeric
from synthetic.utility import utility
from synthetic.validity import schema_violations


def build_report(
    real_train: pd.DataFrame,
    real_holdout: pd.DataFrame,
    synth: pd.DataFrame,
    schema: dict[str, Any],
    *,
    gate_result: gate_module.GateResult | None = None,
    target: str | None = None,
    notes: list[str] | None = None,
    title: str = "Synthetic data release",
) -> dict[str, Any]:
    """Measure everything a data protection officer needs; runs the gate if no result is given."""
    table = parse_schema(schema)
    gate_result = gate_result or gate_module.check(real_train, real_holdout, synth, schema)
    fidelity = quality(real_train, synth, table)
    useful = utility(real_train, real_holdout, synth, table, target=target)
    real_n, synth_n = aligned(real_train, synth, table)
    categorical = [f.name for f in comparable_fields(table) if not is_numeric(f)]
    implausible = implausible_share(real_n, synth_n, categorical)
    valid = not schema_violations(synth, table)
    return _clean(
        {
            "title": title,
            "rows": {"training": len(real_train), "holdout": len(real_holdout), "synthetic": len(synth)},
            "verdict": "released" if gate_result.passed else "refused",
            "fidelity": fidelity,
            "utility": useful,
            "privacy": gate_result.as_dict(),
            "plausibility": {"implausible_row_share": implausible},
            "spectrum": level(valid, implausible, fidelity, useful),
            "preparation_notes": list(notes or []),
        }
    )


def _clean(value: Any) -> Any:
    """JSON-safe: NaN becomes None, tuples lists, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True)


def render_html(report: dict[str, Any]) -> str:
    """One self-contained page (inline CSS and SVG, no scripts), every value escaped."""
    e = lambda v: escape(str(v))  # noqa: E731
    verdict = report["verdict"]
    body = [
        f"<h1>{e(report['title'])}</h1>",
        f'<p class="verdict {e(verdict)}"><strong>Privacy gate: {e(verdict)}</strong></p>',
        _reasons(report["privacy"]["reasons"]),
        f"<p>Rows: {e(report['rows']['training'])} training, {e(report['rows']['holdout'])} held out, "
        f"{e(report['rows']['synthetic'])} synthetic.</p>",
        _spectrum(report["spectrum"]),
        _fidelity(report["fidelity"]),
        _utility(report["utility"]),
        _privacy(report["privacy"]["figures"]),
        _notes(report["preparation_notes"]),
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(report['title'])}</title><style>{_CSS}</style></head><body><main>"
        + "".join(body)
        + "</main></body></html>"
    )


_CSS = (
    "body{font-family:Arial,sans-serif;color:#0b0c0c;max-width:960px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #b1b4b6;padding:4px 8px;text-align:left}"
    ".verdict.refused{color:#d4351c}.verdict.released{color:#00703c}"
)


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def _table(headers: list[str], rows: list[list[Any]], caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(c)}</td>" for c in row) + "</tr>" for row in rows)
    caption_html = f"<caption>{escape(caption)}</caption>"
    return f"<table>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _reasons(reasons: list[str]) -> str:
    if not reasons:
        return "<p>Every privacy check ran and passed.</p>"
    return "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in reasons) + "</ul>"


def _spectrum(spectrum: dict[str, Any]) -> str:
    items = "".join(f"<li>{escape(x)}</li>" for x in spectrum["evidence"])
    return (
        f"<h2>ONS synthetic data spectrum</h2><p>Level {escape(str(spectrum['level']))}: "
        f"<strong>{escape(spectrum['name'])}</strong></p><ul>{items}</ul>"
    )


def _fidelity(fidelity: dict[str, Any]) -> str:
    columns = [(name, v["score"]) for name, v in fidelity["columns"].items()]
    pairs = sorted(((name, v["score"]) for name, v in fidelity["pairs"].items()), key=lambda x: (x[1] is None, x[1]))
    worst = pairs[:10]
    return (
        "<h2>Fidelity</h2>"
        f"<p>Overall quality {_fmt(fidelity['overall'])}: column shapes {_fmt(fidelity['column_shapes'])}, "
        f"pair trends {_fmt(fidelity['pair_trends'])} over the {_fmt(fidelity['related_pairs'])} pairs related in "
        f"the real data ({_fmt(fidelity['pair_trends_all_pairs'])} over all pairs), as SDMetrics defines them; "
        "1 is identical.</p>"
        + bar_chart(columns, title="Column shape similarity", description=_describe(columns))
        + _table(
            ["column", "metric", "score"],
            [[n, v["metric"], v["score"]] for n, v in fidelity["columns"].items()],
            "Column shape scores",
        )
        + bar_chart(worst, title="Ten least similar column pairs", description=_describe(worst))
        + _table(["pair", "score"], [[n, s] for n, s in worst], "Least similar pairs")
    )


def _utility(useful: dict[str, Any] | None) -> str:
    if useful is None:
        return "<h2>Utility</h2><p>No sensitive target field, so no utility check was run.</p>"
    items = [
        ("trained on real", useful["trained_on_real"]),
        ("trained on synthetic", useful["trained_on_synthetic"]),
    ]
    return (
        f"<h2>Utility</h2><p>A gradient-boosted model of {escape(useful['target'])}, "
        "tested on held-out real rows "
        f"({escape(useful['metric'])}).</p>"
        + bar_chart(
            items,
            title=f"Utility: {useful['metric']} of a model of {useful['target']}",
            description=_describe(items),
        )
    )


def _privacy(figures: dict[str, Any]) -> str:
    parts = ["<h2>Privacy</h2>"]
    simple = [[k, v] for k, v in figures.items() if not isinstance(v, dict | list)]
    parts.append(_table(["check", "value"], simple, "Copy checks"))
    if "dcr" in figures:
        parts.append(
            _table(
                ["distance to closest training row", "value"],
                list(map(list, figures["dcr"].items())),
                "Synthetic rows against genuinely new (held-out) rows",
            )
        )
    risks = figures.get("risks", {})
    if risks:
        items = [(name, r["value"]) for name, r in risks.items()]
        parts.append(
            bar_chart(
                items,
                title="Attack risks (anonymeter method)",
                description=_describe(items),
                ci=[tuple(r["ci"]) for r in risks.values()],
            )
        )
        rows = [
            [
                n,
                r["value"],
                f"{r['ci'][0]:.3f}-{r['ci'][1]:.3f}",
                r["attack_rate"],
                r["control_rate"],
                r["baseline_rate"],
                r["n_attacks"],
            ]
            for n, r in risks.items()
        ]
        parts.append(
            _table(
                [
                    "attack",
                    "risk",
                    "95% interval",
                    "success on training",
                    "on control",
                    "baseline",
                    "attacks",
                ],
                rows,
                "Attack risks",
            )
        )
    return "".join(parts)


def _notes(notes: list[str]) -> str:
    if not notes:
        return ""
    return "<h2>Preparation</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"


def _describe(items: list[tuple[str, Any]]) -> str:
    return "; ".join(f"{name}: {_fmt(value)}" for name, value in items)
