"""Table Schema fields as the fast path needs them, read from a descriptor or from frictionless objects.

``light_schema`` reads a plain descriptor without importing frictionless, but only inside a deliberately
small ground: keys, types and constraint values whose meaning and validity we know frictionless-py 5 gives
them (the same value readers for bounds and enums, a schema frictionless accepts without a metadata error).
Anything outside it returns the reason, and the caller lets frictionless read the schema instead. The
frictionless ``Field`` behind a spec is created only when a cell has to be read by frictionless itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

NAME_PATTERN = re.compile(r"^([-a-z0-9._/])+$")  # frictionless.settings.NAME_PATTERN
KNOWN_PROFILES = (
    "https://datapackage.org/profiles/1.0/tableschema.json",
    "https://datapackage.org/profiles/2.0/tableschema.json",
)
# Schema keys frictionless interprets (or that name another profile); any other key is kept as documentation.
INTERPRETED_SCHEMA_KEYS = {"fieldsMatch", "foreignKeys", "uniqueKeys", "type", "profile", "schema_profile"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "constraints", "missingValues", "example"}
FIELD_EXTRA_KEYS = {"boolean": {"trueValues", "falseValues"}}
CUSTOM_FIELD_KEYS = {"disclosure"}  # the partners' own annotation (datapackages.schemas)
BOUNDS = ("minimum", "maximum")
# Per type: the constraints the light path reads (frictionless supports more; those take the slow road).
LIGHT_CONSTRAINTS = {
    "string": {"required", "unique", "minLength", "maxLength", "pattern", "enum"},
    "integer": {"required", "unique", *BOUNDS, "enum"},
    "number": {"required", "unique", *BOUNDS},
    "boolean": {"required", "unique"},
    "date": {"required", "unique", *BOUNDS},
    "datetime": {"required", "unique"},
    "year": {"required", "unique", *BOUNDS},
    "yearmonth": {"required", "unique"},
    "time": {"required", "unique"},
}
DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class OutsideGround(Exception):
    """The descriptor uses something the light reader does not vouch for; the message says what."""


@dataclass
class FieldSpec:
    """One field: what the vectorised checkers read, and the frictionless field for the rest."""

    name: str
    type: str
    number: int
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: list[str] = field(default_factory=lambda: [""])
    true_values: list[str] = field(default_factory=lambda: list(DEFAULT_TRUE_VALUES))
    false_values: list[str] = field(default_factory=lambda: list(DEFAULT_FALSE_VALUES))
    custom_number: bool = False  # bareNumber, groupChar, decimalChar or floatNumber defined
    plain_integer: bool = True  # bareNumber not set to false
    typed: dict[str, Any] = field(default_factory=dict)  # bounds and enum read by the type's value reader
    make_field: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    light: bool = field(default=False, compare=False)  # read by light_schema: light_cells may read its cells

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique", False))

    def frictionless_field(self) -> Any:
        """The frictionless ``Field`` (with its schema), created on first use."""
        assert self.make_field is not None
        return self.make_field()


@dataclass
class TableSpec:
    fields: list[FieldSpec]
    primary_key: list[str]
    foreign_keys: list[Any] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


class _LazySchema:
    """Builds the frictionless Schema once, on first use, from any thread."""

    def __init__(self, descriptor: dict[str, Any]) -> None:
        self._descriptor, self._schema, self._lock = descriptor, None, threading.Lock()

    def field(self, index: int) -> Callable[[], Any]:
        def make() -> Any:
            with self._lock:
                if self._schema is None:
                    from frictionless import Schema

                    self._schema = Schema.from_descriptor(self._descriptor)
            return self._schema.fields[index]

        return make


def _check(condition: bool, reason: str) -> None:
    if not condition:
        raise OutsideGround(reason)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_bound(kind: str, value: Any, missing: list[str]) -> Any:
    """What frictionless's value reader makes of a bound or enum value, for the values we accept."""
    _check(str(value) not in missing, "a bound or enum value is a missing value")
    if kind in ("integer", "year"):
        _check(_plain_int(value) and (kind == "integer" or 0 <= value <= 9999), f"{kind} bound {value!r}")
        return value
    if kind == "number":
        _check(_plain_int(value) or (isinstance(value, float) and value == value), f"number bound {value!r}")
        return value
    if kind == "date":
        _check(isinstance(value, str) and bool(ISO_DATE.match(value)), f"date bound {value!r}")
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError as error:
            raise OutsideGround(f"date bound {value!r}") from error
    raise OutsideGround(f"bound on {kind}")


def _constraints(kind: str, constraints: Any, missing: list[str]) -> dict[str, Any]:
    _check(isinstance(constraints, dict), "constraints is not an object")
    _check(set(constraints) <= LIGHT_CONSTRAINTS[kind], f"constraints {sorted(constraints)} on {kind}")
    typed: dict[str, Any] = {}
    for name, value in constraints.items():
        if name in ("required", "unique"):
            _check(isinstance(value, bool), f"{name} is not a boolean")
        elif name in ("minLength", "maxLength"):
            _check(_plain_int(value) and value >= 0, f"{name} {value!r}")
        elif name == "pattern":
            _check(isinstance(value, str), "pattern is not a string")
            try:
                re.compile(f"^{value}$")
            except re.error as error:
                raise OutsideGround(f"pattern {value!r}") from error
        elif name == "enum":
            _check(isinstance(value, list) and bool(value), "enum is not a list")
            if kind == "string":
                _check(_strings(value) and not set(value) & set(missing), "string enum")
            else:
                typed[name] = [_read_bound(kind, v, missing) for v in value]
        else:
            typed[name] = _read_bound(kind, value, missing)
    return typed


def _field(descriptor: Any, number: int, schema_missing: list[str], make: Callable[[], Any]) -> FieldSpec:
    _check(isinstance(descriptor, dict), "field is not an object")
    kind = descriptor.get("type", "string")
    _check(kind in LIGHT_CONSTRAINTS, f"type {kind!r}")
    allowed = FIELD_KEYS | FIELD_EXTRA_KEYS.get(kind, set()) | CUSTOM_FIELD_KEYS
    _check(set(descriptor) <= allowed, f"field keys {sorted(set(descriptor) - allowed)}")
    name = descriptor.get("name")
    _check(isinstance(name, str) and name != "" and name == name.strip(), f"field name {name!r}")
    for key in ("title", "description", "disclosure"):
        _check(isinstance(descriptor.get(key, ""), str), f"{key} is not a string")
    _check(descriptor.get("format", "default") == "default", "format")
    missing = descriptor.get("missingValues", schema_missing)
    _check(_strings(missing), "missingValues")
    spec = FieldSpec(name, kind, number, missing_values=list(missing), make_field=make, light=True)
    for key, target in (("trueValues", "true_values"), ("falseValues", "false_values")):
        if key in descriptor:
            _check(_strings(descriptor[key]), key)
            setattr(spec, target, list(descriptor[key]))
    spec.constraints = dict(descriptor.get("constraints", {}))
    spec.typed = _constraints(kind, spec.constraints, spec.missing_values)
    _check(_example_ok(spec, descriptor.get("example")), "example")
    return spec


def _example_ok(spec: FieldSpec, example: Any) -> bool:
    """frictionless rejects a schema whose example its type cannot read; we accept only examples we can prove."""
    if not example:
        return True
    if spec.type == "boolean" and isinstance(example, bool):
        return True
    if spec.type in ("integer", "number", "year") and _plain_int(example):
        return spec.type != "year" or 0 <= example <= 9999
    if spec.type == "number" and isinstance(example, float):
        return example == example
    if not isinstance(example, str):
        return False
    if spec.type == "string":
        return True
    from .columns import prove_one

    bare = FieldSpec(spec.name, spec.type, 1, true_values=spec.true_values, false_values=spec.false_values)
    return prove_one(bare, example)


def light_schema(descriptor: dict[str, Any]) -> TableSpec:
    """Read a schema descriptor inside the ground, or raise OutsideGround saying why."""
    _check(isinstance(descriptor, dict), "schema is not an object")
    interpreted = set(descriptor) & INTERPRETED_SCHEMA_KEYS
    _check(not interpreted, f"schema keys {sorted(interpreted)}")
    _check(descriptor.get("$schema", KNOWN_PROFILES[0]) in KNOWN_PROFILES, "$schema")
    name = descriptor.get("name", "x")
    _check(isinstance(name, str) and bool(NAME_PATTERN.match(name)), "schema name")
    for key in ("title", "description", "version"):
        _check(isinstance(descriptor.get(key, ""), str), f"{key} is not a string")
    fields = descriptor.get("fields")
    _check(isinstance(fields, list) and bool(fields), "fields")
    missing = descriptor.get("missingValues", [""])
    _check(_strings(missing), "missingValues")
    lazy = _LazySchema(descriptor)
    specs = [_field(f, i + 1, missing, lazy.field(i)) for i, f in enumerate(fields)]
    names = [f.name for f in specs]
    _check(len(set(names)) == len(names), "field names are not unique")
    primary_key = descriptor.get("primaryKey", [])
    _check(_strings(primary_key) and set(primary_key) <= set(names), "primaryKey")
    _check(len(set(primary_key)) == len(primary_key), "primaryKey repeats a field")
    return TableSpec(specs, list(primary_key))


def frictionless_spec(schema: Any) -> TableSpec:
    """The same specs for a frictionless ``Schema`` (when frictionless has opened the file anyway)."""
    specs = []
    for number, f in enumerate(schema.fields, start=1):
        missing = f.missing_values if f.has_defined("missing_values") else schema.missing_values
        defined = set(f.list_defined())
        spec = FieldSpec(f.name, f.type, number, f.format, dict(f.constraints), [str(v) for v in missing])
        spec.custom_number = bool({"bare_number", "group_char", "decimal_char", "float_number"} & defined)
        spec.plain_integer = not ("bare_number" in defined and not f.bare_number)
        if f.type == "boolean":
            spec.true_values, spec.false_values = list(f.true_values), list(f.false_values)
        for name in (*BOUNDS, "exclusiveMinimum", "exclusiveMaximum"):
            if name in f.constraints:
                spec.typed[name] = f.read_cell(f.constraints[name])[0]
        if "enum" in f.constraints and f.type != "string":
            spec.typed["enum"] = [f.read_cell(v)[0] for v in f.constraints["enum"]]
        spec.make_field = lambda f=f: f
        specs.append(spec)
    return TableSpec(specs, list(schema.primary_key), list(schema.foreign_keys))
