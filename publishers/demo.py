"""``publish demo``: the whole product on one machine, as a partner would see it.

It starts the portal on its embedded default (SQLite and local files in the instance folder) as a separate
process, sets up the partners, writes generated raw extracts, and runs every partner publisher into the
portal through the CKAN API, exactly as against a remote catalogue. The publishers never import the portal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rich.console import Console

from publishers import registry
from publishers.framework.errors import PublishError
from publishers.framework.pipeline import Options, run, secret_from
from publishers.simulate import MARKER, write_all

console = Console(stderr=True, soft_wrap=True)
STARTUP_SECONDS = 60


def _portal(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "portal.cli", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise PublishError(f"portal {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise PublishError(f"the portal stopped while starting (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise PublishError(f"the portal did not answer at {url} within {STARTUP_SECONDS} s")


def run_demo(host: str, port: int, instance: Path, *, serve: bool = True) -> int:
    instance = instance.resolve()
    url = f"http://{host}:{port}"
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SITE_URL": url}
    console.print(_portal(["init"], env))
    console.print(_portal(["demo", "--no-serve"], env))
    token = _portal(["token", "new", "demo-publisher", "--name", "demo-publishers"], env).splitlines()[-1]
    raw = instance / "demo-raw"
    if not (raw / MARKER).is_file():
        console.print(f"Writing generated raw extracts to {raw}")
        write_all(raw)
    log = (instance / "portal.log").open("ab")
    command = [sys.executable, "-m", "portal.cli", "serve", "--host", host, "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    console.print(f"Portal starting at {url} (its log: {instance / 'portal.log'})")
    try:
        _wait_for(url, server)
        worst = _publish_all(url, token, raw, instance / "publish-work")
        console.print(f"\nThe portal is at {url}/  (partner sign-in: partner-editor / demo-password-change-me)")
        if not serve:
            return worst
        console.print("Ctrl-C to stop.")
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


def _publish_all(url: str, token: str, raw: Path, work: Path) -> int:
    lookup = raw / "geography" / "lsoa-lookup.csv"
    options = Options(raw, work, catalogue=url, token=token, geography=[lookup], secret=secret_from(raw))
    worst = 0
    for name in registry.PUBLISHERS:
        started = time.perf_counter()
        try:
            result = run(registry.load(name), options)
            took = time.perf_counter() - started
            console.print(f"  {name:<22} {result.change:<10} {result.rows_out:>7} rows  {took:5.1f} s")
        except PublishError as exc:
            worst = max(worst, exc.exit_code)
            console.print(f"  [red]{name:<22} failed: {exc}[/red]")
    return worst
