"""Uploaded files as the request parser writes them: hashed on the way in, and spooled beside local storage.

Werkzeug writes each file part of a multipart body into a temporary file, which storage then read back,
hashed and wrote again. A ``HashingSpool`` computes the sha256 and size while the parser writes, and when a
part outgrows memory it goes to a file in the storage's own folder, so that ``LocalStorage.put`` can take the
file as it is (a hard link) instead of copying it. Other backends read it like any stream.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

MEMORY_LIMIT = 512 * 1024  # parts up to this size stay in memory, as werkzeug's own spool keeps them


class HashingSpool(io.RawIOBase):
    """A writable, then readable, binary file that knows the sha256 and size of everything written to it."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.path: Path | None = None
        self._file: io.BufferedRandom | io.BytesIO = io.BytesIO()
        self._intact = True  # written front to back only: the hash is the content's

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self._file.tell() != self.size:
            self._intact = False
        if self.path is None and self.size + len(data) > MEMORY_LIMIT:
            self._roll_over()
        written = self._file.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return written

    def _roll_over(self) -> None:
        held = self._file.getvalue()  # type: ignore[union-attr]
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._file.write(held)

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        return self._file.read(size)

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        return self._file.readline(size)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]  # noqa: ANN001
        return self._file.readinto(buffer)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def on_disk(self) -> tuple[Path, str, int] | None:
        """(file, sha256, size) when the content is a whole file on disk with a trustworthy hash."""
        if self.path is None or not self._intact or self.closed:
            return None
        self._file.flush()
        return self.path, self.sha256.hexdigest(), self.size

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            if self.path is not None:
                self.path.unlink(missing_ok=True)  # a file storage took is a second link to the same data
        super().close()


def spool_folder(storage: object) -> Path | None:
    """Where to spool large parts: the storage's own folder when it can take a file as it is."""
    folder = getattr(storage, "spool_folder", None)
    return folder() if callable(folder) else None
