"""The Flask application factory: the API, file downloads and (later) the website over one logic layer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request
from flask.sessions import SecureCookieSessionInterface

from portal.config import Settings
from portal.response_headers import security_headers
from portal.services import Services
from portal.upload_request import PortalRequest
from portal.web_context import close_db_session

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Flask:
    settings = settings or Settings.from_env()
    services = Services.from_settings(settings)
    if migrate:
        services.migrate()
    app = Flask(__name__)
    app.request_class = PortalRequest
    app.session_interface = SigningOnce()
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
    app.after_request(security_headers)
    web.register(app)  # after security_headers, so the pages' stricter headers are set first
    return app


class SigningOnce(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set of keys rather than on
    every request (Flask opens the session of every request, cookie or not, API calls included)."""

    def __init__(self) -> None:
        self._made: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


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
