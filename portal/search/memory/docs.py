"""The per-dataset columns of ``search_docs`` as numpy arrays, and who may see which dataset."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from portal.search.base import Visibility


@dataclass(frozen=True)
class Categorical:
    """A column of few distinct values (states, types, owners) as integer codes."""

    codes: np.ndarray
    values: tuple[Any, ...]

    @classmethod
    def of(cls, items: Sequence[Any]) -> Categorical:
        index: dict[Any, int] = {}
        codes = np.fromiter((index.setdefault(v, len(index)) for v in items), dtype=np.int32, count=len(items))
        return cls(codes, tuple(index))

    def equals(self, value: Any) -> np.ndarray:
        try:
            return self.codes == self.values.index(value)
        except ValueError:
            return np.zeros(len(self.codes), dtype=bool)

    def isin(self, values: Sequence[Any]) -> np.ndarray:
        allowed = set(values)
        wanted = [i for i, v in enumerate(self.values) if v in allowed]
        return np.isin(self.codes, wanted)


@dataclass(frozen=True)
class DocColumns:
    """What filters, visibility and sorting read, one entry per dataset of a segment."""

    doc_id: np.ndarray  # search_docs.id, the final tie-break of every sort
    package_id: np.ndarray  # object: str
    name: np.ndarray  # object: str
    title_sort: np.ndarray  # object: str
    state: Categorical
    private: np.ndarray
    owner_org: Categorical
    creator: Categorical
    created: np.ndarray  # int64 microseconds
    modified: np.ndarray
    version: np.ndarray  # int64: the change counter's number when the row was last indexed

    @property
    def n(self) -> int:
        return len(self.doc_id)

    @classmethod
    def build(cls, columns: dict[str, Sequence[Any]]) -> DocColumns:
        return cls(
            doc_id=np.asarray(columns["id"], dtype=np.int64),
            package_id=_objects(columns["package_id"]),
            name=_objects(columns["name"]),
            title_sort=_objects(columns["title_sort"]),
            state=Categorical.of(columns["state"]),
            private=np.asarray(columns["private"], dtype=bool),
            owner_org=Categorical.of(columns["owner_org"]),
            creator=Categorical.of(columns["creator_user_id"]),
            created=micros(columns["metadata_created"]),
            modified=micros(columns["metadata_modified"]),
            version=np.asarray(columns["version"], dtype=np.int64),
        )

    def visible(self, v: Visibility) -> np.ndarray:
        """The same rule as :func:`portal.search.base.visibility_clause`, as a mask."""
        states = self.state.equals("active")
        if v.include_drafts and v.user_id:
            drafts = self.state.equals("draft")
            states |= drafts if v.sysadmin else drafts & self.creator.equals(v.user_id)
        if v.include_deleted and v.sysadmin:
            states |= self.state.equals("deleted")
        if v.include_private and v.sysadmin:
            return states
        if v.include_private and v.readable_orgs:
            return states & (~self.private | self.owner_org.isin(v.readable_orgs))
        return states & ~self.private


def micros(values: Sequence[datetime]) -> np.ndarray:
    """Naive UTC datetimes as int64 microseconds: comparisons and order as the database makes them."""
    return np.array(values, dtype="datetime64[us]").astype(np.int64)


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
