"""Uploaded files as the request parser writes them: hashed on the way in, and spooled beside local storage.

Werkzeug writes each file part of a multipart body into a temporary file, which storage then read back,
hashed and wrote again. A ``HashingSpool`` computes the sha256 and size while the parser writes, and when a
part outgrows memory it goes to a file in the storage's own folder, so that ``LocalStorage.put`` can take the
file as it is (a hard link) instead of copying it. Other backends read it like any stream.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import tempfile
import threading
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 512 * 1024  # parts up to this size stay in memory, as werkzeug's own spool keeps them


class HashingSpool(io.RawIOBase):
    """A writable, then readable, binary file that knows the sha256 and size of everything written to it.

    Once on disk, pieces are written and hashed by a thread of their own (both release the GIL) while the
    request thread goes on parsing; every other use of the file waits for that thread to catch up."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.path: Path | None = None
        self._file: io.BufferedRandom | io.BytesIO = io.BytesIO()
        self._position = 0
        self._intact = True  # written front to back only: the hash is the content's
        self._behind: _WriteBehind | None = None

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self._position != self.size:
            self._intact = False
        if self.path is None and self.size + len(data) > MEMORY_LIMIT:
            self._roll_over()
        if self.path is not None and self._intact:
            if self._behind is None:
                self._behind = _WriteBehind(self._file, self.sha256)
            self._behind.put(bytes(data))  # a copy only if the caller's buffer may change
        else:
            self._catch_up()
            self._file.write(data)
            self.sha256.update(data)
        self.size += len(data)
        self._position += len(data)
        return len(data)

    def _roll_over(self) -> None:
        held = self._file.getvalue()  # type: ignore[union-attr]
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._file.write(held)

    def _catch_up(self) -> None:
        if self._behind is not None:
            behind, self._behind = self._behind, None
            behind.finish()

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        self._catch_up()
        data = self._file.read(size)
        self._position += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        self._catch_up()
        data = self._file.readline(size)
        self._position += len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]  # noqa: ANN001
        self._catch_up()
        count = self._file.readinto(buffer) or 0
        self._position += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._catch_up()
        self._position = self._file.seek(offset, whence)
        return self._position

    def tell(self) -> int:
        return self._position

    def on_disk(self) -> tuple[Path, str, int] | None:
        """(file, sha256, size) when the content is a whole file on disk with a trustworthy hash."""
        if self.path is None or not self._intact or self.closed:
            return None
        self._catch_up()
        self._file.flush()
        return self.path, self.sha256.hexdigest(), self.size

    def close(self) -> None:
        if not self.closed:
            try:
                with contextlib.suppress(Exception):  # being discarded: a failed write no longer matters
                    self._catch_up()
            finally:
                self._file.close()
                if self.path is not None:
                    self.path.unlink(missing_ok=True)  # a file storage took is a second link to the same data
        super().close()


class _WriteBehind(threading.Thread):
    """Writes and hashes pieces in order; ``finish`` waits for the last and raises what it met."""

    def __init__(self, file: io.BufferedRandom | io.BytesIO, digest: Any) -> None:
        super().__init__(daemon=True, name="portal-spool")
        self.file, self.digest, self.error, self.finished = file, digest, None, False
        self.pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=16)  # bounded: memory stays small
        self.start()

    def put(self, piece: bytes) -> None:
        if self.error is not None:
            self.finish()
        self.pieces.put(piece)

    def run(self) -> None:
        while (piece := self.pieces.get()) is not None:
            if self.error is None:
                try:
                    self.file.write(piece)
                    self.digest.update(piece)
                except BaseException as error:  # noqa: BLE001 - raised by finish() on the request thread
                    self.error = error

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            self.pieces.put(None)
            self.join()
        if self.error is not None:
            raise self.error


def spool_folder(storage: object) -> Path | None:
    """Where to spool large parts: the storage's own folder when it can take a file as it is."""
    folder = getattr(storage, "spool_folder", None)
    return folder() if callable(folder) else None
