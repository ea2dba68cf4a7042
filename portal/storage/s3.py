"""S3-compatible object storage through boto3 (AWS S3, MinIO, Ceph), so portal processes hold no files.

Uploads stream: small files go up in one PUT, anything larger than the multipart threshold in parts of that size,
so a process holds at most two parts of any upload in memory. The sha256 is computed on the way. A failed upload
is aborted, so no half-written object ever becomes visible under its key. Credentials come from boto3's usual
chain (environment, shared config, instance or task role); nothing secret lives in the portal's settings.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from portal.config import Settings
from portal.storage.base import CHUNK, StorageError, StoredObject, TooLarge

log = logging.getLogger(__name__)

MIN_PART_BYTES = 5 * 1024 * 1024  # S3 rejects smaller parts (except the last one)
MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class S3Location:
    """Where the portal's objects live: a bucket and a key prefix (``s3://bucket/prefix``)."""

    bucket: str
    prefix: str = ""

    @classmethod
    def parse(cls, url: str) -> S3Location:
        if not url.startswith("s3://"):
            raise ValueError(f"storage URL {url!r} is not an S3 URL: write it as s3://bucket/prefix")
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise ValueError(f"storage URL {url!r} names no bucket: write it as s3://bucket/prefix")
        return cls(bucket, prefix.strip("/"))

    def key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.key(key)}"


class S3Storage:
    """The :class:`portal.storage.base.Storage` interface over one bucket and prefix."""

    def __init__(
        self,
        location: S3Location,
        client: Any,
        *,
        presign_client: Any = None,
        part_bytes: int = 8 * 1024 * 1024,
        sse: str | None = None,
        kms_key_id: str | None = None,
    ) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError(f"the S3 multipart part size must be at least 5 MiB ({MIN_PART_BYTES} bytes)")
        self.location = location
        self.client = client
        self.presign_client = presign_client or client
        self.part_bytes = part_bytes
        self.write_args: dict[str, str] = {}
        if sse:
            self.write_args["ServerSideEncryption"] = sse
        if kms_key_id:
            self.write_args["SSEKMSKeyId"] = kms_key_id

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        session = boto3.session.Session()
        style = "path" if settings.s3_endpoint_url else "auto"  # MinIO and most non-AWS stores want path style
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": style},
            retries={"mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=32,
        )

        def client(endpoint: str | None) -> Any:
            return session.client("s3", endpoint_url=endpoint, region_name=settings.s3_region, config=config)

        internal = client(settings.s3_endpoint_url)
        public = client(settings.s3_public_endpoint_url) if settings.s3_public_endpoint_url else internal
        return cls(
            S3Location.parse(settings.storage_url),
            internal,
            presign_client=public,
            part_bytes=settings.s3_multipart_bytes,
            sse=settings.s3_sse,
            kms_key_id=settings.s3_sse_kms_key_id,
        )

    def put(self, key: str, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredObject:
        reader = _HashingReader(stream, max_bytes)
        first = reader.fill(self.part_bytes)
        second = reader.fill(self.part_bytes) if len(first) == self.part_bytes else bytearray()
        if not second:
            self._call("upload", key, self.client.put_object, Body=first, **self._object(key), **self.write_args)
        else:
            pending = [first, second]
            del first, second  # held only by ``pending`` from here, so each part is freed once it is sent
            self._put_multipart(key, reader, pending)
        return StoredObject(key, reader.size, reader.digest.hexdigest(), datetime.now(UTC).replace(tzinfo=None))

    def _put_multipart(self, key: str, reader: _HashingReader, pending: list[bytearray]) -> None:
        """Parts of ``part_bytes`` each, one in memory at a time; on any failure the upload is aborted."""
        started = self._call("upload", key, self.client.create_multipart_upload, **self._object(key), **self.write_args)
        upload_id = started["UploadId"]
        parts: list[dict[str, Any]] = []
        try:
            while pending:
                data = pending.pop(0)
                parts.append(self._upload_part(key, upload_id, len(parts) + 1, data))
                full = len(data) == self.part_bytes
                del data
                if not pending and full and (more := reader.fill(self.part_bytes)):
                    pending.append(more)
                    del more
            self._call(
                "upload",
                key,
                self.client.complete_multipart_upload,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                **self._object(key),
            )
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _upload_part(self, key: str, upload_id: str, number: int, data: bytearray) -> dict[str, Any]:
        answer = self._call(
            f"upload (part {number})",
            key,
            self.client.upload_part,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            **self._object(key),
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(UploadId=upload_id, **self._object(key))
        except (BotoCoreError, ClientError) as exc:
            log.warning(
                "could not abort multipart upload %s of %s (%s); a bucket lifecycle rule "
                "AbortIncompleteMultipartUpload removes its parts",
                upload_id,
                self.location.url(key),
                exc,
            )

    def stat(self, key: str) -> StoredObject | None:
        try:
            head = self.client.head_object(**self._object(key))
        except ClientError as exc:
            if _code(exc) in MISSING:
                return None
            raise self._error("stat", key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("stat", key, exc) from exc
        return StoredObject(key, head["ContentLength"], "", _naive_utc(head["LastModified"]))

    def read(self, key: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """Ask for exactly the bytes wanted, then stream them; errors before the first byte raise here."""
        if length == 0:
            return iter(())
        extra: dict[str, str] = {}
        if start or length is not None:
            end = "" if length is None else str(start + length - 1)
            extra["Range"] = f"bytes={start}-{end}"
        answer = self._call("read", key, self.client.get_object, **self._object(key), **extra)
        return _chunks(answer["Body"])

    def delete(self, key: str) -> None:
        """Runs after the catalogue change commits, so a failure is logged (the object is orphaned), not raised."""
        try:
            self.client.delete_object(**self._object(key))
        except (BotoCoreError, ClientError) as exc:
            log.error("could not delete %s, now orphaned: %s", self.location.url(key), exc)

    def presigned_url(self, key: str, *, seconds: int, disposition: str, mimetype: str) -> str:
        """A short-lived GET URL that makes S3 answer with the portal's file name and type."""
        params = {
            **self._object(key),
            "ResponseContentDisposition": disposition,
            "ResponseContentType": mimetype,
        }
        try:
            return self.presign_client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
        except (BotoCoreError, ClientError) as exc:
            raise self._error("presign", key, exc) from exc

    def _object(self, key: str) -> dict[str, str]:
        return {"Bucket": self.location.bucket, "Key": self.location.key(key)}

    def _call(self, what: str, key: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise self._error(what, key, exc) from exc

    def _error(self, what: str, key: str, exc: Exception) -> StorageError:
        hint = ""
        if isinstance(exc, NoCredentialsError):
            hint = " (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an instance role)"
        elif _code(exc) == "NoSuchBucket":
            hint = f" (create bucket {self.location.bucket!r} or fix PORTAL_STORAGE)"
        endpoint = self.client.meta.endpoint_url
        error = StorageError(f"S3 {what} of {self.location.url(key)} at {endpoint} failed: {exc}{hint}")
        log.error("%s", error)  # clients are told only that storage failed; operators read why here
        return error


class _HashingReader:
    """Reads the upload in chunks, hashing and counting, and stops as soon as it passes ``max_bytes``."""

    def __init__(self, stream: BinaryIO, max_bytes: int | None) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.digest = hashlib.sha256()
        self.size = 0

    def fill(self, limit: int) -> bytearray:
        """The next ``limit`` bytes (fewer only at the end of the stream)."""
        buffer = bytearray()
        while len(buffer) < limit and (chunk := self.stream.read(min(CHUNK, limit - len(buffer)))):
            self.size += len(chunk)
            if self.max_bytes is not None and self.size > self.max_bytes:
                raise TooLarge(self.max_bytes)
            self.digest.update(chunk)
            buffer += chunk
        return buffer


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()  # the client went away or the read finished: give the connection back


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", "")) if isinstance(exc, ClientError) else ""


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)
