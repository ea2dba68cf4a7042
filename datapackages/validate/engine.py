"""Validate batches of string columns against a frictionless schema, producing frictionless's errors in order.

Per batch: vectorised checkers prove most cells valid; the rest go through frictionless's readers; ragged
rows go through frictionless's Row; uniqueness and primary keys use streaming key sets. Errors are then laid
out row by row in frictionless's order (cell errors by field, extra/missing cells or a blank-row error, then
unique errors by field, then the primary key), stopping at ``limit_errors`` exactly where frictionless stops.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import Field, Schema

from .cells import CellReader
from .columns import CHECKERS, check_other, python_key, string_keys
from .reader import Batch
from .rows import RowKeys, row_errors
from .uniqueness import SeenKeys, combine_keys

WORKERS = min(2, os.cpu_count() or 1)
NULL_KEY = np.uint64(0x5BD1E9955BD1E995)


@dataclass
class FieldPlan:
    field: Field
    number: int
    reader: CellReader
    missing_values: list[str]
    required: bool
    keyed: bool


@dataclass
class BatchResult:
    """What one batch found, indexed by row number."""

    cell_errors: set[int] = field(default_factory=set)
    blank: set[int] = field(default_factory=set)
    ragged: dict[int, list[str]] = field(default_factory=dict)
    duplicates: dict[int, dict[int, int]] = field(default_factory=dict)
    pk_errors: dict[int, int | None] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _shared_pool() -> ThreadPoolExecutor:
    """Arrow kernels release the GIL, so two threads check columns on two cores."""
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="datapackages-columns")


def is_missing(raw: pa.Array, missing_values: list[str]) -> np.ndarray:
    """Cells frictionless reads as None (a few equality tests beat a hash lookup here)."""
    found = np.zeros(len(raw), dtype=bool)
    for value in missing_values:
        if value == "":
            offsets = np.frombuffer(raw.buffers()[1], dtype=np.int32)[raw.offset : raw.offset + len(raw) + 1]
            found |= np.diff(offsets) == 0
        else:
            found |= np.asarray(pc.equal(raw, value).fill_null(False), dtype=bool)
    return found


class TableValidator:
    """Holds per-file state (key sets, error list) while batches stream through."""

    def __init__(self, schema: Schema, limit_errors: int, initial_errors: list) -> None:
        self.schema = schema
        self.limit = limit_errors
        self.errors = [e if isinstance(e, dict) else e.to_descriptor() for e in initial_errors]
        self.rows = 0
        self.partial = False
        self.plans = [self._plan(f, i) for i, f in enumerate(schema.fields, start=1)]
        self.unique = {p.number: SeenKeys() for p in self.plans if p.field.constraints.get("unique")}
        names = [f.name for f in schema.fields]
        self.pk_numbers = [names.index(n) + 1 for n in schema.primary_key]
        self._pool = _shared_pool()
        # A one-field primary key that is also unique has exactly the unique check's duplicates.
        self.pk_shares_unique = len(self.pk_numbers) == 1 and self.pk_numbers[0] in self.unique
        self.pk_seen = SeenKeys() if self.pk_numbers and not self.pk_shares_unique else None

    def _plan(self, f: Field, number: int) -> FieldPlan:
        missing = f.missing_values if f.has_defined("missing_values") else self.schema.missing_values
        keyed = bool(f.constraints.get("unique")) or f.name in self.schema.primary_key
        return FieldPlan(f, number, CellReader(f, number), [str(v) for v in missing], f.required, keyed)

    # Cells

    def _check_column(self, plan: FieldPlan, raw: pa.Array, numbers: np.ndarray, found: BatchResult):
        missing = is_missing(raw, plan.missing_values)
        checked = CHECKERS.get(plan.field.type, check_other)(plan.field, raw, missing)
        todo = np.flatnonzero(~checked.ok & (~missing | plan.required))
        type_failed = np.zeros(len(raw), dtype=bool)
        patch: dict[int, Any] = {}
        for i, source in zip(todo.tolist(), raw.take(pa.array(todo)).to_pylist(), strict=True):
            target, notes = plan.reader(source)
            if notes:
                found.cell_errors.add(int(numbers[i]))
                type_failed[i] = "type" in notes
            elif target is not None:
                patch[i] = target
        if not plan.keyed:
            return missing, None
        keys = checked.keys
        if keys is None:
            keys = string_keys(raw) if plan.field.type == "string" else np.zeros(len(raw), np.uint64)
        if patch:
            keys = keys.copy()
            for i, target in patch.items():
                keys[i] = python_key(target)
        return missing, (keys, missing | type_failed)

    def _ragged_keys(self, found: BatchResult, number: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = sorted(found.ragged)
        plan = self.plans[number - 1]
        values = [self._value(plan, found.ragged[r]) for r in rows]
        keys = np.array([python_key(v) if v is not None else 0 for v in values], dtype=np.uint64)
        nulls = np.array([v is None for v in values], dtype=bool)
        return np.array(rows, dtype=np.int64), keys, nulls

    # Keys

    def _merge(self, numbers, keys, nulls, found: BatchResult, number: int):
        """Merge the batch's keys with ragged rows' keys in row order."""
        if not found.ragged:
            return numbers, keys, nulls
        r_numbers, r_keys, r_nulls = self._ragged_keys(found, number)
        all_numbers = np.concatenate([numbers, r_numbers])
        order = np.argsort(all_numbers, kind="stable")
        return (
            all_numbers[order],
            np.concatenate([keys, r_keys])[order],
            np.concatenate([nulls, r_nulls])[order],
        )

    def _check_keys(self, numbers: np.ndarray, keyed: dict[int, tuple], found: BatchResult) -> None:
        for number, seen in self.unique.items():
            all_numbers, keys, nulls = self._merge(numbers, *keyed[number], found, number)
            found.duplicates[number] = seen.check(keys[~nulls], all_numbers[~nulls])
        if self.pk_shares_unique:
            all_numbers, _, nulls = self._merge(numbers, *keyed[self.pk_numbers[0]], found, self.pk_numbers[0])
            found.pk_errors = dict.fromkeys(all_numbers[nulls].tolist())
            found.pk_errors.update(found.duplicates[self.pk_numbers[0]])
            return
        if self.pk_seen is None:
            return
        parts = [self._merge(numbers, *keyed[n], found, n) for n in self.pk_numbers]
        all_numbers = parts[0][0]
        nulls = np.logical_and.reduce([p[2] for p in parts])
        keys = combine_keys([np.where(p[2], NULL_KEY, p[1]) for p in parts])
        found.pk_errors = dict.fromkeys(all_numbers[nulls].tolist())
        found.pk_errors.update(self.pk_seen.check(keys[~nulls], all_numbers[~nulls]))

    # Batches

    def process(self, batch: Batch) -> bool:
        """Check one batch; return False once the error limit stopped validation."""
        numbers = batch.row_numbers
        found = BatchResult()
        found.ragged = dict(batch.ragged)
        blank = np.ones(len(numbers), dtype=bool)
        keyed: dict[int, tuple] = {}
        checks = self._pool.map(
            lambda plan: self._check_column(plan, batch.columns[plan.number - 1], numbers, found), self.plans
        )
        for plan, (missing, keys) in zip(self.plans, checks, strict=True):
            blank &= missing
            if keys is not None:
                keyed[plan.number] = keys
        found.blank = set(numbers[blank].tolist())
        self._check_keys(numbers, keyed, found)
        return self._emit(batch, found)

    def _row_cells(self, batch: Batch, number: int) -> list[str]:
        i = int(np.searchsorted(batch.row_numbers, number))
        return [str(column[i].as_py()) for column in batch.columns]

    def _row_errors(self, number: int, cells: list[str], found: BatchResult) -> list:
        keys = RowKeys({n: d[number] for n, d in found.duplicates.items() if number in d})
        if number in found.pk_errors:
            keys.pk_error, keys.pk_previous = True, found.pk_errors[number]
        return row_errors(number, cells, self.plans, list(self.unique), self.pk_numbers, keys)

    @staticmethod
    def _value(plan: FieldPlan, cells: list[str]) -> Any:
        source = cells[plan.number - 1] if len(cells) >= plan.number else None
        return plan.reader(source)[0]

    def _emit(self, batch: Batch, found: BatchResult) -> bool:
        error_rows = (set(found.cell_errors) | found.blank | set(found.ragged) | set(found.pk_errors)).union(
            *found.duplicates.values()
        )
        all_rows = len(batch.row_numbers) + len(batch.ragged)
        if all_rows and self.limit and len(self.errors) >= self.limit:
            first = min([*batch.row_numbers[:1].tolist(), *found.ragged])
            return self._stop(first)
        for number in sorted(error_rows):
            if number in found.ragged:
                cells = found.ragged[number]
            else:
                cells = self._row_cells(batch, number)
            self.errors.extend(self._row_errors(number, cells, found))
            if self.limit and len(self.errors) >= self.limit:
                return self._stop(number)
        self.rows += all_rows
        return True

    def _stop(self, number: int) -> bool:
        self.errors = self.errors[: self.limit]
        self.rows = number - 1
        self.partial = True
        return False
