"""LSOA geography with deprivation: each LSOA's name, local authority and Index of Multiple Deprivation rank
and decile, from MHCLG's English Indices of Deprivation 2019 workbook (File 1), as open data.

Every other publisher checks area codes against a lookup like this one.
"""

from __future__ import annotations

from publishers.framework import Catalogue, Column, Input, Link, Open, PublisherSpec, Source
from publishers.framework import transforms as t

COLUMNS = (
    Column("lsoa_code", ("LSOA code (2011)", "LSOA11CD", "LSOA code"), (t.upper(),)),
    Column("lsoa_name", ("LSOA name (2011)", "LSOA11NM", "LSOA name")),
    Column("ward_code", ("Ward code", "WD19CD"), (t.ward(),), required=False),
    Column("ward_name", ("Ward name", "WD19NM"), required=False),
    Column("local_authority_code", ("Local Authority District code (2019)", "LAD19CD"), (t.upper(),)),
    Column("local_authority_name", ("Local Authority District name (2019)", "LAD19NM")),
    Column("imd_rank", ("Index of Multiple Deprivation (IMD) Rank", "IMD19 Rank", "IMD Rank"), (t.integer(),)),
    Column("imd_decile", ("Index of Multiple Deprivation (IMD) Decile", "IMD19 Decile", "IMD Decile"), (t.integer(),)),
)

SPEC = PublisherSpec(
    name="lsoa-geography-deprivation",
    schema="lsoa-geography",
    inputs=(Input(Source("geography/imd2019.xlsx", sheet="IMD2019", header_contains=("LSOA code (2011)",)), COLUMNS),),
    release=Open(),
    description="LSOAs with local authority and deprivation (open)",
    catalogue=Catalogue(
        title="LSOAs with local authority and deprivation decile",
        summary=(
            "Each Lower Layer Super Output Area with its name, local authority and its rank and decile on the "
            "Index of Multiple Deprivation 2019: the lookup partners join their own LSOA-level data to."
        ),
        organization="north-yorkshire-council",
        frequency="irregular",
        themes=("society",),
        tags=("lsoa", "deprivation", "geography"),
        sources=(
            Link(
                "English Indices of Deprivation 2019 (MHCLG)",
                "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
            ),
        ),
        contact_name="North Yorkshire Council Data Team",
        contact_email="data@northyorks.example.org",
    ),
)

if __name__ == "__main__":  # pragma: no cover
    from publishers.cli import main

    main(["run", "lsoa-geography"])
