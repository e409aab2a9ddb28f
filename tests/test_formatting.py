"""Swedish numbers and dates, as the documents and pages print them."""

from datetime import date, datetime, timezone

import pytest

from followup.formatting import days_left, iso_date, local_time, number

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize("value, decimals, text", [
    (176017, 0, f"176{NBSP}017"),
    (-3, 0, "-3"),
    (5.0318, 1, "5,0"),
    (1234567.891, 2, f"1{NBSP}234{NBSP}567,89"),
    (-0.04, 1, "0,0"),
    (None, 0, ""),
])
def test_numbers_print_the_swedish_way(value, decimals, text):
    assert number(value, decimals) == text


def test_dates_are_iso_and_times_swedish_local():
    assert iso_date(date(2024, 2, 5)) == "2024-02-05"
    assert local_time(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)) == "2026-07-01 14:00"
    assert local_time(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)) == "2026-01-01 13:00"


@pytest.mark.parametrize("deadline, words", [
    (date(2026, 11, 22), "i dag"), (date(2026, 11, 23), "i morgon"),
    (date(2026, 11, 25), "om 3 dagar"), (date(2026, 11, 21), "i går"),
    (date(2026, 11, 20), "för 2 dagar sedan"),
])
def test_days_left_in_words(deadline, words):
    assert days_left(deadline, today=date(2026, 11, 22)) == words
