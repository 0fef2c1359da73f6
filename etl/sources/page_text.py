"""A scraped page's plain text without the site's chrome, with its title and date.

The chrome rule (refs #6). A line is *short* when it has at most CHROME_MAX_WORDS words and
CHROME_MAX_CHARS characters and does not end like a sentence (. ! ? : ; … or a closing quote or
bracket). These lines are chrome and are dropped:

1. every line before the title (skip links and menus: "Tautan-tautan Akses", "Beranda"). The
   title is the first line that is not short, unless a short line before it looks like a
   headline: at least TITLE_MIN_WORDS words, every word of four letters or more capitalised
   ("Korut Tembakkan Rudal Balistik", not "Lompat ke konten utama"), and not in a run of
   short lines. Date lines and breadcrumbs are never the title;
2. short lines after the last line of body text (footers: "Forum", "XS" "SM" "MD" "LG");
3. runs of two or more short lines anywhere, blank lines between them notwithstanding (menus,
   font-size pickers, tag lists, share buttons); a lone short line between paragraphs is a
   subheading and stays;
4. a line that repeats an earlier one verbatim (photo captions printed twice, "Advertisement");
5. breadcrumbs: lines with two or more menu separators (" | ", " > ", " » ", " · ", " • ").

The date line is a line near the top (within LEAD_LINES non-blank lines) that holds a full date
and little else ("Kamis, 9 November 2023 14:05 WIB"); it is metadata, so it leaves the text too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from etl.dates import DateError, parse_date

CHROME_MAX_WORDS = 4
CHROME_MAX_CHARS = 40
"""Menu entries, pickers and buttons are one to three words; four leaves room for "Lompat ke
konten utama" while a real sentence of body text is longer."""

TITLE_MIN_WORDS = 3
"""A short headline has at least this many words; one- and two-word lines at the top of a page
are navigation ("Beranda", "Tautan-tautan Akses")."""

LEAD_LINES = 6
"""Non-blank lines at the top searched for a date line (above or below the title)."""

DATE_LINE_EXTRA_WORDS = 3
"""Words a date line may carry besides the date: weekday, time, zone, a city."""

MAX_DATE_CANDIDATES = 50
"""Date-shaped phrases tried before giving up: bounds the cost on long texts."""

_SENTENCE_END = re.compile(r"[.!?:;…\"'”’»)\]]$")
_MENU_SEPARATOR = re.compile(r"\s[|>»·•]\s")
# day month year ("9 November 2023", "9 de noviembre de 2023"), month day year ("November 9,
# 2023") and ISO dates; all-numeric forms like 09/11/2023 are skipped: day and month order
# cannot be told without knowing the site's locale
_DATE_SHAPED = re.compile(
    r"\b\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?\d{4}\b"
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
}


@dataclass
class Page:
    title: str
    text: str
    date: datetime | None
    """From the date line, when the page has one."""
    dropped: list[str] = field(default_factory=list)
    """The chrome lines removed, in order (for tests and for anyone tuning the rule)."""


def clean_page(raw: str) -> Page:
    """Title, body text without chrome, and the date line's date of a scraped page."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    date_index, date = _date_line(lines)
    title_index = _title_index(lines, date_index)
    if title_index is None:
        return Page("", "", date, [line for line in lines if line])
    keep = _chrome_free(lines, title_index, date_index)
    meta = {title_index, date_index}
    dropped = [line for i, line in enumerate(lines) if line and i not in keep | meta]
    body = "\n".join(line if i in keep else "" for i, line in enumerate(lines))
    return Page(lines[title_index], _tidy(body), date, dropped)


def first_full_date(text: str) -> datetime | None:
    """The first date in the text that names day, month and year, in UTC; None if there is none.

    Indonesian, English and the other languages dateparser knows: "9 November 2023",
    "November 9, 2023", "2023-11-09".
    """
    for number, match in enumerate(_DATE_SHAPED.finditer(text)):
        if number >= MAX_DATE_CANDIDATES:
            return None
        found = _parse_date_text(match.group(0))
        if found is not None:
            return found
    return None


def _parse_date_text(text: str) -> datetime | None:
    """dateparser's reading of a phrase that names day, month and year; None otherwise."""
    import dateparser  # imported on first use: it takes most of a second to import

    found = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)
    try:
        return parse_date(found) if found is not None else None
    except DateError:  # a year like 0923 or 2923: not a publication date
        return None


def is_short(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= CHROME_MAX_WORDS
        and len(line) <= CHROME_MAX_CHARS
        and not _SENTENCE_END.search(line)
    )


def _date_line(lines: list[str]) -> tuple[int | None, datetime | None]:
    lead = [i for i, line in enumerate(lines) if line][:LEAD_LINES]
    for index in lead:
        match = _DATE_SHAPED.search(lines[index])
        if not match:
            continue
        rest = lines[index][: match.start()] + lines[index][match.end() :]
        if len(rest.split()) <= DATE_LINE_EXTRA_WORDS:
            # the whole line first, so its time and zone count ("14:05 WIB"), then the date
            found = _parse_date_text(lines[index]) or first_full_date(lines[index])
            if found:
                return index, found
    return None, None


def _title_index(lines: list[str], date_index: int | None) -> int | None:
    filled = [i for i, line in enumerate(lines) if line and i != date_index]
    for position, index in enumerate(filled):
        line = lines[index]
        if _MENU_SEPARATOR.search(line):
            continue
        if not is_short(line):
            return index
        if _looks_like_headline(line) and not _in_short_run(lines, filled, position):
            return index
    return None


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    long_words = [w for w in words if sum(ch.isalpha() for ch in w) >= 4]
    return len(words) >= TITLE_MIN_WORDS and all(w[0].isupper() for w in long_words)


def _chrome_free(lines: list[str], title_index: int, date_index: int | None) -> set[int]:
    """Indexes of the body lines that survive rules 2-5 (rule 1: the body starts after the title)."""
    body = [i for i in range(title_index + 1, len(lines)) if lines[i] and i != date_index]
    last_text = max((i for i in body if not is_short(lines[i])), default=-1)
    seen = {lines[title_index]}
    keep: set[int] = set()
    for position, index in enumerate(body):
        line = lines[index]
        if line in seen or _MENU_SEPARATOR.search(line) or index > last_text:
            continue
        seen.add(line)
        if is_short(line) and _in_short_run(lines, body, position):
            continue
        keep.add(index)
    return keep


def _in_short_run(lines: list[str], body: list[int], position: int) -> bool:
    before = position > 0 and is_short(lines[body[position - 1]])
    after = position + 1 < len(body) and is_short(lines[body[position + 1]])
    return before or after


def _tidy(body: str) -> str:
    """Paragraphs separated by one blank line, the way the page separated them."""
    return re.sub(r"\n{3,}", "\n\n", body).strip()
