"""The one spike detector: the pair view, the overview, alerts and the digest use it (refs #17).

A day is a spike when its count is improbably high against what the pair's own trailing
baseline expects for that weekday, it is big enough to matter, and it is carried by more
than one source and more than one story. Method (README, "Spikes"):

1. expected(t) = level x weekday factor. The level is the mean of the `baseline_days`
   before t (default 56), or of its last `recent_days` (14) when their sum is more than
   `shift_z` (2.5) standard errors from what the older days predict: a pair whose coverage
   doubled or halved is judged against its new level within days, not weeks. The factor is
   estimated over the `weekday_days` before t (112; a weekly rhythm changes more slowly than
   a level): the weekday's share, shrunk towards its kind's (working days or weekends) by
   `weekday_prior` pseudo-articles, itself shrunk towards 1 by `kind_prior`. Never below
   one article per baseline window (a pair never named before still has one).
2. p: the probability of a count at least this high under the predictive distribution of
   a day's count, Poisson with a gamma-distributed rate (negative binomial) whose shape is
   the articles the guess rests on: a guess from few articles widens the tail, a guess
   from many is the Poisson (refs #17: "rate + one standard error" before was stricter
   than the noise it allowed for and missed a third of the bursts at 3 a day).
3. A spike needs p <= max_p, count >= min_count (a day: the issue's 10; a week or month:
   `min_bucket_count`), count >= min_ratio x expected, at least min_sources distinct
   sources and min_stories distinct stories, and no day meeting all of these in the
   `cooldown_days` before it: a burst that lasts, or a step up, is flagged on its first day.

A week or month bucket is judged the same way against the buckets before it
(`baseline_weeks`, `baseline_months`; no weekday effect), so a sparse pair whose news
never fills a day can still spike in a month.

Input: one row per bucket (missing ones are zero) with `count`, `sources` and `stories`.
`count` is in the view's unit (articles today; stories once the unit switch lands). Or only
`count`, with a `voices` function that counts sources and stories for the buckets that meet
every other rule: the flags are the same (a bucket failing only on sources or stories never
met the rule, so it starts no cooldown either), and the dashboard reads the counts from its
daily aggregates and the articles only for those few buckets (refs #17).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from monitor import baseline

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SpikeSettings:
    baseline_days: int = 56
    """Days of trailing baseline for a pair's level: eight of each weekday."""
    recent_days: int = 14
    """The last days of the baseline that replace it as the level when they are improbably
    far from the days before them (`shift_z`): a pair whose coverage doubled or halved."""
    shift_z: float = 2.5
    """How far (in standard errors) the recent days must be from the rest to be a new level."""
    weekday_days: int = 112
    """Days over which the weekday factors are estimated: a pair's weekly rhythm changes
    more slowly than its level, and 16 of each weekday make a steadier factor than 8."""
    min_history_days: int = 7
    """Days of data before a day can be judged at all: less is no baseline."""
    weekday_prior: float = 100.0
    """Pseudo-articles pulling a weekday's factor towards its kind's (working day or
    weekend): a sparse pair's 16 Mondays say little about Mondays, a busy pair's say a lot."""
    kind_prior: float = 5.0
    """Pseudo-articles pulling the working-day and weekend factors towards 1."""
    max_p: float = 4e-3
    """Tail probability of a day at most this (bench/eval_spikes.py: 0.5 to 0.9 false alarms
    per pair-year between 3 and 10 articles a day, fewer elsewhere)."""
    mid_p: bool = False
    """Mid-p: P(X > count) + P(X = count) / 2 instead of P(X >= count) (tried with max_p
    0.003: the same within noise, README "Spikes")."""
    min_count: int = 10
    """A day needs at least this many: the issue's bursts 'of at least 10 articles'; a
    sparse pair's smaller surges show in its weeks and months."""
    min_bucket_count: int = 5
    """A week or month needs at least this many: 1 -> 3 articles is a coincidence."""
    min_ratio: float = 2.0
    """At least this many times the expected count: a busy pair's +20 % is not a spike."""
    min_sources: int = 2
    """Distinct sources: one outlet's series of pieces is not the world noticing."""
    min_stories: int = 2
    """Distinct stories: one report copied by the wires is one event, not a surge."""
    cooldown_days: int = 3
    """Quiet days after a day meeting the rule before the next flag: one burst, one flag."""
    baseline_weeks: int = 8
    """Weekly buckets: the baseline is the 8 weeks before (28 days would be 4 noisy points)."""
    baseline_months: int = 6
    """Monthly buckets: the 6 months before."""
    min_history_buckets: int = 3
    """Weeks or months of data before one can be judged."""


@dataclass(frozen=True)
class Grain:
    """How one bucket size is judged: its baseline, history and cooldown in buckets."""

    bucket: str
    frequency: str
    """pandas frequency of the bucket starts."""
    baseline: int
    min_history: int
    cooldown: int
    weekday_effects: bool
    min_count: int
    recent: int = 0
    """Buckets of the shift guard (0: none)."""
    lead: int = 0
    """Buckets read before the first judged one."""


def grain(settings: SpikeSettings, bucket: str) -> Grain:
    """The judging of 'day', 'week' or 'month' buckets under `settings`."""
    if bucket == "day":
        days = settings.baseline_days, settings.min_history_days, settings.cooldown_days
        lead = max(settings.baseline_days, settings.weekday_days) + settings.cooldown_days
        return Grain("day", "D", *days, True, settings.min_count, settings.recent_days, lead)
    baseline = settings.baseline_weeks if bucket == "week" else settings.baseline_months
    frequency = "W-MON" if bucket == "week" else "MS"
    history = settings.min_history_buckets
    return Grain(
        bucket, frequency, baseline, history, 1, False, settings.min_bucket_count, 0, baseline + 1
    )


COUNTED = ("count", "sources", "stories")
"""The input's measures: the count in the view's unit, its distinct sources and stories."""

VOICES = ("sources", "stories")

Voices = Callable[[pd.DataFrame], pd.DataFrame]
"""Counts the distinct sources and stories of some buckets: given rows of `key` and `day`
(a bucket's first day), returns rows of `key`, `day`, `sources` and `stories` (a bucket
missing from them has none)."""

SENSITIVITY = {"low": 4e-4, "normal": 4e-3, "high": 4e-2}
"""A watchlist's sensitivity is its max_p: low alerts less, high more."""


def with_sensitivity(settings: SpikeSettings, sensitivity: str) -> SpikeSettings:
    """The settings with a watchlist's sensitivity ('low' | 'normal' | 'high'). High also
    asks a day for only `min_bucket_count` (5): the day's minimum of 10 keeps false alarms
    under one a pair-year, but it leaves a sparse pair's day of 5-9 articles unflagged, and
    alerts judge days only; a watch set to high has asked for those."""
    chosen = replace(settings, max_p=SENSITIVITY[sensitivity])
    if sensitivity == "high":
        return replace(chosen, min_count=min(settings.min_count, settings.min_bucket_count))
    return chosen


def for_sources(settings: SpikeSettings, available: int) -> SpikeSettings:
    """The settings for data that hold `available` distinct sources: the sources rule asks
    for at most that many. A corpus of one outlet, or a filter on one source, would
    otherwise never show a spike; the rule guards against one outlet's burst only where the
    data hold others that could have joined it."""
    return replace(settings, min_sources=max(1, min(settings.min_sources, available)))


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the day, week (Monday) or month bucket holding `day`."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def lead_start(start: date, settings: SpikeSettings, bucket: str = "day") -> date:
    """The first day a caller reads so that the buckets from `start` on have their baseline."""
    judged = grain(settings, bucket)
    lead = judged.lead
    first = pd.Timestamp(bucket_start(start, bucket))
    offset = {"day": pd.DateOffset(days=lead), "week": pd.DateOffset(weeks=lead)}
    return (first - offset.get(bucket, pd.DateOffset(months=lead))).date()


def detect(
    counts: pd.DataFrame,
    start: date,
    end: date,
    settings: SpikeSettings,
    bucket: str = "day",
    data_start: date | None = None,
    keys: list[str] | None = None,
    voices: Voices | None = None,
    unit: str = "article",
) -> pd.DataFrame:
    """Judge every bucket of a series from the one holding `start` to the one holding `end`;
    many series at once (the overview's every pair), as arrays of series x buckets, when
    `keys` names them.

    Args:
        counts: rows with `day` (the bucket's first day), `count`, `sources`, `stories`, and
            with `keys` a `key` column naming the series, one of `keys`; buckets from
            `lead_start` to before `start` are the baseline; missing ones are 0.
        data_start: the first day the database has any article: buckets before it are no
            data rather than zero, so a new monitor does not take its first day for a burst.
        voices: counts sources and stories (then `counts` needs neither), called once with
            the buckets that meet every rule but those two.
        unit: what `count` counts, 'article' or 'story' (refs #16): the why names it.
    Returns:
        one row per bucket: day, count, sources, stories, expected, z, p, is_spike and why
        (a sentence for spikes, empty otherwise); with `keys`, the `key` first, series in
        the order of `keys`. With `voices`, sources and stories are null where not counted,
        and p is 1 where the count rules fail (it is only worked out where they hold).
    """
    if keys is None:
        keyed = None if voices is None else lambda cells: voices(cells).assign(key="")
        one = detect(
            counts.assign(key=""), start, end, settings, bucket, data_start, [""], keyed, unit
        )
        return one.drop(columns="key")
    judged_as = grain(settings, bucket)
    buckets = pd.date_range(lead_start(start, settings, bucket), end, freq=judged_as.frequency)
    grid = {name: np.zeros((len(keys), len(buckets)), dtype=np.int64) for name in COUNTED}
    _place(grid, counts, keys, buckets, ("count",) if voices else COUNTED)
    weekdays = buckets.day_of_week.to_numpy() if judged_as.weekday_effects else None
    known = 0
    if data_start is not None:
        known = int(np.searchsorted(buckets, pd.Timestamp(bucket_start(data_start, bucket))))
    counted = grid["count"]
    expected, shape = baseline.expected(counted, weekdays, judged_as, settings, known)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (counted - expected) / np.sqrt(expected + expected**2 / shape)
        plausible = (counted >= judged_as.min_count) & (counted >= settings.min_ratio * expected)
    p = np.ones(counted.shape)
    # the Poisson tail only where the count rules already hold: a few cells of many
    cells = np.nonzero(plausible)
    p[cells] = baseline.tail(counted[cells], expected[cells], shape[cells], settings.mid_p)
    meets = plausible & (p <= settings.max_p)
    # sources and stories last, so that `voices` counts them for the few cells still in play;
    # a cell failing only on them never meets the rule, so it starts no cooldown
    voiced = np.ones(meets.shape, dtype=bool) if voices is None else meets.copy()
    if voices is not None and meets.any():
        series, at = np.nonzero(meets)
        asked = pd.DataFrame({"key": np.asarray(keys, dtype=object)[series], "day": buckets[at]})
        _place(grid, voices(asked), keys, buckets, VOICES)
    meets &= (grid["sources"] >= settings.min_sources) & (grid["stories"] >= settings.min_stories)
    spike = meets & ~_recently(meets, judged_as.cooldown)
    days = buckets.date
    why = np.full(counted.shape, "", dtype=object)
    for i, t in zip(*np.nonzero(spike), strict=True):
        row = {name: grid[name][i, t] for name in COUNTED}
        why[i, t] = _why(
            row | {"day": days[t], "expected": expected[i, t], "z": z[i, t]}, judged_as, unit
        )
    first = int(np.searchsorted(buckets, pd.Timestamp(bucket_start(start, bucket))))
    shown = slice(first, None)
    return pd.DataFrame(
        {
            "key": np.repeat(keys, len(days) - first),
            "day": np.tile(days[shown], len(keys)),
            "count": counted[:, shown].ravel(),
            **{
                name: pd.arrays.IntegerArray(
                    grid[name][:, shown].ravel(), ~voiced[:, shown].ravel()
                )
                for name in VOICES
            },
            "expected": expected[:, shown].ravel(),
            "z": z[:, shown].ravel(),
            "p": p[:, shown].ravel(),
            "is_spike": spike[:, shown].ravel(),
            "why": why[:, shown].ravel(),
        }
    )


def _place(
    grid: dict[str, np.ndarray],
    rows: pd.DataFrame,
    keys: list[str],
    buckets: pd.DatetimeIndex,
    names: tuple[str, ...],
) -> None:
    """Write the `names` columns of `rows` (key, day, ...) into the series x buckets grid;
    rows of other series or outside the buckets are left out."""
    at = buckets.get_indexer(pd.to_datetime(rows["day"]))
    series = pd.Index(keys).get_indexer(rows["key"])
    inside = (at >= 0) & (series >= 0)
    for name in names:
        grid[name][series[inside], at[inside]] = rows[name].to_numpy()[inside]


def _recently(meets: np.ndarray, days: int) -> np.ndarray:
    """Whether any of the `days` buckets before each one met the rule (along each series)."""
    before = np.zeros(meets.shape, dtype=bool)
    for lag in range(1, days + 1):
        before[:, lag:] |= meets[:, :-lag]
    return before


def _why(row: dict, judged_as: Grain, unit: str) -> str:
    """'14 articles, 9 stories from 6 sources vs 1.6 expected on a Saturday (56-day
    baseline); z = 7.9'; counting stories, the count is the stories: '9 stories from ...'."""
    when = (
        f"on a {WEEKDAYS[row['day'].weekday()]}"
        if judged_as.weekday_effects
        else f"in a {judged_as.bucket}"
    )
    sources = "1 source" if row["sources"] == 1 else f"{row['sources']} sources"
    articles = f"{row['count']} articles, " if unit == "article" else ""
    return (
        f"{articles}{row['stories']} stories from {sources} vs "
        f"{row['expected']:.1f} expected {when} ({judged_as.baseline}-{judged_as.bucket} "
        f"baseline); z = {row['z']:.1f}"
    )
