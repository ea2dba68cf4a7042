"""Fresh values for fields that are never learned: direct identifiers, unique keys and free text.

Only aggregate facts are kept: the share missing, the character shape of ids (digit/letter/other per
position), and for pseudonymous keys how many keys recur how often (capped so no repeat count is held by
fewer than k keys)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthetic.fields.base import missing_mask
from synthetic.schema import FieldSpec, SchemaError

UPRN_PREFIX = 9  # fresh UPRNs are 12-digit numbers starting 9: well-formed, from a range we never look up
REDACTED = "[free text removed]"
_CLASSES = {"d": string.digits, "A": string.ascii_uppercase, "a": string.ascii_lowercase}


@dataclass
class IdentifierPlan:
    """What was learned about one never-learned field (no real values are stored)."""

    spec: FieldSpec
    missing_share: float
    shapes: list[str] = field(default_factory=list)
    repeat_counts: np.ndarray | None = None
    repeat_probs: np.ndarray | None = None


def plan_identifier(spec: FieldSpec, column: pd.Series, k: int) -> IdentifierPlan:
    missing = missing_mask(column)
    share = 0.0 if spec.required else float(missing.mean()) if len(column) else 0.0
    plan = IdentifierPlan(spec=spec, missing_share=share)
    present = column[~missing].astype(str).str.strip()
    if spec.identifier_kind == "pseudonymous-key":
        plan.repeat_counts, plan.repeat_probs = _repeat_distribution(present, k)
    elif not spec.free_text and spec.format == "default" and spec.type == "string":
        shapes = present.map(_shape).value_counts()
        safe = shapes[shapes >= min(k, max(1, len(present)))]
        plan.shapes = list((safe if len(safe) else shapes.head(1)).index)
    return plan


def generate_identifier(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> pd.Series:
    spec = plan.spec
    if spec.free_text:
        values = pd.Series([REDACTED if spec.required else None] * n, dtype=object)
        return values
    if spec.identifier_kind == "pseudonymous-key":
        values = _pseudonymous_keys(plan, n, rng)
    elif spec.identifier_kind == "uprn":
        values = _unique_numbers(n, rng, low=UPRN_PREFIX * 10**11, high=10**12)
    elif spec.type in ("integer", "number"):
        values = _unique_numbers(n, rng, low=10**6, high=10**9)
    elif spec.type == "string":
        values = _fresh_strings(plan, n, rng)
    else:
        raise SchemaError(
            f"field {spec.name!r}: a {spec.type} cannot be a direct identifier or unique key for synthesis; "
            "mark it quasi-identifier instead"
        )
    series = pd.Series(values, dtype=object)
    if spec.type in ("integer", "number"):
        series = series.astype("Int64")
    if plan.missing_share and not spec.unique:
        series[rng.random(n) < plan.missing_share] = None
    return series


def _shape(value: str) -> str:
    return "".join("d" if c.isdigit() else "A" if c.isupper() else "a" if c.islower() else c for c in value)


def _fill_shape(shape: str, rng: np.random.Generator) -> str:
    return "".join(rng.choice(list(_CLASSES[c])) if c in _CLASSES else c for c in shape)


def _fresh_strings(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> list[str]:
    spec, out, seen = plan.spec, [], set()
    pattern = re.compile(spec.pattern) if spec.pattern else None
    while len(out) < n:
        value = _one_fresh_string(plan, rng)
        if pattern is not None and not pattern.fullmatch(value):
            raise SchemaError(
                f"field {spec.name!r}: cannot generate ids matching pattern {spec.pattern!r} from the "
                "ids' shape; "
                "set format uuid or make the pattern describe the real ids"
            )
        if value in seen:
            continue
        seen.add(value)
        out.append(value)
    return out


def _one_fresh_string(plan: IdentifierPlan, rng: np.random.Generator) -> str:
    token = rng.bytes(16).hex()
    fmt = plan.spec.format
    if fmt == "uuid":
        return f"{token[:8]}-{token[8:12]}-4{token[13:16]}-a{token[17:20]}-{token[20:32]}"
    if fmt == "email":
        return f"person-{token[:12]}@example.invalid"
    if fmt == "uri":
        return f"https://example.invalid/{token[:16]}"
    shape = plan.shapes[int(rng.integers(len(plan.shapes)))] if plan.shapes else "AAdddddd"
    return _fill_shape(shape, rng)


def _unique_numbers(n: int, rng: np.random.Generator, low: int, high: int) -> np.ndarray:
    values = np.unique(rng.integers(low, high, size=int(n * 1.1) + 10))
    while values.size < n:
        values = np.unique(np.concatenate([values, rng.integers(low, high, size=n)]))
    return rng.permutation(values)[:n]


def _repeat_distribution(keys: pd.Series, k: int) -> tuple[np.ndarray, np.ndarray]:
    """How many keys have 1, 2, ... rows; counts held by fewer than k keys are pooled into the cap."""
    per_key = keys.value_counts().to_numpy()
    if per_key.size == 0:
        return np.array([1]), np.array([1.0])
    tally = pd.Series(per_key).value_counts().sort_index()
    safe = tally[tally >= k].index
    cap = int(safe.max()) if len(safe) else 1
    capped = np.minimum(per_key, cap)
    counts, freq = np.unique(capped, return_counts=True)
    return counts, freq / freq.sum()


def _pseudonymous_keys(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> np.ndarray:
    assert plan.repeat_counts is not None and plan.repeat_probs is not None
    mean = float((plan.repeat_counts * plan.repeat_probs).sum())
    sizes = rng.choice(plan.repeat_counts, size=int(n / mean * 1.2) + 5, p=plan.repeat_probs)
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, rng.choice(plan.repeat_counts, size=10, p=plan.repeat_probs)])
    key_ids = np.repeat(np.arange(sizes.size), sizes)[:n]
    labels = np.array([f"K{rng.bytes(6).hex()}" for _ in range(sizes.size)], dtype=object)
    return labels[rng.permutation(key_ids)]
