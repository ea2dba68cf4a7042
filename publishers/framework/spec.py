"""The declarative spec of a partner dataset: where the raw extract is, how it maps onto a standard schema,
how it may be released, and how the catalogue describes it. A publisher script is one ``PublisherSpec``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from publishers.framework.transforms import Transform


@dataclass(frozen=True)
class Source:
    """A raw extract. ``path`` is relative to the raw folder, absolute, a glob, or ``s3://bucket/key``."""

    path: str
    format: Literal["csv", "xlsx", "json", "sql"] | None = None  # default: from the file extension
    sheet: str | int | None = None  # XLSX: sheet name or 0-based index
    encoding: str | None = None  # None: detected (BOM, UTF-8, then the best legacy guess)
    fallback_encoding: str = "cp1252"  # used when detection is unsure
    header_contains: tuple[str, ...] = ()  # the header is the first row holding these labels (skips preambles)
    names: tuple[str, ...] = ()  # for a file with no header row at all: its columns' names, in order
    drop_rows: tuple[tuple[str | tuple[str, ...], str], ...] = ()  # (column or its aliases, regex): rows whose
    # cell matches in full are dropped (totals, footers)
    query: str | None = None  # SQL sources: the query; ``path`` is then a SQLAlchemy URL
    json_records: str | None = None  # JSON: the key holding the list of records (default: the top level)


@dataclass(frozen=True)
class Column:
    """One field of the standard schema and where its values come from."""

    field: str
    source: tuple[str, ...] = ()  # accepted source headers, compared without case, spaces or punctuation
    transforms: tuple[Transform, ...] = ()
    value: str | None = None  # a constant instead of a source column
    required: bool = True  # a source without any of the headers fails the run (else ``default`` fills it)
    default: str = ""


@dataclass(frozen=True)
class Input:
    """A source and its column mapping; a dataset may combine several (e.g. demand across agencies)."""

    source: Source
    columns: tuple[Column, ...]
    label: str = ""


@dataclass(frozen=True)
class Open:
    """Publish the rows themselves. Direct identifiers are always withheld; ``withhold`` blanks more."""

    withhold: tuple[str, ...] = ()
    mode: str = field(default="open", init=False)


@dataclass(frozen=True)
class Synthetic:
    """Publish a synthetic look-alike that passed the privacy gate; the real rows never leave."""

    seed: int = 1
    k: int = 10  # categories held by fewer people are merged or suppressed before fitting
    combo_k: int = 1  # 2+: no row reproduces 3 values held by fewer real people (synthetic.fit; large tables)
    holdout_share: float = 0.3  # real rows kept back to measure privacy (closer to the training size: fairer)
    rows: int | None = None  # synthetic rows (default: as many as the real training rows)
    mode: str = field(default="synthetic", init=False)


@dataclass(frozen=True)
class Aggregate:
    """Publish disclosure-controlled counts by area and period (the service-demand-lsoa schema)."""

    area: str = "lsoa_code"
    period: str = "incident_month"  # a field holding a date, datetime or YYYY-MM month
    period_type: Literal["month", "quarter", "year"] = "month"
    service: str = "service"  # field naming the agency or service counted
    measure: str = "incident_category"  # field whose values become demand measures
    threshold: int = 5  # counts of 1 to threshold-1 are suppressed
    rounding_base: int | None = None  # round every count to this base instead of suppressing
    schema: str = "service-demand-lsoa"
    mode: str = field(default="aggregate", init=False)


@dataclass(frozen=True)
class MetadataOnly:
    """Describe the dataset in the catalogue without releasing any rows (partners ask for access)."""

    mode: str = field(default="metadata", init=False)


Release = Open | Synthetic | Aggregate | MetadataOnly


@dataclass(frozen=True)
class Link:
    title: str
    url: str = ""


@dataclass(frozen=True)
class Catalogue:
    """How the catalogue describes the dataset (CKAN fields and extras)."""

    title: str
    summary: str
    organization: str
    licence: str = "OGL-UK-3.0"
    frequency: str = "monthly"
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    spatial: str = "North Yorkshire and York"
    temporal_field: str | None = None  # the field whose earliest and latest values give the time coverage
    sources: tuple[Link, ...] = ()
    contact_name: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Rejects:
    """What to do with rows that cannot be mapped or fail the schema: fail the run, or hold them back
    locally (never published) as long as they are at most ``max_share`` of the rows."""

    policy: Literal["fail", "quarantine"] = "fail"
    max_share: float = 0.0


@dataclass(frozen=True)
class PublisherSpec:
    name: str  # the dataset's name in the catalogue
    schema: str  # the standard schema the rows are mapped onto
    inputs: tuple[Input, ...]
    release: Release
    catalogue: Catalogue
    rejects: Rejects = Rejects()
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None  # fields computed from the mapped rows
    description: str = ""  # one line for ``publish list``
