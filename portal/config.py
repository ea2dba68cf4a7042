"""Settings read from the environment, with safe single-machine defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _default_instance() -> Path:
    return Path(os.environ.get("PORTAL_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the portal needs to know about its deployment.

    The app is stateless: all state lives behind ``database_url`` and ``storage``, so N processes
    configured alike serve the same catalogue.
    """

    database_url: str
    storage_path: Path
    site_url: str
    secret_key: str
    site_title: str = "North Yorkshire and York Open Data"
    max_upload_bytes: int = 1024 * 1024 * 1024
    max_json_bytes: int = 5 * 1024 * 1024
    search_rows_max: int = 1000
    search_memory: bool = True  # answer searches from an index in each process's memory (portal/search/memory)
    search_cache: int = 1000  # answers kept per process until the next change (portal/search/memory/results.py)
    record_cache: int = 10_000  # datasets' stored records kept per process (portal/search/memory/documents.py)
    # answers shared by the processes of one machine, a SQLite file on a local disk (portal/search/memory/shared.py)
    search_shared_cache: Path | None = None
    storage_url: str = ""  # "" = local files under storage_path; "s3://bucket/prefix" = S3 (docs/deploy.md)
    s3_endpoint_url: str | None = None  # MinIO, Ceph...; None = AWS
    s3_public_endpoint_url: str | None = None  # host in presigned URLs, when clients reach S3 by another name
    s3_region: str | None = None
    s3_sse: str | None = None  # server-side encryption: "AES256" or "aws:kms"
    s3_sse_kms_key_id: str | None = None
    s3_multipart_bytes: int = 8 * 1024 * 1024  # multipart threshold and part size (S3's minimum part is 5 MiB)
    download_redirect: bool = False  # redirect downloads to a short-lived presigned URL where the backend can
    download_url_seconds: int = 300
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from ``PORTAL_*`` variables; explicit overrides win (tests use them)."""
        instance = _default_instance()
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("PORTAL_DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
            "storage_path": Path(env.get("PORTAL_STORAGE_PATH", instance / "files")),
            "site_url": env.get("PORTAL_SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
            "secret_key": env.get("PORTAL_SECRET_KEY") or _instance_secret(instance),
            "site_title": env.get("PORTAL_SITE_TITLE", cls.site_title),
            "max_upload_bytes": int(env.get("PORTAL_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            "storage_url": env.get("PORTAL_STORAGE", ""),
            "s3_endpoint_url": env.get("PORTAL_S3_ENDPOINT_URL") or None,
            "s3_public_endpoint_url": env.get("PORTAL_S3_PUBLIC_ENDPOINT_URL") or None,
            "s3_region": env.get("PORTAL_S3_REGION") or None,
            "s3_sse": env.get("PORTAL_S3_SSE") or None,
            "s3_sse_kms_key_id": env.get("PORTAL_S3_SSE_KMS_KEY_ID") or None,
            "s3_multipart_bytes": int(env.get("PORTAL_S3_MULTIPART_BYTES", cls.s3_multipart_bytes)),
            "download_redirect": _bool(env.get("PORTAL_DOWNLOAD_REDIRECT"), False),
            "download_url_seconds": int(env.get("PORTAL_DOWNLOAD_URL_SECONDS", cls.download_url_seconds)),
            "search_memory": _bool(env.get("PORTAL_SEARCH_MEMORY"), True),
            "search_cache": int(env.get("PORTAL_SEARCH_CACHE", cls.search_cache)),
            "record_cache": int(env.get("PORTAL_RECORD_CACHE", cls.record_cache)),
            "search_shared_cache": _optional_path(
                env.get("PORTAL_SEARCH_SHARED_CACHE", str(instance / "cache" / "search-answers.sqlite"))
            ),
        }
        values.update(overrides)
        values["storage_path"] = Path(values["storage_path"])  # type: ignore[arg-type]
        values["site_url"] = str(values["site_url"]).rstrip("/")
        return cls(**values)  # type: ignore[arg-type]


def _optional_path(value: str) -> Path | None:
    """A path, or None for "" and "0" (the feature off)."""
    return Path(value) if value not in ("", "0") else None


def _instance_secret(instance: Path) -> str:
    """A random per-instance secret, created once, so a fresh install is never on a shared default key."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def env_flag(name: str, default: bool = False) -> bool:
    return _bool(os.environ.get(name), default)
