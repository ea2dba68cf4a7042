"""Where resource files live: local files by default, or S3-compatible object storage, chosen by configuration.

``PORTAL_STORAGE`` unset: files under ``PORTAL_STORAGE_PATH`` (one machine). ``PORTAL_STORAGE=s3://bucket/prefix``:
objects in S3, MinIO or Ceph through boto3, so any number of portal processes share them (docs/deploy.md).
"""

from __future__ import annotations

from portal.config import Settings
from portal.storage.base import Storage, StorageError, StoredObject
from portal.storage.local import LocalStorage


def make_storage(settings: Settings) -> Storage:
    url = settings.storage_url.strip()
    if url in ("", "local"):
        return LocalStorage(settings.storage_path)
    if url.startswith("s3://"):
        from portal.storage.s3 import S3Storage  # boto3 loads only when S3 is configured

        return S3Storage.from_settings(settings)
    raise ValueError(
        f"PORTAL_STORAGE={url!r} is not a storage this portal knows: use s3://bucket/prefix for S3-compatible "
        "object storage, or leave it unset for local files under PORTAL_STORAGE_PATH"
    )


def presigned_url(storage: Storage, key: str, *, seconds: int, disposition: str, mimetype: str) -> str | None:
    """A short-lived direct URL for ``key`` where the backend can issue one (S3), else ``None`` (local files)."""
    presign = getattr(storage, "presigned_url", None)
    if presign is None:
        return None
    return presign(key, seconds=seconds, disposition=disposition, mimetype=mimetype)


__all__ = ["LocalStorage", "Storage", "StorageError", "StoredObject", "make_storage", "presigned_url"]
