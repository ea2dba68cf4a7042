"""Word lists the catalogue generator draws from: partners, themes, topics, places, formats and prose.

Hand-written to look like a regional public-sector catalogue (North Yorkshire and York), so text queries
and facet counts behave as they would on real metadata: a few big publishers, a long tail of tags, notes
that share common words. Nothing here is real data.
"""

from __future__ import annotations

# (name, title, relative size): a few large partners and a tail of small ones.
ORGANIZATIONS = [
    ("north-yorkshire-council", "North Yorkshire Council", 30),
    ("city-of-york-council", "City of York Council", 22),
    ("north-yorkshire-police", "North Yorkshire Police", 14),
    ("north-yorkshire-fire-and-rescue", "North Yorkshire Fire and Rescue Service", 8),
    ("nhs-north-yorkshire", "NHS North Yorkshire", 7),
    ("york-and-scarborough-hospitals", "York and Scarborough Teaching Hospitals", 5),
    ("yorkshire-dales-national-park", "Yorkshire Dales National Park Authority", 4),
    ("north-york-moors-national-park", "North York Moors National Park Authority", 4),
    ("york-and-north-yorkshire-combined-authority", "York and North Yorkshire Combined Authority", 3),
    ("police-fire-and-crime-commissioner", "Police, Fire and Crime Commissioner", 2),
    ("harrogate-town-council", "Harrogate Town Council", 1),
    ("scarborough-town-council", "Scarborough Town Council", 1),
]

# Themes (CKAN groups) and the topic words that lean towards each.
THEMES = {
    "crime-and-justice": ("Crime and justice", ["crime", "burglary", "offences", "policing", "antisocial"]),
    "emergency-services": ("Emergency services", ["fire", "incidents", "rescue", "ambulance", "callouts"]),
    "government-spending": ("Government spending", ["spending", "payments", "contracts", "budget", "grants"]),
    "health": ("Health", ["health", "hospital", "admissions", "vaccination", "mortality"]),
    "society": ("Society", ["population", "households", "deprivation", "census", "wellbeing"]),
    "transport": ("Transport", ["traffic", "roads", "parking", "buses", "cycling"]),
    "environment": ("Environment", ["air", "flooding", "waste", "recycling", "emissions"]),
    "education": ("Education", ["schools", "pupils", "attainment", "admissions", "colleges"]),
    "housing": ("Housing", ["housing", "homelessness", "tenancies", "planning", "dwellings"]),
    "business-and-economy": ("Business and economy", ["business", "employment", "rates", "tourism", "jobs"]),
    "mapping": ("Mapping", ["boundaries", "wards", "lsoa", "postcodes", "addresses"]),
    "culture-and-leisure": ("Culture and leisure", ["libraries", "museums", "parks", "events", "leisure"]),
    "governance": ("Governance", ["councillors", "meetings", "elections", "decisions", "transparency"]),
    "social-care": ("Social care", ["care", "safeguarding", "adults", "children", "carers"]),
}

PLACES = [
    "York", "Harrogate", "Scarborough", "Whitby", "Selby", "Skipton", "Ripon", "Northallerton", "Richmond",
    "Thirsk", "Malton", "Pickering", "Knaresborough", "Tadcaster", "Filey", "Settle", "Bedale", "Easingwold",
    "Stokesley", "Helmsley", "Leyburn", "Masham", "Pateley Bridge", "Sherburn in Elmet", "Catterick",
    "Acomb", "Haxby", "Fulford", "Heworth", "Clifton", "Craven", "Hambleton", "Ryedale", "Wensleydale",
    "Nidderdale", "Swaledale", "Whitby Abbey", "Boroughbridge", "Great Ayton", "Colburn",
]  # fmt: skip

SUBJECTS = [
    "recorded crime", "anti-social behaviour", "fire incidents", "road traffic collisions", "air quality",
    "household waste", "recycling rates", "planning applications", "council tax bands", "business rates",
    "spending over 500", "purchase card transactions", "contracts register", "school admissions",
    "pupil attainment", "library loans", "museum visits", "car park occupancy", "bus punctuality",
    "cycle counts", "flood warnings", "street lighting", "potholes reported", "bin collections",
    "homelessness decisions", "housing register", "empty homes", "licensed premises", "food hygiene ratings",
    "public toilets", "allotments", "parks and open spaces", "footfall", "tourism visits", "job vacancies",
    "population estimates", "deprivation indices", "hospital admissions", "vaccination uptake",
    "ambulance response times", "stop and search", "domestic abuse incidents", "safeguarding referrals",
    "adult social care", "children in care", "electoral register", "polling stations", "councillor allowances",
    "freedom of information requests", "complaints received", "noise complaints", "fly-tipping incidents",
    "tree preservation orders", "listed buildings", "conservation areas", "public rights of way",
    "grit bins", "electric vehicle chargepoints", "energy use", "carbon emissions", "water quality",
]  # fmt: skip

BREAKDOWNS = ["by ward", "by LSOA", "by month", "by quarter", "by district", "by parish", "by age group", ""]

# Words that become tags; combined into two-word tags for a long, Zipf-distributed tail.
TAG_WORDS = sorted(
    {w for _, (_, words) in THEMES.items() for w in words}
    | {
        "open-data", "statistics", "monthly", "quarterly", "annual", "geospatial", "transparency-code",
        "finance", "lsoa", "ward", "district", "parish", "survey", "performance", "inspection", "licensing",
        "highways", "public-health", "demography", "environment", "energy", "climate", "water", "rivers",
        "countryside", "heritage", "tourism", "retail", "markets", "volunteering", "sport", "youth",
        "older-people", "disability", "benefits", "poverty", "skills", "apprenticeships", "broadband",
        "footpaths", "bridges", "street-works", "noise", "pollution", "trees", "wildlife", "farming",
    }
)  # fmt: skip

FORMATS = [("CSV", 50), ("XLSX", 14), ("JSON", 10), ("GeoJSON", 6), ("PDF", 8), ("XML", 3), ("ZIP", 3),
           ("API", 3), ("KML", 1), ("SHP", 2)]  # fmt: skip

LICENSES = [("OGL-UK-3.0", 70), ("CC-BY-4.0", 12), ("CC0-1.0", 6), ("ODbL-1.0", 4), ("other-open", 4),
            ("notspecified", 4)]  # fmt: skip

FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "annually", "irregular", "never"]

# Prose for notes: common English words first (drawn most often), then domain words.
PROSE_WORDS = """
the of and to in a is for this data on by are from with as be published each that or at which an it
we have been will not all these records council year information figures may where dataset covers
include includes shows updated period area areas local number numbers total totals count counts
reported month months quarter quarters annual report reports service services public people residents
figures collected published recorded counted estimated provided compiled extracted derived based
please note some values suppressed small protect privacy rounded nearest five contact team questions
about use reuse under licence open government attribution source latest previous earlier historical
series trend trends change changes compared comparison rate rates per thousand population average
median total breakdown category categories type types status outcome outcomes location locations
address addresses postcode coordinates easting northing latitude longitude ward wards district
districts parish parishes lsoa boundaries boundary map mapping spatial geography region regional
north yorkshire york city county partners partnership police fire rescue health nhs hospital
ambulance school schools pupils education transport roads traffic buses parking cycling walking
environment air quality waste recycling flooding rivers climate emissions energy carbon housing homes
homelessness planning applications decisions business rates economy jobs employment tourism visitors
spending payments suppliers contracts procurement budget grants finance transparency code crime
offences incidents antisocial behaviour burglary violence theft vehicle criminal damage safeguarding
care adults children families carers wellbeing deprivation index income benefits poverty libraries
museums parks leisure sport events culture heritage listed buildings conservation trees wildlife
countryside footpaths rights way moors dales coast coastal market town towns villages rural urban
""".split()
