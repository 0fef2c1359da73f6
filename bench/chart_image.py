"""Time to a chart's image and the browser's memory: the ways a PNG/SVG export can be drawn.

    python bench/chart_image.py [--repeats 10]

All three draw the same publication figure (board/chart_image.py) of a two-year daily pair
timeline with plotly.js in Debian's Chromium, in this one run:

- `fresh`: a new browser for every image (kaleido's one-shot `calc_fig`), the baseline;
- `kept`: the dashboard's way, one browser started on the first export and kept;
- `client`: plotly.js `toImage` in a page that already shows the chart, as the analyst's own
  browser would draw it (driven by Playwright; the server then holds no browser at all).

For each: the first image, the median of the next ones, the ratio of that median to
`fresh`'s, and the proportional memory (PSS) of the Chromium processes when idle after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_speed import descendants, pss_bytes  # noqa: E402  (run as a script from anywhere)
from board import chart_image, charts, settings  # noqa: E402

DAYS = 730
FORMAT = "png"


def figure():
    """A publication figure of a daily timeline over two years, with spikes."""
    rng = np.random.default_rng(42)
    articles = rng.poisson(20, DAYS)
    frame = pd.DataFrame(
        {
            "bucket": pd.date_range("2023-01-01", periods=DAYS, freq="D"),
            "articles": articles,
            "rolling_articles": pd.Series(articles).rolling(7, min_periods=1).mean(),
            "is_spike": articles > 30,
            "is_partial": False,
        }
    )
    caption = chart_image.Caption(
        "North Korea – Russia: articles per day",
        "2023-01-01 to 2024-12-31 · North Korea – Russia · co-occurrence in one article",
        "Tension Monitor, 1,000,000 articles, data to 2024-12-31",
    )
    return chart_image.publication_figure(
        charts.pair_volume(frame, "count", caption.title), caption
    )


def timed(draw: Callable[[], object], repeats: int) -> dict[str, float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        draw()
        seconds.append(time.perf_counter() - started)
    return {"first_s": seconds[0], "median_next_s": statistics.median(seconds[1:] or seconds)}


def fresh(shown, repeats: int) -> dict[str, float]:
    import kaleido

    options = {"format": FORMAT, "width": 800, "height": 450, "scale": 2}
    browser = {"path": str(settings.chromium_path()), "mathjax": False}
    browser["plotlyjs"] = str(chart_image.PLOTLY_JS)
    return timed(lambda: kaleido.calc_fig_sync(shown, opts=options, kopts=browser), repeats)


def kept(shown, repeats: int) -> dict[str, float]:
    result = timed(lambda: chart_image.image(shown, FORMAT), repeats)
    result["idle_chromium_pss_mb"] = chromium_pss_mb(os.getpid())
    chart_image._renderer(settings.chromium_path()).close()
    return result


def client(shown, repeats: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    script = f"""async () => {{
        const started = performance.now();
        await Plotly.toImage('chart', {{format: '{FORMAT}', width: 800, height: 450, scale: 2}});
        return (performance.now() - started) / 1000;
    }}"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(settings.chromium_path()))
        page = browser.new_page()
        started = time.perf_counter()
        page.set_content("<div id='chart'></div>")
        page.add_script_tag(path=str(chart_image.PLOTLY_JS))
        page.evaluate(f"Plotly.newPlot('chart', {shown.to_json()})")
        first = time.perf_counter() - started + page.evaluate(script)
        rest = [page.evaluate(script) for _ in range(repeats - 1)]
        pss = chromium_pss_mb(os.getpid())
        browser.close()
    return {"first_s": first, "median_next_s": statistics.median(rest), "page_chromium_pss_mb": pss}


def chromium_pss_mb(pid: int) -> float:
    """The proportional set size of every Chromium process under `pid`, in MB."""
    return sum(pss_bytes(child) for child in descendants(pid) if _is_chromium(child)) / 2**20


def _is_chromium(pid: int) -> bool:
    try:
        command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False
    return b"chrom" in command.split(b"\0")[0].split(b" ")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    if reason := chart_image.missing_browser(settings.chromium_path()):
        raise SystemExit(reason)
    shown = figure()
    results = {
        "fresh": fresh(shown, max(2, args.repeats // 3)),
        "kept": kept(shown, args.repeats),
        "client": client(shown, args.repeats),
    }
    base = results["fresh"]["median_next_s"]
    for result in results.values():
        result["median_vs_fresh"] = result["median_next_s"] / base
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
