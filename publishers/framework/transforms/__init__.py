"""Cell transforms a column mapping applies, vectorised over a whole column of strings.

Each transform returns the new values and a mask of cells it could not make sense of; those become
problems naming the file, row, column, value and what was expected. Empty cells stay empty: whether a value
is required is the standard schema's call, checked at validation. Transforms are grouped by what they read
(``text``, ``dates``, ``numbers``, ``places``, ``people``); spec scripts use the functions re-exported here.
"""

from __future__ import annotations

from publishers.framework.transforms.base import Context, Transform
from publishers.framework.transforms.dates import date, datetime_, month
from publishers.framework.transforms.numbers import Integer, Number, integer, number, uprn, usrn
from publishers.framework.transforms.people import Pseudonym, RedactIndividuals, pseudonym, redact_individuals
from publishers.framework.transforms.places import (
    AuthorityOfLsoa,
    Gss,
    Postcode,
    authority_of_lsoa,
    local_authority,
    lsoa,
    postcode,
    postcode_district,
    ward,
)
from publishers.framework.transforms.text import (
    ExcelBands,
    Map,
    Nulls,
    Pattern,
    Slug,
    excel_bands,
    extract,
    lower,
    nulls,
    recode,
    slug,
    upper,
)

__all__ = [
    "AuthorityOfLsoa", "Context", "ExcelBands", "Gss", "Integer", "Map", "Nulls", "Number", "Pattern", "Postcode",
    "Pseudonym", "RedactIndividuals", "Slug", "Transform", "authority_of_lsoa", "date", "datetime_", "excel_bands",
    "extract", "integer", "local_authority", "lower", "lsoa", "month", "nulls", "number", "postcode",
    "postcode_district", "pseudonym", "recode", "redact_individuals", "slug", "upper", "uprn", "usrn", "ward",
]  # fmt: skip
