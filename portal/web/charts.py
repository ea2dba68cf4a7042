"""Server-rendered SVG charts with text alternatives: no script, no inline style, every label escaped.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>``; pages also show the same
numbers in a table, so nothing is only visible in the picture.
"""

from __future__ import annotations

import math
from html import escape
from itertools import count
from typing import Any

from markupsafe import Markup

_ids = count(1)
ROW = 22
LABEL_W = 200
PLOT_W = 340
BLUE, ORANGE, INK, GREY = "#1d70b8", "#f47738", "#0b0c0c", "#505a5f"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"


def _frame(uid: int, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-t{uid} chart-d{uid}">',
        f'<title id="chart-t{uid}">{escape(title)}</title><desc id="chart-d{uid}">{escape(desc)}</desc>',
    ]


def _label(text: str) -> str:
    text = str(text)
    return text if len(text) <= 30 else text[:29] + "…"


def bar_chart(items: list[tuple[str, Any]], *, title: str, max_value: float | None = None) -> Markup:
    """Horizontal bars from zero; missing values are drawn as 'n/a'."""
    uid = next(_ids)
    values = [v for _, v in items if _number(v) is not None]
    top = max_value or max([abs(v) for v in values] + [1e-9])
    desc = "; ".join(f"{name}: {_fmt(_number(v)) if _number(v) is not None else 'n/a'}" for name, v in items)
    height = ROW * len(items) + 30
    parts = _frame(uid, LABEL_W + PLOT_W + 80, height, title, desc)
    for i, (name, value) in enumerate(items):
        y = 8 + i * ROW
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end" font-size="13" fill="{INK}">'
                     f"{escape(_label(name))}</text>")  # fmt: skip
        number = _number(value)
        if number is None:
            parts.append(f'<text x="{LABEL_W + 4}" y="{y + 14}" font-size="13" fill="{INK}">n/a</text>')
            continue
        width = max(0.0, min(1.0, number / top)) * PLOT_W
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{ROW - 7}" fill="{BLUE}"/>')
        parts.append(f'<text x="{LABEL_W + width + 4:.1f}" y="{y + 14}" font-size="13" fill="{INK}">'
                     f"{escape(_fmt(number))}</text>")  # fmt: skip
    parts += _axis(8 + len(items) * ROW + 2, top)
    return Markup("".join(parts) + "</svg>")


def paired_bar_chart(labels: list[str], real: list[Any], synthetic: list[Any], *, title: str) -> Markup:
    """Real (blue) against synthetic (orange) for each category or bin, as shares or counts."""
    uid = next(_ids)
    pairs = list(zip(labels, real, synthetic, strict=False))
    numbers = [n for _, r, s in pairs for n in (_number(r), _number(s)) if n is not None]
    top = max(numbers + [1e-9])
    desc = "; ".join(f"{name}: real {_fmt(_number(r) or 0)}, synthetic {_fmt(_number(s) or 0)}" for name, r, s in pairs)
    height = 2 * ROW * len(pairs) + 56
    parts = _frame(uid, LABEL_W + PLOT_W + 80, height, title, desc)
    parts.append(f'<rect x="{LABEL_W}" y="4" width="12" height="12" fill="{BLUE}"/>'
                 f'<text x="{LABEL_W + 16}" y="15" font-size="13" fill="{INK}">Real</text>'
                 f'<rect x="{LABEL_W + 70}" y="4" width="12" height="12" fill="{ORANGE}"/>'
                 f'<text x="{LABEL_W + 86}" y="15" font-size="13" fill="{INK}">Synthetic</text>')  # fmt: skip
    for i, (name, r, s) in enumerate(pairs):
        y = 26 + i * 2 * ROW
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 18}" text-anchor="end" font-size="13" fill="{INK}">'
                     f"{escape(_label(name))}</text>")  # fmt: skip
        for j, (value, colour) in enumerate(((r, BLUE), (s, ORANGE))):
            number = _number(value) or 0.0
            width = max(0.0, number / top) * PLOT_W
            yy = y + j * (ROW - 4)
            parts.append(f'<rect x="{LABEL_W}" y="{yy + 2}" width="{width:.1f}" height="{ROW - 8}" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_W + width + 4:.1f}" y="{yy + 13}" font-size="12" fill="{INK}">'
                         f"{escape(_fmt(number))}</text>")  # fmt: skip
    parts += _axis(26 + len(pairs) * 2 * ROW + 2, top)
    return Markup("".join(parts) + "</svg>")


def _axis(y: float, top: float) -> list[str]:
    return [
        f'<line x1="{LABEL_W}" x2="{LABEL_W + PLOT_W}" y1="{y}" y2="{y}" stroke="{GREY}"/>',
        f'<text x="{LABEL_W}" y="{y + 15}" font-size="12" fill="{INK}">0</text>',
        f'<text x="{LABEL_W + PLOT_W}" y="{y + 15}" font-size="12" text-anchor="end" fill="{INK}">{_fmt(top)}</text>',
    ]


def distributions(report: dict[str, Any], limit: int = 8) -> list[dict[str, Any]]:
    """Real-versus-synthetic distributions a report carries, as chart + table rows per column.

    Accepted shape: ``{"distributions": {column: {"labels"|"bins"|"categories": [...], "real": [...],
    "synthetic": [...]}}}``; columns without matching lists are skipped.
    """
    out = []
    for column, dist in list((report.get("distributions") or {}).items())[:limit]:
        if not isinstance(dist, dict):
            continue
        labels = dist.get("labels") or dist.get("categories") or dist.get("bins") or []
        real, synth = dist.get("real") or [], dist.get("synthetic") or []
        if not (isinstance(labels, list) and isinstance(real, list) and isinstance(synth, list)) or not labels:
            continue
        labels = [str(x) for x in labels[:20]]
        out.append(
            {
                "column": str(column),
                "chart": paired_bar_chart(labels, real[:20], synth[:20], title=f"{column}: real and synthetic"),
                "rows": list(zip(labels, real, synth, strict=False)),
            }
        )
    return out
