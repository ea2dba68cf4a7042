"""Synthetic look-alikes of sensitive tables, the privacy gate that guards their release, and
disclosure-controlled aggregates.

    model = synthetic.fit(df, schema, seed=1)
    synth = model.sample(len(df), seed=2)
    result = synthetic.gate.check(train, holdout, synth, schema)
"""

from __future__ import annotations

from synthetic.schema import FieldSpec, SchemaError, TableSpec, parse_schema
from synthetic.synthesizer import Model, fit

__all__ = ["FieldSpec", "Model", "SchemaError", "TableSpec", "fit", "parse_schema"]
