"""Swedish numbers and dates, as the documents and pages print them."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from followup.core import formatting
from followup.core.formatting import days_left, iso_date, local_time, number

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


@pytest.mark.parametrize("name, in_sentence", [
    ("Delårsbokslut per augusti", "delårsbokslut per augusti"),
    ("Socialnämnden", "socialnämnden"),
    ("KFN i Älvby", "KFN i Älvby"),  # an abbreviation keeps its capitals
    ("T2 Älvby", "T2 Älvby"),
    ("Uppföljning per december Älvby", "uppföljning per december Älvby"),  # only the first
    ("Ej kontrolltillfälle", "ej kontrolltillfälle"),
    ("", ""),
])
def test_a_name_inside_a_sentence_loses_only_an_ordinary_first_capital(name, in_sentence):
    """The memo wrote "Tjänsteskrivelse till kFN i Älvby", and a chart "t2 älvby"."""
    assert formatting.in_sentence(name) == in_sentence


def test_the_memo_is_addressed_as_the_plan_writes_its_recipient():
    from types import SimpleNamespace

    from followup.documents.compose import _memo_type

    assert _memo_type(SimpleNamespace(document_type=None, recipient="Socialnämnden")) == \
        "Tjänsteskrivelse till socialnämnden"
    assert _memo_type(SimpleNamespace(document_type=None, recipient="KFN i Älvby")) == \
        "Tjänsteskrivelse till KFN i Älvby"


def test_board_names_sort_in_swedish_alphabetical_order():
    names = ["Överförmyndarnämnden", "Äldrenämnden", "Ålandsnämnden", "Utbildningsnämnden",
             "arbetsmarknadsnämnden", "Zonnämnden"]
    assert sorted(names, key=formatting.swedish_key) == [
        "arbetsmarknadsnämnden", "Utbildningsnämnden", "Zonnämnden", "Ålandsnämnden",
        "Äldrenämnden", "Överförmyndarnämnden"]


def test_a_number_of_any_size_prints_without_an_error():
    assert formatting.number(10**28) == NBSP.join(["10"] + ["000"] * 9)
    assert formatting.number(Decimal("1e30")) == "1,00×10³⁰"
    assert formatting.number(-3.3e45, 1) == "-3,30×10⁴⁵"
    assert formatting.number(float("inf")) == formatting.number(Decimal("NaN")) == "–"
    assert formatting.number(Decimal("1e-99999999"), 2) == "0,00"
