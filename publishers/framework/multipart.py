"""multipart/form-data bodies streamed from disk, for ckanapi's file uploads.

requests encodes ``files=`` by reading every file into memory and joining the parts into one bytes object
(three copies of a 150 MB release before the first byte is sent). ``streamed`` is a requests session hook
that turns the same fields and files into a body of known length which is read from the files while it is
sent. The bytes on the wire are an ordinary multipart/form-data request, so any CKAN reads it unchanged.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

CHUNK = 1 << 20


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


class MultipartBody:
    """Fields and files as one multipart/form-data body: iterable in chunks, with its length known."""

    def __init__(self, fields: dict[str, Any], files: dict[str, tuple[str, BinaryIO]]) -> None:
        self.boundary = uuid.uuid4().hex
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self._parts: list[bytes | tuple[BinaryIO, int]] = []
        for name, value in fields.items():  # ckanapi passes names and values as UTF-8 bytes
            head = f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(_text(name))}"\r\n\r\n'
            self._parts.append(head.encode() + _bytes(value) + b"\r\n")
        for name, (filename, stream) in files.items():
            head = (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(_text(name))}"; '
                f'filename="{_quote(filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            size = os.fstat(stream.fileno()).st_size - stream.tell()
            self._parts += [head.encode(), (stream, size), b"\r\n"]
        self._parts.append(f"--{self.boundary}--\r\n".encode())
        self.len = sum(part[1] if isinstance(part, tuple) else len(part) for part in self._parts)

    def __len__(self) -> int:
        return self.len

    def __iter__(self) -> Iterator[bytes]:
        for part in self._parts:
            if not isinstance(part, tuple):
                yield part
                continue
            stream, size = part
            while size > 0:
                chunk = stream.read(min(CHUNK, size))
                if not chunk:
                    raise OSError(f"{getattr(stream, 'name', 'a file')} shrank while it was being sent")
                size -= len(chunk)
                yield chunk


def _is_file(stream: Any) -> bool:
    """An open file on disk (its size is known), not an in-memory stream."""
    try:
        return os.fstat(stream.fileno()).st_size >= 0
    except (AttributeError, OSError, ValueError):
        return False


def streamed(request: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``Session.request`` so that ``files=`` (real files) go out as a streamed multipart body."""

    def wrapped(method: str, url: str, **kwargs: Any) -> Any:
        files = kwargs.get("files")
        if files and all(isinstance(v, tuple) and len(v) == 2 and _is_file(v[1]) for v in files.values()):
            body = MultipartBody(dict(kwargs.pop("data", None) or {}), kwargs.pop("files"))
            kwargs["data"] = body
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Type": body.content_type}
        return request(method, url, **kwargs)

    return wrapped
