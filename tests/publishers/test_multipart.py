"""The streamed upload body is an ordinary multipart/form-data request: werkzeug (as CKAN and the portal use
it) reads back exactly the fields and files that ckanapi was given."""

from __future__ import annotations

import io
from pathlib import Path

from werkzeug.formparser import parse_form_data

from publishers.framework.multipart import MultipartBody, streamed


def _parse(body: MultipartBody) -> tuple[dict, dict]:
    data = b"".join(body)
    assert len(data) == len(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": body.content_type,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }
    _, form, files = parse_form_data(environ)
    return form.to_dict(), {k: (f.filename, f.read()) for k, f in files.items()}


def test_fields_and_files_arrive_as_sent(tmp_path: Path) -> None:
    big = tmp_path / "police-street-crime.csv"
    big.write_bytes(b"incident_id,service\n" + b"c1,police\n" * 300_000)
    small = tmp_path / "datapackage.json"
    small.write_text('{"name": "x", "title": "Crime \u2013 \u00a3"}', encoding="utf-8")
    fields = {b"match": b'{"id": "abc"}', b"update": '{"title": "Crime \u2013 \u00a3"}'.encode()}
    with big.open("rb") as one, small.open("rb") as two:
        body = MultipartBody(fields, {"update__resources__0__upload": (big.name, one), "b": (small.name, two)})
        form, files = _parse(body)
    assert form == {"match": '{"id": "abc"}', "update": '{"title": "Crime \u2013 \u00a3"}'}
    assert files["update__resources__0__upload"] == (big.name, big.read_bytes())
    assert files["b"] == (small.name, small.read_bytes())


def test_requests_without_real_files_are_left_alone() -> None:
    seen = {}

    def request(method, url, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen.update(kwargs)

    streamed(request)("POST", "http://x", data={"a": "1"}, files={"upload": ("x.csv", io.BytesIO(b"1"))})
    assert "files" in seen and seen["data"] == {"a": "1"}
