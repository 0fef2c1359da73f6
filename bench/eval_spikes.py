"""Evaluate the spike detector (monitor/spikes.py) against the goals of issue #17.

1. Synthetic daily series, one per pair-year, with weekday seasonality (weekdays 1.15x,
   Saturdays 0.6x, Sundays 0.55x the mean) and Poisson noise at several volumes:
   - without bursts: false alarms per pair-year (goal: at most 1);
   - with one injected burst: the burst day's expected count is max(3 x that day's
     expected, 10) articles; the share flagged on that first day (goal: at least 90 % of
     those with at least 10 articles).
   Beside them, the oracle's best: the most of those bursts a detector knowing the true
   rates could flag within 1 false alarm a year (under 90 %: no detector meets the goal at
   that volume; 3x of 4-6 articles a day overlaps the noise of a quiet day).
   Sources (of 20) and stories (of about three articles each) are drawn for the days the
   detector asks about (its `voices`), every pair of a volume judged at once.
2. Series whose level doubles or halves on day 180 and stays: how many doublings are
   flagged within 7 days, and the flags after the shift (after a doubling's first one) per
   pair-year: a baseline slow to follow a new level flags it again and again.
3. The bundled sample (or --db): which months of North Korea-Russia it flags, by day,
   week and month buckets, against the events it holds (Vostochny September 2023, the
   June 2024 treaty, Kursk October-December 2024) and the quiet months.

    python bench/eval_spikes.py [--pairs 200] [--seed 17 29 ...] [--db data/tension.duckdb]
        [--volumes 0.3 1 3 ...] [--no-sample] [--set NAME=VALUE ...] [--max-p P]
        [--baseline-days N] [--min-ratio R]

Tune on some seeds and report on others (refs #17: tuned on 17 and 29, reported on 101,
103 and 107).
"""

from __future__ import annotations

import argparse
import math
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

VOLUMES = (0.3, 1.0, 3.0, 5.0, 10.0, 30.0, 100.0)
"""Mean articles per day of a pair: from a pair named twice a week to a daily headline."""
WEEKDAY_FACTORS = np.array([1.15, 1.15, 1.15, 1.15, 1.15, 0.6, 0.55])
SOURCES = 20
ARTICLES_PER_STORY = 3
YEAR_START = date(2025, 1, 6)
DAYS = 365
SHIFT_DAY = 180
YEAR = 365
"""The day of the year a shifted series' level changes."""
EVENTS = {
    "Vostochny summit": ("2023-09",),
    "June 2024 treaty": ("2024-06",),
    "Kursk deployment": ("2024-10", "2024-11", "2024-12"),
}


def simulate(
    rng: np.random.Generator, volume: float, pairs: int, settings: SpikeSettings
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The days (the year with its baseline lead) and each pair's expected count per day."""
    first = lead_start(YEAR_START, settings)
    days = pd.date_range(first, YEAR_START + timedelta(days=DAYS - 1), freq="D")
    means = volume * WEEKDAY_FACTORS[days.day_of_week.to_numpy()]
    return days, np.tile(means, (pairs, 1))


def judge(days: pd.DatetimeIndex, counts: np.ndarray, seed: int, settings) -> np.ndarray:
    """The detector's flags (pairs x days of the year), all pairs at once as the overview
    judges them; sources and stories are drawn only for the days it asks about, from a
    generator of their own, so every setting tried sees the same ones."""
    keys = [str(i) for i in range(len(counts))]
    frame = pd.DataFrame(
        {
            "key": np.repeat(keys, len(days)),
            "day": np.tile(days, len(keys)),
            "count": counts.ravel(),
        }
    )

    def voices(cells: pd.DataFrame) -> pd.DataFrame:
        series = cells["key"].astype(int).to_numpy()
        at = days.get_indexer(pd.to_datetime(cells["day"]))
        drawn = [_voices(seed, i, t, int(counts[i, t])) for i, t in zip(series, at, strict=True)]
        return cells.assign(sources=[d[0] for d in drawn], stories=[d[1] for d in drawn])

    end = YEAR_START + timedelta(days=DAYS - 1)
    judged = detect(frame, YEAR_START, end, settings, keys=keys, voices=voices)
    return judged["is_spike"].to_numpy().reshape(len(keys), DAYS)


def _voices(seed: int, series: int, day: int, n: int) -> tuple[int, int]:
    """Distinct sources (of 20) and stories (of about 3 articles each) of n articles."""
    rng = np.random.default_rng([seed, series, day])
    stories = max(1, int(np.ceil(n / ARTICLES_PER_STORY)))
    return _distinct(rng, n, SOURCES), _distinct(rng, n, stories)


def _distinct(rng: np.random.Generator, n: int, pool: int) -> int:
    return len(set(rng.integers(0, pool, n).tolist())) if n else 0


def synthetic(
    pairs: int, seed: int, settings: SpikeSettings, volumes: tuple[float, ...] = VOLUMES
) -> pd.DataFrame:
    """Per volume: false alarms of series without bursts, and bursts flagged on day 1."""
    rng = np.random.default_rng(seed)
    rows = []
    for volume in volumes:
        days, means = simulate(rng, volume, pairs, settings)
        lead = len(days) - DAYS
        alarms = judge(days, rng.poisson(means), seed, settings).sum()
        burst_day = rng.integers(60, DAYS, pairs)
        at = lead + burst_day
        rows_ = np.arange(pairs)
        means[rows_, at] = np.maximum(3 * means[rows_, at], 10.0)
        counts = rng.poisson(means)
        flagged = judge(days, counts, seed + 1, settings)[rows_, burst_day]
        big = counts[rows_, at] >= 10
        rows.append(
            {
                "articles/day": volume,
                "false alarms per pair-year": alarms / pairs,
                "bursts flagged on day 1": flagged.mean(),
                "of bursts with >= 10 articles": flagged[big].mean() if big.any() else np.nan,
                "oracle's best": oracle(volume),
            }
        )
    return pd.DataFrame(rows)


def oracle(volume: float, alarms: float = 1.0) -> float:
    """The most bursts of at least 10 articles any detector could flag on their first day at
    `volume` with at most `alarms` false alarms a year: one that knows each weekday's true
    rate and sets each weekday's threshold (Lagrangian search over a price per false alarm).
    Where it is under 90 %, the goal cannot be met at that volume; the detector's shortfall
    from it is its estimation noise."""
    rates = volume * WEEKDAY_FACTORS
    bursts = np.maximum(3 * rates, 10.0)
    top = int(bursts.max() + 10 * np.sqrt(bursts.max()) + 20)
    quiet = np.array([_at_least(r, top) for r in rates])
    burst = np.array([_at_least(b, top) for b in bursts])
    big = burst[:, 10]
    # a threshold under 10 flags no more of the bursts that count, only more false alarms
    caught = burst[:, np.maximum(np.arange(top + 1), 10)] / big[:, None]
    weight = big / big.sum()
    best = 0.0
    for price in np.geomspace(1e-4, 1e4, 400):
        value = weight[:, None] * caught - price * quiet * YEAR / 7
        chosen = value.argmax(axis=1)
        rows = np.arange(7)
        if (quiet[rows, chosen] * YEAR / 7).sum() <= alarms:
            best = max(best, float((weight * caught[rows, chosen]).sum()))
    return best


def _at_least(rate: float, top: int) -> np.ndarray:
    """P(X >= k) for k = 0..top, X ~ Poisson(rate)."""
    k = np.arange(top + 1)
    log_pmf = k * np.log(rate) - rate - np.array([math.lgamma(i + 1) for i in k])
    pmf = np.exp(log_pmf)
    return np.clip(pmf[::-1].cumsum()[::-1], 0.0, 1.0)


def shifts(
    pairs: int, seed: int, settings: SpikeSettings, volumes: tuple[float, ...] = VOLUMES
) -> pd.DataFrame:
    """Per volume, series whose level doubles or halves on day SHIFT_DAY and stays: the
    flags after the shift (for a doubling, after its first one: the step flagged once is
    right, flagged for weeks is not) per pair-year, and how soon a doubling is flagged."""
    rng = np.random.default_rng(seed + 2)
    rows = []
    for volume in volumes:
        days, means = simulate(rng, volume, pairs, settings)
        row = {"articles/day": volume}
        per_year = YEAR / (DAYS - SHIFT_DAY) / pairs
        doubled = _after_shift(days, means, 2.0, rng, seed + 3, settings)
        first = np.where(doubled.any(axis=1), doubled.argmax(axis=1), -1)
        row["doubling flagged within 7 days"] = ((first >= 0) & (first < 7)).mean()
        row["doubling: later flags per pair-year"] = (doubled.sum() - (first >= 0).sum()) * per_year
        halved = _after_shift(days, means, 0.5, rng, seed + 4, settings)
        row["halving: flags per pair-year"] = halved.sum() * per_year
        rows.append(row)
    return pd.DataFrame(rows)


def _after_shift(days, means, times, rng, seed, settings) -> np.ndarray:
    """The flags (pairs x days from SHIFT_DAY) of series whose level is `times` from then on."""
    shifted = means.copy()
    shifted[:, len(days) - DAYS + SHIFT_DAY :] *= times
    return judge(days, rng.poisson(shifted), seed, settings)[:, SHIFT_DAY:]


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
    parser.add_argument("--seed", type=int, nargs="+", default=[17], help="one table each")
    parser.add_argument("--db", type=Path, help="a built database (default: build the sample)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="try another setting of SpikeSettings, e.g. --set max_p=0.005 --set mid_p=true",
    )
    parser.add_argument("--no-sample", action="store_true", help="synthetic series only")
    parser.add_argument(
        "--volumes", type=float, nargs="+", default=VOLUMES, help="mean articles a day tried"
    )
    parser.add_argument("--max-p", type=float, help="try another max_p (default: the detector's)")
    parser.add_argument("--baseline-days", type=int, help="try another trailing baseline")
    parser.add_argument("--min-ratio", type=float, help="try another min_ratio")
    args = parser.parse_args()
    tried = {"max_p": args.max_p, "baseline_days": args.baseline_days, "min_ratio": args.min_ratio}
    tried = {k: v for k, v in tried.items() if v is not None}
    settings = replace(SpikeSettings(), **tried, **dict(_setting(item) for item in args.set))
    pd.set_option("display.width", 200)
    print(f"{settings}")
    for seed in args.seed:
        print(f"\nSynthetic series, seed {seed}, {args.pairs} pair-years per volume:")
        print(synthetic(args.pairs, seed, settings, tuple(args.volumes)).to_string(index=False))
        print(f"\nLevel shifts on day {SHIFT_DAY}, seed {seed}:")
        print(shifts(args.pairs, seed, settings, tuple(args.volumes)).to_string(index=False))
    if args.no_sample:
        return
    db = args.db or _sample_db()
    with duckdb.connect(str(db), read_only=True) as con:
        sources = con.execute("select count(distinct source) from articles").fetchone()[0]
    # as the dashboard and the alerts judge it: at most the sources the data hold
    used = for_sources(settings, sources)
    print(f"\nNorth Korea-Russia in {db.name} ({sources} sources, min_sources {used.min_sources}):")
    print(sample_months(db, used).to_string(index=False))


def _setting(item: str) -> tuple[str, object]:
    """'max_p=0.005' as ('max_p', 0.005), typed as the setting's default."""
    name, value = item.split("=", 1)
    kind = type(getattr(SpikeSettings(), name))
    if kind is bool:
        return name, value.lower() in ("1", "true", "yes")
    return name, kind(value)


if __name__ == "__main__":
    main()
