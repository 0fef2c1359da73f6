"""The days a text names, one date in every language (refs #16)."""

from __future__ import annotations

from datetime import date

import pytest

from etl.event_days import event_days

SUNDAY = date(2024, 10, 20)


@pytest.mark.parametrize(
    "text,published,expected",
    [
        ("Prabowo was sworn in on Sunday", SUNDAY, {SUNDAY}),
        # Indonesian gives the weekday and, in parentheses, day/month
        ("di Jakarta, Minggu (20/10).", SUNDAY, {SUNDAY}),
        ("Le président a prêté serment dimanche", SUNDAY, {SUNDAY}),
        # a French weekday opening a sentence is capitalised
        ("Dimanche, le président a prêté serment", SUNDAY, {SUNDAY}),
        ("JAKARTA, Oct 20 — Prabowo", SUNDAY, {SUNDAY}),
        ("le 20 octobre", SUNDAY, {SUNDAY}),
        ("pada 20 Oktober", SUNDAY, {SUNDAY}),
        # a weekday is the one within the week before publication (or the next day: Jakarta
        # is 7 hours ahead of UTC)
        ("on Thursday", SUNDAY, {date(2024, 10, 17)}),
        ("on Monday", SUNDAY, {date(2024, 10, 21)}),
        # a date without a year is the nearest one to publication
        ("on Dec 30", date(2025, 1, 2), {date(2024, 12, 30)}),
        # background dates say nothing about which occurrence a brief reports
        ("signed in December 2020", SUNDAY, set()),
        ("the vote of 20 October 2023", SUNDAY, set()),
        ("le scrutin du 1er octobre", date(2024, 10, 2), {date(2024, 10, 1)}),
        ("the mandate ends on 30 April", date(2024, 3, 29), set()),
        # lower-case Indonesian "minggu" is a week, not Sunday
        ("dua minggu lalu", SUNDAY, set()),
    ],
)
def test_event_days_resolve_weekdays_and_dates_against_publication(text, published, expected):
    assert event_days(text, published) == {d.toordinal() for d in expected}
