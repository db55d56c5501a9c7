"""Exact money: amounts parse to integer fen, round half-up once, and print as the contract says."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdledger.dates import add_years, parse_date
from qdledger.errors import BadInput
from qdledger.money import (parse_amount, parse_rate, parse_ratio, percent, require_fen, round_half_up, show_ratio,
                            show_wan, show_yuan, yuan)

WAN = 10_000 * 100  # fen in one 万元


@pytest.mark.parametrize("text, fen", [
    ("4000000", 400_000_000),
    ("4,000,000.00", 400_000_000),
    ("4，000，000", 400_000_000),
    ("¥4,000,000.5", 400_000_050),
    ("400万", 400 * WAN),
    ("400万元", 400 * WAN),
    ("1.2亿", 12_000 * WAN),
    ("123.456789万", 123_456_789),
    ("0.01", 1),
    ("0.000001万", 1),
    (" 12.30 ", 1230),
    ("800元", 80_000),
    (4000000, 400_000_000),
])
def test_amounts_people_write_parse_to_exact_fen(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize("text, why", [
    ("0.001", "finer than one fen"),
    ("0.0000001万", "finer than one fen"),
    ("-5", "invalid amount"),
    ("1e3", "invalid amount"),
    ("1E3", "invalid amount"),
    ("inf", "invalid amount"),
    ("nan", "invalid amount"),
    ("", "invalid amount"),
    ("abc", "invalid amount"),
    ("1,00", "invalid amount"),
    ("1,0000.00", "invalid amount"),
    ("4,000,000.001", "finer than one fen"),
    ("400 万 元", "invalid amount"),
    ("0", "must be positive"),
    ("0.00万", "must be positive"),
    ("99999999999999999999", "implausibly large"),
])
def test_amounts_that_are_not_plain_exact_money_are_refused(text, why):
    with pytest.raises(BadInput) as refused:
        parse_amount(text)
    assert why in refused.value.text.en
    assert refused.value.details["field"] == "amount"


@pytest.mark.parametrize("value", [4000000.0, 0.1, True])
def test_floats_are_never_money(value):
    with pytest.raises(BadInput, match="never floats"):
        parse_amount(value)


def test_zero_is_allowed_only_when_asked():
    assert parse_amount("0", allow_zero=True) == 0


@given(st.integers(min_value=1, max_value=10**15))
def test_printed_yuan_parse_back_to_the_same_fen(fen):
    assert parse_amount(yuan(fen)) == fen
    whole, cents = divmod(fen, 100)
    assert parse_amount(f"{whole:,}.{cents:02d}") == fen
    assert parse_amount(f"{Decimal(fen) / WAN:f}万") == fen


@pytest.mark.parametrize("value, rounded", [
    (Fraction(1, 2), 1), (Fraction(3, 2), 2), (Fraction(5, 2), 3),  # halves go up, not to even
    (Fraction(-1, 2), -1), (Fraction(-5, 2), -3),  # and away from zero below it
    (Fraction(149, 100), 1), (Fraction(1, 3), 0), (Fraction(2, 3), 1), (7, 7),
])
def test_rounding_is_half_up_to_the_fen(value, rounded):
    assert round_half_up(value) == rounded


@given(st.fractions(min_value=-10**12, max_value=10**12, max_denominator=10**9))
def test_rounding_agrees_with_decimal_half_up(value):
    with localcontext() as exact:
        exact.prec = 80
        expected = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert round_half_up(value) == int(expected)


@pytest.mark.parametrize("fen, json_form, shown, wan", [
    (0, "0.00", "¥0.00", "0.00万元"),
    (1, "0.01", "¥0.01", "0.00万元"),
    (-150, "-1.50", "-¥1.50", "0.00万元"),
    (400 * WAN, "4000000.00", "¥4,000,000.00", "400.00万元"),
    (123_456_789, "1234567.89", "¥1,234,567.89", "123.46万元"),
])
def test_amounts_print_as_the_contract_and_people_expect(fen, json_form, shown, wan):
    assert yuan(fen) == json_form
    assert show_yuan(fen) == shown
    assert show_wan(fen) == wan


def test_missing_amounts_stay_missing_in_json():
    assert yuan(None) is None
    assert percent(None) is None


@pytest.mark.parametrize("text, ratio", [
    ("40%", Fraction(2, 5)), ("1/3", Fraction(1, 3)), ("0.5", Fraction(1, 2)), ("3.10%", Fraction(31, 1000)),
    ("100%", Fraction(1)), (1, Fraction(1)), (Fraction(1, 3), Fraction(1, 3)),
])
def test_ratios_parse_exactly(text, ratio):
    assert parse_ratio(text) == ratio


@pytest.mark.parametrize("text", [0.4, True, "1e3", "1e-2%", "inf", "nan", "1/0", "a/b", "1/3/4", "0.5/2", "-40%", "", "40 %%"])
def test_ratios_that_are_not_exact_are_refused(text):
    with pytest.raises(ValueError):
        parse_ratio(text)


@pytest.mark.parametrize("ratio, shown", [
    (Fraction(2, 5), "40%"), (Fraction(1, 3), "1/3"), (Fraction(1), "100%"), (Fraction(31, 1000), "3.1%"),
    (Fraction(1, 8), "12.5%"),
])
def test_ratios_show_as_policies_write_them(ratio, shown):
    assert show_ratio(ratio) == shown


@pytest.mark.parametrize("text, rate, shown", [("3.10", Fraction(31, 1000), "3.10"), ("3.1%", Fraction(31, 1000), "3.10"),
                                               ("0", Fraction(0), "0.00"), ("3.455", Fraction(3455, 100000), "3.46")])
def test_rates_are_percent_and_print_with_two_decimals_half_up(text, rate, shown):
    assert parse_rate(text) == rate
    assert percent(rate) == shown


@pytest.mark.parametrize("text", ["1e3", "inf", "nan", "-1", "100", "abc", "", "1e999999999"])
def test_rates_that_are_not_plain_percentages_are_refused(text):
    with pytest.raises(BadInput) as refused:
        parse_rate(text)
    assert refused.value.details["field"] == "rate"


@pytest.mark.parametrize("value", [0, -1, 1.0, "100", True, None, 10**18])
def test_library_callers_must_pass_whole_positive_fen(value):
    with pytest.raises(BadInput):
        require_fen(value)


def test_library_callers_may_pass_zero_when_allowed():
    assert require_fen(0, allow_zero=True) == 0
    assert require_fen(1) == 1


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "2025-2-3", "20250101", "2025-W01-1", "", "2025/01/01",
                                  "0000-01-01", "2025-01-01T00:00"])
def test_impossible_or_non_iso_dates_are_refused(text):
    with pytest.raises(BadInput) as refused:
        parse_date(text)
    assert "YYYY-MM-DD" in refused.value.text.en


def test_dates_parse_strictly_and_count_calendar_years():
    assert parse_date(" 2024-02-29 ") == date(2024, 2, 29)
    assert parse_date(date(2025, 1, 1)) == date(2025, 1, 1)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert isinstance(parse_date("2025-01-01"), date) and not isinstance(parse_date("2025-01-01"), datetime)
