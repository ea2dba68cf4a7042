"""Fresh values for fields that are never learned: direct identifiers, unique keys and free text.

Only aggregate facts are kept: the share missing, the character shape of ids (digit/letter/other per
position), and for pseudonymous keys how many keys recur how often (capped so no repeat count is held by
fewer than k keys)."""

from __future__ import annotations

import hashlib
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
    shapes: list[list[str]] = field(default_factory=list)
    repeat_counts: np.ndarray | None = None
    repeat_probs: np.ndarray | None = None
    salt: bytes = b""
    taken: frozenset[bytes] = frozenset()

    def is_real(self, value: str) -> bool:
        """Whether a fresh value happens to equal a real one (checked against salted hashes only)."""
        return _digest(self.salt, value) in self.taken


def plan_identifier(spec: FieldSpec, column: pd.Series, k: int) -> IdentifierPlan:
    missing = missing_mask(column)
    share = 0.0 if spec.required else float(missing.mean()) if len(column) else 0.0
    present = column[~missing].astype(str).str.strip()
    salt = np.random.default_rng(len(present)).bytes(16)
    taken = frozenset(_digest(salt, v) for v in present)
    plan = IdentifierPlan(spec=spec, missing_share=share, salt=salt, taken=taken)
    if spec.identifier_kind == "pseudonymous-key":
        plan.repeat_counts, plan.repeat_probs = _repeat_distribution(present, k)
    elif not spec.free_text and spec.format == "default" and spec.type == "string":
        shape_of = present.map(_shape)
        shapes = shape_of.value_counts()
        safe = shapes[shapes >= min(k, max(1, len(present)))]
        plan.shapes = [_template(present[shape_of == s]) for s in (safe if len(safe) else shapes.head(1)).index]
    return plan


def generate_identifier(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> pd.Series:
    spec = plan.spec
    if spec.free_text:
        values = pd.Series([REDACTED if spec.required else None] * n, dtype=object)
        return values
    if spec.identifier_kind == "pseudonymous-key":
        values = _pseudonymous_keys(plan, n, rng)
    elif spec.identifier_kind == "uprn":
        values = _unique_numbers(plan, n, rng, low=UPRN_PREFIX * 10**11, high=10**12)
    elif spec.type in ("integer", "number"):
        values = _unique_numbers(plan, n, rng, low=10**6, high=10**9)
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


def _digest(salt: bytes, value: object) -> bytes:
    return hashlib.blake2b(str(value).encode(), key=salt, digest_size=16).digest()


def _shape(value: str) -> str:
    return "".join("d" if c.isdigit() else "A" if c.isupper() else "a" if c.islower() else c for c in value)


def _template(values: pd.Series) -> list[str]:
    """Per position: the letter or symbol every id shares there (a fixed prefix like 'INC'), else its class;
    digits always vary, so leading zeros of a short real range do not shrink the space of fresh ids."""
    width = len(values.iloc[0])
    chars = np.array(values.tolist(), dtype=f"<U{width}").view("<U1").reshape(-1, width)
    out = []
    for pos in range(chars.shape[1]):
        column = chars[:, pos]
        fixed = (column == column[0]).all() and not column[0].isdigit()
        out.append("=" + column[0] if fixed else _shape(column[0]))
    return out


def _fill_templates(template: list[str], n: int, rng: np.random.Generator) -> np.ndarray:
    """n fresh strings following one template, drawn column by column (vectorised)."""
    columns = []
    for token in template:
        if token.startswith("="):
            columns.append(np.full(n, token[1:], dtype="<U1"))
        else:
            alphabet = np.array(list(_CLASSES.get(token, token)), dtype="<U1")
            columns.append(alphabet[rng.integers(0, alphabet.size, n)])
    chars = np.ascontiguousarray(np.stack(columns, axis=1))
    return chars.view(f"<U{len(template)}").ravel().astype(object)


def _hex_tokens(n: int, width: int, rng: np.random.Generator) -> list[str]:
    text = rng.bytes(n * width // 2 + 1).hex()
    return [text[i * width : (i + 1) * width] for i in range(n)]


def _candidate_strings(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> np.ndarray:
    fmt = plan.spec.format
    if fmt == "uuid":
        return np.array([f"{t[:8]}-{t[8:12]}-4{t[13:16]}-a{t[17:20]}-{t[20:32]}" for t in _hex_tokens(n, 32, rng)])
    if fmt == "email":
        return np.array([f"person-{t}@example.invalid" for t in _hex_tokens(n, 12, rng)])
    if fmt == "uri":
        return np.array([f"https://example.invalid/{t}" for t in _hex_tokens(n, 16, rng)])
    templates = plan.shapes or [list("AAdddddd")]
    which = rng.integers(0, len(templates), n)
    out = np.empty(n, dtype=object)
    for i, template in enumerate(templates):
        chosen = np.nonzero(which == i)[0]
        out[chosen] = _fill_templates(template, chosen.size, rng)
    return out


def _fresh_strings(plan: IdentifierPlan, n: int, rng: np.random.Generator) -> list[str]:
    """Unique fresh ids, none equal to a real one; raises if the template cannot satisfy the pattern."""
    spec = plan.spec
    pattern = re.compile(spec.pattern) if spec.pattern else None
    kept: list[str] = []
    seen: set[str] = set()
    for _ in range(20):
        need = n - len(kept)
        if need <= 0:
            break
        for value in _candidate_strings(plan, int(need * 1.05) + 5, rng):
            if pattern is not None and not pattern.fullmatch(value):
                raise SchemaError(
                    f"field {spec.name!r}: cannot generate ids matching pattern {spec.pattern!r} from the "
                    "ids' shape; set format uuid or make the pattern describe the real ids"
                )
            if value in seen or plan.is_real(value):
                continue
            seen.add(value)
            kept.append(value)
    if len(kept) < n:
        raise SchemaError(f"field {spec.name!r}: the ids' shape leaves too few fresh values for {n} rows")
    return kept[:n]


def _unique_numbers(plan: IdentifierPlan, n: int, rng: np.random.Generator, low: int, high: int) -> np.ndarray:
    values = np.zeros(0, dtype=np.int64)
    while values.size < n:
        values = np.unique(np.concatenate([values, rng.integers(low, high, size=int(n * 1.1) + 10)]))
        values = values[[not plan.is_real(v) for v in values]] if plan.taken else values
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
    labels = np.array([f"K{t}" for t in _hex_tokens(sizes.size, 12, rng)], dtype=object)
    return labels[rng.permutation(key_ids)]
