"""Small inline SVG charts with a title and description for screen readers; every label is escaped."""

from __future__ import annotations

import math
from html import escape
from itertools import count

_ids = count(1)
BAR_HEIGHT = 18
LABEL_WIDTH = 210
CHART_WIDTH = 360


def bar_chart(
    items: list[tuple[str, float]],
    *,
    title: str,
    description: str,
    max_value: float = 1.0,
    ci: list[tuple[float, float]] | None = None,
    digits: int = 3,
) -> str:
    """Horizontal bars from 0 to max_value; optional interval whiskers; NaN drawn as 'n/a'."""
    uid = next(_ids)
    height = BAR_HEIGHT * len(items) + 30
    width = LABEL_WIDTH + CHART_WIDTH + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t{uid} d{uid}">',
        f'<title id="t{uid}">{escape(title)}</title><desc id="d{uid}">{escape(description)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = 10 + i * BAR_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(str(label))}</text>'
        )
        if value is None or (isinstance(value, float) and math.isnan(value)):
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 13}" font-size="12">n/a</text>')
            continue
        bar = max(0.0, min(1.0, value / max_value)) * CHART_WIDTH
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{bar:.1f}" height="{BAR_HEIGHT - 5}" fill="#1d70b8"/>'
        )
        if ci is not None:
            lo, hi = (max(0.0, min(1.0, v / max_value)) * CHART_WIDTH + LABEL_WIDTH for v in ci[i])
            mid = y + BAR_HEIGHT / 2
            parts.append(f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{mid}" y2="{mid}" stroke="#0b0c0c" stroke-width="2"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + 13}" font-size="12">{value:.{digits}f}</text>')
    axis_y = 10 + len(items) * BAR_HEIGHT + 4
    parts.append(
        f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH + CHART_WIDTH}" y1="{axis_y}" y2="{axis_y}" stroke="#505a5f"/>'
    )
    parts.append(f'<text x="{LABEL_WIDTH}" y="{axis_y + 14}" font-size="11">0</text>')
    parts.append(
        f'<text x="{LABEL_WIDTH + CHART_WIDTH}" y="{axis_y + 14}" font-size="11" text-anchor="end">{max_value:g}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
