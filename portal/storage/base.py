"""The storage interface every backend implements: put, stat, read a byte range, delete."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024


class StorageError(Exception):
    """A backend could not store or read an object; the message says which and why."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str
    modified: datetime


class Storage(Protocol):
    def put(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredObject:
        """Stream ``stream`` into ``key`` in constant memory, hashing on the way; all or nothing."""

    def stat(self, key: str) -> StoredObject | None: ...

    def read(self, key: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """Yield the object's bytes from ``start``, ``length`` of them (all if ``None``), in chunks."""

    def delete(self, key: str) -> None: ...


class TooLarge(StorageError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"upload is larger than the limit of {limit} bytes")
        self.limit = limit
