"""md5, sha256 and size of a file, computed on a thread from the moment validation is asked for.

hashlib releases the GIL, so hashing runs on the second core while the interpreter imports numpy and
pyarrow and while the parser runs. The command line calls ``prefetch`` before those imports; this module
uses only the standard library so that it can.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

READ_SIZE = 1 << 20


class FileDigest(threading.Thread):
    """Reads the file once for md5, sha256, byte count and whether every byte is ASCII."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True, name="datapackages-digest")
        self.path = path
        self.md5, self.sha256 = hashlib.md5(), hashlib.sha256()
        self.bytes, self.ascii = 0, True
        self.error: OSError | None = None

    def run(self) -> None:
        buffer = bytearray(READ_SIZE)
        view = memoryview(buffer)
        try:
            with self.path.open("rb", buffering=0) as stream:
                while size := stream.readinto(buffer):
                    chunk = view[:size]
                    self.md5.update(chunk)
                    self.sha256.update(chunk)
                    self.bytes += size
                    if self.ascii:
                        self.ascii = (buffer if size == READ_SIZE else bytes(chunk)).isascii()
        except OSError as error:
            self.error = error

    def finish(self) -> FileDigest:
        self.join()
        if self.error is not None:
            raise self.error
        return self


_prefetched: dict[tuple[str, int, int], FileDigest] = {}


def _identity(path: str | Path) -> tuple[str, int, int]:
    resolved = Path(path).resolve()
    status = os.stat(resolved)
    return str(resolved), status.st_size, status.st_mtime_ns


def prefetch(path: str | Path) -> None:
    """Start hashing ``path`` now, for a validation of the same unchanged file to pick up."""
    try:
        key = _identity(path)
    except OSError:
        return
    digest = FileDigest(Path(key[0]))
    digest.start()
    _prefetched[key] = digest


def digest_of(path: str | Path) -> FileDigest:
    """The prefetched digest of this unchanged file, or a newly started one."""
    try:
        key = _identity(path)
    except OSError:
        key = None
    digest = _prefetched.pop(key, None) if key else None
    if digest is None:
        digest = FileDigest(Path(path))
        digest.start()
    return digest
