from datetime import UTC, datetime

import pytest

from etl.dates import ACCEPTED_FORMS, DateError, parse_date

UNPARSEABLE = "unparseable date {}; accepted: " + ACCEPTED_FORMS


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-06-19", datetime(2024, 6, 19, tzinfo=UTC)),
        ("2024-06-19T10:00:00Z", datetime(2024, 6, 19, 10, tzinfo=UTC)),
        # an offset is converted, not dropped: 10:00 in Jakarta is 03:00 UTC
        ("2024-06-19T10:00:00+07:00", datetime(2024, 6, 19, 3, tzinfo=UTC)),
        ("2024-06-19 10:00:00", datetime(2024, 6, 19, 10, tzinfo=UTC)),
        # RFC 2822, as RSS carries it
        ("Thu, 09 Nov 2023 10:00:00 +0000", datetime(2023, 11, 9, 10, tzinfo=UTC)),
        ("Thu, 09 Nov 2023 10:00:00 GMT", datetime(2023, 11, 9, 10, tzinfo=UTC)),
        # epoch seconds, as a number and as text
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        # GDELT's compact DATE
        ("20230702153000", datetime(2023, 7, 2, 15, 30, tzinfo=UTC)),
        (datetime(2024, 1, 1, 12), datetime(2024, 1, 1, 12, tzinfo=UTC)),
    ],
)
def test_dates_are_read_in_utc(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value,reason",
    [
        (None, "missing date"),
        ("  ", "missing date"),
        ("31/31/2023", UNPARSEABLE.format("'31/31/2023'")),
        ("yesterday", UNPARSEABLE.format("'yesterday'")),
        (True, UNPARSEABLE.format("True")),
        ([2024], UNPARSEABLE.format("[2024]")),
        # epoch milliseconds read as seconds would land in the year 55000
        (1700000000000, UNPARSEABLE.format("1700000000000")),
        ("1066-10-14", "date out of range '1066-10-14' (expected 1900-2099)"),
        ("2999-01-01T00:00:00Z", "date out of range '2999-01-01T00:00:00Z' (expected 1900-2099)"),
        (float("nan"), UNPARSEABLE.format("nan")),
    ],
)
def test_bad_dates_have_a_reason(value, reason):
    with pytest.raises(DateError) as err:
        parse_date(value)
    assert str(err.value) == reason
