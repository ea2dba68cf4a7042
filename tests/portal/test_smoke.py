from __future__ import annotations


def test_status_show_envelope(api, backend):
    status, body = api.get("status_show")
    assert status == 200
    assert body["success"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=status_show")
    assert body["result"]["ckan_version"].startswith("2.11")
