"""Fixtures: the incident table (see synthetic_fixtures) and the adult census extract when ../shared exists."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.synthetic.synthetic_fixtures import INCIDENT_SCHEMA, make_incidents

BENCH = Path(__file__).resolve().parents[2] / "bench" / "synthetic"


@pytest.fixture(scope="session")
def incidents() -> pd.DataFrame:
    return make_incidents(4000)


@pytest.fixture(scope="session")
def incident_split(incidents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return incidents.iloc[:3200].reset_index(drop=True), incidents.iloc[3200:].reset_index(drop=True)


@pytest.fixture(scope="session")
def incident_model(incident_split):
    import synthetic

    return synthetic.fit(incident_split[0], INCIDENT_SCHEMA, seed=3)


@pytest.fixture(scope="session")
def adult_module():
    sys.path.insert(0, str(BENCH))
    import adult

    if not (adult.DATA_DIR / "adult.data").exists():
        pytest.skip(f"real data absent: {adult.DATA_DIR} (needs ../shared/data/real beside the checkout)")
    return adult


@pytest.fixture(scope="session")
def adult_split(adult_module):
    return adult_module.split(adult_module.load())
