"""How the dashboard holds with a room full of analysts (issue #19): N browser sessions at once.

    python bench/load_dashboard.py --db /tmp/m1m.duckdb --sessions 1 5 10 20

Starts the real server (`streamlit run serve.py`, as `make run` does) over DB on this machine,
then, for each N, opens N headless Chromium contexts (Playwright, /usr/bin/chromium) that at
once each walk the six views, round after round, with different filters each round (dates,
language, countries, window: each session starts at another point of the list, so the
sessions do not all hit the same cached result). A session's first page is a shared link (a
page load). Each later round changes the filters one of two ways (`--filters`, both by
default, each N run in both ways in turn): `sidebar`, in the sidebar's widgets as an analyst
does, each widget changed a rerun of the page (no reload) and a page of its own
(bench/sidebar_filters.py); or `link`, by opening a shared link with the round's filters (a page
load). Then the round moves through the other views with the page's view control (a rerun of
the view alone). A page is ready when the script has finished and the view's chart or table is
there; a page fails when it shows an exception or an error, or is not ready within --timeout
(the report says how many of the failed pages were sessions' first pages).

When the walk starts (`--start`, one run per value): `each` (the default, and the only way until
2026-12-07), each session as soon as its own first page is ready, while the others may still be
fetching and compiling Streamlit's scripts on the same cores; `all`, every session once all N
show their first page (a barrier): the steady state of N analysts who already have the
dashboard open. Either way the first pages open at the same instant and are reported on their
own, and the report splits the counted pages by whether they started before or after the
last session's first page was ready (with `each`, what the others' cold starts cost them).

Reports per way of changing filters, seconds of reading (`--think`, one run per value) and N:
page-ready p50/p95 per view, per kind of page and over all pages but each session's first (which
also fetches and compiles Streamlit's scripts in a fresh browser context: reported on its own),
each p95 as a ratio to the first N's with the same filters and think (the baseline, measured in the
same run), failed pages, the server's resident memory (peak, and its growth per session over the
server's after a warm-up walk through every filter set, so the query caches are warm for every N
and way alike) and CPU (seconds, a page, and cores used on average), and the browsers' CPU (a page,
and by process). The server and the browsers share the machine: on 2 cores the browsers' rendering
takes CPU the server would otherwise have, which the figures include.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import queries  # noqa: E402
from bench import sidebar_filters  # noqa: E402
from bench.load_report import FIRST_PAGE, VIEWS, Phase, report  # noqa: E402
from bench.load_speed import cpu_seconds, descendants  # noqa: E402
from board.controls import VIEW_LABELS  # noqa: E402
from etl.database import reading_published, schema_version  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

READY = {
    "overview": '[data-testid="stDataFrame"]',
    "pair": ".js-plotly-plot",
    "matrix": ".js-plotly-plot",
    "network": ".js-plotly-plot",
    "map": ".js-plotly-plot",
    "articles": '[data-testid="stDataFrame"]',
}
"""What each view shows once its data is there."""
MODES = ("sidebar", "link")
STARTS = ("each", "all")
"""When a session starts its walk: once its own first page is ready, or once every session's is."""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FAILED = '[data-testid="stException"], [data-testid="stAlertContentError"]'
FILTERS = (
    {},
    {"lang": "en"},
    {"start": "2024-01-01", "end": "2024-06-30"},
    {"countries": "RUS"},
    {"window": "sentence"},
    {"start": "2023-03-01", "end": "2023-12-31", "lang": "id"},
)
"""One filter set per round; a session starts at its own offset in this list."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="published database to serve")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--rounds", type=int, default=2, help="walks over the six views")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a page fails")
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0],
        help="seconds a session reads a page before the next; several values, one run each",
    )
    parser.add_argument(
        "--filters",
        nargs="+",
        choices=MODES,
        default=list(MODES),
        help="how a round after the first changes its filters: in the sidebar, or by a link",
    )
    parser.add_argument(
        "--start",
        nargs="+",
        choices=STARTS,
        default=[STARTS[0]],
        help="when a session walks: once its own first page is ready (each), or once all N "
        "sessions show theirs (all); several values, one run each",
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    _refuse_other_schema(args.db)
    with serve(args.db.resolve()) as url:
        pid = _server_pid(url)
        # one session's walk over every filter set first: the first queries import plotly,
        # and every way of changing filters then meets the same warm caches, whichever ran
        # before it (the sidebar's sets between two rounds' remain its own cost)
        warm_up = asyncio.run(
            _phase(url, pid, 1, len(FILTERS), args.timeout, 0.0, "link", STARTS[0], {})
        )
        warm_mb = _rss_mb(pid)
        phases = [
            asyncio.run(
                _phase(url, pid, n, args.rounds, args.timeout, think, mode, start, warm_up.defaults)
            )
            for think in args.think
            for start in args.start
            for n in args.sessions
            for mode in args.filters
        ]
    print(report(phases, warm_mb, args))


def _refuse_other_schema(db: Path) -> None:
    """Exit unless the dashboard would serve DB: on another schema version it shows a
    notice instead of a view, so every page would wait the full --timeout."""
    with reading_published(db) as con:
        version = schema_version(con, db)
    if version != queries.SCHEMA_VERSION:
        sys.exit(
            f"{db} has schema version {version}, the dashboard reads {queries.SCHEMA_VERSION}: "
            f"upgrade it first (python -m etl load --db {db} with any small input) or rebuild it"
        )


async def _phase(
    url: str,
    pid: int,
    sessions: int,
    rounds: int,
    timeout: float,
    think: float,
    mode: str,
    start: str,
    defaults: dict[str, str],
) -> Phase:
    from playwright.async_api import async_playwright

    phase = Phase(sessions, mode, think, timeout, start=start, defaults=dict(defaults))
    # every session waits here after its first page when the walk starts together
    opened = asyncio.Barrier(sessions) if start == "all" else None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        sampler = _Sampler(pid)
        cpu_before, phase.started = cpu_seconds(pid), time.monotonic()
        await asyncio.gather(
            *(_session(browser, url, s, rounds, phase, opened) for s in range(sessions))
        )
        phase.wall_seconds = time.monotonic() - phase.started
        phase.cpu_seconds = cpu_seconds(pid) - cpu_before
        phase.rss_peak_mb, phase.browser_kinds = sampler.stop()
        await browser.close()
    return phase


async def _session(
    browser, url: str, number: int, rounds: int, phase: Phase, opened: asyncio.Barrier | None
):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    devtools = await context.new_cdp_session(page)
    await devtools.send("Performance.enable")
    shown: dict[str, str] = {}
    """The bench's filters as the page shows them (its URL), once a page has loaded."""
    try:
        for round_ in range(rounds):
            filters = FILTERS[(number + round_) % len(FILTERS)]
            # each session starts on another view, so no view alone pays for the cold start,
            # and each round on the view the last one ended on, where an analyst changes the
            # filters in the sidebar
            first = (number - round_) % len(VIEWS)
            for step, view in enumerate(VIEWS[first:] + VIEWS[:first]):
                for kind, where, open_page in _pages(page, url, view, step, filters, shown, phase):
                    busy = await _renderer_seconds(devtools)
                    began = time.monotonic() - phase.started
                    seconds = await open_page()
                    if isinstance(seconds, str):
                        what = kind if shown else FIRST_PAGE
                        phase.failures.append(f"{what} {where}: {seconds}")
                    elif not shown:
                        phase.first_pages.append(seconds)
                        phase.first_ready.append(began + seconds)
                    else:
                        after = await _renderer_seconds(devtools)
                        # a page load starts the new document's count at zero
                        renderer = after - busy if after >= busy else after
                        phase.times[view].append(seconds)
                        phase.renderer[view].append(renderer)
                        phase.kinds[kind].append(seconds)
                        phase.kind_renderer[kind].append(renderer)
                        phase.began.append((began, seconds))
                    opening = not shown
                    shown = sidebar_filters.complete(_shown(page.url), phase.defaults)
                    phase.defaults = phase.defaults or shown
                    if opening and opened:
                        # a failed first page still arrives, or the others would wait forever
                        await opened.wait()
                    await asyncio.sleep(phase.think)
    finally:
        await context.close()


def _pages(page, url: str, view: str, step: int, filters: dict, shown: dict, phase: Phase):
    """The pages of one step of a round: (kind, what to call it if it fails, a coroutine
    function opening it that returns its seconds or why it failed)."""
    address = f"{url}/?{urlencode({'view': view, **filters})}"
    if step and shown:
        return [("switch", address, lambda: _switch(page, view, phase.timeout))]
    if not shown or phase.mode == "link":
        return [("link", address, lambda: _open(page, address, view, phase.timeout))]
    current = shown
    target = sidebar_filters.complete(filters, phase.defaults)
    pages = []
    for name, value in sidebar_filters.steps(current, target):
        current = sidebar_filters.apply(current, name, value)
        pages.append(
            (
                "filter",
                f"{address} ({name} {value} in the sidebar)",
                partial(_change, page, view, name, value, current, phase.timeout),
            )
        )
    return pages


def _view_in(address: str) -> str | None:
    return parse_qs(urlsplit(address).query).get("view", [None])[0]


def _shown(address: str) -> dict[str, str]:
    """The bench's filter fields in address's query string."""
    query = parse_qs(urlsplit(address).query)
    return {name: query[name][0] for name in sidebar_filters.FIELDS if name in query}


async def _open(page, address: str, view: str, timeout: float) -> float | str:
    """Seconds until the view is ready, or why it failed."""
    started = time.monotonic()
    try:
        await page.goto(address, timeout=timeout * 1000)
        return await _ready(page, view, timeout, started)
    except Exception as err:  # noqa: BLE001  (a timeout or a crashed page is a failed page)
        return _failure(err)


async def _ready(page, view: str, timeout: float, started: float) -> float | str:
    ready = page.locator(f"{READY[view]}, {FAILED}").first
    await ready.wait_for(state="attached", timeout=timeout * 1000)
    await page.wait_for_selector(IDLE, state="attached", timeout=timeout * 1000)
    if await page.locator(FAILED).count():
        return "the page shows an error: " + (await page.locator(FAILED).first.inner_text())[:200]
    return time.monotonic() - started


async def _switch(page, view: str, timeout: float) -> float | str:
    """Seconds from a click on the view control until the view is ready, or why it failed."""
    started = time.monotonic()
    try:
        await page.locator(".st-key-view button", has_text=VIEW_LABELS[view]).click()
        # the rerun writes the view to the URL, which tells it from the page as it was; its
        # running state does so only if seen before the rerun ends, and a quick rerun was
        # counted with the 2 s waited for that
        await page.wait_for_url(lambda address: _view_in(address) == view, timeout=timeout * 1000)
        return await _ready(page, view, timeout, started)
    except Exception as err:  # noqa: BLE001  (a timeout or a crashed page is a failed page)
        return _failure(err)


async def _change(
    page, view: str, name: str, value: str, expected: dict[str, str], timeout: float
) -> float | str:
    """Seconds from committing one sidebar widget's change until the page's rerun is over
    and the view ready, or why it failed. The rerun writes the URL, which is how its start is
    told from the page as it was; a URL without the expected filters is a failed page (the
    widget was not driven as meant)."""
    before = page.url
    try:
        act = await sidebar_filters.commit(page, name, value)
        started = time.monotonic()
        await act()
        await page.wait_for_url(lambda address: address != before, timeout=timeout * 1000)
        seconds = await _ready(page, view, timeout, started)
    except Exception as err:  # noqa: BLE001  (a timeout or a crashed page is a failed page)
        return _failure(err)
    shown = sidebar_filters.complete(_shown(page.url), {})
    if shown != expected:
        return f"the URL shows {shown}, not {expected}"
    return seconds


def _failure(err: Exception) -> str:
    """Why a page failed: a timeout or a crashed page, in one line."""
    return f"{type(err).__name__}: {str(err).splitlines()[0]}"


async def _renderer_seconds(devtools) -> float:
    metrics = (await devtools.send("Performance.getMetrics"))["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


class _Sampler:
    """The server's peak resident memory and the browser processes' CPU by type, sampled every
    0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, _rss_mb(pid), threading.Event()
        self.first = _browser_processes(pid)
        self.last = dict(self.first)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(0.2):
            self.peak = max(self.peak, _rss_mb(self.pid))
            self.last.update(_browser_processes(self.pid))

    def stop(self) -> tuple[float, dict[str, float]]:
        """The peak RSS in MB, and the browsers' CPU seconds by process type since the start."""
        self._done.set()
        self._thread.join()
        self.last.update(_browser_processes(self.pid))
        kinds: dict[str, float] = {}
        for child, (kind, seconds) in self.last.items():
            kinds[kind] = kinds.get(kind, 0.0) + seconds - self.first.get(child, (kind, 0.0))[1]
        return self.peak, kinds


def _server_pid(url: str) -> int:
    """The pid of the streamlit process listening on url's port."""
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and port.encode() in command:
            return int(entry.name)
    raise RuntimeError(f"no streamlit process serving {url}")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _browser_processes(server: int) -> dict[int, tuple[str, float]]:
    """Each of this process's descendants but the server's tree (Playwright's driver and
    Chromium's processes): its type and CPU seconds so far."""
    skipped = {server, *descendants(server)}
    found = {}
    for pid in descendants(os.getpid()):
        kind, seconds = _process_type(pid), cpu_seconds(pid)
        # an ending process has no command line left: its last full sample stands
        if pid not in skipped and kind and seconds:
            found[pid] = (kind, seconds)
    return found


def _process_type(pid: int) -> str | None:
    """Chromium's --type (renderer, gpu-process, utility, zygote), 'browser' for Chromium's
    own process, 'driver' for Playwright's; None once the process is ending."""
    try:
        # Chromium rewrites its children's command lines as one string
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    if not command.strip():
        return None
    kind = next((word[7:] for word in command.split() if word.startswith("--type=")), None)
    return kind or ("browser" if "chrom" in command.split(" ", 1)[0] else "driver")


if __name__ == "__main__":
    main()
