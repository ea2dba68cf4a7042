"""The publisher framework: what a partner's script declares (spec), the cell transforms it may use, and the
pipeline that runs it (extract, map, validate, protect, package, push, report)."""

from __future__ import annotations

from publishers.framework.spec import (
    Aggregate,
    Catalogue,
    Column,
    Input,
    Link,
    MetadataOnly,
    Open,
    PublisherSpec,
    Rejects,
    Source,
    Synthetic,
)

__all__ = [
    "Aggregate",
    "Catalogue",
    "Column",
    "Input",
    "Link",
    "MetadataOnly",
    "Open",
    "PublisherSpec",
    "Rejects",
    "Source",
    "Synthetic",
]
