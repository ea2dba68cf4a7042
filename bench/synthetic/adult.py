"""UCI adult census extract: loader, Table Schema and the fixed 80/20 split (benchmark and tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country",
    "income",
]  # fmt: skip
DATA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "uci_adult_census_income"
SPLIT_SEED = 20240601


def _field(name: str, ftype: str, disclosure: str = "none", **constraints: object) -> dict:
    return {
        "name": name,
        "type": ftype,
        "disclosure": disclosure,
        "constraints": {"required": True, **constraints},
    }


def _optional(name: str) -> dict:
    return {"name": name, "type": "string", "disclosure": "none"}


SCHEMA = {
    "fields": [
        _field("age", "integer", "quasi-identifier", minimum=17, maximum=90),
        _optional("workclass"),
        _field("fnlwgt", "integer", minimum=0),
        _field("education", "string"),
        _field("education-num", "integer", minimum=1, maximum=16),
        _field("marital-status", "string", "quasi-identifier"),
        _optional("occupation"),
        _field("relationship", "string"),
        _field("race", "string", "quasi-identifier"),
        _field("sex", "string", "quasi-identifier", enum=["Male", "Female"]),
        _field("capital-gain", "integer", minimum=0),
        _field("capital-loss", "integer", minimum=0),
        _field("hours-per-week", "integer", minimum=1, maximum=99),
        {"name": "native-country", "type": "string", "disclosure": "quasi-identifier"},
        _field("income", "string", "sensitive", enum=["<=50K", ">50K"]),
    ]
}


def load() -> pd.DataFrame:
    """All 32,561 rows of adult.data with '?' read as missing."""
    path = DATA_DIR / "adult.data"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the benchmark needs ../shared/data/real beside the checkout")
    return pd.read_csv(path, header=None, names=COLUMNS, skipinitialspace=True, na_values="?")


def split(df: pd.DataFrame, seed: int = SPLIT_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixed 80% training / 20% held-out split."""
    order = np.random.default_rng(seed).permutation(len(df))
    cut = int(len(df) * 0.8)
    return df.iloc[order[:cut]].reset_index(drop=True), df.iloc[order[cut:]].reset_index(drop=True)
