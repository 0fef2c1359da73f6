"""Articles: the articles behind the filters, with the pair's evidence sentences.

Titles and sentences are untrusted text: they are shown in a dataframe (rendered as text)
and in markdown only through `board.text`, which escapes them; links are http(s) only.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from board import controls, measures, panel, requests, settings
from board.data import Database, Result, run, search_phrases
from board.listing import Listing
from board.state import SCOPES, Filters, Options
from board.text import (
    escape_markdown,
    highlight_spans,
    markdown_link,
    safe_url,
    search_spans,
    term_spans,
    two_decimals,
)
from board.views.pair import pair_title

Phrases = list[tuple[tuple[str, ...], bool]]
"""A search's words and phrases as board.text.search_spans marks them."""

PAGE_KEY = "page"
SCOPE_LABELS = {"pair": "Focus pair", "all": "All matching articles"}
NOT_MEASURED = "not measured"
TITLE_CHARS = 300
COPY_SOURCES_NAMED = 3
"""Sources named in a folded story's line ("+12 copies: ANTARA, Reuters, AFP, …")."""

COLUMNS = {
    "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
    "source": st.column_config.TextColumn("Source"),
    "lang": st.column_config.TextColumn("Lang"),
    "title": st.column_config.TextColumn("Title", width="large"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    # the whole article's, not the pair's: the pair view's headline tone and conflict are
    # over the sentences naming the pair, so the two need different names
    "tone": st.column_config.NumberColumn(
        "Article tone", format="%.2f", help="Tone of the whole article (-10 to +10)"
    ),
    "conflict": panel.percent_column(
        "Article conflict",
        help="Share of the whole article's sentences using conflict vocabulary",
    ),
    "pair_sentences": st.column_config.TextColumn("Pair sentences"),
    # the story unit: a story's other matching articles, folded into its row (refs #16)
    "copies": st.column_config.NumberColumn("Copies", format="%d"),
    "copy_sources": st.column_config.ListColumn("Copied by"),
    "evidence": st.column_config.ListColumn("Evidence", width="large"),
    "origin": st.column_config.TextColumn("Origin"),
    # GDELT's own instrument for GKG rows, beside the encoder's tone and never averaged into
    # it: a word-count percentage over the whole page, not the title (refs #15)
    "gdelt_tone": st.column_config.NumberColumn(
        "GDELT tone", format="%.2f", help="GDELT's V2Tone of the whole page (GKG rows only)"
    ),
    "gdelt_positive": st.column_config.NumberColumn("GDELT positive", format="%.2f"),
    "gdelt_negative": st.column_config.NumberColumn("GDELT negative", format="%.2f"),
    "gdelt_polarity": st.column_config.NumberColumn("GDELT polarity", format="%.2f"),
}
ORDER = [
    "published_at",
    "source",
    "lang",
    "title",
    "url",
    "copies",
    "copy_sources",
    "tone",
    "conflict",
    "pair_sentences",
    "evidence",
    "origin",
    "gdelt_tone",
    "gdelt_positive",
    "gdelt_negative",
    "gdelt_polarity",
]


def render(database: Database, filters: Filters, options: Options) -> None:
    st.segmented_control(
        "Articles",
        SCOPES,
        key="scope",
        required=True,
        format_func=SCOPE_LABELS.get,
        persist_state=controls.VIEW_STATE,
    )
    pair = filters.pair if filters.scope == "pair" else None
    if filters.scope == "pair" and pair is None:
        panel.empty("Pick a focus pair in the sidebar, or show all matching articles.")
    listing = _page(database, filters)
    if listing.frame.empty:
        panel.empty(_nothing_found(filters, pair, options))
    total = int(listing.frame["total_rows"].iloc[0])
    pages = math.ceil(total / settings.ARTICLES_PER_PAGE)
    first = listing.params["row_offset"] + 1
    heading = f"naming {pair_title(pair, options)}" if pair else "matching the filters"
    counted = measures.COUNTED[filters.unit].capitalize()
    folded = " (each by its first article, its copies folded)" if filters.unit == "story" else ""
    st.caption(
        f"{counted} {first:,}–{first + len(listing.frame) - 1:,} of {total:,} {heading}"
        f"{folded}, newest first; the CSV has all {total:,}."
    )
    shown = _shown(listing.frame, pair, filters.unit)
    st.dataframe(
        panel.on_screen(shown, COLUMNS),
        key="articles_table",
        hide_index=True,
        column_config=COLUMNS,
        placeholder=panel.MISSING,
        column_order=[column for column in ORDER if column in shown],
    )
    every = every_article(filters)
    panel.download_and_sql(
        "articles", every.part, shown, filters, listing, every_row=(database, every)
    )
    if pages > 1:
        st.pagination(pages, key=PAGE_KEY, persist_state=controls.VIEW_STATE)
    phrases = search_phrases(database, filters.q) if filters.q else []
    if pair:
        _evidence_cards(listing.frame, pair, options, phrases, filters.unit)
    elif phrases or filters.unit == "story":
        _title_cards(listing.frame, phrases)


def every_article(filters: Filters) -> Listing:
    """Every matching article in the table's columns (the CSV), not only the page."""
    pair = filters.pair if filters.scope == "pair" else None
    return Listing(
        "articles",
        pair and "-".join(pair) or "all",
        requests.articles_list(filters, 1, row_limit=None),
        partial(_shown, pair=pair, unit=filters.unit),
    )


def _page(database: Database, filters: Filters) -> Result:
    """The page in the URL (`page`); the first when the filters left fewer pages than that."""
    listing = run(database, *requests.articles_list(filters, filters.page))
    if listing.frame.empty and filters.page > 1:
        st.session_state[PAGE_KEY] = 1
        # the URL was written before the page was known to be past the end
        controls.drop_from_url(PAGE_KEY)
        listing = run(database, *requests.articles_list(filters, 1))
    return listing


def _nothing_found(filters: Filters, pair: tuple[str, str] | None, options: Options) -> str:
    where = f" naming {pair_title(pair, options)}" if pair else ""
    window = " in one sentence" if pair and filters.window == "sentence" else ""
    # without a pair the co-occurrence window changes nothing here, so it is not suggested
    advice = panel.what_to_change(filters if pair else replace(filters, window="article"))
    return (
        f"No articles{where}{window} between {filters.start} and {filters.end} with these "
        f"filters. {advice}"
    )


def _shown(frame: pd.DataFrame, pair: tuple[str, str] | None, unit: str) -> pd.DataFrame:
    """The table as displayed: only http(s) links; for a pair, its sentences per article,
    'not measured' for articles without text; in the story unit a story's copies and the
    sources that carried them."""
    hidden = ["total_rows", "article_id", "evidence_highlights", "copy_urls"]
    if unit != "story":
        hidden += ["copies", "copy_sources"]
    shown = frame.drop(columns=hidden)
    shown["url"] = shown["url"].map(safe_url)
    if pair is None:
        return shown.drop(columns=["pair_sentences", "evidence"])
    shown["pair_sentences"] = [
        NOT_MEASURED if origin == "gkg" else ("" if pd.isna(count) else str(int(count)))
        for origin, count in zip(shown["origin"], shown["pair_sentences"], strict=True)
    ]
    return shown


def _title_cards(frame: pd.DataFrame, phrases: Phrases) -> None:
    """Each article's title with the search's matches marked, and its link (refs #18)."""
    st.subheader("Matches")
    for row in frame.itertuples(index=False):
        with st.container(border=True):
            _card_title(row, phrases)
            _copies(row)


def _copies(row: object) -> None:
    """A story's copies, folded under '+12 copies: ANTARA, Reuters, AFP, …' (refs #16)."""
    copies = getattr(row, "copies", None)
    if copies is None or pd.isna(copies) or not copies:
        return
    sources = _listed(row.copy_sources)
    distinct = list(dict.fromkeys(sources))
    named = ", ".join(distinct[:COPY_SOURCES_NAMED]) + (
        ", …" if len(distinct) > COPY_SOURCES_NAMED else ""
    )
    with st.expander(escape_markdown(f"+{int(copies)} copies: {named}")):
        for source, url in zip(sources, _listed(row.copy_urls), strict=True):
            link = markdown_link("open", url) if safe_url(url) else ""
            st.markdown("- " + escape_markdown(source) + (f" · {link}" if link else ""))


def _card_title(row: object, phrases: Phrases) -> None:
    title = row.title[:TITLE_CHARS]
    if not phrases:
        st.markdown(markdown_link(title, row.url))
        return
    # a marked title is not a link label: the link follows it
    link = markdown_link("open", row.url) if safe_url(row.url) else ""
    marked = highlight_spans(title, search_spans(title, phrases))
    st.markdown(marked + (f" · {link}" if link else ""))


def _evidence_cards(
    frame: pd.DataFrame, pair: tuple[str, str], options: Options, phrases: Phrases, unit: str
) -> None:
    """Each article's title (a safe link) and the sentences naming both countries, the
    countries and the search's matches marked; in the story unit one sentence per story,
    its copies folded."""
    st.subheader("Evidence")
    # sentences loaded before evidence kept its highlights fall back to the English names
    terms = [options.name(code) for code in pair]
    for row in frame.itertuples(index=False):
        with st.container(border=True):
            _card_title(row, phrases)
            _copies(row)
            tone = "–" if pd.isna(row.tone) else two_decimals(row.tone)
            st.caption(
                escape_markdown(f"{row.published_at:%Y-%m-%d} · {row.source} · {row.lang}")
                + f" · article tone {escape_markdown(tone)}"
            )
            if row.origin == "gkg":
                st.caption("No text (GDELT row): sentences not measured.")
                continue
            # a story's copies repeat its sentences: the first says what the story says
            sentences = _listed(row.evidence)[: 1 if unit == "story" else None]
            marks = _listed(row.evidence_highlights)
            if not sentences:
                st.caption("The pair is named in this article, but not in one sentence.")
            for number, sentence in enumerate(sentences):
                spans = _listed(marks[number]) if number < len(marks) else []
                countries = [(m["start_offset"], m["end_offset"]) for m in spans] or term_spans(
                    sentence, terms
                )
                shown = highlight_spans(sentence, countries + search_spans(sentence, phrases))
                st.markdown("- " + shown)


def _listed(value: object) -> list:
    """A list from a DuckDB list cell (a list or an array), or [] for null."""
    if isinstance(value, np.ndarray):
        return list(value) if value.ndim else []
    return list(value) if isinstance(value, list) else []
