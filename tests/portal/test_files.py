"""Uploads and downloads: streaming, headers, ranges, confinement, replacement and deletion."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from portal.storage import LocalStorage
from portal.storage.spool import MEMORY_LIMIT, HashingSpool

CSV = b"lsoa_code,count\n" + b"".join(f"E0102{7000 + i:04d},{i}\n".encode() for i in range(2000))


@pytest.fixture
def editor(factory):
    factory.user("ed")
    factory.org("police", {"ed": "editor"})
    factory.dataset("police", "crime")
    return factory.token("ed")


def upload(client, token, data=CSV, filename="crime.csv", **fields):
    r = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "crime", "name": "Data", **fields, "upload": (io.BytesIO(data), filename)},
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_json()
    return r.get_json()["result"]


def path_of(url):
    return url.removeprefix("http://portal.test")


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.storage_path).rglob("*") if p.is_file()]


def test_upload_then_download(client, editor, backend):
    res = upload(client, editor)
    assert res["url_type"] == "upload" and res["size"] == len(CSV)
    assert res["hash"] == "sha256:" + hashlib.sha256(CSV).hexdigest()
    assert res["url"].endswith(f"/dataset/{res['package_id']}/resource/{res['id']}/download/crime.csv")
    assert res["format"] == "CSV" and res["mimetype"] == "text/csv"
    r = client.get(path_of(res["url"]))
    assert r.status_code == 200 and r.data == CSV
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Length"] == str(len(CSV))
    assert r.headers["ETag"] and r.headers["Last-Modified"]
    assert r.headers["Content-Disposition"].startswith('inline; filename="crime.csv"')
    by_name = client.get(f"/dataset/crime/resource/{res['id']}/download/crime.csv")
    assert by_name.data == CSV


def test_range_and_conditional_requests(client, editor, backend):
    url = path_of(upload(client, editor)["url"])
    r = client.get(url, headers={"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.data == CSV[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{len(CSV)}" and r.headers["Content-Length"] == "10"
    tail = client.get(url, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.data == CSV[-5:]
    bad = client.get(url, headers={"Range": f"bytes={len(CSV) + 10}-"})
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{len(CSV)}"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(url, headers={"Range": "bytes=0-3", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.data == CSV


@pytest.mark.parametrize("filename", ["page.html", "image.svg", "feed.xml", "script.js"])
def test_active_content_is_always_an_attachment(client, editor, backend, filename):
    res = upload(client, editor, b"<script>alert(1)</script>", filename)
    r = client.get(path_of(res["url"]))
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("filename", ["../../etc/passwd", "..\\..\\win.ini", "/abs/path.csv", "a/../../b.csv"])
def test_upload_names_cannot_escape_storage(client, editor, settings, backend, filename):
    res = upload(client, editor, b"x,y\n", filename)
    assert "/" not in res["url"].rsplit("/download/", 1)[1]
    root = Path(settings.storage_path).resolve()
    assert all(root in p.resolve().parents for p in stored_files(settings))


@pytest.mark.parametrize("rid", ["../../../etc/passwd", "not-a-uuid", "..%2F..%2Fetc%2Fpasswd"])
def test_download_ids_must_be_uuids(client, editor, backend, rid):
    assert client.get(f"/dataset/crime/resource/{rid}/download/x").status_code == 404


def test_oversize_upload_is_refused_and_leaves_nothing(client, editor, settings, backend):
    big = b"x" * (settings.max_upload_bytes + 10)
    r = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "crime", "upload": (io.BytesIO(big), "big.csv")},
        headers={"Authorization": editor},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413
    assert r.get_json()["error"]["__type"] == "Validation Error"
    assert "too large" in r.get_json()["error"]["upload"][0]
    assert stored_files(settings) == []


def test_replacing_a_file_removes_the_old_one(client, api, editor, settings, backend):
    res = upload(client, editor)
    r = client.post(
        "/api/3/action/resource_patch",
        data={"id": res["id"], "upload": (io.BytesIO(b"a,b\n1,2\n"), "new.csv")},
        headers={"Authorization": editor},
        content_type="multipart/form-data",
    )
    new = r.get_json()["result"]
    assert new["url"].endswith("/download/new.csv") and new["size"] == 8
    assert len(stored_files(settings)) == 1
    assert client.get(path_of(new["url"])).data == b"a,b\n1,2\n"
    api.ok("resource_delete", {"id": res["id"]}, editor)
    assert stored_files(settings) == []
    assert client.get(path_of(new["url"])).status_code == 404


def test_failure_after_the_file_is_stored_leaves_no_orphan(app, client, api, editor, settings, backend):
    def broken_index(session, pkg):
        raise RuntimeError("search index unavailable")

    app.extensions["portal"].search.index = broken_index  # fault injected after the upload is written
    r = client.post(
        "/api/3/action/resource_create",
        data={"package_id": "crime", "upload": (io.BytesIO(CSV), "x.csv")},
        headers={"Authorization": editor},
        content_type="multipart/form-data",
    )
    assert r.status_code == 500
    assert stored_files(settings) == []
    assert api.ok("package_show", {"id": "crime"})["num_resources"] == 0


def test_patch_without_upload_keeps_the_file(client, api, editor, backend):
    res = upload(client, editor)
    patched = api.ok("resource_patch", {"id": res["id"], "description": "now described"}, editor)
    assert patched["url"] == res["url"] and patched["size"] == res["size"] and patched["hash"] == res["hash"]
    assert client.get(path_of(patched["url"])).data == CSV


def test_private_dataset_files_need_membership(client, api, factory, editor, backend):
    api.ok("package_patch", {"id": "crime", "private": True}, editor)
    url = path_of(upload(client, editor)["url"])
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"Authorization": editor}).status_code == 200
    factory.user("stranger")
    assert client.get(url, headers={"Authorization": factory.token("stranger")}).status_code == 403


def test_a_large_upload_is_hashed_as_it_arrives_and_linked_into_storage(client, editor, settings, backend):
    big = CSV * 40  # beyond what the request parser keeps in memory: spooled beside storage
    assert len(big) > MEMORY_LIMIT
    res = upload(client, editor, data=big, filename="big.csv")
    assert res["size"] == len(big) and res["hash"] == "sha256:" + hashlib.sha256(big).hexdigest()
    (stored,) = stored_files(settings)
    assert stored.read_bytes() == big
    assert stored.stat().st_nlink == 1  # the spooled name is gone: one file, stored once
    assert not list((Path(settings.storage_path) / ".incoming").iterdir())
    assert client.get(path_of(res["url"])).data == big


def test_a_spool_rewritten_in_place_is_copied_and_hashed_again(tmp_path):
    spool = HashingSpool(tmp_path)
    spool.write(b"x" * (MEMORY_LIMIT + 1))
    assert spool.on_disk() is not None and spool.on_disk()[1] == hashlib.sha256(b"x" * (MEMORY_LIMIT + 1)).hexdigest()
    spool.seek(0)
    spool.write(b"y")  # not written front to back: its running hash no longer describes it
    assert spool.on_disk() is None
    spool.seek(0)
    stored = LocalStorage(tmp_path / "files").put("k", spool)
    assert stored.sha256 == hashlib.sha256(b"y" + b"x" * MEMORY_LIMIT).hexdigest()
    path = spool.path
    spool.close()
    assert not path.exists()


@pytest.mark.parametrize("readinto", [True, False])
def test_bodies_are_read_ahead_in_views_from_any_stream(readinto):
    from portal.upload_request import ReadAhead

    class Plain:  # a server's own input stream may have only read()
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self.data.read(size)

    data = CSV * 100
    reader = ReadAhead(io.BytesIO(data) if readinto else Plain(data), size=100_000)
    pieces = []
    while piece := reader.read(65_536):
        pieces.append(bytes(piece))
    assert b"".join(pieces) == data and max(len(p) for p in pieces) == 65_536


def test_a_spool_that_cannot_write_fails_the_write_and_still_closes(tmp_path):
    spool = HashingSpool(tmp_path)
    spool.write(b"x" * (MEMORY_LIMIT + 1))
    spool._file.close()  # the disk goes away under the spool
    with pytest.raises(ValueError):
        for _ in range(100):
            spool.write(b"y" * 1024)
        spool.on_disk()
    path = spool.path
    spool.close()
    assert spool.closed and not path.exists()
