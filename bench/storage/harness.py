"""Processes and clients for the storage benchmark: a gunicorn portal, moto's S3 server, streaming HTTP.

The client side reads every body into one reused 1 MiB buffer, the same loop as the direct file read it is
compared with, so the comparison measures what the portal adds and not the client's own overhead.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

BIN = Path(sys.executable).parent
BUFFER = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_file(path: Path) -> int:
    """Read ``path`` start to end into one buffer: the direct-read baseline."""
    buf = bytearray(BUFFER)
    total = 0
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buf):
            total += n
    return total


def evict(path: Path) -> None:
    """Drop ``path`` from the page cache, so the next read comes from the disk (no root needed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_body(body: Any) -> int:
    buf = memoryview(bytearray(BUFFER))
    total = 0
    while n := body.readinto(buf):
        total += n
    return total


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPResponse, Any]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
    response = conn.getresponse()
    return response.status, response, conn


def download(url: str, token: str, *, follow: bool) -> tuple[int, int]:
    """Fetch ``url`` in full; returns (bytes, redirects followed)."""
    status, response, conn = http_get(url, {"Authorization": token})
    redirects = 0
    if status in (301, 302, 303, 307) and follow:
        location = response.getheader("Location")
        response.read()
        conn.close()
        status, response, conn = http_get(location)
        redirects = 1
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}: {response.read(500)!r}")
    size = read_body(response)
    conn.close()
    return size, redirects


def upload(api: str, token: str, path: Path, fields: dict[str, str]) -> dict[str, Any]:
    """``resource_create`` with a multipart body streamed from disk (requests would build it in memory)."""
    boundary = uuid.uuid4().hex
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{path.name}"\r\n'
    head += "Content-Type: application/octet-stream\r\n\r\n"
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head.encode()) + path.stat().st_size + len(tail)

    def body() -> Iterator[bytes]:
        yield head.encode()
        with path.open("rb") as f:
            while chunk := f.read(BUFFER):
                yield chunk
        yield tail

    parts = urlsplit(api)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=3600)
    headers = {
        "Authorization": token,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
    }
    conn.request("POST", parts.path + "/resource_create", body=body(), headers=headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"upload failed: {response.status} {payload[:500]!r}")
    import json

    return json.loads(payload)["result"]


class MemoryWatch:
    """Samples a process's resident memory every 20 ms while a block runs; ``peak`` and ``before`` in MiB."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = self.peak = rss_mib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mib(self.pid))

    def __enter__(self) -> MemoryWatch:
        self.before = self.peak = rss_mib(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib(self.pid))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Process:
    """A child process with its output in a log file, stopped on exit."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.log = log.open("wb")
        self.popen = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_http(self, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.popen.args[0]} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                requests.get(url, timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"{url} not answering after {timeout} s")

    def stop(self) -> None:
        self.popen.send_signal(signal.SIGINT)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.log.close()


def moto_server(workdir: Path) -> tuple[Process, str]:
    port = free_port()
    proc = Process(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], dict(os.environ), workdir / "moto.log"
    )
    endpoint = f"http://127.0.0.1:{port}"
    proc.wait_http(endpoint)
    return proc, endpoint


def portal(env: dict[str, str], workdir: Path, name: str) -> tuple[Process, str, int]:
    """``gunicorn portal.wsgi:app`` with one worker; returns the process, its URL and the worker's pid."""
    port = free_port()
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
    args += ["--timeout", "600", "portal.wsgi:app"]
    proc = Process(args, env, workdir / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    proc.wait_http(f"{url}/api/3/action/status_show")
    children = Path(f"/proc/{proc.popen.pid}/task/{proc.popen.pid}/children").read_text().split()
    return proc, url, int(children[0])


def portal_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "portal"), *args], env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"portal {' '.join(args)} failed: {done.stderr}")
    return done.stdout
