"""S3 stops answering in the middle of an upload: the client is told, nothing half-made is kept, a retry works.

The outage is real: moto's server is stopped (its listening socket closed) while the portal is between two
multipart parts, using botocore's own ``before-send`` event to pick the moment. Nothing in the portal is replaced.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from typing import Any

import pytest
import requests

from portal.storage import make_storage
from portal.storage.base import StorageError

PART = 5 * 1024 * 1024


def stop_before_part(client: Any, moto: Any, number: int) -> None:
    """Stop the S3 server just before the client first sends part ``number`` of a multipart upload (once)."""
    fired: list[bool] = []

    def hook(request: Any, **_: Any) -> None:
        if f"partNumber={number}" in request.url and not fired:
            fired.append(True)
            moto.stop()

    client.meta.events.register("before-send.s3.UploadPart", hook)


def test_storage_reports_an_outage_mid_upload(settings, moto, bucket, caplog):
    storage = make_storage(settings)
    stop_before_part(storage.client, moto, 2)
    with caplog.at_level(logging.WARNING), pytest.raises(StorageError) as failure:
        storage.put("resources/r/k", io.BytesIO(os.urandom(2 * PART + 1)))
    message = str(failure.value)
    assert "upload (part 2)" in message and f"s3://{bucket.name}/portal/files/resources/r/k" in message
    assert moto.endpoint in message and "Could not connect" in message
    assert "AbortIncompleteMultipartUpload" in caplog.text  # the abort could not reach S3 either: said so
    moto.start()
    assert bucket.keys() == []  # S3 never shows an unfinished multipart upload as an object
    data = os.urandom(2 * PART + 1)
    assert storage.put("resources/r/k", io.BytesIO(data)).sha256 == hashlib.sha256(data).hexdigest()
    assert bucket.get("portal/files/resources/r/k") == data


def test_portal_upload_during_an_outage_fails_cleanly_and_a_retry_succeeds(live_server, factory, moto, bucket):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.dataset("police", "crime")
    token = factory.token("ed")
    data = os.urandom(2 * PART + 99)

    def upload() -> requests.Response:
        return requests.post(
            f"{live_server.url}/api/3/action/resource_create",
            data={"package_id": "crime", "name": "Crimes"},
            files={"upload": ("crimes.bin", data)},
            headers={"Authorization": token},
            timeout=60,
        )

    stop_before_part(live_server.services.storage.client, moto, 2)
    failed = upload()
    assert failed.status_code == 503
    error = failed.json()["error"]
    assert error["__type"] == "Storage Unavailable" and "nothing was saved" in error["message"]
    assert moto.endpoint not in failed.text  # internal hosts go to the log, not to clients

    moto.start()
    shown = requests.get(f"{live_server.url}/api/3/action/package_show", params={"id": "crime"}, timeout=10)
    assert shown.json()["result"]["resources"] == []  # no resource points at an object that is not there
    assert bucket.keys() == []

    retried = upload()
    assert retried.status_code == 200, retried.text
    res = retried.json()["result"]
    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert requests.get(res["url"], timeout=30).content == data
    assert len(bucket.keys()) == 1


def test_downloads_during_an_outage_answer_503_then_recover(live_server, factory, moto):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.dataset("police", "crime")
    token = factory.token("ed")
    r = requests.post(
        f"{live_server.url}/api/3/action/resource_create",
        data={"package_id": "crime"},
        files={"upload": ("crimes.csv", b"a,b\n1,2\n")},
        headers={"Authorization": token},
        timeout=30,
    )
    url = r.json()["result"]["url"]
    moto.stop()
    assert requests.get(url, timeout=30).status_code == 503  # not a 500, not a 404 that would mean "gone"
    moto.start()
    assert requests.get(url, timeout=30).content == b"a,b\n1,2\n"
