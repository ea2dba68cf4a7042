"""Read the parts of a Frictionless Table Schema that drive synthesis.

The schema is a plain dict so that synthetic/ never depends on how datapackages/ stores it. Besides the
standard keys we read a custom field property ``"disclosure"`` (``direct-identifier``, ``quasi-identifier``,
``sensitive`` or ``none``) and three optional hints: ``"identifierKind"`` (``id``, ``uprn``,
``pseudonymous-key``), ``"freeText": true`` and ``"coarsenTo"`` (grid step for coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

DISCLOSURE_CLASSES = ("direct-identifier", "quasi-identifier", "sensitive", "none")
SUPPORTED_TYPES = ("string", "number", "integer", "boolean", "date", "datetime", "year")


class SchemaError(ValueError):
    """The schema, or the data measured against it, cannot be used; the message says where and how to fix."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of the schema, with the constraints and disclosure class the generator honours."""

    name: str
    type: str = "string"
    format: str = "default"
    required: bool = False
    unique: bool = False
    enum: tuple[Any, ...] | None = None
    minimum: Any = None
    maximum: Any = None
    pattern: str | None = None
    disclosure: str = "none"
    identifier_kind: str | None = None
    free_text: bool = False
    coarsen_to: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_direct_identifier(self) -> bool:
        return self.disclosure == "direct-identifier"

    @property
    def is_quasi_identifier(self) -> bool:
        return self.disclosure == "quasi-identifier"

    @property
    def is_learned(self) -> bool:
        """Direct identifiers, unique keys and free text are never learned from the real values."""
        return not (self.is_direct_identifier or self.unique or self.free_text)


@dataclass(frozen=True)
class TableSpec:
    """The fields of one table, in schema order."""

    fields: tuple[FieldSpec, ...]
    missing_values: tuple[str, ...] = ("",)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def learned(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.is_learned]

    @property
    def quasi_identifiers(self) -> list[str]:
        return [f.name for f in self.fields if f.is_quasi_identifier and f.is_learned]


def parse_schema(schema: dict[str, Any]) -> TableSpec:
    """Turn a Table Schema dict into a TableSpec; SchemaError names the bad field and how to fix it."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        raise SchemaError("schema: expected a Table Schema dict with a non-empty 'fields' list")
    specs = [_parse_field(i, raw) for i, raw in enumerate(schema["fields"])]
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SchemaError(f"schema: field names must be unique; repeated: {duplicates}")
    missing = tuple(schema.get("missingValues", [""]))
    return TableSpec(fields=tuple(specs), missing_values=missing)


def _parse_field(index: int, raw: Any) -> FieldSpec:
    where = f"schema field #{index}"
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise SchemaError(f"{where}: each field needs a non-empty string 'name'")
    name = raw["name"]
    ftype = raw.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        raise SchemaError(
            f"{where} ({name!r}): type {ftype!r} is not supported for synthesis; use one of {SUPPORTED_TYPES}"
        )
    disclosure = raw.get("disclosure", "none")
    if disclosure not in DISCLOSURE_CLASSES:
        raise SchemaError(f"{where} ({name!r}): disclosure {disclosure!r} must be one of {DISCLOSURE_CLASSES}")
    constraints = raw.get("constraints", {}) or {}
    enum = constraints.get("enum")
    coarsen = raw.get("coarsenTo")
    if coarsen is not None and (not isinstance(coarsen, int | float) or coarsen <= 0):
        raise SchemaError(f"{where} ({name!r}): coarsenTo must be a positive number (grid step), got {coarsen!r}")
    return FieldSpec(
        name=name,
        type=ftype,
        format=raw.get("format", "default"),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        enum=tuple(enum) if enum is not None else None,
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        pattern=constraints.get("pattern"),
        disclosure=disclosure,
        identifier_kind=raw.get("identifierKind"),
        free_text=bool(raw.get("freeText", False)),
        coarsen_to=float(coarsen) if coarsen is not None else None,
        extra={k: v for k, v in raw.items() if k not in {"name", "type", "format", "constraints"}},
    )


def check_columns(df: pd.DataFrame, table: TableSpec) -> None:
    """Every schema field must be a column of the frame (extra columns are an error too: they would leak)."""
    missing = [n for n in table.names if n not in df.columns]
    extra = [c for c in df.columns if c not in table.names]
    if missing:
        raise SchemaError(f"data: columns {missing} are in the schema but not in the data; add them or fix the schema")
    if extra:
        raise SchemaError(
            f"data: columns {extra} are not described by the schema; describe them (with a disclosure class) "
            "or drop them before synthesis"
        )
