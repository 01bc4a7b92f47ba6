"""Figures the quantity parser must read, or must not: the cases the mutation run of
``quantities.py`` found unguarded (see the README's *Development* section).

Every expected value is read off the sentence itself: "19,2 km" is 19.2 km, "Ten billion
yuan" is 10e9 yuan, "pounds sterling" are GBP; "$2024" alone is a year typed after a dollar
sign, not a price (the rule ``_money`` states).
"""

from __future__ import annotations

import pytest

from etl.extract.figures.quantities import parse


def _read(text):
    return [(q.kind, q.value, q.unit) for q in parse(text)]


def test_a_decimal_comma_with_one_or_two_digits_is_a_decimal_point():
    assert _read("They dug a 19,2 km tunnel.") == [("length", pytest.approx(19.2), "km")]
    assert _read("The bypass is 7,25 km long.") == [("length", pytest.approx(7.25), "km")]


def test_a_number_word_before_a_scale_is_a_number_whatever_its_case():
    assert _read("Ten billion yuan was lent.") == [("money", 10e9, "CNY")]
    assert _read("It lent twenty million euros.") == [("money", 20e6, "EUR")]


def test_a_currency_of_two_words_is_that_currency():
    assert _read("It cost 5 million pounds sterling.") == [("money", 5e6, "GBP")]


def test_a_code_and_its_currency_word_are_one_sum():
    (q,) = parse("It cost KZT 150 billion tenge in all.")
    assert (q.kind, q.value, q.unit, q.text) == ("money", 150e9, "KZT", "KZT 150 billion tenge")


@pytest.mark.parametrize("text", ["The $2024 plan.", "Its US$1995 budget.", "a $2001 target"])
def test_a_year_after_a_dollar_sign_is_no_price(text):
    assert [q for q in parse(text) if q.kind == "money"] == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("It cost $2024 million.", 2024e6, "USD"),  # a scale word: a sum
        ("A ticket cost $1850.", 1850.0, "USD"),  # not a year of 19xx or 20xx
        ("A visa cost $3024.", 3024.0, "USD"),
        ("It cost €2024.", 2024.0, "EUR"),  # the rule is about dollar signs
        ("It cost $20245.", 20245.0, "USD"),  # five digits: no year
    ],
)
def test_other_four_digit_sums_are_sums(text, value, unit):
    assert _read(text) == [("money", value, unit)]
