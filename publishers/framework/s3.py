"""``s3://`` for publishers: raw extracts read from a bucket, built packages written to a prefix.

Credentials and region come from boto3's usual chain; ``PUBLISH_S3_ENDPOINT_URL`` (or boto3's own
``AWS_ENDPOINT_URL``) points at MinIO, Ceph or another S3-compatible store.
"""

from __future__ import annotations

import fnmatch
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from publishers.framework.errors import SetupError

DOWNLOADS = Path(tempfile.gettempdir()) / "nyy-publish-s3"


def split(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise SetupError(f"not an S3 address: {uri!r} (expected s3://bucket/key)")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


@lru_cache(maxsize=1)
def client() -> Any:
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("PUBLISH_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL") or None
    style = "path" if endpoint else "auto"
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": style})
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)


def _call(what: str, uri: str, fn: Any, **kwargs: Any) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return fn(**kwargs)
    except (BotoCoreError, ClientError) as exc:
        raise SetupError(f"S3 {what} {uri} failed: {exc}") from None


def expand(pattern: str) -> list[str]:
    """Object addresses matching ``pattern`` (a key, or a key with * and ? in its last part)."""
    bucket, key = split(pattern)
    if not any(ch in key for ch in "*?["):
        from botocore.exceptions import ClientError

        try:
            client().head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return []
            raise SetupError(f"S3 reading of {pattern} failed: {exc}") from None
        return [pattern]
    prefix = key[: min(key.find(ch) for ch in "*?[" if ch in key)]
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    keys = []
    for page in _call("listing of", pattern, lambda: list(pages)):
        keys += [obj["Key"] for obj in page.get("Contents", []) if fnmatch.fnmatchcase(obj["Key"], key)]
    return [f"s3://{bucket}/{k}" for k in sorted(keys)]


def download(uri: str) -> Path:
    """The object in a local temporary file (same base name, so the format is known from the extension)."""
    bucket, key = split(uri)
    target = DOWNLOADS / bucket / key
    target.parent.mkdir(parents=True, exist_ok=True)
    _call("download of", uri, client().download_file, Bucket=bucket, Key=key, Filename=str(target))
    head = _call("reading of", uri, client().head_object, Bucket=bucket, Key=key)
    stamp = head["LastModified"].timestamp()  # the object's date, so the same object gives the same release
    os.utime(target, (stamp, stamp))
    return target


def upload_folder(folder: Path, prefix_uri: str) -> list[str]:
    """Copy every file under ``folder`` to ``prefix_uri``/relative path; returns the object addresses."""
    bucket, prefix = split(prefix_uri.rstrip("/") + "/")
    written = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        key = prefix + path.relative_to(folder).as_posix()
        _call("upload to", f"s3://{bucket}/{key}", client().upload_file, Filename=str(path), Bucket=bucket, Key=key)
        written.append(f"s3://{bucket}/{key}")
    return written
