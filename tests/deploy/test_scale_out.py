"""Two portal processes, one PostgreSQL database, one S3 bucket: whatever one process does, the other sees.

This is what a load balancer needs: any request may land on any process, so catalogue changes, files, API
tokens and sign-in sessions must all live outside the processes (database, bucket, the shared secret key).
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.slow  # starts real gunicorn processes: about ten seconds

PASSWORD = "correct horse battery staple"


def call(portal: Any, action: str, auth: str | None, files: Any = None, **data: Any) -> dict[str, Any]:
    headers = {"Authorization": auth} if auth else {}
    url = f"{portal.url}/api/3/action/{action}"
    if files:
        r = requests.post(url, data=data, files=files, headers=headers, timeout=60)
    else:
        r = requests.post(url, json=data, headers=headers, timeout=60)
    assert r.status_code == 200, f"{action} on {portal.url}: {r.status_code} {r.text[:500]}"
    return r.json()["result"]


def on(portal: Any, url: str) -> str:
    """The same path on a given process (resource URLs carry the public site URL)."""
    return portal.url + "/" + url.split("/", 3)[3]


@pytest.fixture(scope="module")
def catalogue(portals, admin_token) -> dict[str, Any]:  # noqa: ANN001
    """A publisher, an editor with a password and a token, set up entirely through process A."""
    a = portals[0]
    call(a, "organization_create", admin_token, name="police", title="North Yorkshire Police")
    call(a, "user_create", admin_token, name="ed", email="ed@example.org", password=PASSWORD)
    call(a, "organization_member_create", admin_token, id="police", username="ed", role="editor")
    token = call(a, "api_token_create", admin_token, user="ed", name="scripts")["token"]
    return {"token": token}


def test_a_dataset_made_on_one_process_is_found_and_downloaded_on_the_other(portals, catalogue, bucket):
    a, b = portals
    token = catalogue["token"]
    call(a, "package_create", token, name="burglaries", title="Burglaries by ward", owner_org="police")
    data = os.urandom(6 * 1024 * 1024 + 17)  # above the 5 MiB multipart threshold
    res = call(a, "resource_create", token, files={"upload": ("burglaries.bin", data)}, package_id="burglaries")

    found = requests.get(f"{b.url}/api/3/action/package_search", params={"q": "burglaries"}, timeout=10).json()
    assert [d["name"] for d in found["result"]["results"]] == ["burglaries"]
    download = requests.get(on(b, res["url"]), timeout=60)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == res["hash"].removeprefix("sha256:")
    ranged = requests.get(on(b, res["url"]), headers={"Range": "bytes=10-19"}, timeout=10)
    assert ranged.status_code == 206 and ranged.content == data[10:20]

    call(b, "resource_delete", token, id=res["id"])  # deleted through B: the object goes, A answers 404
    assert not [k for k in bucket.keys() if res["id"] in k]
    assert requests.get(on(a, res["url"]), timeout=10).status_code == 404


def found(portal: Any, q: str) -> list[str]:
    r = requests.get(f"{portal.url}/api/3/action/package_search", params={"q": q}, timeout=10)
    return [d["name"] for d in r.json()["result"]["results"]]


def test_each_process_searches_its_own_copy_of_the_index_and_sees_the_others_writes(portals, catalogue):
    a, b = portals
    token = catalogue["token"]
    call(a, "package_create", token, name="kestrel-sightings", title="Kestrel sightings", owner_org="police")
    assert found(b, "kestrel") == ["kestrel-sightings"] and found(a, "kestrel") == ["kestrel-sightings"]
    call(a, "package_patch", token, id="kestrel-sightings", title="Osprey sightings")  # both copies now behind
    assert found(b, "osprey") == ["kestrel-sightings"]  # B's very next search has A's write
    call(b, "package_delete", token, id="kestrel-sightings")
    assert found(a, "osprey") == [] and found(b, "sightings") == []


def test_tokens_issued_by_one_process_work_on_the_other(portals, catalogue):
    a, b = portals
    token = catalogue["token"]
    call(a, "package_create", token, name="custody-internal", owner_org="police", private="true")
    res = call(
        a, "resource_create", token, files={"upload": ("custody.csv", b"a,b\n1,2\n")}, package_id="custody-internal"
    )
    assert call(b, "package_show", token, id="custody-internal")["private"] is True
    assert requests.get(on(b, res["url"]), headers={"Authorization": token}, timeout=10).content == b"a,b\n1,2\n"
    assert requests.get(on(b, res["url"]), timeout=10).status_code in (403, 404)

    spare = call(a, "api_token_create", token, user="ed", name="spare")["token"]  # issued by A ...
    assert call(b, "package_show", spare, id="custody-internal")["name"] == "custody-internal"  # ... works on B
    call(b, "api_token_revoke", spare, token=spare)  # revoked through B ...
    refused = requests.post(
        f"{a.url}/api/3/action/package_show",
        json={"id": "custody-internal"},
        headers={"Authorization": spare},
        timeout=10,
    )
    assert refused.status_code in (401, 403, 404)  # ... refused by A at once


def sign_in(portal: Any) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{portal.url}/user/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = browser.post(
        f"{portal.url}/user/login",
        data={"username": "ed", "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303, r.text[:500]
    return browser


def test_a_session_signed_in_on_one_process_is_honoured_by_the_other(portals, catalogue):
    a, b = portals
    call(a, "package_create", catalogue["token"], name="stops-internal", owner_org="police", private="true")
    res = call(
        a,
        "resource_create",
        catalogue["token"],
        files={"upload": ("stops.csv", b"x\n1\n")},
        package_id="stops-internal",
    )
    browser = sign_in(a)
    assert browser.get(on(b, res["url"]), timeout=10).content == b"x\n1\n"
    assert requests.get(on(b, res["url"]), timeout=10).status_code in (403, 404)  # the cookie is what did it

    page = browser.get(f"{a.url}/user/tokens", timeout=10)  # a form rendered by A ...
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    made = browser.post(f"{b.url}/user/tokens", data={"name": "from-b", "csrf_token": csrf}, timeout=10)
    assert made.status_code == 200, made.text[:500]  # ... posted to B: same session, same CSRF secret
    tokens = call(a, "api_token_list", catalogue["token"], user="ed")
    assert "from-b" in [t["name"] for t in tokens]
