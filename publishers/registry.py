"""Every partner publisher, listed explicitly (no discovery by naming convention): name -> module."""

from __future__ import annotations

from importlib import import_module

from publishers.framework.errors import SetupError
from publishers.framework.spec import PublisherSpec

PUBLISHERS = {
    "lsoa-geography": "publishers.lsoa_geography",
    "fire-incidents": "publishers.fire_incidents",
    "police-street-crime": "publishers.police_street_crime",
    "service-demand": "publishers.service_demand",
    "repeat-callers": "publishers.repeat_callers",
    "council-spending": "publishers.council_spending",
    "childrens-referrals": "publishers.childrens_referrals",
}


def load(name: str) -> PublisherSpec:
    if name not in PUBLISHERS:
        raise SetupError(f"no publisher named {name!r}; known: {', '.join(PUBLISHERS)} (or 'all')")
    return import_module(PUBLISHERS[name]).SPEC


def all_specs() -> list[PublisherSpec]:
    return [load(name) for name in PUBLISHERS]
