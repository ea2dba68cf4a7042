"""The CKAN Action API v3: ``/api/3/action/<name>`` and ``/api/action/<name>``, GET for reads, POST for all."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from portal import jsonwrite
from portal.actions import registry
from portal.errors import ActionError, BadRequest, NotFound, PayloadTooLarge
from portal.uploads import Upload
from portal.web_context import action_context, use_read_session

bp = Blueprint("api", __name__)


@bp.route("/api/action/<name>", methods=["GET", "POST"])
@bp.route("/api/<int:version>/action/<name>", methods=["GET", "POST"])
def action_endpoint(name: str, version: int = 3) -> Response:
    help_url = f"{current_app.extensions['portal'].settings.site_url}/api/3/action/help_show?name={name}"
    try:
        if version not in (3,):
            raise BadRequest(f"API version {version} is not supported: use /api/3/action/")
        try:
            act = registry.get_action(name)
        except NotFound:
            raise BadRequest(f"Action name not known: {name}") from None
        if request.method == "GET" and not act.side_effect_free:
            raise BadRequest(f"{name} changes data: call it with POST")
        data = request_data()
        if act.side_effect_free:
            use_read_session()
        ctx = action_context(allow_cookie=request.method == "GET")
        result = registry.call(name, ctx, data, written=True)
        ctx.session.commit()
    except ActionError as exc:
        _rollback()
        return envelope(help_url, exc.status, error=exc.error_dict())
    except RequestEntityTooLarge:
        _rollback()
        limit = current_app.extensions["portal"].settings.max_upload_bytes
        exc = PayloadTooLarge({"upload": [f"File upload too large: the limit is {limit} bytes"]})
        return envelope(help_url, exc.status, error=exc.error_dict())
    except Exception:
        _rollback()  # undo the change, and with it any file written for it
        current_app.logger.exception("action %s failed", name)
        return envelope(help_url, 500, error={"__type": "Internal Server Error", "message": "Internal error"})
    return envelope(help_url, 200, result=result)


def envelope(help_url: str, status: int, **body: Any) -> Response:
    """The response, with the parts the action returned already written (see :mod:`portal.jsonwrite`)."""
    payload = {"help": help_url, "success": status == 200, **body}
    return Response(jsonwrite.dumps(payload), status=status, mimetype="application/json")


def _rollback() -> None:
    from flask import g

    if "db_session" in g:
        g.db_session.rollback()


def request_data() -> dict[str, Any]:
    """Parameters from the query string (GET), a JSON body, or a form with optional ``upload`` file."""
    if request.method == "GET":
        return {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in request.form.lists()}
        for key, storage in request.files.items():
            data[key] = Upload(storage.filename or key, storage.stream)
        return data
    raw = request.get_data(cache=False)
    if not raw.strip():
        return dict(request.args.items())
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"JSON Error: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("JSON Error: the body must be a JSON object")
    return data
