"""A loopback TCP proxy that can cut a request off part-way, to play a catalogue that dies mid-upload."""

from __future__ import annotations

import socket
import threading


class CuttingProxy:
    """Forwards connections to ``upstream``. A request whose first bytes contain ``marker`` is cut after
    ``cut_after`` bytes: both connections are closed, as if the catalogue's process had died. ``hold``
    instead stops forwarding at that point and sets ``held`` (so a test can kill the client), until
    ``release`` closes everything."""

    def __init__(self, upstream_port: int, marker: bytes, cut_after: int, hold: bool = False) -> None:
        self.upstream_port, self.marker, self.cut_after, self.hold = upstream_port, marker, cut_after, hold
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cuts = 0
        self.held = threading.Event()
        self._release = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, watch: bool) -> None:
        sent, cutting = 0, False  # bytes of the marked request forwarded so far
        try:
            while data := source.recv(65536):
                if watch and not cutting and self.marker in data:
                    cutting, sent = True, -data.index(self.marker)  # count from the request line
                if cutting and sent + len(data) >= self.cut_after:
                    target.sendall(data[: max(0, self.cut_after - sent)])
                    self.cuts += 1
                    if self.hold:
                        self.held.set()
                        self._release.wait(60)
                    break
                target.sendall(data)
                sent += len(data) if cutting else 0
        except OSError:
            pass
        if cutting or not watch:
            for sock in (source, target):
                _close(sock)

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._release.set()
        _close(self.listener)
        for sock in self._sockets:
            _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
