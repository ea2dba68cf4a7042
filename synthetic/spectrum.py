"""The level a release reaches on the ONS synthetic data spectrum (ONS, 2021), from measured evidence.

1 structural (right columns and types), 2 valid (every value allowed by the schema), 3 plausible (no
combination of categories that never occurs in the real data, beyond 1% of rows), 4 augmented plausible
(column shapes >= 0.90), 5 analytically valid (pair trends >= 0.85 and a model trained on it keeps >= 95% of
the real model's score). Level 6, replica, is never claimed: the gate forbids record-level copies."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

NAMES = {
    1: "synthetic structural",
    2: "synthetic valid",
    3: "synthetic plausible",
    4: "synthetic augmented plausible",
    5: "synthetic analytically valid",
}
IMPLAUSIBLE_LIMIT = 0.01


def implausible_share(real: pd.DataFrame, synth: pd.DataFrame, categorical: list[str]) -> float:
    """Share of synthetic rows holding a pair of categories never seen together in the real rows."""
    bad = np.zeros(len(synth), dtype=bool)
    for a, b in combinations(categorical, 2):
        seen = set(zip(real[a].fillna("\0"), real[b].fillna("\0"), strict=True))
        pairs = zip(synth[a].fillna("\0"), synth[b].fillna("\0"), strict=True)
        bad |= np.fromiter((p not in seen for p in pairs), dtype=bool, count=len(synth))
    return float(bad.mean()) if len(synth) else 0.0


def level(valid: bool, implausible: float, fidelity: dict[str, Any], utility: dict[str, Any] | None) -> dict[str, Any]:
    reached, reasons = 1, ["columns and types follow the schema"]
    steps = [
        (valid, "every value satisfies the schema's constraints"),
        (implausible <= IMPLAUSIBLE_LIMIT, f"{implausible:.2%} of rows hold an unseen category pair"),
        (fidelity["column_shapes"] >= 0.90, f"column shapes {fidelity['column_shapes']:.3f} (>= 0.90)"),
        (
            fidelity["pair_trends"] >= 0.85 and (utility is None or utility["ratio"] >= 0.95),
            f"pair trends {fidelity['pair_trends']:.3f} (>= 0.85)"
            + ("" if utility is None else f", utility ratio {utility['ratio']:.3f} (>= 0.95)"),
        ),
    ]
    for ok, why in steps:
        if not ok:
            reasons.append(f"stops here: {why}")
            break
        reached += 1
        reasons.append(why)
    return {"level": reached, "name": NAMES[reached], "evidence": reasons}
