"""The portal over HTTP with its files in S3 (moto's server): upload, download, Range, redirect, delete."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
import requests

PART = 5 * 1024 * 1024


class Portal:
    """A live portal, a publisher with an editor's token and a dataset to attach files to."""

    def __init__(self, server: Any, factory: Any, *, private: bool = False) -> None:
        self.url = server.url
        factory.user("ed")
        factory.org("police", {"ed": "editor"})
        factory.dataset("police", "crime", private=private)
        self.token = factory.token("ed")

    def call(self, action: str, token: str | None = None, files: Any = None, **data: Any) -> requests.Response:
        headers = {"Authorization": token or self.token}
        if files:
            return requests.post(f"{self.url}/api/3/action/{action}", data=data, files=files, headers=headers)
        return requests.post(f"{self.url}/api/3/action/{action}", json=data, headers=headers)

    def upload(self, data: bytes, filename: str = "crime.csv", **fields: Any) -> dict[str, Any]:
        action = "resource_update" if "id" in fields else "resource_create"
        if action == "resource_create":
            fields.setdefault("package_id", "crime")
        r = self.call(action, files={"upload": (filename, data)}, **fields)
        assert r.status_code == 200, r.text
        return r.json()["result"]

    def get(self, url: str, **kw: Any) -> requests.Response:
        return requests.get(url, timeout=30, **kw)


@pytest.fixture
def portal(live_server, factory) -> Portal:  # noqa: ANN001
    return Portal(live_server, factory)


def object_key(bucket, resource_id: str) -> str:  # noqa: ANN001
    [key] = [k for k in bucket.keys() if f"/resources/{resource_id}/" in k]
    return key


def test_upload_streams_into_the_bucket_with_its_hash(portal, bucket):
    data = b"month,count\n" + b"2024-01,1\n" * 5000
    res = portal.upload(data)
    assert res["size"] == len(data) and res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert bucket.get(object_key(bucket, res["id"])) == data
    r = portal.get(res["url"])
    assert r.status_code == 200 and r.content == data
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "crime.csv" in r.headers["Content-Disposition"]


def test_a_file_larger_than_the_multipart_threshold(portal, bucket):
    data = os.urandom(2 * PART + 4321)
    res = portal.upload(data, "big.bin")
    key = object_key(bucket, res["id"])
    assert bucket.head(key)["ETag"].strip('"').endswith("-3")
    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(portal.get(res["url"]).content).digest() == hashlib.sha256(data).digest()


def test_range_requests_are_served_from_s3(portal):
    data = os.urandom(PART + 100)
    url = portal.upload(data, "big.bin")["url"]
    r = portal.get(url, headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and r.content == data[100:200]
    assert r.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    r = portal.get(url, headers={"Range": f"bytes=-{PART // 2}"})
    assert r.status_code == 206 and r.content == data[-(PART // 2) :]
    r = portal.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(data)}"
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data)) and head.content == b""
    etag = portal.get(url, headers={"Range": "bytes=0-0"}).headers["ETag"]
    assert portal.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_presigned_redirect_sends_clients_to_s3(portal, redirecting, bucket):
    data = b"a,b\n" + b"1,2\n" * 1000
    res = portal.upload(data, "table.csv")
    url = res["url"].replace(portal.url, redirecting.url)
    r = requests.get(url, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Cache-Control"] == "private, no-store"
    target = r.headers["Location"]
    assert target.startswith(f"{bucket.client.meta.endpoint_url}/{bucket.name}/portal/files/resources/{res['id']}/")
    assert "X-Amz-Expires=120" in target
    followed = requests.get(url, timeout=10)
    assert followed.status_code == 200 and followed.content == data
    assert followed.headers["Content-Type"] == "text/csv"
    assert 'filename="table.csv"' in followed.headers["Content-Disposition"]
    ranged = requests.get(url, headers={"Range": "bytes=4-7"}, timeout=10)  # the Range header follows the redirect
    assert ranged.status_code == 206 and ranged.content == data[4:8]
    head = requests.head(url, timeout=10)  # a presigned GET cannot answer HEAD: the portal does
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data))


def test_private_files_are_never_redirected_without_the_right(redirecting, factory):
    portal = Portal(redirecting, factory, private=True)
    res = portal.upload(b"secret,1\n")
    anonymous = requests.get(res["url"], allow_redirects=False, timeout=10)
    assert anonymous.status_code in (403, 404) and "Location" not in anonymous.headers
    allowed = requests.get(res["url"], headers={"Authorization": portal.token}, allow_redirects=False, timeout=10)
    assert allowed.status_code == 302
    assert requests.get(allowed.headers["Location"], timeout=10).content == b"secret,1\n"


def test_deleting_a_resource_deletes_its_object(portal, bucket):
    res = portal.upload(b"x,y\n1,2\n")
    key = object_key(bucket, res["id"])
    assert portal.call("resource_delete", id=res["id"]).status_code == 200
    assert key not in bucket.keys()
    assert portal.get(res["url"]).status_code == 404


def test_replacing_a_file_deletes_the_old_object(portal, bucket):
    res = portal.upload(b"old\n")
    old_key = object_key(bucket, res["id"])
    new = portal.upload(b"new\n", "new.csv", id=res["id"])
    assert old_key not in bucket.keys()
    assert portal.get(new["url"]).content == b"new\n"
    assert bucket.get(object_key(bucket, res["id"])) == b"new\n"
