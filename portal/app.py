"""The Flask application factory: the API, file downloads and (later) the website over one logic layer."""

from __future__ import annotations

import re
from typing import IO, Any, BinaryIO

from flask import Flask, Request, Response, current_app, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser

from portal.config import Settings
from portal.services import Services
from portal.storage.spool import HashingSpool, spool_folder
from portal.web_context import close_db_session


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Flask:
    settings = settings or Settings.from_env()
    services = Services.from_settings(settings)
    if migrate:
        services.migrate()
    app = Flask(__name__)
    app.request_class = PortalRequest
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Each file is held to max_upload_bytes as it is stored; the body may also carry a package_revise's
        # small companion files (descriptor, reports) beside its largest file.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.site_url.startswith("https://"),
    )
    app.extensions["portal"] = services
    app.wsgi_app = CollapseLeadingSlashes(app.wsgi_app)  # type: ignore[method-assign]
    app.teardown_appcontext(close_db_session)

    from portal import api, downloads, web

    app.register_blueprint(api.bp)
    app.register_blueprint(downloads.bp)
    _register_error_handlers(app)
    app.after_request(_security_headers)
    web.register(app)  # after _security_headers, so the pages' stricter headers are set first
    return app


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


class CollapseLeadingSlashes:
    """``//api/3/action/x`` is what some clients send after joining URLs; serve it, never redirect a POST."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("//"):
            environ["PATH_INFO"] = re.sub(r"^/+", "/", path)
        return self.wsgi_app(environ, start_response)


def _register_error_handlers(app: Flask) -> None:
    def api_error(status: int, kind: str, message: str) -> Response:
        response = jsonify({"help": "", "success": False, "error": {"__type": kind, "message": message}})
        response.status_code = status
        return response

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Any:
        if request.path.startswith("/api/"):
            return api_error(404, "Not Found Error", "Not found")
        return exc

    @app.errorhandler(405)
    def bad_method(exc: Exception) -> Any:
        if request.path.startswith("/api/"):
            return api_error(400, "Bad Request", "Bad request - method not allowed")
        return exc

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        if request.path.startswith("/api/"):
            return api_error(500, "Internal Server Error", "Internal server error")
        return exc


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
    return response
