"""Validate runs of string columns against a table spec, producing frictionless's errors in order.

Two stages. ``check_unit`` works on one run of rows alone (any thread): vectorised checkers prove most cells
valid, the rest go through frictionless's readers, and keyed fields get their uint64 keys.
``TableValidator.process`` then takes the runs in file order (one thread): uniqueness and primary keys use
streaming key sets, ragged rows go through frictionless's Row logic, and errors are laid out row by row in
frictionless's order (cell errors by field, extra/missing cells or a blank-row error, then unique errors by
field, then the primary key), stopping at ``limit_errors`` exactly where frictionless stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from . import arrow
from .cells import CellReader
from .columns import CHECKERS, check_other
from .keys import python_key, string_keys
from .reader import Parsed
from .spec import FieldSpec, TableSpec
from .uniqueness import SeenKeys, combine_keys

NULL_KEY = np.uint64(0x5BD1E9955BD1E995)


@dataclass
class FieldPlan:
    spec: FieldSpec
    number: int
    reader: CellReader
    missing_values: list[str]
    required: bool
    keyed: bool


@dataclass
class Findings:
    """What the column checks found in one run, by position in its columns."""

    cell_errors: np.ndarray
    blank: np.ndarray
    keyed: dict[int, tuple[np.ndarray, np.ndarray]]
    proven: list[np.ndarray] = field(default_factory=list)  # per column: cells proven valid


@dataclass
class RunResult:
    """What one run found, by row number."""

    cell_errors: set[int] = field(default_factory=set)
    blank: set[int] = field(default_factory=set)
    ragged: dict[int, list[str]] = field(default_factory=dict)
    duplicates: dict[int, dict[int, int]] = field(default_factory=dict)
    pk_errors: dict[int, int | None] = field(default_factory=dict)


def make_plans(table: TableSpec) -> list[FieldPlan]:
    plans = []
    for spec in table.fields:
        keyed = spec.unique or spec.name in table.primary_key
        plans.append(FieldPlan(spec, spec.number, CellReader(spec), spec.missing_values, spec.required, keyed))
    return plans


def is_missing(raw: pa.Array, missing_values: list[str]) -> np.ndarray:
    """Cells frictionless reads as None (a few equality tests beat a hash lookup here)."""
    found = np.zeros(len(raw), dtype=bool)
    for value in missing_values:
        if value == "":
            found |= np.diff(arrow.offsets(raw)) == 0
        else:
            found |= arrow.compare("equal", raw, arrow.string_scalar(value))
    return found


def _check_column(plan: FieldPlan, raw: pa.Array) -> tuple[np.ndarray, np.ndarray, tuple | None, np.ndarray]:
    """(missing mask, positions with a cell error, keys and nulls if keyed, cells proven valid)."""
    missing = is_missing(raw, plan.missing_values)
    if not plan.required and missing.all():  # nothing to prove or key (withheld and unused fields): all valid
        keys = (np.zeros(len(raw), np.uint64), missing) if plan.keyed else None
        return missing, np.zeros(0, dtype=np.int64), keys, missing
    checked = CHECKERS.get(plan.spec.type, check_other)(plan.spec, raw, missing)
    todo = np.flatnonzero(~checked.ok & (~missing | plan.required))
    failed: list[int] = []
    type_failed = np.zeros(len(raw), dtype=bool)
    patch: dict[int, Any] = {}
    if len(todo):
        for i, source in zip(todo.tolist(), arrow.take(raw, todo).to_pylist(), strict=True):
            target, notes = plan.reader(source)
            if notes:
                failed.append(i)
                type_failed[i] = "type" in notes
            elif target is not None:
                patch[i] = target
    errors = np.array(failed, dtype=np.int64)
    if not plan.keyed:
        return missing, errors, None, checked.ok
    keys = checked.keys
    if keys is None:
        keys = string_keys(raw) if plan.spec.type == "string" else np.zeros(len(raw), np.uint64)
    if patch:
        keys = keys.copy()
        for i, target in patch.items():
            keys[i] = python_key(target)
    return missing, errors, (keys, missing | type_failed), checked.ok


def check_unit(plans: list[FieldPlan], parsed: Parsed) -> Findings:
    """Column checks of one run; safe to call from several threads at once."""
    blank = np.ones(len(parsed.local), dtype=bool)
    errors, keyed, proven = [], {}, []
    for plan in plans:
        missing, failed, keys, ok = _check_column(plan, parsed.columns[plan.number - 1])
        blank &= missing
        errors.append(failed)
        proven.append(ok)
        if keys is not None:
            keyed[plan.number] = keys
    failed = np.concatenate(errors)
    return Findings(np.unique(failed) if len(failed) else failed, np.flatnonzero(blank), keyed, proven)


class TableValidator:
    """Holds per-file state (key sets, error list) while runs arrive in file order."""

    def __init__(self, table: TableSpec, limit_errors: int, initial_errors: list) -> None:
        self.table = table
        self.limit = limit_errors
        self.errors = [e if isinstance(e, dict) else e.to_descriptor() for e in initial_errors]
        self.rows = 0
        self.partial = False
        self.plans = make_plans(table)
        self.unique = {p.number: SeenKeys(hashed=p.spec.type == "string") for p in self.plans if p.spec.unique}
        self.pk_numbers = [table.names.index(n) + 1 for n in table.primary_key]
        # A one-field primary key that is also unique has exactly the unique check's duplicates.
        self.pk_shares_unique = len(self.pk_numbers) == 1 and self.pk_numbers[0] in self.unique
        self.pk_seen = SeenKeys(hashed=True) if self.pk_numbers and not self.pk_shares_unique else None

    # Keys

    def _ragged_keys(self, found: RunResult, number: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = sorted(found.ragged)
        plan = self.plans[number - 1]
        values = [self._value(plan, found.ragged[r]) for r in rows]
        keys = np.array([python_key(v) if v is not None else 0 for v in values], dtype=np.uint64)
        nulls = np.array([v is None for v in values], dtype=bool)
        return np.array(rows, dtype=np.int64), keys, nulls

    def _merge(self, numbers, keys, nulls, found: RunResult, number: int):
        """Merge the run's keys with ragged rows' keys in row order."""
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

    def _check_keys(self, numbers: np.ndarray, keyed: dict[int, tuple], found: RunResult) -> None:
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

    # Runs

    def process(self, parsed: Parsed, findings: Findings, base: int) -> bool:
        """Take the next run (its records start after row ``base``); False once the error limit stopped."""
        numbers = parsed.local + base
        found = RunResult(
            cell_errors=set(numbers[findings.cell_errors].tolist()),
            blank=set(numbers[findings.blank].tolist()),
            ragged={n + base: cells for n, cells in parsed.ragged},
        )
        self._check_keys(numbers, findings.keyed, found)
        return self._emit(parsed, numbers, found, findings.proven)

    def _row_errors(self, number: int, cells: list[str], found: RunResult, proven: set[int]) -> list:
        from .rows import RowKeys, row_errors  # only files with errors need it

        keys = RowKeys({n: d[number] for n, d in found.duplicates.items() if number in d})
        if number in found.pk_errors:
            keys.pk_error, keys.pk_previous = True, found.pk_errors[number]
        return row_errors(number, cells, self.plans, list(self.unique), self.pk_numbers, keys, proven)

    @staticmethod
    def _value(plan: FieldPlan, cells: list[str]) -> Any:
        source = cells[plan.number - 1] if len(cells) >= plan.number else None
        return plan.reader(source)[0]

    def _emit(self, parsed: Parsed, numbers: np.ndarray, found: RunResult, proven: list[np.ndarray]) -> bool:
        error_rows = (found.cell_errors | found.blank | set(found.ragged) | set(found.pk_errors)).union(
            *found.duplicates.values()
        )
        all_rows = len(numbers) + len(found.ragged)
        if all_rows and self.limit and len(self.errors) >= self.limit:
            return self._stop(min([*numbers[:1].tolist(), *found.ragged]))
        ordered = sorted(error_rows)
        regular = [n for n in ordered if n not in found.ragged]
        # The cells of every error row at once: one take per column instead of a scalar per cell.
        at = np.searchsorted(numbers, np.array(regular, dtype=np.int64))
        columns = [arrow.take(column, at).to_pylist() for column in parsed.text_columns()] if regular else []
        row_cells = dict(zip(regular, zip(*columns, strict=True), strict=True)) if columns else {}
        # Which fields the checkers proved valid in each of those rows: frictionless's reader has nothing
        # to say about them, so the row's replay skips reading them.
        bits = [ok[at] for ok in proven] if regular else []
        row_proven = dict(zip(regular, zip(*bits, strict=True), strict=True)) if bits else {}
        for number in ordered:
            if number in found.ragged:
                cells, sure = found.ragged[number], set()
            else:
                cells = list(row_cells[number])
                sure = {i + 1 for i, b in enumerate(row_proven.get(number, ())) if b}
            self.errors.extend(self._row_errors(number, cells, found, sure))
            if self.limit and len(self.errors) >= self.limit:
                return self._stop(number)
        self.rows += all_rows
        return True

    def _stop(self, number: int) -> bool:
        self.errors = self.errors[: self.limit]
        self.rows = number - 1
        self.partial = True
        return False
