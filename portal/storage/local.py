"""Local files under the instance folder: the zero-setup default."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from portal.storage.base import CHUNK, StorageError, StoredObject, TooLarge
from portal.storage.spool import HashingSpool

SPOOL = ".incoming"  # large uploads as the request parser writes them (see spool.py)
STALE_SECONDS = 24 * 3600


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        _clear_stale(self.root / SPOOL)

    def _path(self, key: str) -> Path:
        """Keys are built by the portal from UUIDs; still, never let one escape the root."""
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise StorageError(f"storage key {key!r} is outside the storage folder")
        return path

    def spool_folder(self) -> Path:
        """Large uploads are spooled here, on the same file system, so that ``put`` can link them in place."""
        folder = self.root / SPOOL
        if not folder.is_dir():
            folder.mkdir(exist_ok=True)
        return folder

    def put(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredObject:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        spooled = stream.on_disk() if isinstance(stream, HashingSpool) else None
        if spooled is not None and spooled[0].parent == self.root / SPOOL:
            try:
                return self._link(key, path, *spooled, max_bytes=max_bytes)
            except OSError:  # no hard links here: copy it as any stream
                stream.seek(0)
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(tmp, path)  # atomic: readers see the old object or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredObject(key, size, digest.hexdigest(), _mtime(path))

    def _link(
        self, key: str, path: Path, spooled: Path, sha256: str, size: int, *, max_bytes: int | None
    ) -> StoredObject:
        """Store a file the request parser already wrote and hashed: a second link to it, no copy."""
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(max_bytes)
        tmp = path.parent / f".upload-{uuid.uuid4().hex}"
        try:
            os.link(spooled, tmp)
            os.replace(tmp, path)  # atomic: readers see the old object or the whole new one
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredObject(key, size, sha256, _mtime(path))

    def stat(self, key: str) -> StoredObject | None:
        path = self._path(key)
        if not path.is_file():
            return None
        return StoredObject(key, path.stat().st_size, "", _mtime(path))

    def read(self, key: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        remaining = length
        with path.open("rb") as f:
            f.seek(start)
            while remaining is None or remaining > 0:
                chunk = f.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _clear_stale(folder: Path) -> None:
    """Spooled uploads left by a process that died mid-request (a live one is never a day old)."""
    if not folder.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for path in folder.glob(".incoming-*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
