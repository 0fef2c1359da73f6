"""A throwaway HTTP server on 127.0.0.1 for tests of the fetching sources: no internet."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    requests: list[tuple[str, str]]
    """(path, User-Agent) of every request, for tests that check politeness."""

    def log_message(self, format: str, *args) -> None:
        pass

    failures: dict[str, list[int]]
    """Per path, statuses to answer before serving the file (a flaky server)."""

    def do_GET(self) -> None:
        self.requests.append((self.path, self.headers.get("User-Agent", "")))
        pending = self.failures.get(self.path)
        if pending:
            self.send_error(pending.pop(0))
            return
        self._etag = _etag(Path(self.translate_path(self.path)))
        if self._etag and self.headers.get("If-None-Match") == self._etag:
            # conditional GET, as news sites answer it (the watcher's feeds, refs #14)
            self.send_response(304)
            self.end_headers()
            return
        super().do_GET()

    def end_headers(self) -> None:
        if getattr(self, "_etag", None):
            self.send_header("ETag", self._etag)
        super().end_headers()


def _etag(path: Path) -> str | None:
    if not path.is_file():
        return None
    stat = path.stat()
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


@contextmanager
def serve(
    directory: Path, failures: dict[str, list[int]] | None = None
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Serve `directory`; yields the base URL and the list of requests made so far.

    A missing file answers 404, as on GDELT's server for a missing batch; `failures` makes
    given paths answer with error statuses first, e.g. {"/a.zip": [503, 503]}.
    """
    requests: list[tuple[str, str]] = []
    state = {"requests": requests, "failures": {k: list(v) for k, v in (failures or {}).items()}}
    handler = type("Handler", (_QuietHandler,), state)
    with running(functools.partial(handler, directory=str(directory))) as address:
        yield f"http://{address}", requests


@contextmanager
def running(handler) -> Iterator[str]:
    """A threaded HTTP server on a free port of 127.0.0.1 with `handler`; yields host:port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
