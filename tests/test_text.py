"""What the dashboard writes around numbers it shows as text."""

from __future__ import annotations

import pytest

from board.text import highlight_spans, search_spans, two_decimals


@pytest.mark.parametrize(
    "value,shown",
    [(-0.00067, "0.00"), (-0.004, "0.00"), (0.0, "0.00"), (-0.005001, "-0.01"), (1.234, "1.23")],
)
def test_a_tone_that_rounds_to_zero_is_shown_without_a_minus_sign(value, shown):
    assert two_decimals(value) == shown


def test_search_matches_are_marked_whatever_their_accents_and_the_text_stays_escaped():
    # refs #18: the index folds "armée" to "armee"; the mark keeps what the text says
    sentence = "<b>L'armée</b> nord-coréenne; Korea Utara mengirim pasukan."
    spans = search_spans(
        sentence, [(("armee",), False), (("korea", "utara"), False), (("pasuk",), True)]
    )
    assert highlight_spans(sentence, spans) == (
        "\\<b\\>L\\':blue-background[**armée**]\\<\\/b\\> nord\\-coréenne\\; "
        ":blue-background[**Korea Utara**] mengirim :blue-background[**pasukan**]\\."
    )
