"""Service demand by LSOA across agencies: police crimes and anti-social behaviour and fire incidents,
counted by LSOA and quarter, with small counts suppressed (the seeds' service-demand pilot).

It reuses the police and fire publishers' mappings, so every agency's data arrives on the same standard
schema before it is counted.
"""

from __future__ import annotations

import pandas as pd

from publishers.fire_incidents import FIRE_INPUT
from publishers.framework import Aggregate, Catalogue, Link, PublisherSpec, Rejects
from publishers.police_street_crime import POLICE_INPUT, fill_incident_ids

# Counts by LSOA are small: a few broad measures per service keep most of them above the suppression
# threshold, where one measure per detailed category would suppress nearly everything.
BROAD = {
    "anti-social behaviour": "anti-social-behaviour",
    "violence and sexual offences": "violent-crime",
    "robbery": "violent-crime",
    "possession of weapons": "violent-crime",
    "fire": "fires",
    "primary fire": "fires",
    "secondary fire": "fires",
    "special service": "special-services",
    "false alarm": "false-alarms",
}


def broad_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable ids for anti-social behaviour, then broad demand measures: police crimes other than violence
    count as 'other-crime'; fire incidents by their incident type."""
    frame = fill_incident_ids(frame)
    category = frame["incident_category"].str.strip().str.lower()
    police_other = frame["service"].eq("police") & ~category.isin(list(BROAD))
    frame["incident_category"] = category.map(BROAD).where(~police_other, "other-crime").fillna(category)
    return frame


SPEC = PublisherSpec(
    name="service-demand-by-lsoa",
    schema="emergency-incidents",
    inputs=(POLICE_INPUT, FIRE_INPUT),
    release=Aggregate(
        area="lsoa_code", period="incident_month", period_type="quarter", service="service", measure="incident_category"
    ),
    rejects=Rejects("quarantine", max_share=0.02),
    derive=broad_measures,
    description="Demand on police and fire by LSOA and quarter (aggregate, small counts suppressed)",
    catalogue=Catalogue(
        title="Service demand by LSOA across agencies",
        summary=(
            "How many crimes, anti-social behaviour reports and fire and rescue incidents each LSOA saw each "
            "quarter, side by side, so partners can see where demand on several services falls together."
        ),
        organization="north-yorkshire-council",
        frequency="quarterly",
        themes=("society", "crime-and-justice", "emergency-services"),
        tags=("demand", "lsoa", "partnership"),
        temporal_field="incident_month",
        sources=(Link("North Yorkshire Police street-level crime"), Link("NYFRS incidents attended")),
        contact_name="North Yorkshire Council Data Team",
        contact_email="data@northyorks.example.org",
    ),
)

if __name__ == "__main__":  # pragma: no cover
    from publishers.cli import main

    main(["run", "service-demand"])
