"""The dashboard's filter state and its query-string form, validated against the data.

The query-string names are a contract (links in mails and scripts build them): `view`,
`start`, `end` (YYYY-MM-DD), `countries` (comma-separated ISO-3), `pair` (`PRK-RUS`), `lang`,
`source`, `window` (article|sentence), `measure` (count|share), `bucket` (day|week|month),
`min`; plus `cell` (count|lift, the matrix), `scope` (pair|all, the articles view) and
`page` (the articles view's page, from 1).
Anything unknown or invalid falls back to its default with a notice the page shows; nothing
here raises on user input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from board import settings

VIEWS = ("overview", "pair", "matrix", "network", "map", "articles")
WINDOWS = ("article", "sentence")
MEASURES = ("count", "share")
BUCKETS = ("day", "week", "month")
CELLS = ("count", "lift")
SCOPES = ("pair", "all")

MAX_COUNTRIES = 40
"""More selected countries than this is a pasted list gone wrong, not an analysis."""

MAX_MIN_ARTICLES = 1_000_000
MAX_PAGE = 1_000_000

_ISO3 = re.compile(r"[A-Z]{3}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_VALUE_CHARS = 40


@dataclass(frozen=True)
class Options:
    """What the data offers to choose from."""

    first_day: date | None
    last_day: date | None
    countries: dict[str, str]
    """ISO-3 -> display label ('North Korea (PRK)'), busiest first."""
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    busiest_pair: tuple[str, str] | None

    def name(self, code: str) -> str:
        """A country's name without its code ('North Korea'), or its code if unnamed."""
        return self.countries.get(code, code).removesuffix(f" ({code})")


@dataclass(frozen=True)
class Filters:
    view: str
    start: date
    end: date
    countries: tuple[str, ...]
    pair: tuple[str, str] | None
    """Canonical order: pair[0] < pair[1]."""
    lang: str | None
    source: str | None
    window: str
    measure: str
    bucket: str
    min_articles: int
    cell: str
    scope: str
    page: int = 1
    """The articles view's page; a page past the last shows the first."""


def defaults(options: Options, today: date | None = None) -> Filters:
    """The state of a URL without parameters: all the data, the busiest pair."""
    fallback_day = today or date.today()
    return Filters(
        view=VIEWS[0],
        start=options.first_day or fallback_day,
        end=options.last_day or fallback_day,
        countries=(),
        pair=options.busiest_pair,
        lang=None,
        source=None,
        window=WINDOWS[0],
        measure=MEASURES[0],
        bucket=_default_bucket(options),
        min_articles=1,
        cell=CELLS[0],
        scope=SCOPES[0],
        page=1,
    )


def from_query(params: Mapping[str, object], options: Options) -> tuple[Filters, list[str]]:
    """Filters from query-string values, and a notice for every value that was not usable."""
    base = defaults(options)
    notices: list[str] = []
    get = _getter(params)
    start, end = _dates(get("start"), get("end"), base, notices)
    filters = replace(
        base,
        view=_choice("view", get("view"), VIEWS, base.view, notices),
        start=start,
        end=end,
        countries=_countries(get("countries"), options, notices),
        pair=_pair(get("pair"), options, base.pair, notices),
        lang=_member("lang", get("lang"), options.languages, notices),
        source=_member("source", get("source"), options.sources, notices),
        window=_choice("window", get("window"), WINDOWS, base.window, notices),
        measure=_choice("measure", get("measure"), MEASURES, base.measure, notices),
        bucket=_choice("bucket", get("bucket"), BUCKETS, base.bucket, notices),
        min_articles=_whole_number(
            "minimum", get("min"), base.min_articles, MAX_MIN_ARTICLES, notices
        ),
        cell=_choice("cell", get("cell"), CELLS, base.cell, notices),
        scope=_choice("scope", get("scope"), SCOPES, base.scope, notices),
        page=_whole_number("page", get("page"), base.page, MAX_PAGE, notices),
    )
    return filters, notices


def to_query(filters: Filters) -> dict[str, str]:
    """The query string of a state; empty filters and default extras are left out."""
    query = {
        "view": filters.view,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "countries": ",".join(filters.countries),
        "pair": "-".join(filters.pair) if filters.pair else "",
        "lang": filters.lang or "",
        "source": filters.source or "",
        "window": filters.window,
        "measure": filters.measure,
        "bucket": filters.bucket,
        "min": str(filters.min_articles),
        "cell": "" if filters.cell == CELLS[0] else filters.cell,
        "scope": "" if filters.scope == SCOPES[0] else filters.scope,
        "page": "" if filters.page == 1 else str(filters.page),
    }
    return {key: value for key, value in query.items() if value}


def previous_period(filters: Filters) -> date:
    """First day of the period of equal length just before [start, end]."""
    return filters.start - (filters.end - filters.start) - timedelta(days=1)


def _getter(params: Mapping[str, object]):
    def get(name: str) -> str | None:
        value = params.get(name)
        # a repeated parameter keeps its last value, as st.query_params does
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        return None if value is None else str(value).strip()

    return get


def _shown(value: str) -> str:
    """A user's value as a markdown code span: shown literally, never parsed as markdown.

    A code span ends only at a backtick, so backticks become quotes; it is one line.
    """
    flat = " ".join(value.replace("`", "'").split())
    if len(flat) > _SHOWN_VALUE_CHARS:
        flat = flat[: _SHOWN_VALUE_CHARS - 1] + "…"
    return f"`{flat}`"


def _choice(
    name: str, value: str | None, allowed: tuple[str, ...], default: str, notices: list[str]
) -> str:
    if not value:
        return default
    if value.lower() in allowed:
        return value.lower()
    notices.append(
        f"Unknown {name} {_shown(value)}: showing {default} (one of {', '.join(allowed)})."
    )
    return default


def _member(name: str, value: str | None, known: tuple[str, ...], notices: list[str]) -> str | None:
    if not value:
        return None
    if value in known:
        return value
    notices.append(f"No articles with {name} {_shown(value)}: showing every {name}.")
    return None


def _dates(
    start: str | None, end: str | None, base: Filters, notices: list[str]
) -> tuple[date, date]:
    first = _day("start", start, base.start, notices)
    last = _day("end", end, base.end, notices)
    if first > last:
        # the start is kept (a link names its period by where it starts), with the
        # default end when that comes after it
        kept_end = base.end if base.end >= first else first
        notices.append(
            f"The start {first.isoformat()} is after the end {last.isoformat()}: "
            f"showing {first.isoformat()} to {kept_end.isoformat()}."
        )
        return first, kept_end
    return first, last


def _day(name: str, value: str | None, default: date, notices: list[str]) -> date:
    if not value:
        return default
    parsed = None
    if _DAY.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if (
        parsed is None
        or not settings.EARLIEST_DATE_YEAR <= parsed.year <= settings.LATEST_DATE_YEAR
    ):
        notices.append(f"Invalid {name} date {_shown(value)} (use YYYY-MM-DD): using {default}.")
        return default
    return parsed


def _countries(value: str | None, options: Options, notices: list[str]) -> tuple[str, ...]:
    if not value:
        return ()
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    known = [code for code in dict.fromkeys(codes) if code in options.countries]
    unknown = [code for code in codes if code not in options.countries]
    if unknown:
        shown = ", ".join(_shown(code) for code in unknown[:5])
        notices.append(f"Ignored countries not in the data (ISO-3 codes expected): {shown}.")
    if len(known) > MAX_COUNTRIES:
        notices.append(f"Only the first {MAX_COUNTRIES} selected countries are used.")
    return tuple(known[:MAX_COUNTRIES])


def _pair(
    value: str | None, options: Options, default: tuple[str, str] | None, notices: list[str]
) -> tuple[str, str] | None:
    if not value:
        return default
    parts = [part.strip().upper() for part in value.split("-")]
    valid = (
        len(parts) == 2
        and all(_ISO3.fullmatch(part) and part in options.countries for part in parts)
        and parts[0] != parts[1]
    )
    if not valid:
        fallback = "-".join(default) if default else "none"
        notices.append(
            f"Unknown pair {_shown(value)} (two different countries in the data, like "
            f"PRK-RUS): showing {fallback}."
        )
        return default
    first, second = sorted(parts)
    return first, second


def _whole_number(
    name: str, value: str | None, default: int, largest: int, notices: list[str]
) -> int:
    if not value:
        return default
    if value.isdigit() and 1 <= int(value) <= largest:
        return int(value)
    notices.append(f"Invalid {name} {_shown(value)} (a whole number from 1): using {default}.")
    return default


def _default_bucket(options: Options) -> str:
    """Days for a few months of data, weeks up to two years, months beyond."""
    if options.first_day is None or options.last_day is None:
        return "day"
    span = (options.last_day - options.first_day).days
    if span <= 120:
        return "day"
    return "week" if span <= 730 else "month"
