"""What bench/load_dashboard.py measured in one run of N sessions (a `Phase`), and its report:
the tables the README's "Under load" shows (refs #19)."""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import dataclass, field

VIEWS = ("overview", "pair", "matrix", "network", "map", "articles")
KINDS = ("link", "filter", "switch")
"""A page after a session's first: a shared link opened, one filter changed in the sidebar,
a view switched with the view control."""
FIRST_PAGE = "first page"
"""What a session's first page is called in the list of failures (the others by their kind)."""
BROWSER_TYPES = ("renderer", "gpu-process", "browser")
"""Chromium's processes reported on their own; the rest (utility, zygote, Playwright's driver)
are summed as "other"."""


@dataclass
class Phase:
    sessions: int
    mode: str = "link"
    """How a round after the first changes its filters: "link" or "sidebar"."""
    think: float = 0.0
    """Seconds a session reads each page before the next."""
    timeout: float = 60.0
    start: str = "each"
    """When a session walks: once its own first page is ready ("each"), or once all N
    sessions show theirs ("all")."""
    times: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VIEWS})
    kinds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    """The same pages' seconds by kind."""
    renderer: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VIEWS})
    """Seconds of the page's renderer main thread (Chromium's TaskDuration) per page: the
    browser's own cost of a view, which N sessions on one machine pay N times."""
    kind_renderer: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    first_pages: list[float] = field(default_factory=list)
    """A session's first page: the browser fetches and compiles Streamlit's scripts first."""
    first_ready: list[float] = field(default_factory=list)
    """When each first page was ready, seconds since the sessions started."""
    began: list[tuple[float, float]] = field(default_factory=list)
    """Each counted page's start, seconds since the sessions started, and its seconds."""
    started: float = 0.0
    """time.monotonic() when the sessions started."""
    failures: list[str] = field(default_factory=list)
    """Why each failed page failed, after its kind: "first page" for a session's first (a fresh
    browser context fetching and compiling Streamlit's scripts while the others do the same),
    or the kind of a later page."""
    rss_peak_mb: float = 0.0
    cpu_seconds: float = 0.0
    browser_kinds: dict[str, float] = field(default_factory=dict)
    """CPU seconds of every browser process by type (Chromium's renderers, GPU process, browser
    process, utilities, zygotes; Playwright's driver), ended ones included, sampled every
    0.2 s: a process's last 0.2 s before it ended are missed."""
    wall_seconds: float = 0.0
    defaults: dict[str, str] = field(default_factory=dict)
    """The filters the dashboard chose for a link without any (the warm-up's first page):
    what a sidebar round sets a field it does not name to."""

    @property
    def pages(self) -> int:
        """Every page the sessions opened: ready, first of a session, or failed."""
        return sum(map(len, self.times.values())) + len(self.first_pages) + len(self.failures)

    @property
    def ready(self) -> list[float]:
        """Every ready page's seconds but each session's first."""
        return [seconds for times in self.times.values() for seconds in times]

    @property
    def label(self) -> str:
        return f"| {self.mode} | {self.start} | {self.think:g} | {self.sessions} |"

    def around_last_first_page(self) -> tuple[list[float], list[float]]:
        """The counted pages' seconds split by whether they started before or after the last
        session's first page was ready: the pages that shared the cores with other sessions'
        cold starts, and the rest."""
        last = max(self.first_ready, default=0.0)
        before = [seconds for began, seconds in self.began if began < last]
        return before, [seconds for began, seconds in self.began if began >= last]


def report(phases: list[Phase], warm_mb: float, args: argparse.Namespace) -> str:
    lines = [
        f"# Dashboard under load: {args.db} ({os.cpu_count()} cores, server and browsers on "
        f"this machine, {args.rounds} rounds of the six views per session; filters changed "
        f"in the sidebar (sidebar) or by opening a link (link); walk starts once a session's "
        "own first page is ready (each) or once all N sessions show one (all); think = seconds "
        "reading each page)",
        "",
        f"Server RSS after a warm-up walk through every filter set {warm_mb:.0f} MB. Each p95 is also given as a ratio "
        "to the p95 of the first N with the same filters, start and think (the baseline, same "
        "run).",
        "",
        "| filters | walk starts | think s | N | pages | failed | p50 s | p95 s "
        "| p95 vs baseline "
        "| first page p50 / p95 s | server RSS peak MB | RSS growth MB/session "
        "| server CPU s | server cores | browsers' CPU s | server CPU s a page "
        "| browsers' CPU s a page |",
        "|" + "---|" * 17,
    ]
    baselines: dict[tuple[str, str, float], float] = {}
    for phase in phases:
        p95 = _percentile(phase.ready, 0.95)
        base = baselines.setdefault((phase.mode, phase.start, phase.think), p95)
        first = phase.first_pages
        lines.append(
            f"{phase.label} {phase.pages} | {_failed(phase)} "
            f"| {_percentile(phase.ready, 0.5):.2f} | {p95:.2f} | {p95 / base:.2f}x "
            f"| {_percentile(first, 0.5):.2f} / {_percentile(first, 0.95):.2f} "
            f"| {phase.rss_peak_mb:.0f} | {(phase.rss_peak_mb - warm_mb) / phase.sessions:.1f} "
            f"| {phase.cpu_seconds:.1f} | {phase.cpu_seconds / phase.wall_seconds:.2f} "
            f"| {sum(phase.browser_kinds.values()):.1f} "
            f"| {phase.cpu_seconds / phase.pages:.2f} "
            f"| {sum(phase.browser_kinds.values()) / phase.pages:.2f} |"
        )
    lines += _kind_lines(phases)
    lines += _cold_start_lines(phases)
    lines += _per_view_lines(phases)
    lines += _browser_lines(phases)
    # a failure of a page after the first says more than another cold start's
    failed = sorted((f for p in phases for f in p.failures), key=_is_first)
    if failed:
        lines += [
            "",
            "Failed pages (first 10, first pages last):",
            *(f"- {f}" for f in failed[:10]),
        ]
    return "\n".join(lines)


def _is_first(failure: str) -> bool:
    return failure.startswith(f"{FIRST_PAGE} ")


def _failed(phase: Phase) -> str:
    """The failed pages, and how many of them were first pages if any were."""
    first = sum(map(_is_first, phase.failures))
    if not first:
        return str(len(phase.failures))
    return f"{len(phase.failures)} ({first} first page{'s' if first > 1 else ''})"


def _kind_lines(phases: list[Phase]) -> list[str]:
    """Each kind of page on its own: its count, page-ready p50 / p95 and renderer p50."""
    lines = _table(
        "By kind of page (a link opened, one filter changed in the sidebar, a view switched): "
        "pages, page-ready p50 / p95 s, renderer main-thread s a page p50:",
        KINDS,
    )
    for phase in phases:
        cells = [
            f"{len(phase.kinds[k])}: {_percentile(phase.kinds[k], 0.5):.2f} / "
            f"{_percentile(phase.kinds[k], 0.95):.2f}, "
            f"{_percentile(phase.kind_renderer[k], 0.5):.2f}"
            if phase.kinds[k]
            else "-"
            for k in KINDS
        ]
        lines.append(f"{phase.label} " + " | ".join(cells) + " |")
    return lines


def _cold_start_lines(phases: list[Phase]) -> list[str]:
    """The counted pages that started while another session's first page was still loading,
    against those after: how much of p95 the sessions' cold starts are."""
    lines = _table(
        "Counted pages by when they started, against the moment the last session's first page "
        "was ready (until then other sessions' browsers fetch and compile Streamlit's scripts "
        "on the same cores): pages, page-ready p50 / p95 s:",
        ("last first page ready s", "started before", "started after"),
    )
    for phase in phases:
        cells = [
            f"{len(pages)}: {_percentile(pages, 0.5):.2f} / {_percentile(pages, 0.95):.2f}"
            if pages
            else "-"
            for pages in phase.around_last_first_page()
        ]
        last = max(phase.first_ready, default=float("nan"))
        lines.append(f"{phase.label} {last:.1f} | " + " | ".join(cells) + " |")
    return lines


def _per_view_lines(phases: list[Phase]) -> list[str]:
    lines = _table(
        "Page-ready p50 / p95 s per view, and renderer main-thread CPU s a page p50 "
        "(Chromium's TaskDuration: what each session's browser spends on a view, before its "
        "other threads):",
        (*VIEWS, "renderer, all"),
    )
    for phase in phases:
        every_page = [s for seconds in phase.renderer.values() for s in seconds]
        cells = [
            f"{_percentile(phase.times[v], 0.5):.2f} / {_percentile(phase.times[v], 0.95):.2f}, "
            f"{_percentile(phase.renderer[v], 0.5):.2f}"
            for v in VIEWS
        ]
        lines.append(
            f"{phase.label} " + " | ".join(cells) + f" | {_percentile(every_page, 0.5):.2f} |"
        )
    return lines


def _browser_lines(phases: list[Phase]) -> list[str]:
    """The browsers' CPU by process type, and per page against the server's."""
    lines = _table(
        "Browsers' CPU seconds by process (sampled every 0.2 s: an underestimate by up to "
        "0.2 s per ended process), and per page beside the server's:",
        ("pages", *BROWSER_TYPES, "other", "all", "browsers per page", "server per page"),
    )
    for phase in phases:
        kinds = phase.browser_kinds
        other = sum(seconds for kind, seconds in kinds.items() if kind not in BROWSER_TYPES)
        every = sum(kinds.values())
        lines.append(
            f"{phase.label} {phase.pages} | "
            + " | ".join(f"{kinds.get(kind, 0.0):.1f}" for kind in BROWSER_TYPES)
            + f" | {other:.1f} | {every:.1f} "
            f"| {every / phase.pages:.2f} | {phase.cpu_seconds / phase.pages:.2f} |"
        )
    return lines


def _table(title: str, columns: tuple[str, ...]) -> list[str]:
    """A table's title and header, its rows named by filters, start, think and N."""
    header = ("filters", "walk starts", "think s", "N", *columns)
    return ["", title, "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
