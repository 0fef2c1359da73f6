"""Evaluate the spike detector (monitor/spikes.py) against the goals of issue #17.

1. Synthetic daily series, one per pair-year, with weekday seasonality (weekdays 1.15x,
   Saturdays 0.6x, Sundays 0.55x the mean) and Poisson noise at several volumes:
   - without bursts: false alarms per pair-year (goal: at most 1);
   - with one injected burst: the burst day's expected count is max(3 x that day's
     expected, 10) articles; the share flagged on that first day (goal: at least 90 %).
   Articles draw a source from 20 and belong to stories of about three articles each.
2. The bundled sample (or --db): which months of North Korea-Russia it flags, by day,
   week and month buckets, against the events it holds (Vostochny September 2023, the
   June 2024 treaty, Kursk October-December 2024) and the quiet months.

    python bench/eval_spikes.py [--pairs 200] [--seed 17] [--db data/tension.duckdb]
        [--max-p P] [--baseline-days N] [--min-ratio R]   (try other settings)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402
from monitor.spikes import SpikeSettings, detect, for_sources, lead_start  # noqa: E402

VOLUMES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
"""Mean articles per day of a pair: from a pair named twice a week to a daily headline."""
WEEKDAY_FACTORS = np.array([1.15, 1.15, 1.15, 1.15, 1.15, 0.6, 0.55])
SOURCES = 20
ARTICLES_PER_STORY = 3
YEAR_START = date(2025, 1, 6)
DAYS = 365
EVENTS = {
    "Vostochny summit": ("2023-09",),
    "June 2024 treaty": ("2024-06",),
    "Kursk deployment": ("2024-10", "2024-11", "2024-12"),
}


def series(rng: np.random.Generator, volume: float, burst_day: int | None, settings):
    """One pair-year of daily rows (day, count, sources, stories) with its baseline lead."""
    first = lead_start(YEAR_START, settings)
    days = pd.date_range(first, YEAR_START + timedelta(days=DAYS - 1), freq="D")
    means = volume * WEEKDAY_FACTORS[days.day_of_week.to_numpy()]
    burst_at = None
    if burst_day is not None:
        burst_at = len(days) - DAYS + burst_day
        means[burst_at] = max(3 * means[burst_at], 10.0)
    counts = rng.poisson(means)
    sources = [_distinct(rng, n, SOURCES) for n in counts]
    stories = [_distinct(rng, n, max(1, int(np.ceil(n / ARTICLES_PER_STORY)))) for n in counts]
    frame = pd.DataFrame({"day": days, "count": counts, "sources": sources, "stories": stories})
    return frame, burst_at


def _distinct(rng: np.random.Generator, n: int, pool: int) -> int:
    return len(set(rng.integers(0, pool, n).tolist())) if n else 0


def synthetic(pairs: int, seed: int, settings: SpikeSettings) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    end = YEAR_START + timedelta(days=DAYS - 1)
    for volume in VOLUMES:
        alarms, caught, caught10, bursts10 = 0, 0, 0, 0
        for _ in range(pairs):
            quiet, _ = series(rng, volume, None, settings)
            alarms += int(detect(quiet, YEAR_START, end, settings)["is_spike"].sum())
            burst_day = int(rng.integers(60, DAYS))
            noisy, at = series(rng, volume, burst_day, settings)
            flagged = bool(detect(noisy, YEAR_START, end, settings)["is_spike"].iloc[burst_day])
            caught += flagged
            if noisy["count"].iloc[at] >= 10:
                bursts10 += 1
                caught10 += flagged
        rows.append(
            {
                "articles/day": volume,
                "false alarms per pair-year": alarms / pairs,
                "bursts flagged on day 1": caught / pairs,
                "of bursts with >= 10 articles": caught10 / bursts10 if bursts10 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def sample_months(db: Path, settings: SpikeSettings) -> pd.DataFrame:
    """For PRK-RUS in the database: each month, the buckets flagged at each grain."""
    con = duckdb.connect(str(db), read_only=True)
    start, end = con.execute(
        "select min(published_date), max(published_date) from articles"
    ).fetchone()
    flagged: dict[str, dict[str, int]] = {}
    for bucket in ("day", "week", "month"):
        frame = queries.run(
            "pair_activity",
            con,
            pairs=["PRK-RUS"],
            countries=[],
            start=lead_start(start, settings, bucket),
            end=end,
            lang=None,
            source=None,
            origin=None,
            window="article",
            bucket=bucket,
            keywords=[],
        ).rename(columns={"articles": "count"})
        judged = detect(frame, start, end, settings, bucket)
        months = pd.to_datetime(judged.loc[judged["is_spike"], "day"]).dt.strftime("%Y-%m")
        flagged[bucket] = months.value_counts().to_dict()
    counts = con.sql(
        "select strftime(published_date, '%Y-%m') as month, count(*) as articles "
        "from article_pairs join articles using (article_id) "
        "where country_a = 'PRK' and country_b = 'RUS' group by all"
    ).df()
    con.close()
    months = pd.period_range(start, end, freq="M").strftime("%Y-%m")
    table = pd.DataFrame({"month": months})
    table = table.merge(counts, on="month", how="left").fillna({"articles": 0})
    for bucket, by_month in flagged.items():
        table[f"{bucket} flags"] = table["month"].map(by_month).fillna(0).astype(int)
    table["event"] = (
        table["month"].map({m: name for name, ms in EVENTS.items() for m in ms}).fillna("")
    )
    return table


def _sample_db() -> Path:
    import subprocess

    path = Path(tempfile.mkdtemp(prefix="eval-spikes-")) / "sample.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl", "sample", "--db", str(path)],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200, help="pair-years per volume")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--db", type=Path, help="a built database (default: build the sample)")
    parser.add_argument("--max-p", type=float, help="try another max_p (default: the detector's)")
    parser.add_argument("--baseline-days", type=int, help="try another trailing baseline")
    parser.add_argument("--min-ratio", type=float, help="try another min_ratio")
    args = parser.parse_args()
    tried = {"max_p": args.max_p, "baseline_days": args.baseline_days, "min_ratio": args.min_ratio}
    settings = replace(SpikeSettings(), **{k: v for k, v in tried.items() if v is not None})
    pd.set_option("display.width", 160)
    print(f"Synthetic series, {settings}:")
    print(synthetic(args.pairs, args.seed, settings).to_string(index=False))
    db = args.db or _sample_db()
    with duckdb.connect(str(db), read_only=True) as con:
        sources = con.execute("select count(distinct source) from articles").fetchone()[0]
    # as the dashboard and the alerts judge it: at most the sources the data hold
    used = for_sources(settings, sources)
    print(f"\nNorth Korea-Russia in {db.name} ({sources} sources, min_sources {used.min_sources}):")
    print(sample_months(db, used).to_string(index=False))


if __name__ == "__main__":
    main()
