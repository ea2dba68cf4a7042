"""A seeded police-style incident table covering every field type, constraint and disclosure class."""

from __future__ import annotations

import numpy as np
import pandas as pd

CATEGORIES = ["Anti-social behaviour", "Burglary", "Criminal damage", "Vehicle crime", "Violence"]
OUTCOMES = ["No further action", "Under investigation", "Charged"]

INCIDENT_SCHEMA = {
    "fields": [
        {"name": "incident_id", "type": "string", "disclosure": "direct-identifier",
         "constraints": {"required": True, "unique": True, "pattern": "INC[0-9]{7}"}},
        {"name": "uprn", "type": "integer", "disclosure": "direct-identifier", "identifierKind": "uprn"},
        {"name": "caller_key", "type": "string", "disclosure": "direct-identifier",
         "identifierKind": "pseudonymous-key"},
        {"name": "notes", "type": "string", "disclosure": "sensitive", "freeText": True},
        {"name": "reported_at", "type": "datetime", "disclosure": "quasi-identifier",
         "constraints": {"required": True, "minimum": "2023-01-01T00:00:00", "maximum": "2023-12-31T23:59:59"}},
        {"name": "call_date", "type": "date", "constraints": {"required": True}},
        {"name": "category", "type": "string", "constraints": {"required": True, "enum": CATEGORIES}},
        {"name": "lsoa", "type": "string", "disclosure": "quasi-identifier",
         "constraints": {"pattern": "E0[0-9]{7}"}},
        {"name": "officers", "type": "integer", "constraints": {"required": True, "minimum": 0, "maximum": 12}},
        {"name": "cost", "type": "number", "constraints": {"minimum": 0}},
        {"name": "repeat_victim", "type": "boolean", "constraints": {"required": True}},
        {"name": "latitude", "type": "number", "disclosure": "quasi-identifier", "coarsenTo": 0.01},
        {"name": "outcome", "type": "string", "disclosure": "sensitive", "constraints": {"enum": OUTCOMES}},
    ]
}  # fmt: skip


def make_incidents(n: int, seed: int = 7) -> pd.DataFrame:
    """Incidents with hour/weekday seasonality, spikes (zero cost), missing values, rare categories and a
    deterministic relation (officers == 0 exactly when category is Anti-social behaviour)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 365, n)
    hour = rng.choice(24, n, p=_hour_profile())
    minute = rng.integers(0, 60, n)
    reported = pd.Timestamp("2023-01-01") + pd.to_timedelta(day * 86400 + hour * 3600 + minute * 60, unit="s")
    category = rng.choice(CATEGORIES, n, p=[0.35, 0.15, 0.2, 0.1, 0.2])
    officers = np.where(category == "Anti-social behaviour", 0, rng.integers(1, 6, n))
    cost = np.where(rng.random(n) < 0.6, 0.0, np.round(rng.gamma(2.0, 150.0, n), 2))
    lsoa = np.array([f"E0{1000000 + i:07d}" for i in rng.zipf(1.6, n) % 400])
    outcome = np.where(category == "Violence", rng.choice(OUTCOMES, n, p=[0.3, 0.3, 0.4]), OUTCOMES[0])
    caller_weights = rng.lognormal(0.0, 1.2, n // 3)
    keys = rng.choice(n // 3, n, p=caller_weights / caller_weights.sum())
    frame = pd.DataFrame(
        {
            "incident_id": [f"INC{i:07d}" for i in rng.permutation(n)],
            "uprn": rng.integers(10**8, 10**11, n),
            "caller_key": [f"C{k:05d}" for k in keys],
            "notes": [f"Caller at flat {i} reported noise" for i in range(n)],
            "reported_at": reported.strftime("%Y-%m-%dT%H:%M:%S"),
            "call_date": reported.normalize().strftime("%Y-%m-%d"),
            "category": category,
            "lsoa": lsoa,
            "officers": officers,
            "cost": cost,
            "repeat_victim": np.where(rng.random(n) < 0.2, "true", "false"),
            "latitude": np.round(54.0 + rng.random(n) * 0.5, 5),
            "outcome": outcome,
        }
    )
    frame.loc[rng.random(n) < 0.1, "lsoa"] = None
    frame.loc[rng.random(n) < 0.05, "cost"] = None
    frame.loc[rng.random(n) < 0.3, "uprn"] = None
    frame["uprn"] = frame["uprn"].astype("Int64")
    frame.loc[:2, "category"] = "Burglary"
    return frame


def _hour_profile() -> np.ndarray:
    weights = np.array([3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 6, 7, 8, 9, 10, 10, 9, 7, 5, 4], dtype=float)
    return weights / weights.sum()
