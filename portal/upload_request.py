"""How the API's requests receive uploaded files: large reads, hashed and spooled as they are parsed."""

from __future__ import annotations

from typing import IO, BinaryIO

from flask import Request, current_app
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser

from portal.storage.spool import HashingSpool, spool_folder


class ReadAhead:
    """Reads a request body a mebibyte at a time into one buffer and hands it out in the parser's pieces as
    views, without copying: gunicorn's body reader copies its read-ahead buffer (up to 1 MiB) on every read,
    so many small reads of a large upload cost more than receiving it. A piece is valid until the next read,
    and werkzeug's parser copies each piece into its own buffer before it reads again."""

    def __init__(self, stream: IO[bytes], size: int = 1 << 20) -> None:
        self.stream = stream
        self.buffer = bytearray(size)
        self.view = memoryview(self.buffer)
        self.held = self.at = 0

    def read(self, size: int = -1) -> memoryview:
        if self.at >= self.held:
            self.held, self.at = self._fill(), 0
        end = self.held if size < 0 else min(self.held, self.at + size)
        piece = self.view[self.at : end]
        self.at = end
        return piece

    def _fill(self) -> int:
        readinto = getattr(self.stream, "readinto", None)  # a chunked body may come as the server's own stream
        if readinto is not None:
            return readinto(self.view) or 0
        data = self.stream.read(len(self.buffer))
        self.buffer[: len(data)] = data
        return len(data)


class LargeReadsFormDataParser(FormDataParser):
    """Multipart bodies read through ``ReadAhead``, parsed in pieces of up to half the form memory limit (the
    parser refuses to buffer more than the limit) rather than 64 KiB."""

    @property
    def buffer_size(self) -> int:
        limit = self.max_form_memory_size
        return max(64 * 1024, min(1 << 20, limit // 2)) if limit else 1 << 20

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], MultiDict, MultiDict]:
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=self.buffer_size,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(ReadAhead(stream), boundary, content_length)  # type: ignore[arg-type]
        return stream, form, files


class PortalRequest(Request):
    """Uploaded files are hashed as the multipart parser writes them, and large ones spooled beside local
    storage, which then links them in place instead of reading, hashing and writing them again."""

    form_data_parser_class = LargeReadsFormDataParser

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> BinaryIO:
        return HashingSpool(spool_folder(current_app.extensions["portal"].storage))  # type: ignore[return-value]
