"""The dashboard's filter state and its query-string form, validated against the data.

The query-string names are a contract (links in mails and scripts build them): `view`,
`start`, `end` (YYYY-MM-DD), `countries` (comma-separated ISO-3), `pair` (`PRK-RUS`), `lang`,
`source`, `origin` (all|text|gdelt), `window` (article|sentence), `unit` (article|story:
what every count counts, stories by default once some story holds copies), `measure`
(count|share|share_either|index, board/measures.py), `bucket` (day|week|month), `min`; plus `cell` (count|lift, the matrix), `scope` (pair|all, the articles view),
`page` (the articles view's page, from 1), `q` (a full-text search, board/search.py),
`compare` (pairs drawn beside the focus pair, `CHN-PHL,PRK-USA`) and `compare_start`,
`compare_end` (the focus pair's period drawn beside the main one, board/compare.py).
Each is declared once, as an attribute of `Filters` carrying its `UrlField` (name, parse,
format, default, widget keys): the URL codec here and the widgets (`board.controls`) iterate
`FIELDS`, so a new filter is one attribute plus its widget (refs #12).
Anything unknown or invalid falls back to its default with a notice the page shows; nothing
here raises on user input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from board import measures, settings
from monitor.units import default_unit

VIEWS = ("overview", "pair", "matrix", "network", "map", "articles", "watchlists", "alerts")
"""The views everyone may open."""
ADMIN_VIEWS = (*VIEWS, "audit")
"""... and those an admin may (refs #19): to anyone else `view=audit` is an unknown view."""
WINDOWS = ("article", "sentence")
MEASURES = tuple(measures.BY_NAME)
"""count | share | share_either | index: what each divides by is board/measures.py's."""
BUCKETS = ("day", "week", "month")
CELLS = ("count", "lift")
SCOPES = ("pair", "all")
UNITS = ("article", "story")
"""What every count, share, spike and chart counts (refs #16): articles, or distinct stories
(wire copies and rewrites of one report counted once)."""
ORIGINS = ("all", "text", "gdelt")
"""Which instruments a view counts: every article, text sources only, or GDELT's GKG rows
only (refs #15); a share or a tone over a changing source mix reads the mix, not the news."""

MAX_COUNTRIES = 40
"""More selected countries than this is a pasted list gone wrong, not an analysis."""

MAX_COMPARED = 6
"""Pairs compared with the focus pair: more lines than this on one axis cannot be told apart."""

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
    views: tuple[str, ...] = VIEWS
    """The views this user may open (`ADMIN_VIEWS` for an admin)."""
    has_stories: bool = False
    """Some story holds more than one article: counting stories differs from articles."""

    def name(self, code: str) -> str:
        """A country's name without its code ('North Korea'), or its code if unnamed."""
        return self.countries.get(code, code).removesuffix(f" ({code})")


Parser = Callable[[str, str, Any, Options, list[str]], Any]
"""(noun for notices, the URL's non-empty text, the default, options, notices) -> value."""


def _text(value: object) -> str:
    return str(value or "")


def _one(values: tuple[Any, ...]) -> Any:
    return values[0]


@dataclass(frozen=True)
class UrlField:
    """One query-string parameter: how it is read, written and defaulted, and its widgets."""

    name: str
    """The contract name in the query string."""
    parse: Parser
    default: Any
    """A value, or a function of (Options, today) for defaults that follow the data."""
    format: Callable[[Any], str] = _text
    """Value (or a widget's value) -> query-string text; '' leaves it out."""
    extra: bool = False
    """Left out of the URL at its (fixed) default: a view's own setting, or a filter that
    every earlier link means at its default (origin)."""
    noun: str = ""
    """What notices call it; the name when empty."""
    widget_keys: tuple[str, ...] = ()
    """The session-state keys of its widgets; the name when empty."""
    to_widgets: Callable[[Any], tuple[Any, ...]] = lambda value: (value,)
    from_widgets: Callable[[tuple[Any, ...]], Any] = _one

    @property
    def keys(self) -> tuple[str, ...]:
        return self.widget_keys or (self.name,)

    def widget_values(self, value: Any) -> dict[str, Any]:
        """The widgets' session-state values showing `value`."""
        return dict(zip(self.keys, self.to_widgets(value), strict=True))

    def query_text(self, widgets: Mapping[str, Any]) -> str:
        """The query-string text of what its widgets hold (the inverse of `widget_values`)."""
        return self.format(self.from_widgets(tuple(widgets.get(key) for key in self.keys)))

    def default_for(self, options: Options, today: date) -> Any:
        return self.default(options, today) if callable(self.default) else self.default


def _url(
    name: str, parse: Parser, default: Any, attribute_default: Any = None, **declared: Any
) -> Any:
    """A `Filters` attribute read from and written to the query-string parameter `name`;
    `attribute_default` is the attribute's default where the URL's follows the data."""
    url_field = UrlField(name, parse, default, **declared)
    if url_field.extra:
        return field(default=default, metadata={"url": url_field})
    if attribute_default is not None:
        return field(default=attribute_default, metadata={"url": url_field})
    return field(metadata={"url": url_field})


def _choice(allowed: tuple[str, ...] | Callable[[Options], tuple[str, ...]]) -> Parser:
    """One of `allowed` (fixed, or what the options allow), else the default and a notice."""

    def parse(noun: str, value: str, default: str, options: Options, notices: list[str]) -> str:
        allowed_here = allowed(options) if callable(allowed) else allowed
        if value.lower() in allowed_here:
            return value.lower()
        notices.append(
            f"Unknown {noun} {_shown(value)}: showing {default} (one of {', '.join(allowed_here)})."
        )
        return default

    return parse


def _member(known: Callable[[Options], tuple[str, ...]]) -> Parser:
    def parse(noun: str, value: str, default: None, options: Options, notices: list[str]):
        if value in known(options):
            return value
        notices.append(f"No articles with {noun} {_shown(value)}: showing every {noun}.")
        return default

    return parse


def _whole_number(largest: int) -> Parser:
    def parse(noun: str, value: str, default: int, options: Options, notices: list[str]) -> int:
        if value.isdigit() and 1 <= int(value) <= largest:
            return int(value)
        notices.append(f"Invalid {noun} {_shown(value)} (a whole number from 1): using {default}.")
        return default

    return parse


def _day(noun: str, value: str, default: date, options: Options, notices: list[str]) -> date:
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
        notices.append(f"Invalid {noun} date {_shown(value)} (use YYYY-MM-DD): using {default}.")
        return default
    return parsed


def _countries(
    noun: str, value: str, default: tuple[str, ...], options: Options, notices: list[str]
) -> tuple[str, ...]:
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
    noun: str,
    value: str,
    default: tuple[str, str] | None,
    options: Options,
    notices: list[str],
) -> tuple[str, str] | None:
    pair = _known_pair(value, options)
    if pair is None:
        fallback = "-".join(default) if default else "none"
        notices.append(
            f"Unknown {noun} {_shown(value)} (two different countries in the data, like "
            f"PRK-RUS): showing {fallback}."
        )
        return default
    return pair


def _known_pair(value: str, options: Options) -> tuple[str, str] | None:
    """('PRK', 'RUS') of 'rus-PRK', None unless two different countries of the data."""
    parts = [part.strip().upper() for part in value.split("-")]
    valid = (
        len(parts) == 2
        and all(_ISO3.fullmatch(part) and part in options.countries for part in parts)
        and parts[0] != parts[1]
    )
    if not valid:
        return None
    first, second = sorted(parts)
    return first, second


def _pairs(
    noun: str, value: str, default: tuple, options: Options, notices: list[str]
) -> tuple[tuple[str, str], ...]:
    texts = [text.strip() for text in value.split(",") if text.strip()]
    known = [_known_pair(text, options) for text in texts]
    unknown = [text for text, pair in zip(texts, known, strict=True) if pair is None]
    if unknown:
        shown = ", ".join(_shown(text) for text in unknown[:5])
        notices.append(
            f"Ignored {noun} pairs not in the data (two different ISO-3 codes, like PRK-RUS): "
            f"{shown}."
        )
    pairs = tuple(dict.fromkeys(pair for pair in known if pair is not None))
    if len(pairs) > MAX_COMPARED:
        notices.append(f"Only the first {MAX_COMPARED} compared pairs are drawn.")
    return pairs[:MAX_COMPARED]


def _pairs_text(value: object) -> str:
    """'CHN-PHL,PRK-USA' of the pairs, or of a widget's typed text (checked when read)."""
    if isinstance(value, str):
        return ",".join(part.strip().upper() for part in value.split(",") if part.strip())
    return ",".join("-".join(pair) for pair in value or ())


def _pairs_widget(pairs: tuple[tuple[str, str], ...]) -> tuple[str]:
    return (", ".join("-".join(pair) for pair in pairs),)


def _optional_day(
    noun: str, value: str, default: None, options: Options, notices: list[str]
) -> date | None:
    """A date, or (invalid) nothing with a notice: an optional period is left out."""
    unusable: list[str] = []
    parsed = _day(noun, value, date.min, options, unusable)
    if unusable:
        notices.append(f"Invalid {noun} {_shown(value)} (use YYYY-MM-DD): left out.")
        return None
    return parsed


def _search_text(noun: str, value: str, default: str, options: Options, notices: list[str]) -> str:
    # runs of spaces (a pasted line break) mean nothing in a search: one canonical URL form
    return " ".join(value.split())


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else ""


def _joined(separator: str) -> Callable[[Any], str]:
    # a widget left empty (a pair with one side unset) writes nothing
    return lambda values: separator.join(values) if values and all(values) else ""


def _first_day(options: Options, today: date) -> date:
    return options.first_day or today


def _last_day(options: Options, today: date) -> date:
    return options.last_day or today


def _default_bucket(options: Options, today: date | None = None) -> str:
    """Days for a few months of data, weeks up to two years, months beyond."""
    if options.first_day is None or options.last_day is None:
        return "day"
    span = (options.last_day - options.first_day).days
    if span <= 120:
        return "day"
    return "week" if span <= 730 else "month"


def _default_unit(options: Options, today: date | None = None) -> str:
    return default_unit(options.has_stories)


def _some_or_blank(value: str | None) -> tuple[str]:
    # the selectboxes offer '' for "all languages/sources"
    return (value or "",)


@dataclass(frozen=True)
class Filters:
    view: str = _url("view", _choice(lambda options: options.views), VIEWS[0])
    start: date = _url("start", _day, _first_day, format=_iso)
    end: date = _url("end", _day, _last_day, format=_iso)
    countries: tuple[str, ...] = _url(
        "countries", _countries, (), format=_joined(","), to_widgets=lambda v: (list(v),)
    )
    pair: tuple[str, str] | None = _url(
        "pair",
        _pair,
        lambda options, today: options.busiest_pair,
        format=_joined("-"),
        widget_keys=("pair_a", "pair_b"),
        to_widgets=lambda pair: pair or (None, None),
        from_widgets=tuple,
    )
    """Canonical order: pair[0] < pair[1]."""
    lang: str | None = _url("lang", _member(lambda o: o.languages), None, to_widgets=_some_or_blank)
    source: str | None = _url(
        "source", _member(lambda o: o.sources), None, to_widgets=_some_or_blank
    )
    window: str = _url("window", _choice(WINDOWS), WINDOWS[0])
    measure: str = _url("measure", _choice(MEASURES), MEASURES[0])
    bucket: str = _url("bucket", _choice(BUCKETS), _default_bucket)
    min_articles: int = _url("min", _whole_number(MAX_MIN_ARTICLES), 1, noun="minimum")
    # always in the URL (its default follows the data), but articles for code that builds
    # Filters without it: what every count was before stories (refs #16)
    unit: str = _url("unit", _choice(UNITS), _default_unit, attribute_default=UNITS[0])
    cell: str = _url("cell", _choice(CELLS), CELLS[0], extra=True)
    scope: str = _url("scope", _choice(SCOPES), SCOPES[0], extra=True)
    page: int = _url("page", _whole_number(MAX_PAGE), 1, extra=True)
    """The articles view's page; a page past the last shows the first."""
    # left out of the URL at "all", so links shared before it existed keep their form
    origin: str = _url("origin", _choice(ORIGINS), ORIGINS[0], extra=True)
    # left out when empty; its syntax is checked against the index by board/page.py (refs #18)
    q: str = _url("q", _search_text, "", extra=True, noun="search")
    """Full-text search narrowing every view to the matching articles (board/search.py)."""
    compare: tuple[tuple[str, str], ...] = _url(
        "compare",
        _pairs,
        (),
        format=_pairs_text,
        extra=True,
        noun="compared",
        to_widgets=_pairs_widget,
    )
    """Pairs (canonical order each) drawn with the focus pair in the pair view."""
    compare_start: date | None = _url(
        "compare_start", _optional_day, None, format=_iso, extra=True, noun="comparison start"
    )
    """The focus pair's second period, drawn beside [start, end] (board/compare.py)."""
    compare_end: date | None = _url(
        "compare_end", _optional_day, None, format=_iso, extra=True, noun="comparison end"
    )


FIELDS: dict[str, UrlField] = {f.name: f.metadata["url"] for f in fields(Filters)}
"""Filters attribute -> its query-string declaration, in the page's order."""


def defaults(options: Options, today: date | None = None) -> Filters:
    """The state of a URL without parameters: all the data, the busiest pair."""
    today = today or date.today()
    return Filters(**{attr: url.default_for(options, today) for attr, url in FIELDS.items()})


def from_query(params: Mapping[str, object], options: Options) -> tuple[Filters, list[str]]:
    """Filters from query-string values, and a notice for every value that was not usable."""
    base = defaults(options)
    notices: list[str] = []
    get = _getter(params)
    values = {}
    for attr, url in FIELDS.items():
        text = get(url.name)
        default = getattr(base, attr)
        values[attr] = (
            url.parse(url.noun or url.name, text, default, options, notices) if text else default
        )
    values["start"], values["end"] = _dates_in_order(values["start"], values["end"], base, notices)
    if values["unit"] == "story" and values["measure"] == "share_either":
        # the share of either divides by each country's coverage, which is kept in articles
        # only: a share of stories over articles would mean nothing (refs #16)
        notices.append("The share of either is counted in articles: showing articles.")
        values["unit"] = "article"
    return Filters(**values), notices


def to_query(filters: Filters) -> dict[str, str]:
    """The query string of a state; empty filters and default extras are left out."""
    query = {}
    for attr, url in FIELDS.items():
        value = getattr(filters, attr)
        if not (url.extra and value == url.default):
            query[url.name] = url.format(value)
    return {key: value for key, value in query.items() if value}


def comparison_period(filters: Filters) -> tuple[date, date] | None:
    """The focus pair's second period: from compare_start to compare_end, or for as long as
    the main period when the end is missing or before the start; None without a start."""
    if filters.compare_start is None:
        return None
    end = filters.compare_end
    if end is None or end < filters.compare_start:
        end = filters.compare_start + (filters.end - filters.start)
    return filters.compare_start, end


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


def _dates_in_order(
    first: date, last: date, base: Filters, notices: list[str]
) -> tuple[date, date]:
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
