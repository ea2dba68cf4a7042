"""The preview reader: bounded, streamed, tolerant of encodings, and never showing half a row."""

from __future__ import annotations

import pytest

from portal.web import files
from tests.web.conftest import upload


@pytest.fixture
def org(factory) -> str:  # noqa: ANN001
    return factory.org("readers")["name"]


def preview_of(app, factory, org: str, body: bytes, fmt: str = "CSV"):  # noqa: ANN001, ANN201
    pkg = factory.dataset(org)
    res = upload(factory, pkg["id"], "data", "data.csv", body, fmt)
    with app.test_request_context("/"):
        return files.csv_preview(res)


def test_windows_1252_and_bom_are_read(app, factory, org: str) -> None:
    latin = preview_of(app, factory, org, "name,town\nJosé,Malton\n".encode("cp1252"))
    assert latin.rows == [["José", "Malton"]] and not latin.truncated
    bom = preview_of(app, factory, org, "\ufeffname\nRípon\n".encode())
    assert bom.header == ["name"] and bom.rows == [["Rípon"]]


def test_quoted_newlines_and_short_files(app, factory, org: str) -> None:
    preview = preview_of(app, factory, org, b'a,b\n"line one\nline two",2\n3,4')
    assert preview.rows == [["line one\nline two", "2"], ["3", "4"]]
    assert preview_of(app, factory, org, b"").header == []


def test_reading_stops_at_the_byte_limit_without_half_rows(app, factory, org: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(files, "PREVIEW_MAX_BYTES", 100)
    monkeypatch.setattr(files, "PREVIEW_ROWS", 1000)
    body = b"n,word\n" + b"".join(b"%d,abcdefghij\n" % i for i in range(100))
    preview = preview_of(app, factory, org, body)
    assert preview.truncated
    assert all(len(row) == 2 and row[1] == "abcdefghij" for row in preview.rows)
    assert 0 < len(preview.rows) < 10


def test_not_csv_is_not_previewed(app, factory, org: str) -> None:
    assert preview_of(app, factory, org, b"{}", fmt="JSON") is None
