"""Sign-in, CSRF, session rotation, sign-out and API token management through the pages."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, Catalogue, csrf_token, sign_in


def session_cookie(client) -> str | None:  # noqa: ANN001
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_sign_in_without_csrf_token_is_refused(client, catalogue: Catalogue) -> None:
    client.get("/user/login")
    response = client.post("/user/login", data={"username": "partner-ed", "password": PASSWORD})
    assert response.status_code == 400 and "The form could not be checked" in response.get_data(as_text=True)
    assert client.get("/user/tokens").status_code == 303  # still signed out


def test_wrong_password_and_unknown_user_get_the_same_answer(client, catalogue: Catalogue) -> None:
    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, username="nobody-here")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The user name or password is not right" in response.get_data(as_text=True)
    empty = sign_in(client, username="", password="")
    assert "Enter your user name" in empty.get_data(as_text=True)


def test_sign_in_rotates_the_session(client, catalogue: Catalogue) -> None:
    client.get("/user/login")
    before = session_cookie(client)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
        old_csrf = s.get("csrf_token")
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/user/tokens"
    assert session_cookie(client) != before
    with client.session_transaction() as s:
        assert "planted" not in s and s.get("csrf_token") != old_csrf and s["user_name"] == "partner-ed"


def test_next_only_redirects_within_the_site(client, catalogue: Catalogue) -> None:
    token = csrf_token(client.get("/user/login").get_data(as_text=True))
    data = {"username": "partner-ed", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"}
    assert client.post("/user/login", data=data).headers["Location"] == "/user/tokens"


def test_create_list_and_revoke_tokens(client, api_client_check, catalogue: Catalogue) -> None:
    assert client.get("/user/tokens").headers["Location"].startswith("/user/login?next=")
    sign_in(client)
    page = client.get("/user/tokens").get_data(as_text=True)
    assert "You have no tokens." in page
    missing = client.post("/user/tokens", data={"name": "", "csrf_token": csrf_token(page)})
    assert missing.status_code == 400 and "Enter a name for the token" in missing.get_data(as_text=True)
    created = client.post("/user/tokens", data={"name": "nightly script", "csrf_token": csrf_token(page)})
    html = created.get_data(as_text=True)
    token = re.search(r'id="new-token"[^>]*><code>([^<]+)</code>', html).group(1)
    assert "nightly script" in html
    assert api_client_check(token) == "partner-ed"
    jti = re.search(r'name="jti" value="([^"]+)"', html).group(1)
    assert client.post("/user/tokens/revoke", data={"jti": jti}).status_code == 400  # no CSRF token
    revoked = client.post("/user/tokens/revoke", data={"jti": jti, "csrf_token": csrf_token(html)})
    assert revoked.status_code == 303
    assert "You have no tokens." in client.get("/user/tokens?revoked=1").get_data(as_text=True)
    assert api_client_check(token) is None


def test_sign_out_ends_the_session(client, catalogue: Catalogue) -> None:
    sign_in(client)
    page = client.get("/user/tokens").get_data(as_text=True)
    assert client.post("/user/logout", data={"csrf_token": csrf_token(page)}).status_code == 303
    assert client.get("/user/tokens").status_code == 303
    assert client.get("/dataset/partners-only-referrals").status_code == 403


def test_api_ignores_csrf_and_cookies_for_writes(client, catalogue: Catalogue) -> None:
    sign_in(client)
    response = client.post("/api/3/action/package_create", json={"name": "via-cookie", "owner_org": "nypolice"})
    assert response.status_code == 403  # the signed-in cookie is not enough to write through the API


def test_a_new_secret_key_ends_sessions_unless_the_old_one_is_kept_as_a_fallback(app, client, catalogue) -> None:  # noqa: ANN001
    """The signing serializer is built once per set of keys: rotating the key must still take effect at once."""
    sign_in(client)
    assert client.get("/user/tokens").status_code == 200
    old = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "a-new-secret-key-for-this-test"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/user/tokens").status_code == 200  # signed with the fallback: still valid
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/user/tokens").status_code == 303  # the old key is gone: signed out
