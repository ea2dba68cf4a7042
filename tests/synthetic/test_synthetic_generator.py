"""The generator honours every field type, constraint and disclosure class, and is deterministic."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

import synthetic
from synthetic.combinations import RareCombinations
from synthetic.metrics import tv_complement
from synthetic.schema import SchemaError, parse_schema
from synthetic.tabular import is_numeric, normalise
from synthetic.validity import schema_violations
from tests.synthetic.synthetic_fixtures import INCIDENT_SCHEMA


@pytest.fixture(scope="module")
def synth(incident_model):
    return incident_model.sample(3000, seed=11)


def test_every_row_satisfies_the_schema(synth):
    assert schema_violations(synth, parse_schema(INCIDENT_SCHEMA)) == []
    assert list(synth.columns) == [f["name"] for f in INCIDENT_SCHEMA["fields"]]
    assert len(synth) == 3000


def test_types_are_written_back(synth):
    assert pd.api.types.is_datetime64_any_dtype(synth["reported_at"])
    assert pd.api.types.is_datetime64_any_dtype(synth["call_date"])
    assert (synth["call_date"] == synth["call_date"].dt.normalize()).all()
    assert str(synth["officers"].dtype) == "Int64"
    assert str(synth["repeat_victim"].dtype) == "boolean"
    assert synth["cost"].dtype == np.float64


def test_direct_identifiers_are_fresh_and_well_formed(synth, incident_split):
    train = incident_split[0]
    assert synth["incident_id"].is_unique
    assert synth["incident_id"].str.fullmatch(r"INC[0-9]{7}").all()
    assert not set(synth["incident_id"]) & set(train["incident_id"])
    uprn = synth["uprn"].dropna().astype(str)
    assert uprn.str.fullmatch(r"9[0-9]{11}").all()
    assert not set(synth["uprn"].dropna()) & set(train["uprn"].dropna())
    assert abs(synth["uprn"].isna().mean() - train["uprn"].isna().mean()) < 0.05


def test_pseudonymous_keys_repeat_like_real_callers(synth, incident_split):
    real = incident_split[0]["caller_key"].value_counts()
    fake = synth["caller_key"].value_counts()
    assert not set(fake.index) & set(real.index)
    assert abs((fake == 1).mean() - (real == 1).mean()) < 0.1
    assert fake.max() > 5, "repeat callers must exist"


def test_free_text_is_dropped(synth):
    assert synth["notes"].isna().all()


def test_coordinates_are_coarsened_to_grid_centres(synth):
    cells = (synth["latitude"] - 0.005) / 0.01
    assert np.allclose(cells, np.round(cells), atol=1e-6)


def test_spikes_missing_rates_and_seasonality_are_kept(synth, incident_split):
    train = incident_split[0]
    zero_real = (pd.to_numeric(train["cost"]) == 0).mean()
    assert abs((synth["cost"] == 0).mean() - zero_real) < 0.03
    assert abs(synth["cost"].isna().mean() - train["cost"].isna().mean()) < 0.02
    hours_real = pd.to_datetime(train["reported_at"]).dt.hour
    assert tv_complement(hours_real, synth["reported_at"].dt.hour) > 0.93
    assert synth["reported_at"].dt.hour.value_counts().idxmax() in (17, 18, 19, 20)


def test_date_beside_its_timestamp_is_that_timestamps_day(synth, incident_model):
    assert (synth["call_date"] == synth["reported_at"].dt.normalize()).all()
    assert any("call_date: the date of reported_at" in note for note in incident_model.notes)


def test_deterministic_relation_survives(synth):
    asb = synth["category"] == "Anti-social behaviour"
    assert (synth.loc[asb, "officers"] == 0).mean() > 0.99
    assert (synth.loc[~asb, "officers"] > 0).mean() > 0.99


def test_rare_categories_are_never_released(incident_model, synth, incident_split):
    counts = incident_split[0]["lsoa"].value_counts()
    rare = set(counts.index[counts < 10])
    assert rare, "fixture must contain rare LSOAs"
    assert not synth["lsoa"].isin(rare).any()
    assert any(note.startswith("lsoa: ") for note in incident_model.notes)


def test_numeric_extremes_are_capped(synth, incident_split):
    real = pd.to_numeric(incident_split[0]["cost"]).dropna().sort_values().to_numpy()
    assert synth["cost"].max() <= real[-10]


def test_no_released_number_lies_beyond_the_kth_order_statistic(synth, incident_split):
    """Top- and bottom-coding at k=10: every released number, date and time is within the real rows' 10th
    smallest and 10th largest values (at the released grid for coarsened coordinates), so no extreme is held by
    fewer than 10 real people."""
    table = parse_schema(INCIDENT_SCHEMA)
    real, fake = normalise(incident_split[0], table), normalise(synth, table)
    checked = []
    for spec in table.learned:
        if not is_numeric(spec):
            continue
        values = np.sort(real[spec.name].dropna().to_numpy())
        if spec.coarsen_to:
            values = np.floor(values / spec.coarsen_to) * spec.coarsen_to + spec.coarsen_to / 2
        released = fake[spec.name].dropna()
        assert released.min() >= values[9] - 1e-9, spec.name
        assert released.max() <= values[-10] + 1e-9, spec.name
        checked.append(spec.name)
    assert set(checked) == {"reported_at", "call_date", "officers", "cost", "latitude"}


def _rare_categorical_triples(real: pd.DataFrame, rows: pd.DataFrame, columns: list[str]) -> int:
    """Rows of ``rows`` holding the values of a combination of up to three of ``columns`` that exactly one real
    row holds (counted independently of the generator, with pandas group sizes)."""
    hits = np.zeros(len(rows), dtype=bool)
    real, rows = real[columns].fillna("<missing>"), rows[columns].fillna("<missing>").reset_index(drop=True)
    for width in (1, 2, 3):
        for combo in combinations(columns, width):
            sizes = real.groupby(list(combo)).size()
            unique = sizes[sizes == 1].reset_index()[list(combo)]
            hits |= rows.merge(unique, on=list(combo), how="left", indicator=True)["_merge"].eq("both").to_numpy()
    return int(hits.sum())


def test_no_sampled_row_reproduces_a_real_unique_combination_of_three_values(incident_split):
    """A synthetic row must not hold a combination of up to three values that exactly one real person holds (SUDA's
    special uniques) when the filter is on (combo_k=2); with it off (the default) such rows do appear, so the check
    is not vacuous."""
    train = incident_split[0]
    table = parse_schema(INCIDENT_SCHEMA)
    categorical = [f.name for f in table.learned if not is_numeric(f)]
    real = normalise(train, table)
    filtered = synthetic.fit(train, INCIDENT_SCHEMA, seed=5, combo_k=2).sample(3000, seed=6)
    unfiltered = synthetic.fit(train, INCIDENT_SCHEMA, seed=5).sample(3000, seed=6)
    assert _rare_categorical_triples(real, normalise(unfiltered, table), categorical) > 0
    assert _rare_categorical_triples(real, normalise(filtered, table), categorical) == 0


def test_rare_combinations_flag_only_combinations_few_real_rows_hold():
    real = pd.DataFrame(
        {
            "a": ["x"] * 30 + ["y"] * 30,
            "b": ["p"] * 29 + ["q", "q"] + ["p"] * 29,
            "n": np.arange(60, dtype=float),
        }
    )
    rare = RareCombinations.fit(real, ["n"], k=2, size=2)
    rows = pd.DataFrame({"a": ["x", "z", "x", "y"], "b": ["q", "q", "p", "p"], "n": [0.0, 59.0, 59.0, 0.0]})
    # (x, q) is held by one real row; no real row holds z, or q with a number in the top band, or x in the top band
    # or y in the bottom one (absent combinations point at nobody); (x, p) and the bands alone are held by many.
    assert rare.flag(rows).tolist() == [True, False, False, False]
    assert RareCombinations.fit(real, ["n"], k=31, size=1).flag(rows).tolist() == [True, True, True, True]


def test_same_seed_same_rows_and_different_seed_different_rows(incident_split):
    train = incident_split[0]
    a = synthetic.fit(train, INCIDENT_SCHEMA, seed=5).sample(500, seed=9)
    b = synthetic.fit(train, INCIDENT_SCHEMA, seed=5).sample(500, seed=9)
    c = synthetic.fit(train, INCIDENT_SCHEMA, seed=5).sample(500, seed=10)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_no_sampled_row_copies_a_training_row(incident_model, incident_split):
    synth = incident_model.sample(2000, seed=4)
    assert not incident_model.is_disclosive(synth.drop(columns=_unlearned())).any()


def _unlearned() -> list[str]:
    return [f.name for f in parse_schema(INCIDENT_SCHEMA).fields if not f.is_learned]


def test_enum_violation_in_real_data_is_reported_with_row(incident_split):
    bad = incident_split[0].copy()
    bad.loc[17, "category"] = "Arson"
    with pytest.raises(SchemaError, match=r"'category'.*rows \[17\]"):
        synthetic.fit(bad, INCIDENT_SCHEMA, seed=1)


def test_unparseable_number_is_reported(incident_split):
    bad = incident_split[0].copy()
    bad["officers"] = bad["officers"].astype(object)
    bad.loc[3, "officers"] = "three"
    with pytest.raises(SchemaError, match=r"'officers'.*rows \[3\]"):
        synthetic.fit(bad, INCIDENT_SCHEMA, seed=1)


def test_missing_required_value_is_reported(incident_split):
    bad = incident_split[0].copy()
    bad.loc[8, "reported_at"] = None
    with pytest.raises(SchemaError, match=r"'reported_at'.*required"):
        synthetic.fit(bad, INCIDENT_SCHEMA, seed=1)


def test_undescribed_column_is_refused(incident_split):
    bad = incident_split[0].assign(nhs_number="123")
    with pytest.raises(SchemaError, match="nhs_number"):
        synthetic.fit(bad, INCIDENT_SCHEMA, seed=1)


def test_bad_schema_is_reported():
    with pytest.raises(SchemaError, match="disclosure"):
        parse_schema({"fields": [{"name": "a", "type": "string", "disclosure": "secret"}]})
    with pytest.raises(SchemaError, match="type"):
        parse_schema({"fields": [{"name": "a", "type": "geojson"}]})


def test_boolean_true_false_values_and_year_type():
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "flag": rng.choice(["Y", "N"], n),
            "year": rng.integers(1990, 2020, n).astype(str),
            "amount": np.round(rng.normal(100, 20, n), 1),
        }
    )
    schema = {
        "fields": [
            {"name": "amount", "type": "number"},
            {"name": "flag", "type": "boolean", "trueValues": ["Y"], "falseValues": ["N"]},
            {"name": "year", "type": "year", "constraints": {"minimum": 1995}},
        ]
    }
    out = synthetic.fit(df, schema, seed=1).sample(300, seed=2)
    assert set(out["flag"].dropna()) <= {True, False}
    assert abs(out["flag"].mean() - (df["flag"] == "Y").mean()) < 0.08
    assert out["year"].min() >= 1995 and out["year"].max() <= 2019


def test_table_where_every_combination_is_real_cannot_be_synthesised():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"flag": rng.choice(["Y", "N"], 400), "band": rng.choice(["a", "b", "c"], 400)})
    schema = {"fields": [{"name": "flag", "type": "string"}, {"name": "band", "type": "string"}]}
    with pytest.raises(RuntimeError, match="copies of real rows"):
        synthetic.fit(df, schema, seed=1).sample(100, seed=2)


@pytest.mark.slow
def test_adult_census_keeps_exact_relations_and_spikes(adult_module, adult_split):
    train, _ = adult_split
    synth = synthetic.fit(train, adult_module.SCHEMA, seed=1).sample(len(train), seed=2)
    education_num = train.groupby("education")["education-num"].first()
    assert (synth["education-num"] == synth["education"].map(education_num)).mean() >= 0.99
    couple = synth["relationship"].isin(["Husband", "Wife"])
    expected = synth["relationship"].map({"Husband": "Male", "Wife": "Female"})
    assert (synth.loc[couple, "sex"] == expected[couple]).mean() >= 0.99
    assert abs((synth["capital-gain"] == 0).mean() - (train["capital-gain"] == 0).mean()) < 0.01
