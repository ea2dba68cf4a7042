"""The S3 backend on its own, against moto's server over HTTP: the Storage contract the portal relies on."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import replace

import pytest

from portal.storage import LocalStorage, make_storage
from portal.storage.base import StorageError, TooLarge
from portal.storage.s3 import S3Location, S3Storage

PART = 5 * 1024 * 1024


class Trickle(io.RawIOBase):
    """A non-seekable stream that hands out at most ``step`` bytes per read, like a socket does."""

    def __init__(self, data: bytes, step: int = 64 * 1024) -> None:
        self.data, self.pos, self.step, self.largest_read = data, 0, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        chunk = self.data[self.pos : self.pos + min(self.step, size if size >= 0 else self.step)]
        self.pos += len(chunk)
        return chunk


@pytest.fixture
def storage(settings):  # noqa: ANN001, ANN201
    return make_storage(settings)


def test_configuration_chooses_the_backend(settings, tmp_path):
    assert isinstance(make_storage(settings), S3Storage)
    assert isinstance(make_storage(replace(settings, storage_url="")), LocalStorage)
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        make_storage(replace(settings, storage_url="gs://elsewhere"))
    with pytest.raises(ValueError, match="names no bucket"):
        make_storage(replace(settings, storage_url="s3:///prefix"))
    with pytest.raises(ValueError, match="at least 5 MiB"):
        make_storage(replace(settings, s3_multipart_bytes=1024 * 1024))


def test_location_puts_keys_under_the_prefix():
    assert S3Location.parse("s3://b/a/b/").key("resources/x") == "a/b/resources/x"
    assert S3Location.parse("s3://b").key("resources/x") == "resources/x"


@pytest.mark.parametrize("size", [0, 1, 1000, PART - 1, PART])
def test_small_files_go_up_in_one_put_with_their_hash(storage, bucket, size):
    data = os.urandom(size)
    stored = storage.put("resources/r/small", Trickle(data))
    assert (stored.size, stored.sha256) == (size, hashlib.sha256(data).hexdigest())
    head = bucket.head("portal/files/resources/r/small")
    assert "-" not in head["ETag"]  # a single PUT; multipart ETags end in -<parts>
    assert head["ContentLength"] == size
    assert b"".join(storage.read("resources/r/small")) == data
    assert storage.stat("resources/r/small").size == size


@pytest.mark.parametrize("size", [PART + 1, 2 * PART, 2 * PART + 12345])
def test_files_over_the_threshold_go_up_in_parts(storage, bucket, size):
    data = os.urandom(size)
    stream = Trickle(data)
    stored = storage.put("resources/r/big", stream)
    assert (stored.size, stored.sha256) == (size, hashlib.sha256(data).hexdigest())
    parts = -(-size // PART)
    assert bucket.head("portal/files/resources/r/big")["ETag"].strip('"').endswith(f"-{parts}")
    assert bucket.get("portal/files/resources/r/big") == data
    assert stream.largest_read <= 1024 * 1024  # the upload is read in chunks, never asked for whole
    assert bucket.pending_uploads() == []


def test_ranges_read_only_the_bytes_asked_for(storage):
    data = os.urandom(3 * 1024 * 1024 + 7)
    storage.put("k", io.BytesIO(data))
    assert b"".join(storage.read("k", 0, 1)) == data[:1]
    assert b"".join(storage.read("k", 1000, 5000)) == data[1000:6000]
    assert b"".join(storage.read("k", len(data) - 10)) == data[-10:]
    assert b"".join(storage.read("k", 5, 0)) == b""
    chunks = list(storage.read("k"))
    assert b"".join(chunks) == data and max(map(len, chunks)) <= 1024 * 1024


def test_too_large_uploads_leave_no_object_and_no_parts(storage, bucket):
    with pytest.raises(TooLarge):
        storage.put("k", io.BytesIO(os.urandom(2 * PART + 10)), max_bytes=2 * PART)
    with pytest.raises(TooLarge):
        storage.put("k", io.BytesIO(b"x" * 101), max_bytes=100)
    assert bucket.keys() == [] and bucket.pending_uploads() == []


def test_delete_removes_the_object_and_tolerates_missing_ones(storage, bucket):
    storage.put("k", io.BytesIO(b"data"))
    assert bucket.keys() == ["portal/files/k"]
    storage.delete("k")
    storage.delete("k")
    assert bucket.keys() == [] and storage.stat("k") is None


def test_server_side_encryption_is_requested(settings, bucket):
    storage = make_storage(replace(settings, s3_sse="AES256"))
    storage.put("small", io.BytesIO(b"x"))
    storage.put("big", io.BytesIO(os.urandom(PART + 1)))
    assert bucket.head("portal/files/small")["ServerSideEncryption"] == "AES256"
    assert bucket.head("portal/files/big")["ServerSideEncryption"] == "AES256"


def test_a_missing_bucket_is_a_clear_error(settings):
    storage = make_storage(replace(settings, storage_url="s3://no-such-bucket-here/p"))
    with pytest.raises(StorageError, match=r"s3://no-such-bucket-here/p/k .*create bucket 'no-such-bucket-here'"):
        storage.put("k", io.BytesIO(b"x"))


def test_presigned_urls_serve_the_object_with_the_portals_name_and_type(storage):
    import requests

    storage.put("k", io.BytesIO(b"a,b\n1,2\n"))
    url = storage.presigned_url("k", seconds=60, disposition='attachment; filename="x.csv"', mimetype="text/csv")
    assert "X-Amz-Expires=60" in url and "X-Amz-Signature=" in url
    r = requests.get(url, timeout=10)
    assert r.status_code == 200 and r.content == b"a,b\n1,2\n"
    assert r.headers["Content-Type"] == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_presigned_urls_use_the_public_endpoint(settings):
    storage = make_storage(replace(settings, s3_public_endpoint_url="https://files.example.org"))
    url = storage.presigned_url("k", seconds=60, disposition="attachment", mimetype="text/csv")
    assert url.startswith("https://files.example.org/")
