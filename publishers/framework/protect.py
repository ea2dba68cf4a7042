"""What may leave the partner: the release modes. Open data withholds direct identifiers; data about people
leaves only as a synthetic look-alike that passed the privacy gate, or as disclosure-controlled counts.
Every refusal fails the run before anything is pushed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from datapackages.schemas import field_disclosure, load_schema
from publishers.framework.errors import DataError, Problem
from publishers.framework.geography import Geography
from publishers.framework.mapping import constant_column
from publishers.framework.spec import Aggregate, MetadataOnly, Open, Release, Synthetic


@dataclass
class Released:
    """The rows to publish (strings, on ``schema``) and the evidence that goes with them."""

    frame: pd.DataFrame | None
    schema: dict[str, Any]
    report_kind: str | None = None  # "synthetic" or "disclosure"
    report: dict[str, Any] | None = None
    report_html: str | None = None
    notes: list[str] = field(default_factory=list)
    checked: tuple[Path, dict[str, Any]] | None = None  # the file already validated as released, and its report


def protect(
    rows: pd.DataFrame, checked_csv: Path, schema: dict[str, Any], release: Release, geo: Geography | None
) -> Released:
    if isinstance(release, Open):
        return _open(rows, schema, release)
    if isinstance(release, Synthetic):
        return _synthetic(checked_csv, schema, release)
    if isinstance(release, Aggregate):
        return _aggregate(rows, release, geo)
    if isinstance(release, MetadataOnly):
        return Released(None, schema, notes=["metadata only: no rows are released"])
    raise TypeError(f"unknown release mode {release!r}")


def _open(rows: pd.DataFrame, schema: dict[str, Any], release: Open) -> Released:
    frame, notes = withhold(rows, schema, release)
    return Released(frame, schema, notes=notes)


def withhold(rows: pd.DataFrame, schema: dict[str, Any], release: Open) -> tuple[pd.DataFrame, list[str]]:
    """Blank direct identifiers and the fields the spec withholds; the notes say which had values."""
    disclosure = field_disclosure(schema)
    blank = [name for name, kind in disclosure.items() if kind == "direct-identifier"] + list(release.withhold)
    out = rows.copy()
    notes = []
    for name in blank:
        if name in out.columns and out[name].ne("").any():
            notes.append(f"{name}: withheld ({disclosure.get(name, 'none').replace('-', ' ')})")
        if name in out.columns:
            out[name] = blank_text(len(out), out.index)
    return out, notes


def blank_text(n: int, index: pd.Index) -> pd.Series:
    """``n`` empty strings, built in Arrow (assigning "" to a column makes a million Python objects)."""
    return constant_column("", n).set_axis(index)


def _synthetic(checked_csv: Path, schema: dict[str, Any], release: Synthetic) -> Released:
    """Fit on most real rows, keep the rest back to measure privacy, and release only what the gate passes."""
    from synthetic import fit
    from synthetic.gate import check
    from synthetic.report import build_report, render_html
    from synthetic.schema import SchemaError

    real = pd.read_csv(checked_csv, dtype=str, keep_default_na=False, na_values=schema.get("missingValues", [""]))
    order = np.random.default_rng(release.seed).permutation(len(real))
    cut = int(round(len(real) * release.holdout_share))
    train, holdout = real.iloc[order[cut:]].reset_index(drop=True), real.iloc[order[:cut]].reset_index(drop=True)
    try:
        model = fit(train, schema, seed=release.seed, k=release.k, combo_k=release.combo_k)
        synth = model.sample(release.rows or len(real), seed=release.seed + 1)
    except (SchemaError, RuntimeError) as exc:
        raise DataError(
            "cannot synthesise this data safely", [Problem("(synthetic)", None, "", str(exc), "")]
        ) from None
    gate = check(train, holdout, synth, schema)
    if not gate.passed:
        raise DataError(
            "the privacy gate refused the synthetic release; nothing was published",
            [
                Problem("(privacy gate)", None, "", reason, "a release that passes every check")
                for reason in gate.reasons
            ],
        )
    title = f"Synthetic data report: {schema.get('title', schema.get('name'))}"
    report = build_report(train, holdout, synth, schema, gate_result=gate, notes=model.notes, title=title)
    report["distributions"] = distributions(train, synth, schema)
    frame = _as_text(synth, schema)
    return Released(frame, schema, "synthetic", report, render_html(report), notes=list(model.notes))


TIME_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%dT%H:%M:%S"}


def _as_text(frame: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    """Synthetic values written the way the schema's types read them (dates as dates, booleans as true/false)."""
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    out = {}
    for name in frame.columns:
        column = frame[name]
        fmt = TIME_FORMATS.get(types.get(name, ""))
        if fmt and not pd.api.types.is_string_dtype(column):
            text = pd.to_datetime(column, errors="coerce").dt.strftime(fmt)
        else:
            text = column.astype(object).map(_text, na_action="ignore")
        out[name] = text.where(column.notna(), "").astype(object).fillna("")
    return pd.DataFrame(out)


def _text(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def distributions(real: pd.DataFrame, synth: pd.DataFrame, schema: dict[str, Any], limit: int = 6) -> dict:
    """Real against synthetic shares for the first few categorical fields, for the report's charts."""
    out: dict[str, Any] = {}
    for spec in schema["fields"]:
        name = spec["name"]
        if spec.get("disclosure") == "direct-identifier" or name not in real or name not in synth:
            continue
        if spec["type"] not in ("string", "boolean") or real[name].nunique() > 12:
            continue
        shares_real = real[name].fillna("(missing)").astype(str).value_counts(normalize=True)
        shares_synth = (
            synth[name].astype(object).map(_text, na_action="ignore").fillna("(missing)").value_counts(normalize=True)
        )
        labels = list(shares_real.index[:10])
        out[name] = {
            "labels": labels,
            "real": [round(float(shares_real.get(k, 0.0)), 4) for k in labels],
            "synthetic": [round(float(shares_synth.get(k, 0.0)), 4) for k in labels],
        }
        if len(out) == limit:
            break
    return out


def _periods(values: pd.Series, period_type: str) -> pd.Series:
    parsed = pd.to_datetime(values.where(values.ne(""), None), errors="coerce", format="mixed")
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[period_type]
    return parsed.dt.to_period(freq)


def _aggregate(rows: pd.DataFrame, spec: Aggregate, geo: Geography | None) -> Released:
    """Counts by area x period for each (service, measure), small cells suppressed so that none can be
    worked back from the others, audited by linear programming (synthetic.aggregate)."""
    from synthetic.aggregate import recoverable_cells, suppress

    schema = load_schema(spec.schema)
    periods = _periods(rows[spec.period].astype(str), spec.period_type)
    usable = rows[spec.area].ne("").to_numpy(dtype=bool) & periods.notna().to_numpy()
    notes = []
    if (~usable).any():
        notes.append(f"{int((~usable).sum())} record(s) without an area or period are not counted")
    records = pd.DataFrame(
        {
            "area": rows.loc[usable, spec.area].astype(str).to_numpy(),
            "period": periods[usable].astype(str).to_numpy(),
            "service": rows.loc[usable, spec.service].astype(str).to_numpy(),
            "measure": _slug(rows.loc[usable, spec.measure].astype(str)).to_numpy(),
        }
    )
    areas = sorted(records["area"].unique())
    period_index = pd.period_range(periods[usable].min(), periods[usable].max(), freq=periods.dt.freq)
    spans = records.groupby("service")["period"].agg(["min", "max"])  # each service over its own periods
    tables, audit = [], {"tables": 0, "cells": 0, "primary": 0, "secondary": 0, "recoverable": 0}
    for (service, measure), group in records.groupby(["service", "measure"], sort=True):
        own = [str(p) for p in period_index if spans.loc[service, "min"] <= str(p) <= spans.loc[service, "max"]]
        grid = _grid(group, areas, own)
        out = suppress(grid, threshold=spec.threshold, rounding_base=spec.rounding_base, area="area", period="period")
        _audit(grid, out, spec, audit, recoverable_cells)
        out["service"], out["demand_measure"] = service, measure
        tables.append(out)
    if audit["recoverable"]:
        raise DataError("suppressed counts could be worked out from the others; nothing was published", [])
    frame = _to_schema(pd.concat(tables, ignore_index=True), period_index, spec, geo, rows)
    report = _disclosure_report(spec, audit, records, frame)
    return Released(frame, schema, "disclosure", report, None, notes=notes)


def _slug(values: pd.Series) -> pd.Series:
    return values.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-").replace("", "unspecified")


def _grid(group: pd.DataFrame, areas: list[str], periods: list[str]) -> pd.DataFrame:
    counts = group.groupby(["area", "period"]).size()
    index = pd.MultiIndex.from_product([areas, periods], names=["area", "period"])
    return counts.reindex(index, fill_value=0).rename("count").reset_index()


def _audit(grid: pd.DataFrame, out: pd.DataFrame, spec: Aggregate, audit: dict[str, int], recoverable) -> None:  # noqa: ANN001
    matrix = grid.pivot(index="area", columns="period", values="count")
    values = matrix.to_numpy(dtype=np.int64)
    hidden = out.pivot(index="area", columns="period", values="suppressed").reindex_like(matrix).to_numpy(dtype=bool)
    primary = (values >= 1) & (values < spec.threshold) if spec.rounding_base is None else np.zeros_like(hidden)
    audit["tables"] += 1
    audit["cells"] += values.size
    audit["primary"] += int(primary.sum())
    audit["secondary"] += int((hidden & ~primary).sum())
    if hidden.any():
        audit["recoverable"] += len(recoverable(values, hidden))


def _to_schema(table: pd.DataFrame, period_index: pd.PeriodIndex, spec: Aggregate, geo, rows) -> pd.DataFrame:  # noqa: ANN001
    starts = {str(p): p.start_time.strftime("%Y-%m-%d") for p in period_index}
    ends = {str(p): p.end_time.strftime("%Y-%m-%d") for p in period_index}
    authority = geo.authority_of(table["area"]) if geo is not None and geo.lsoa_authority else None
    if authority is None and "local_authority_code" in rows:
        known = rows[[spec.area, "local_authority_code"]].astype(str)
        lookup = known[known["local_authority_code"].ne("")].drop_duplicates(spec.area).set_index(spec.area)
        authority = table["area"].map(lookup["local_authority_code"]).fillna("")
    hidden = table["suppressed"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "lsoa_code": table["area"],
            "local_authority_code": authority if authority is not None else "",
            "period_start": table["period"].map(starts),
            "period_end": table["period"].map(ends),
            "period_type": spec.period_type,
            "service": table["service"],
            "demand_measure": table["demand_measure"],
            "count": np.where(hidden, "", table["count"].astype(str)),
            "suppressed": np.where(hidden, "true", "false"),
        }
    ).astype(str)


def _disclosure_report(spec: Aggregate, audit: dict[str, int], records: pd.DataFrame, frame: pd.DataFrame) -> dict:
    method = (
        f"counts rounded to the nearest {spec.rounding_base}"
        if spec.rounding_base
        else f"counts of 1 to {spec.threshold - 1} suppressed, then secondary suppression until no suppressed "
        "count can be worked out from row or column totals (every suppressed cell audited exactly)"
    )
    return {
        "title": "Disclosure control report",
        "verdict": "released",
        "method": method,
        "threshold": spec.threshold,
        "records_counted": int(len(records)),
        "tables": audit["tables"],
        "cells": audit["cells"],
        "primary_suppressed": audit["primary"],
        "secondary_suppressed": audit["secondary"],
        "recoverable_cells_found": audit["recoverable"],
        "published_rows": int(len(frame)),
    }
