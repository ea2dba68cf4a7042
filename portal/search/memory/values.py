"""The numbered facet values (``search_values``) every segment's facet pairs refer to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FacetValues:
    """Value number -> (field, value), and the database's own order of values (facet ties sort by value,
    under the database's collation, whatever it is)."""

    pairs: dict[int, tuple[str, str]]
    numbers: dict[tuple[str, str], int]
    by_field: dict[str, np.ndarray]
    order: np.ndarray  # value number -> position in ORDER BY value
    names: dict[str, list[str]]  # field -> its values, aligned with by_field[field]

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str]], ordered: list[int]) -> FacetValues:
        pairs = {int(vid): (field, value) for vid, field, value in rows}
        fields: dict[str, list[int]] = {}
        for vid, (field, _) in pairs.items():
            fields.setdefault(field, []).append(vid)
        order = np.zeros(max(pairs, default=0) + 1, dtype=np.int64)
        order[np.asarray(ordered, dtype=np.int64)] = np.arange(len(ordered))
        by_field = {f: np.array(sorted(v), dtype=np.int64) for f, v in fields.items()}
        return cls(
            pairs,
            {pair: vid for vid, pair in pairs.items()},
            by_field,
            order,
            {f: [pairs[int(v)][1] for v in vids] for f, vids in by_field.items()},
        )

    @property
    def size(self) -> int:
        return len(self.order)

    @property
    def last(self) -> int:
        return len(self.order) - 1

    def number(self, field: str, value: str) -> int:
        return self.numbers.get((field, value), -1)

    def of_field(self, field: str) -> np.ndarray:
        return self.by_field.get(field, np.zeros(0, dtype=np.int64))

    def ranked(self, field: str, counts: np.ndarray, limit: int, mincount: int) -> list[tuple[str, int]]:
        """A field's counts as the database ranks them: count descending, then value; limit -1 is all."""
        vids = self.of_field(field)
        n = counts[vids]
        kept = np.flatnonzero(n >= max(mincount, 1))
        if 0 <= limit < len(kept):  # only values counted at least as often as the limit-th can be shown
            cut = len(kept) - limit
            kept = kept[n[kept] >= np.partition(n[kept], cut)[cut]] if limit else kept[:0]
        kept = kept[np.lexsort((self.order[vids[kept]], -n[kept]))]
        if limit >= 0:
            kept = kept[:limit]
        names = self.names.get(field, [])
        return list(zip([names[i] for i in kept.tolist()], n[kept].tolist(), strict=True))
