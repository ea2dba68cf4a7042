"""Parse real data through the field codecs and apply the pre-fitting privacy rules.

- Rules (each one recorded in ``notes`` for the release report):
- categories held by fewer than k rows are merged into "Other" (when the schema allows that label) or
  suppressed (set missing, or to the most common category when the field is required);
- numbers are bottom- and top-coded to their k-th smallest and largest values, so no extreme is one
  person's;
- coordinates are coarsened by the codec (``coarsenTo``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthetic.fields import FieldCodec, codec_for
from synthetic.schema import FieldSpec, TableSpec

OTHER = "Other"


@dataclass
class Column:
    """One learned column in model space: floats for numbers, integer codes (as floats) for categories."""

    spec: FieldSpec
    codec: FieldCodec
    values: np.ndarray
    categories: np.ndarray | None = None

    @property
    def kind(self) -> str:
        return self.codec.kind

    def decode(self, values: np.ndarray) -> pd.Series:
        if self.categories is None:
            return self.codec.to_output(values)
        return self.codec.to_output(self.categories[values.astype(np.int64)])


@dataclass
class Prepared:
    columns: list[Column]
    notes: list[str] = field(default_factory=list)

    def matrix(self) -> np.ndarray:
        return np.column_stack([c.values for c in self.columns]) if self.columns else np.empty((0, 0))


def prepare(df: pd.DataFrame, table: TableSpec, k: int) -> Prepared:
    prepared = Prepared(columns=[])
    for spec in table.learned:
        codec = codec_for(spec)
        parsed = codec.parse(df[spec.name].reset_index(drop=True))
        if spec.required and parsed.isna().any():
            raise codec.fail(parsed, parsed.isna(), "present although the field is required")
        if codec.kind == "categorical":
            parsed = _merge_rare(parsed, codec, k, prepared.notes)
            codes, categories = _encode_categories(parsed)
            codec.fit(parsed)
            prepared.columns.append(Column(spec, codec, codes, categories))
        else:
            values = _top_and_bottom_code(parsed.to_numpy(dtype=float), k, spec.name, prepared.notes)
            codec.fit(pd.Series(values))
            prepared.columns.append(Column(spec, codec, values))
    return prepared


def _merge_rare(values: pd.Series, codec: FieldCodec, k: int, notes: list[str]) -> pd.Series:
    counts = values.value_counts(dropna=True)
    rare = counts[counts < k]
    if rare.empty:
        return values
    name = codec.spec.name
    allows_other = codec.kind == "categorical" and getattr(codec, "allows", lambda v: False)(OTHER)
    pooled = int(rare.sum()) + int(counts.get(OTHER, 0) if OTHER not in rare.index else 0)
    is_rare = values.isin(rare.index)
    if allows_other and pooled >= k:
        notes.append(f"{name}: {len(rare)} categories with fewer than {k} rows merged into {OTHER!r}")
        return values.mask(is_rare, OTHER)
    replacement = None
    if codec.spec.required:
        common = counts[counts >= k]
        replacement = common.index[0] if len(common) else counts.index[0]
    notes.append(
        f"{name}: {len(rare)} categories with fewer than {k} rows suppressed"
        + (f" (set to {replacement!r}, the field is required)" if replacement is not None else " (set missing)")
    )
    return values.mask(is_rare, replacement)


def _encode_categories(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes by frequency (most common 0); missing gets the last code so it is modelled like a value."""
    counts = values.value_counts(dropna=True)
    categories = list(counts.index)
    lookup = {c: i for i, c in enumerate(categories)}
    codes = values.map(lookup)
    if codes.isna().any():
        codes = codes.fillna(len(categories))
        categories.append(None)
    return codes.to_numpy(dtype=float), np.array(categories, dtype=object)


def _top_and_bottom_code(values: np.ndarray, k: int, name: str, notes: list[str]) -> np.ndarray:
    finite = np.sort(values[~np.isnan(values)])
    if finite.size < 2 * k or k <= 1:
        return values
    low, high = finite[k - 1], finite[-k]
    changed = int(((values < low) | (values > high)).sum())
    if changed:
        notes.append(f"{name}: {changed} values outside the k-th smallest/largest ({low:g}, {high:g}) capped")
    return np.where(np.isnan(values), values, np.clip(values, low, high))
