"""The operator's ``portal`` command, run as a real subprocess against a fresh instance folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "portal"


def portal(instance: Path, *args: str, database_url: str | None = None, check: bool = True):
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SITE_URL": "http://portal.test"}
    env.pop("PORTAL_DATABASE_URL", None)
    if database_url:
        env["PORTAL_DATABASE_URL"] = database_url
    proc = subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def test_operator_workflow(tmp_path, database_url, backend):
    url = None if backend == "sqlite" else database_url
    assert "Database ready" in portal(tmp_path, "init", database_url=url).stdout
    portal(tmp_path, "db", "upgrade", database_url=url)
    portal(tmp_path, "user", "add", "alice", "--email", "a@example.org", "--password", "long-password",
           database_url=url)  # fmt: skip
    portal(tmp_path, "org", "add", "police", "--title", "North Yorkshire Police", database_url=url)
    portal(tmp_path, "member", "add", "police", "alice", "--role", "editor", database_url=url)
    out = portal(tmp_path, "token", "new", "alice", database_url=url).stdout
    token = out.strip().splitlines()[-1]
    assert token.startswith("nyy_") and " " not in token
    if backend == "sqlite":
        assert (tmp_path / "portal.db").exists() and (tmp_path / "secret_key").exists()
        assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_cli_errors_are_clear(tmp_path):
    portal(tmp_path, "init")
    proc = portal(tmp_path, "member", "add", "nowhere", "nobody", check=False)
    assert proc.returncode != 0
    assert "organization_member_create failed" in proc.stderr and "Not found" in proc.stderr


def test_demo_loads_idempotently(tmp_path):
    """``portal demo`` sets up the partners (the publishers bring the data: ``publish demo``)."""
    first = portal(tmp_path, "demo", "--no-serve").stdout
    second = portal(tmp_path, "demo", "--no-serve").stdout
    assert "Demo partners ready (5 organizations, 0 datasets)" in first and first == second
    orgs = portal(tmp_path, "org", "add", "extra-org", "--title", "Extra").stdout
    assert "Created organization extra-org" in orgs


def test_serve_links_to_its_own_address(tmp_path):
    import time

    import requests

    from tests.catalogue_fixtures import free_port

    port = free_port()
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path)}
    env.pop("PORTAL_SITE_URL", None)
    env.pop("PORTAL_DATABASE_URL", None)
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert r.json()["result"]["site_url"] == f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
