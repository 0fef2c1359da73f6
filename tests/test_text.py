"""What the dashboard writes around numbers it shows as text."""

from __future__ import annotations

import pytest

from board.text import two_decimals


@pytest.mark.parametrize(
    "value,shown",
    [(-0.00067, "0.00"), (-0.004, "0.00"), (0.0, "0.00"), (-0.005001, "-0.01"), (1.234, "1.23")],
)
def test_a_tone_that_rounds_to_zero_is_shown_without_a_minus_sign(value, shown):
    assert two_decimals(value) == shown
