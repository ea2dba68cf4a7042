"""Serve uploaded files: streamed in constant memory, with ETag, Last-Modified and byte ranges."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime

from flask import Blueprint, Response, abort, current_app, redirect, request
from werkzeug.http import parse_range_header, quote_etag

from portal import authz
from portal.errors import ActionError
from portal.storage import StorageError, presigned_url
from portal.uploads import INLINE_SAFE, guess_mimetype
from portal.validation import UUID_RE
from portal.web_context import action_context

bp = Blueprint("downloads", __name__)


@bp.route("/dataset/<pkg_ref>/resource/<rid>/download")
@bp.route("/dataset/<pkg_ref>/resource/<rid>/download/<path:filename>")
def download(pkg_ref: str, rid: str, filename: str | None = None) -> Response:
    if not UUID_RE.match(rid):
        abort(404)
    ctx = action_context()
    try:
        res = authz.find_resource(ctx, rid)
        if pkg_ref not in (res.package_id, res.package.name):
            abort(404)
        authz.check_package_read(ctx, res.package)
    except ActionError as exc:
        abort(exc.status)
    if res.url_type != "upload" or not res.storage_key:
        abort(404)
    storage = current_app.extensions["portal"].storage
    try:
        stored = storage.stat(res.storage_key)
        if stored is None:
            abort(404)
        if (sent := _presigned_redirect(storage, res.storage_key, res.url, res.mimetype)) is not None:
            return sent
        etag = (res.hash or "").removeprefix("sha256:")[:32] or f"{res.id}-{stored.size}"
        return ranged_response(storage, res.storage_key, stored.size, stored.modified, etag, res.url, res.mimetype)
    except StorageError:
        abort(503)  # the file store is unreachable; the backend logged why


def _presigned_redirect(storage, key: str, filename: str, mimetype: str | None) -> Response | None:  # noqa: ANN001
    """Where configured and the backend can (S3), send the client straight to the object store.

    Only after the read check above, and only for a short time: the URL is a bearer credential. HEAD stays
    here because a presigned GET URL does not answer HEAD. Range headers travel with the redirected request.
    """
    settings = current_app.extensions["portal"].settings
    if not settings.download_redirect or request.method != "GET":
        return None
    mimetype = mimetype or guess_mimetype(filename)
    url = presigned_url(
        storage,
        key,
        seconds=settings.download_url_seconds,
        disposition=disposition(filename, mimetype),
        mimetype=mimetype,
    )
    if url is None:
        return None
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def ranged_response(storage, key, size, modified, etag, filename, mimetype) -> Response:  # noqa: ANN001
    """A 200, 206, 304 or 416 response for ``key``, reading only the bytes it sends."""
    mimetype = mimetype or guess_mimetype(filename)
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": format_datetime(modified.replace(tzinfo=UTC), usegmt=True),
        "Accept-Ranges": "bytes",
        "Content-Disposition": disposition(filename, mimetype),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    if (
        request.if_modified_since
        and not request.if_none_match
        and modified.replace(microsecond=0) <= (request.if_modified_since.replace(tzinfo=None))
    ):
        return Response(status=304, headers=headers)
    start, length, status = 0, size, 200
    range_header = request.headers.get("Range")
    if range_header and _if_range_ok(etag, modified):
        parsed = parse_range_header(range_header)
        bounds = parsed.range_for_length(size) if parsed and len(parsed.ranges) == 1 else None
        if parsed is None or (bounds is None and len(parsed.ranges) == 1):
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status=416, headers=headers)
        if bounds:
            start, stop = bounds
            length, status = stop - start, 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    headers["Content-Length"] = str(length)
    body = storage.read(key, start, length) if request.method != "HEAD" else iter(())
    return Response(body, status=status, headers=headers, mimetype=mimetype, direct_passthrough=True)


def _if_range_ok(etag: str, modified) -> bool:  # noqa: ANN001
    if_range = request.if_range
    if not if_range or (if_range.etag is None and if_range.date is None):
        return True
    if if_range.etag is not None:
        return if_range.etag == etag
    return modified.replace(microsecond=0) <= if_range.date.replace(tzinfo=None)


def disposition(filename: str, mimetype: str) -> str:
    """Files that a browser would render as a page (HTML, SVG, XML...) are always downloads."""
    kind = "inline" if mimetype in INLINE_SAFE else "attachment"
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
