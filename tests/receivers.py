"""Local stand-ins for alert channels: an HTTP webhook receiver and an SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.etl.local_http import running


@dataclass
class Received:
    posts: list[dict] = field(default_factory=list)
    """Each request that was answered 200: path, headers and body."""
    failures_left: int = 0
    """Requests still to answer with 500 before accepting (a flaky receiver)."""
    attempts: int = 0


@contextmanager
def webhook(failures: int = 0) -> Iterator[tuple[str, Received]]:
    """An HTTP receiver on 127.0.0.1; yields its host:port and what it received."""
    received = Received(failures_left=failures)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.attempts += 1
            if received.failures_left:
                received.failures_left -= 1
                self.send_response(500)
                self.end_headers()
                return
            post = {"path": self.path, "headers": dict(self.headers), "body": body.decode()}
            received.posts.append(post)
            self.send_response(200)
            self.end_headers()

    with running(Handler) as address:
        yield address, received


@contextmanager
def smtp() -> Iterator[tuple[str, list]]:
    """An aiosmtpd server on 127.0.0.1; yields host:port and the envelopes it received."""
    from aiosmtpd.controller import Controller

    envelopes: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            envelopes.append(envelope)
            return "250 OK"

    # aiosmtpd checks its own socket by connecting to the port it was given: not 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"127.0.0.1:{port}", envelopes
    finally:
        controller.stop()
