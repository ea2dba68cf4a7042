"""North Yorkshire Fire and Rescue Service: incidents attended, as open data.

The raw extract is the incident system's CSV export in the layout London Fire Brigade also publishes
(``IncidentNumber``, ``DateTimeOfCall`` as ``2024/1/3 3:01``, ``NULL`` for no value, a pound sign in a header
in a legacy encoding). UPRNs are direct identifiers: checked, then withheld from the open release.
"""

from __future__ import annotations

from publishers.framework import Catalogue, Column, Input, Link, Open, PublisherSpec, Rejects, Source
from publishers.framework import transforms as t

CALLED = ("%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")

COLUMNS = (
    Column("incident_id", ("IncidentNumber", "Incident Number")),
    Column("service", value="fire-and-rescue"),
    Column("agency", ("Brigade", "Service Name"), required=False, default="North Yorkshire Fire and Rescue Service"),
    Column("incident_month", ("DateTimeOfCall",), (t.month(*CALLED),)),
    Column("incident_datetime", ("DateTimeOfCall",), (t.datetime_(*CALLED),)),
    Column("incident_category", ("TypeOfIncident", "IncidentGroup")),
    Column("incident_subcategory", ("SpecialServiceTypeCategory", "StopCodeDescription"), (t.nulls(),), required=False),
    Column("location_description", ("PropertyCategory", "PropertyType"), (t.nulls(),), required=False),
    Column("lsoa_code", ("LSOA code", "LSOA", "LSOA_Code"), (t.nulls(), t.lsoa()), required=False),
    Column("local_authority_code", ("BoroughCode", "LACode", "Local Authority Code"), (t.nulls(), t.local_authority())),
    Column("ward_code", ("WardCode", "Ward Code"), (t.nulls(), t.ward()), required=False),
    Column(
        "postcode_district",
        ("PostcodeDistrict", "Postcode_district"),
        (t.nulls(), t.postcode_district()),
        required=False,
    ),
    Column("uprn", ("UPRN",), (t.nulls(), t.uprn()), required=False),
    Column("usrn", ("USRN",), (t.nulls(), t.usrn()), required=False),
    Column("latitude", ("Latitude",), (t.nulls("NULL", "0"), t.number()), required=False),
    Column("longitude", ("Longitude",), (t.nulls("NULL", "0"), t.number()), required=False),
    Column("pump_count", ("PumpCount", "NumPumpsAttending"), (t.nulls(), t.integer()), required=False),
    Column(
        "notional_cost_gbp",
        ("IncidentNotionalCost(£)", "IncidentNotionalCost"),
        (t.nulls(), t.number()),
        required=False,
    ),
)

FIRE_INPUT = Input(Source("fire/incidents-*.csv", header_contains=("IncidentNumber", "DateTimeOfCall")), COLUMNS)

SPEC = PublisherSpec(
    name="fire-and-rescue-incidents",
    schema="emergency-incidents",
    inputs=(FIRE_INPUT,),
    release=Open(),
    rejects=Rejects("quarantine", max_share=0.02),
    description="Incidents attended by fire and rescue (open; UPRNs withheld)",
    catalogue=Catalogue(
        title="Fire and rescue incidents attended",
        summary=(
            "Every incident North Yorkshire Fire and Rescue Service attended: when the call came in, what kind of "
            "incident it was, the ward, postcode district and local authority, pumps sent and notional cost."
        ),
        organization="north-yorkshire-fire-and-rescue",
        frequency="monthly",
        themes=("emergency-services",),
        tags=("fire", "incidents", "emergency-services"),
        temporal_field="incident_datetime",
        sources=(Link("NYFRS incident recording system export"),),
        contact_name="NYFRS Information Governance",
        contact_email="data@northyorksfire.example.org",
    ),
)

if __name__ == "__main__":  # pragma: no cover
    from publishers.cli import main

    main(["run", "fire-incidents"])
