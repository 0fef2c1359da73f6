"""What the spike detector expects of each bucket, and how improbable a count is against it
(monitor/spikes.py has the rule; README "Spikes" the method, refs #17): a level over a
trailing window with a guard against level shifts, weekday factors over a longer one, and
the tail of the predictive (negative binomial) distribution of a bucket's count. Arrays of
series x buckets, so that the overview judges every pair at once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from monitor.spikes import Grain, SpikeSettings


def expected(
    counts: np.ndarray,
    weekdays: np.ndarray | None,
    judged_as: Grain,
    settings: SpikeSettings,
    known: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The expected count of each series x bucket (monitor.spikes, step 1) and how many
    articles that guess rests on (its gamma shape: the predictive tail widens with fewer);
    NaN where there is no guess (fewer than `min_history` buckets since the first `known`
    one)."""
    window = judged_as.baseline
    width = counts.shape[1]
    total = _cumulative(counts)
    t = np.arange(width)
    judged = t >= known + judged_as.min_history
    t = t[judged]
    lo = np.maximum(known, t - window)
    level, level_sum = _mean(total, t, lo)
    if judged_as.recent:
        level, level_sum = _guard_shift(total, t, lo, level, level_sum, judged_as, settings)
    factor, factor_articles = 1.0, np.inf
    if weekdays is not None:
        factor, factor_articles = _weekday_factor(counts, total, weekdays, t, known, settings)
    guess = np.full(counts.shape, np.nan)
    shape = np.full(counts.shape, np.nan)
    # never below one article per window: a pair never named before still has one
    guess[:, judged] = np.maximum(level * factor, 1.0 / window)
    # the relative variances of level and factor add (1 / articles each); +1 keeps a pair
    # with no articles yet at a shape of about 1, the widest tail
    with np.errstate(divide="ignore"):
        shape[:, judged] = 1.0 / (1.0 / (level_sum + 1.0) + 1.0 / (factor_articles + 1.0))
    return guess, shape


def _cumulative(counts: np.ndarray) -> np.ndarray:
    """Column j: the sum of each series' buckets before j."""
    zero = np.zeros((counts.shape[0], 1))
    return np.concatenate([zero, np.cumsum(counts, axis=1)], axis=1)


def _mean(total: np.ndarray, t: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean of buckets [lo, t) and their sum."""
    summed = total[:, t] - total[:, lo]
    return summed / np.maximum(t - lo, 1), summed


def _guard_shift(total, t, lo, level, level_sum, judged_as: Grain, settings: SpikeSettings):
    """The level of the last `recent` buckets where they are improbably far from the rest of
    the window: a pair whose coverage doubled is judged against its new level within days,
    not after the whole window has forgotten the old one."""
    recent = np.maximum(lo, t - judged_as.recent)
    older, _ = _mean(total, recent, lo)
    now, now_sum = _mean(total, t, recent)
    span_now = t - recent
    span_old = recent - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        # recent sum against the older rate, allowing for that rate's own noise
        expected_now = older * span_now
        spread = np.sqrt(np.maximum(expected_now * (1 + span_now / span_old), 1.0))
        z = (now_sum - expected_now) / spread
    shifted = (span_old >= judged_as.recent) & (np.abs(np.nan_to_num(z)) > settings.shift_z)
    return np.where(shifted, now, level), np.where(shifted, now_sum, level_sum)


def _weekday_factor(counts, total, weekdays, t, known, settings: SpikeSettings):
    """Each judged day's weekday factor over the `weekday_days` before it, and how many
    articles that guess is worth (1 / its relative variance): the weekday's own share shrunk
    towards its kind's (working day or weekend) share, itself shrunk towards 1, by
    `weekday_prior` pseudo-articles each."""
    lo = np.maximum(known, t - settings.weekday_days)
    mean, _ = _mean(total, t, lo)
    weekend = weekdays >= 5
    kind = weekend[t]
    ends = _cumulative(counts * weekend)
    works = total - ends
    kind_sum = np.where(kind, ends[:, t] - ends[:, lo], works[:, t] - works[:, lo])
    end_days = np.concatenate([[0], np.cumsum(weekend)])
    ended = end_days[t] - end_days[lo]
    kind_days = np.where(kind, ended, (t - lo) - ended)
    same_sum, same_days = _same_weekday(counts, t, lo)
    k = settings.weekday_prior
    kind_factor = (kind_sum + settings.kind_prior) / (kind_days * mean + settings.kind_prior)
    own_expected = same_days * mean
    factor = (same_sum + k * kind_factor) / (own_expected + k)
    own = own_expected / (own_expected + k)
    variance = own**2 / np.maximum(same_sum, 1) + (1 - own) ** 2 / (kind_sum + settings.kind_prior)
    return factor, 1.0 / variance


def _same_weekday(counts: np.ndarray, t: np.ndarray, lo: np.ndarray):
    """The sum of each series' buckets t - 7, t - 14, ... down to lo, and how many."""
    pad = 14
    padded = np.concatenate([np.zeros((counts.shape[0], pad)), counts], axis=1)
    strided = np.empty_like(padded)
    for r in range(7):
        strided[:, r::7] = np.cumsum(padded[:, r::7], axis=1)
    # the same weekday's days in [lo, t): t - 7 down to t - 7 x days >= lo
    days = (t - lo) // 7
    summed = strided[:, t - 7 + pad] - strided[:, t - 7 - 7 * days + pad]
    return summed, days


def tail(counts: np.ndarray, rates: np.ndarray, shapes: np.ndarray, mid: bool) -> np.ndarray:
    """P(X >= count) (mid-p: P(X > count) + P(X = count) / 2) for X negative binomial with
    mean `rate` and size `shape`: Poisson counts whose rate is gamma-distributed, as the
    baseline's guess of it is; 1 where there is no rate or the count is low."""
    p = np.ones(len(counts))
    for i, (count, rate, size) in enumerate(zip(counts, rates, shapes, strict=True)):
        if np.isnan(rate) or count <= rate:
            continue
        k = int(count)
        q = rate / (rate + size)
        log_term = (
            math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1)
            + size * math.log1p(-q) + k * math.log(q)
        )  # fmt: skip
        term = math.exp(log_term)
        first, tail = term, 0.0
        while term > tail * 1e-12 and term > 0:
            tail += term
            k += 1
            term *= q * (k - 1 + size) / k
        p[i] = min(tail - first / 2 if mid else tail, 1.0)
    return p
