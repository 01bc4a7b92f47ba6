"""Figures the quantity parser must read, or must not: the cases the mutation run of
``quantities.py`` found unguarded (see the README's *Development* section).

Every expected value is read off the sentence itself: "19,2 km" is 19.2 km, "Ten billion
yuan" is 10e9 yuan, "pounds sterling" are GBP; "$2024" alone is a year typed after a dollar
sign, not a price (the rule ``_money`` states).
"""

from __future__ import annotations

import re

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
    # the longer currency word wins over the shorter one it starts with
    (q,) = parse("It cost 5 million pounds sterling.")
    assert q.text == "5 million pounds sterling"


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


def test_a_sum_at_the_very_start_of_the_text_is_read():
    assert _read("$5 million was paid.") == [("money", 5e6, "USD")]


def test_a_three_digit_comma_group_keeps_its_decimal_reading_aside():
    (q,) = parse("a 123,100 km line")
    assert (q.value, q.text, q.comma_value) == (123100.0, "123,100 km", pytest.approx(123.1))
    (plain,) = parse("a 300 km line")
    assert plain.comma_value is None  # no comma, no second reading
    (scaled,) = parse("a 1,500 thousand km network")  # a scale word settles the comma
    assert scaled.comma_value is None


def test_a_yearly_rate_ends_after_its_words():
    text = "It carries 55 bcm a year to China."
    (q,) = parse(text)
    assert (q.rate, q.rate_end) == ("year", text.index("a year") + len("a year"))


def test_a_foreign_sum_keeps_the_dollars_the_text_gives_in_brackets():
    text = "3.5 billion yuan (about $490 million) was lent."
    (q,) = parse(text)
    assert (q.value, q.unit, q.usd) == (3.5e9, "CNY", 490e6)
    assert (q.start, q.end) == (0, text.index(")") + 1)
    assert q.text == "3.5 billion yuan (about $490 million)"


def test_a_dollar_sum_with_a_dollar_aside_takes_no_second_value():
    (q,) = parse("It cost $5 million (about $5.2 million).")
    assert (q.value, q.unit, q.usd) == (5e6, "USD", None)


def test_after_an_aside_the_next_figure_is_still_read():
    text = "A 800 km (497 miles) road and a 600 MW plant."
    assert _read(text) == [("length", 800.0, "km"), ("power", 600.0, "MW")]
    assert parse(text)[0].text == "800 km (497 miles)"


@pytest.mark.parametrize(
    "text",
    [
        # the bracket closes too far away to be an aside of the figure
        "3.5 billion yuan (about $490 million at the exchange rate of that spring and summer)",
        # a bracket inside the bracket: not a plain aside
        "3.5 billion yuan (about $490 million (2023))",
    ],
)
def test_a_bracket_that_is_no_plain_aside_leaves_two_figures(text):
    assert _read(text) == [("money", 3.5e9, "CNY"), ("money", 490e6, "USD")]


def test_a_mask_drops_only_the_figures_it_overlaps():
    link = (re.compile(r"\[x\]"),)
    assert _read2("[x]5 km", link) == [("length", 5.0, "km")]  # the mask ends where it starts
    assert _read2("5 km[x]", link) == [("length", 5.0, "km")]  # the mask starts where it ends
    assert _read2("5 km [x] and 7 km", link) == [("length", 5.0, "km"), ("length", 7.0, "km")]


def _read2(text, masks):
    return [(q.kind, q.value, q.unit) for q in parse(text, masks=masks)]


def test_two_bare_quotes_in_a_row_are_a_ticker_and_a_later_sum_is_not():
    assert _read("Rates: USD 480.10 EUR 521.30.") == []
    assert _read("Rates: USD 480.10 EUR 521.30. The loan was USD 300 million.") == [
        ("money", 300e6, "USD")
    ]
    # words between two coded sums: no ticker, two sums
    assert _read("It paid USD 480 to EUR 521 holders.") == [
        ("money", 480.0, "USD"),
        ("money", 521.0, "EUR"),
    ]


# --- the second round: the whole module, cached loaders included ----------------------------


def test_a_comma_sum_in_millions_keeps_its_decimal_reading_aside():
    # "18,342 million" may be 18 342 million or, with a decimal comma, 18.342 million:
    # 18.342 x 1 000 000 = 18 342 000
    (q,) = parse("The debt stood at $18,342 million.")
    assert (q.value, q.unit, q.comma_value) == (18_342e6, "USD", pytest.approx(18_342_000))
    (us,) = parse("The debt stood at US 18,342 million.")
    assert (us.value, us.unit, us.comma_value) == (18_342e6, "USD", pytest.approx(18_342_000))
    assert us.text == "US 18,342 million"


def test_a_comma_sum_in_thousands_has_no_decimal_reading():
    # the decimal-comma doubt is kept for sums of millions and more only
    for text in ["A fee of $18,342 thousand.", "A fee of US 18,342 thousand."]:
        (q,) = parse(text)
        assert (q.value, q.comma_value) == (18_342_000.0, None)


@pytest.mark.parametrize(
    ("text", "sums"),
    [
        # a scale word makes a coded sum a sum, not a quote
        ("Loans: USD 5 million, EUR 6 million.", [(5e6, "USD"), (6e6, "EUR")]),
        # currency signs are no codes
        ("Prices: $480, €521.", [(480.0, "USD"), (521.0, "EUR")]),
        # currency words before the number are no codes either
        ("Fares: tenge 480, yuan 521.", [(480.0, "KZT"), (521.0, "CNY")]),
        # a code after the number
        ("It paid 480 usd, 521 eur.", [(480.0, "USD"), (521.0, "EUR")]),
    ],
)
def test_two_sums_in_a_row_that_are_no_bare_coded_quotes_are_no_ticker(text, sums):
    assert [(q.value, q.unit) for q in parse(text)] == sums


def test_a_ticker_after_a_lone_coded_sum_is_dropped_and_the_sum_kept():
    # the sum and the first quote are apart (words between): the ticker starts again there
    text = "It paid USD 480 to holders. Rates: EUR 521.30 RUB 5.12."
    assert _read(text) == [("money", 480.0, "USD")]


def test_money_wins_over_a_unit_of_the_same_length_on_one_number():
    # "US$5" and "5 km" are four characters each and share the 5: the sum is what is said
    assert _read("It set a toll of US$5 km.") == [("money", 5.0, "USD")]


def test_an_aside_of_forty_characters_is_still_an_aside():
    note = ", at the rate on the day the loan closed"
    assert len(note) == 40
    text = f"3.5 billion yuan (about $490 million{note}) was lent."
    (q,) = parse(text)
    assert (q.value, q.unit, q.usd) == (3.5e9, "CNY", 490e6)
    assert q.end == text.index(")") + 1
    # one character more (a full stop) and the bracket is too far to be the figure's aside
    longer = f"3.5 billion yuan (about $490 million{note}.) was lent."
    assert _read(longer) == [("money", 3.5e9, "CNY"), ("money", 490e6, "USD")]


def test_an_aside_closes_at_the_bracket_after_it_not_an_earlier_one():
    text = "Route (b): 800 km (497 miles) long."
    (q,) = parse(text)
    assert (q.value, q.text) == (800.0, "800 km (497 miles)")


# --- the vocabulary is data: a copy of geodata's files, with one currency more -------------------


@pytest.fixture
def units_plus_lari(tmp_path):
    """The parser's vocabulary read afresh from copies of ``geodata``'s files, where the
    currencies file gains the Georgian lari (ISO 4217 GEL) before or after a number."""
    from etl.extract.figures.quantities import CURRENCIES_CSV, UNITS_YAML, load_units

    units_path = tmp_path / "units.yaml"
    units_path.write_text(UNITS_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    currencies_path = tmp_path / "currencies.csv"
    currencies_path.write_text(
        CURRENCIES_CSV.read_text(encoding="utf-8").rstrip("\n") + "\nLari ,gel,both,\n",
        encoding="utf-8",
    )
    return load_units(units_path, currencies_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The loan was 5 million lari.", [("money", 5e6, "GEL")]),
        ("The loan was LARI 5 million.", [("money", 5e6, "GEL")]),
        ("It cost US$2.3b.", [("money", 2.3e9, "USD")]),  # a scale letter glued on
        ("It cost tenge 150 billion.", [("money", 150e9, "KZT")]),
        ("It cost 2 crore rupees.", []),  # no rupee in the files
        ("It cost US 95 billion.", [("money", 95e9, "USD")]),  # country letters alone
        ("Twenty million euros were lent.", [("money", 20e6, "EUR")]),
        ("A 1.5 GW plant.", [("power", 1500.0, "MW")]),
        ("The site lists 5 mw of panels.", []),  # "MW" counts in capitals only
        ("A 10 miles road.", [("length", pytest.approx(16.09344), "km")]),
        ("It moves 2 billion cubic metres.", [("gas", 2.0, "bcm")]),
    ],
)
def test_a_word_added_to_the_data_files_is_known_with_all_the_others(
    units_plus_lari, text, expected
):
    assert [(q.kind, q.value, q.unit) for q in parse(text, units_plus_lari)] == expected


def test_rates_come_from_the_data_files_too(units_plus_lari):
    (gas,) = parse("It carries 55 bcm per annum.", units_plus_lari)
    assert gas.rate == "year"
    (oil,) = parse("Oil sold at $80 per barrel.", units_plus_lari)
    assert oil.rate == "other"


# --- more of the same round: the dollar by its country letters, asides, tickers --------------


def test_the_dollar_by_its_country_letters_reads_like_any_dollar_sum():
    (q,) = parse("It raised US 450m from banks.")
    assert (q.value, q.unit, q.text) == (450e6, "USD", "US 450m")
    (big,) = parse("It raised US 95 billion.")  # no comma: no second reading
    assert (big.value, big.text, big.comma_value) == (95e9, "US 95 billion", None)


def test_a_comma_length_in_miles_keeps_its_decimal_reading_in_kilometres():
    # 123.1 miles x 1.609344 km = 198.1102464 km
    (q,) = parse("a 123,100 miles line")
    assert q.comma_value == pytest.approx(198.1102464)


def test_a_figure_after_a_comma_number_is_still_read():
    # "1,500" starts two runs of digits; the second lies inside the first figure
    assert _read("A 1,500 km road and a 600 MW plant.") == [
        ("length", 1500.0, "km"),
        ("power", 600.0, "MW"),
    ]


def test_an_aside_after_another_figure_is_merged_and_the_next_figure_kept():
    text = "A 600 MW plant, a 800 km (497 miles) road and 5 km of track."
    assert _read(text) == [("power", 600.0, "MW"), ("length", 800.0, "km"), ("length", 5.0, "km")]
    assert parse(text)[1].text == "800 km (497 miles)"


def test_an_aside_ends_at_its_own_bracket_not_a_later_one():
    (q, _) = parse("A 800 km (497 miles) road opens (see the map) with 5 km of track.")
    assert q.text == "800 km (497 miles)"


def test_an_unclosed_bracket_leaves_two_figures():
    assert _read("The road is 800 km (497 miles long.") == [
        ("length", 800.0, "km"),
        ("length", pytest.approx(497 * 1.609344), "km"),
    ]


def test_other_figures_between_coded_sums_break_a_ticker():
    assert _read("It paid USD 480 for 5 km, EUR 521 for 6 km.") == [
        ("money", 480.0, "USD"),
        ("length", 5.0, "km"),
        ("money", 521.0, "EUR"),
        ("length", 6.0, "km"),
    ]


def test_a_ticker_with_percent_changes_is_no_figure():
    # the quotes' changes ("+0.5%") sit between the quotes: still a ticker, changes and all
    assert _read("Rates today: USD 480.10 +0.5% EUR 521.30 -1.2% RUB 5.12 +0.1%") == []
    # the same ticker, with a sum after it: the sum is kept, the ticker's changes are not
    assert _read("USD 480.10 +0.5% EUR 521.30 -1.2%. The loan was USD 300 million.") == [
        ("money", 300e6, "USD")
    ]
    # percentages before a ticker are the story's, not the ticker's
    assert _read("Inflation was 8.1%, 7.9% a year ago. Rates: USD 480.10 EUR 521.30.") == [
        ("percent", 8.1, "%"),
        ("percent", 7.9, "%"),
    ]
    # a change after a lone coded sum is a figure of its own
    assert _read("It paid USD 480, up 5% on the year.") == [
        ("money", 480.0, "USD"),
        ("percent", 5.0, "%"),
    ]


def test_only_a_signed_number_between_quotes_joins_a_ticker():
    # a sign is "+", "-" or "−"; a letter before the number ("A5") is not one, so the two
    # coded sums either side of it are figures, not a ticker's quotes
    assert _read("Bids: USD 480 A5 EUR 521.") == [("money", 480.0, "USD"), ("money", 521.0, "EUR")]
