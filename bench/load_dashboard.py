"""How the dashboard holds with a room full of analysts (issue #19): N browser sessions at once.

    python bench/load_dashboard.py --db /tmp/m1m.duckdb --sessions 1 5 10 20

Starts the real server (`streamlit run serve.py`, as `make run` does) over DB on this machine,
then, for each N, opens N headless Chromium contexts (Playwright, /usr/bin/chromium) that at
once each walk the six views, round after round, with different filters each round (dates,
language, countries, window: each session starts at another point of the list, so the
sessions do not all hit the same cached result). Each round opens a shared link (a page load), then
moves through the other views with the page's view control (a rerun, no reload), as an analyst
does. A page is ready when the script has finished and the view's chart or table is there; a page fails when it shows an exception or an
error, or is not ready within --timeout.

Reports per N: page-ready p50/p95 per view and over all pages but each session's first (which
also fetches and compiles Streamlit's scripts in a fresh browser context: reported on its
own), each p95 as a ratio to N = 1's (the baseline, measured in the same run), failed pages, the server's resident memory (peak,
and its growth per session over the server's after one warm-up walk) and CPU (seconds, and
cores used on average). The server and the browsers share the machine: on 2 cores the browsers' rendering
takes CPU the server would otherwise have, which the figures include.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402

import queries  # noqa: E402
from bench.load_speed import cpu_seconds, descendants  # noqa: E402
from board.controls import VIEW_LABELS  # noqa: E402
from etl.database import reading_published, schema_version  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

VIEWS = ("overview", "pair", "matrix", "network", "map", "articles")
READY = {
    "overview": '[data-testid="stDataFrame"]',
    "pair": ".js-plotly-plot",
    "matrix": ".js-plotly-plot",
    "network": ".js-plotly-plot",
    "map": ".js-plotly-plot",
    "articles": '[data-testid="stDataFrame"]',
}
"""What each view shows once its data is there."""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"]:not([data-test-script-state="notRunning"])'
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


@dataclass
class Phase:
    sessions: int
    times: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VIEWS})
    renderer: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VIEWS})
    """Seconds of the page's renderer main thread (Chromium's TaskDuration) per page: the
    browser's own cost of a view, which N sessions on one machine pay N times."""
    first_pages: list[float] = field(default_factory=list)
    """A session's first page: the browser fetches and compiles Streamlit's scripts first."""
    failures: list[str] = field(default_factory=list)
    rss_peak_mb: float = 0.0
    cpu_seconds: float = 0.0
    browser_kinds: dict[str, float] = field(default_factory=dict)
    """CPU seconds of every browser process by type (Chromium's renderers, GPU process, browser
    process, utilities, zygotes; Playwright's driver), ended ones included, sampled every
    0.2 s: a process's last 0.2 s before it ended are missed."""
    wall_seconds: float = 0.0

    @property
    def pages(self) -> int:
        """Every page the sessions opened: ready, first of a session, or failed."""
        return sum(map(len, self.times.values())) + len(self.first_pages) + len(self.failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="published database to serve")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--rounds", type=int, default=2, help="walks over the six views")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a page fails")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a session reads a page before the next"
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    _refuse_other_schema(args.db)
    with serve(args.db.resolve()) as url:
        pid = _server_pid(url)
        # one session's walk first: the first queries import plotly and fill the caches'
        # fixed part, which is no session's cost
        asyncio.run(_phase(url, pid, 1, 1, args.timeout, 0.0))
        warm_mb = _rss_mb(pid)
        phases = [
            asyncio.run(_phase(url, pid, n, args.rounds, args.timeout, args.think))
            for n in args.sessions
        ]
    print(_report(phases, warm_mb, args))


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
    url: str, pid: int, sessions: int, rounds: int, timeout: float, think: float
) -> Phase:
    from playwright.async_api import async_playwright

    phase = Phase(sessions)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        sampler = _Sampler(pid)
        cpu_before, started = cpu_seconds(pid), time.monotonic()
        await asyncio.gather(
            *(_session(browser, url, s, rounds, timeout, think, phase) for s in range(sessions))
        )
        phase.wall_seconds = time.monotonic() - started
        phase.cpu_seconds = cpu_seconds(pid) - cpu_before
        phase.rss_peak_mb, phase.browser_kinds = sampler.stop()
        await browser.close()
    return phase


async def _session(
    browser, url: str, number: int, rounds: int, timeout: float, think: float, phase: Phase
):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    devtools = await context.new_cdp_session(page)
    await devtools.send("Performance.enable")
    try:
        for round_ in range(rounds):
            filters = FILTERS[(number + round_) % len(FILTERS)]
            # each session starts on another view, so no view alone pays for the cold start
            order = VIEWS[number % len(VIEWS) :] + VIEWS[: number % len(VIEWS)]
            for step, view in enumerate(order):
                # a round opens a shared link, then moves through the views with the page's
                # own view control, as an analyst does (no reload)
                address = f"{url}/?{urlencode({'view': view, **filters})}"
                busy = await _renderer_seconds(devtools)
                if step == 0:
                    seconds = await _open(page, address, view, timeout)
                else:
                    seconds = await _switch(page, view, timeout)
                if isinstance(seconds, str):
                    phase.failures.append(f"{address}: {seconds}")
                elif round_ == step == 0:
                    phase.first_pages.append(seconds)
                else:
                    phase.times[view].append(seconds)
                    after = await _renderer_seconds(devtools)
                    # a page load starts the new document's count at zero
                    phase.renderer[view].append(after - busy if after >= busy else after)
                await asyncio.sleep(think)
    finally:
        await context.close()


async def _open(page, address: str, view: str, timeout: float) -> float | str:
    """Seconds until the view is ready, or why it failed."""
    started = time.monotonic()
    try:
        await page.goto(address, timeout=timeout * 1000)
        return await _ready(page, view, timeout, started)
    except Exception as err:  # noqa: BLE001  (a timeout or a crashed page is a failed page)
        return f"{type(err).__name__}: {str(err).splitlines()[0]}"


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
        with contextlib.suppress(PlaywrightTimeout):  # a quick rerun may end before we look
            await page.wait_for_selector(RUNNING, state="attached", timeout=2000)
        return await _ready(page, view, timeout, started)
    except Exception as err:  # noqa: BLE001  (a timeout or a crashed page is a failed page)
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


BROWSER_TYPES = ("renderer", "gpu-process", "browser")
"""Chromium's processes reported on their own; the rest (utility, zygote, Playwright's driver)
are summed as "other"."""


def _browser_lines(phases: list[Phase]) -> list[str]:
    """The browsers' CPU by process type, and per page against the server's."""
    lines = [
        "",
        "Browsers' CPU seconds by process (sampled every 0.2 s: an underestimate by up to "
        "0.2 s per ended process), and per page beside the server's:",
        "",
        "| N | pages | " + " | ".join(BROWSER_TYPES) + " | other | all | browsers per page "
        "| server per page |",
        "|---|" + "---|" * (len(BROWSER_TYPES) + 6),
    ]
    for phase in phases:
        kinds = phase.browser_kinds
        other = sum(seconds for kind, seconds in kinds.items() if kind not in BROWSER_TYPES)
        every = sum(kinds.values())
        lines.append(
            f"| {phase.sessions} | {phase.pages} | "
            + " | ".join(f"{kinds.get(kind, 0.0):.1f}" for kind in BROWSER_TYPES)
            + f" | {other:.1f} | {every:.1f} "
            f"| {every / phase.pages:.2f} | {phase.cpu_seconds / phase.pages:.2f} |"
        )
    return lines


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _report(phases: list[Phase], warm_mb: float, args: argparse.Namespace) -> str:
    base = phases[0]
    every = {p.sessions: [t for ts in p.times.values() for t in ts] for p in phases}
    firsts = {p.sessions: p.first_pages for p in phases}
    base_p95 = _percentile(every[base.sessions], 0.95)
    lines = [
        f"# Dashboard under load: {args.db} ({os.cpu_count()} cores, server and browsers on "
        f"this machine, {args.rounds} rounds of the six views per session, {args.think:g} s "
        "reading each page)",
        "",
        f"Server RSS after a warm-up walk {warm_mb:.0f} MB. Baseline: N = {base.sessions}.",
        "",
        "| N | pages | failed | p50 s | p95 s | p95 vs baseline | first page p50 / p95 s "
        "| server RSS peak MB | RSS growth MB/session | server CPU s | server cores "
        "| browsers' CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for phase in phases:
        times = every[phase.sessions]
        p95 = _percentile(times, 0.95)
        first = firsts[phase.sessions]
        lines.append(
            f"| {phase.sessions} | {phase.pages} "
            f"| {len(phase.failures)} "
            f"| {_percentile(times, 0.5):.2f} | {p95:.2f} | {p95 / base_p95:.2f}x "
            f"| {_percentile(first, 0.5):.2f} / {_percentile(first, 0.95):.2f} "
            f"| {phase.rss_peak_mb:.0f} | {(phase.rss_peak_mb - warm_mb) / phase.sessions:.1f} "
            f"| {phase.cpu_seconds:.1f} | {phase.cpu_seconds / phase.wall_seconds:.2f} "
            f"| {sum(phase.browser_kinds.values()):.1f} |"
        )
    lines += ["", "Page-ready p50 / p95 seconds per view:", ""]
    lines.append("| N | " + " | ".join(VIEWS) + " |")
    lines.append("|---|" + "---|" * len(VIEWS))
    for phase in phases:
        cells = [
            f"{_percentile(phase.times[v], 0.5):.2f} / {_percentile(phase.times[v], 0.95):.2f}"
            for v in VIEWS
        ]
        lines.append(f"| {phase.sessions} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Renderer main-thread CPU seconds per page, p50 per view (Chromium's TaskDuration; "
        "what each session's browser spends on a view, before its other threads):",
        "",
        "| N | " + " | ".join(VIEWS) + " | all |",
        "|---|" + "---|" * (len(VIEWS) + 1),
    ]
    for phase in phases:
        every_page = [s for seconds in phase.renderer.values() for s in seconds]
        cells = [f"{_percentile(phase.renderer[v], 0.5):.2f}" for v in VIEWS]
        lines.append(
            f"| {phase.sessions} | "
            + " | ".join(cells)
            + f" | {_percentile(every_page, 0.5):.2f} |"
        )
    lines += _browser_lines(phases)
    failed = [f for p in phases for f in p.failures]
    if failed:
        lines += ["", "Failed pages (first 10):", *(f"- {f}" for f in failed[:10])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
