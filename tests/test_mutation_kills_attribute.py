"""Currency conversion and the written form of values: the cases the mutation run of
``attribute.py`` found unguarded (see the README's *Development* section).

The expected dollars are worked out by hand from the rates in ``geodata/exchange_rates.csv``
(World Bank annual averages: CNY 2010 6.7703, 2023 7.0840, 2024 7.1975, 2025 7.1898;
KZT 2025 521.0350); the sentences are our own.
"""

from __future__ import annotations

import pytest

from etl.extract.figures.attribute import Mentioned, extract_facts, load_rates, plain, to_usd
from etl.text import sentence_spans


def _facts(text, date):
    return extract_facts(text, sentence_spans(text), "doc.txt", date, [], load_rates())


def test_a_yuan_cost_is_converted_at_the_rate_of_its_own_year():
    # 7.084 billion yuan at 7.0840 yuan to the dollar (2023) is exactly $1 billion
    (f,) = _facts("The bridge cost 7.084 billion yuan in 2023.", "2025-06-01")
    assert (f.metric, f.year, f.unit) == ("cost", 2023, "USD")
    assert f.value == pytest.approx(1e9)


def test_a_figure_without_a_year_is_converted_at_the_documents_year():
    # no year in the sentence: the 2024 rate of a 2024 article, 7.1975
    (f,) = _facts("The bridge cost 7.1975 billion yuan.", "2024-05-01")
    assert (f.metric, f.year) == ("cost", None)
    assert f.value == pytest.approx(1e9)


def test_without_any_year_the_latest_rate_is_used():
    # neither the figure nor the document has a year: the latest rate, 2025's 7.1898
    assert to_usd(7.1898e9, "CNY", None, load_rates()) == pytest.approx(1e9)


def test_a_year_outside_the_table_takes_the_nearest_years_rate():
    rates = load_rates()
    assert to_usd(521.035e9, "KZT", 2030, rates) == pytest.approx(1e9)  # 2025's rate
    assert to_usd(6.7703e9, "CNY", 2001, rates) == pytest.approx(1e9)  # 2010's rate


def test_between_two_equally_near_years_the_later_rate_wins():
    assert to_usd(80.0, "CNY", 2024, {"CNY": {2023: 7.0, 2025: 8.0}}) == pytest.approx(10.0)


def test_dollars_stay_dollars_and_an_unknown_currency_gives_nothing():
    assert to_usd(5.0, "USD", 2001, {}) == 5.0
    assert to_usd(5.0, "XYZ", 2024, load_rates()) is None


def test_the_rates_file_is_read_by_currency_and_year(tmp_path):
    assert load_rates()["CNY"][2023] == pytest.approx(7.084)
    csv = tmp_path / "rates.csv"
    csv.write_text("currency,year,units_per_usd,source\n cny ,2020,6.9,test\n", encoding="utf-8")
    assert load_rates(csv) == {"CNY": {2020: 6.9}}
    assert load_rates(tmp_path / "missing.csv") == {}


def test_values_are_written_with_four_decimals_and_whole_numbers_without_point():
    assert plain(None) is None
    assert plain(1.23456) == 1.2346
    whole = plain(2.00004)
    assert whole == 2 and isinstance(whole, int)


def test_a_comma_sum_a_thousand_times_the_others_is_read_with_a_decimal_comma():
    # $20,000 billion is exactly 1,000 times the other figure ($20 billion): absurd, so it is
    # $20.000 billion; a figure exactly the size of the world's GDP ($105,000 billion) is not
    # more than it, and stays as written
    text = "The road cost $20 billion in 2023. The port cost $20,000 billion in 2023."
    road, port = _facts(text, "2024-01-01")
    assert (road.value, port.value) == (pytest.approx(20e9), pytest.approx(20e9))
    (gdp,) = _facts("The port cost $105,000 billion in 2023.", "2024-01-01")
    assert gdp.value == pytest.approx(105e12)


def test_a_yuan_sum_read_with_a_decimal_comma_is_converted_at_its_years_rate():
    # 7,084 billion yuan next to a $1 million figure is 7.084 billion yuan, at 2023's 7.0840
    # (not at the 2025 rate of the document's year): $1 billion
    text = "The gate cost $1 million in 2023. The bridge cost 7,084 billion yuan in 2023."
    _, bridge = _facts(text, "2025-06-01")
    assert (bridge.metric, bridge.year) == ("cost", 2023)
    assert bridge.value == pytest.approx(1e9)


def test_a_row_of_facts_csv_names_its_columns():
    (f,) = _facts("The bridge cost $1.5 billion in 2023.", "2024-01-01")
    assert f.row() == {
        "metric": "cost",
        "subject": None,
        "year": 2023,
        "value": 1500000000,
        "unit": "USD",
        "original": "$1.5 billion",
        "doc": "doc.txt",
        "quote": "The bridge cost $1.5 billion in 2023.",
        "start": 0,
        "end": 37,
        "conflict": "",
    }


def _trade_list(neutral):
    head = "In 2024, trade between China and Kyrgyzstan reached $22 billion."
    tail = "Kazakhstan: $41 billion."
    text = " ".join([head, *["The weather was mild."] * neutral, tail])
    kgz, kaz = text.index("Kyrgyzstan"), text.index("Kazakhstan")
    things = [Mentioned("KGZ", kgz, kgz + 10), Mentioned("KAZ", kaz, kaz + 10)]
    facts = extract_facts(text, sentence_spans(text), "d", "2025-01-01", things, load_rates())
    return facts[-1]


def test_a_listed_partners_sum_takes_the_kind_and_year_said_once_before():
    # six sentences without money words keep the trade in mind; the year 2024 is carried
    f = _trade_list(6)
    assert (f.metric, f.subject, f.year, f.value) == ("trade_volume", "KAZ", 2024, 41e9)


def test_seven_sentences_later_the_kind_of_money_is_forgotten():
    assert _trade_list(7).metric == "unclassified"


def test_a_plausible_comma_sum_beside_others_is_left_as_written():
    # $1,500 billion is 75 times the $20 billion beside it, not 1,000 times: it stays $1.5 trillion
    text = "The road cost $20 billion in 2023. The port cost $1,500 billion in 2023."
    _, port = _facts(text, "2024-01-01")
    assert port.value == pytest.approx(1.5e12)


def test_a_sentence_without_figures_sets_the_kind_of_money_of_the_list_after_it():
    text = "Trade between China and its neighbours grew fast. Kazakhstan: $41 billion."
    kaz = text.index("Kazakhstan")
    things = [Mentioned("KAZ", kaz, kaz + 10)]
    (f,) = extract_facts(text, sentence_spans(text), "d", "2025-01-01", things, load_rates())
    assert (f.metric, f.subject, f.value) == ("trade_volume", "KAZ", 41e9)


def test_only_trade_figures_without_a_year_take_the_trade_year_said_before():
    # the bridge keeps its own 2022; the Kazakh line takes 2024 from the trade sentence,
    # not the bridge's year
    text = (
        "In 2024, trade between China and Kyrgyzstan reached $22 billion. "
        "The bridge cost $1 billion in 2022. Kazakhstan: $41 billion."
    )
    kaz = text.index("Kazakhstan")
    things = [Mentioned("KAZ", kaz, kaz + 10)]
    _, bridge, line = extract_facts(
        text, sentence_spans(text), "d", "2025-01-01", things, load_rates()
    )
    assert (bridge.metric, bridge.year) == ("cost", 2022)
    assert (line.metric, line.subject, line.year) == ("trade_volume", "KAZ", 2024)


def _trade(text):
    kaz = text.index("Kazakhstan")
    things = [Mentioned("KAZ", kaz, kaz + 10)]
    found = extract_facts(text, sentence_spans(text), "d", "2025-03-01", things, load_rates())
    return [(f.value, f.year) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "Trade with Kazakhstan rose to $45 billion in 2024, up from $41 billion in 2023.",
        "Trade with Kazakhstan rose to $45 billion in 2024, up from $41 billion a year earlier.",
    ],
)
def test_the_figure_a_comparison_measures_against_takes_its_own_year(text):
    # the baseline's year: said after it, or "a year earlier" than the main figure's
    assert _trade(text) == [(45e9, 2024), (41e9, 2023)]


def test_a_baseline_a_year_earlier_than_a_main_without_a_year_has_none():
    text = "Trade with Kazakhstan rose to $45 billion, up from $41 billion a year earlier."
    assert _trade(text) == [(45e9, None), (41e9, None)]


def test_a_baseline_with_no_year_said_gets_none_not_the_year_before():
    text = "Trade with Kazakhstan rose to $45 billion in 2024, up from $41 billion."
    assert _trade(text) == [(45e9, 2024), (41e9, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Trade with Kazakhstan rose from $41 billion in 2023 to $45 billion in 2024.",
        # the same comparison said the other way round
        "Trade with Kazakhstan rose to $45 billion in 2024 from $41 billion in 2023.",
    ],
)
def test_from_y_to_x_compares_in_either_order(text):
    assert sorted(_trade(text)) == [(41e9, 2023), (45e9, 2024)]


@pytest.mark.parametrize(
    "text",
    [
        "Trade with Kazakhstan rose from $41 billion to $45 billion in 2024.",
        "Trade with Kazakhstan rose to $45 billion in 2024 from $41 billion.",
    ],
)
def test_the_figure_after_from_does_not_take_the_main_figures_year(text):
    # no year said for $41 billion, and no "a year earlier": it gets none, not 2024
    assert sorted(_trade(text)) == [(41e9, None), (45e9, 2024)]


def test_a_sum_after_from_without_a_to_figure_is_no_baseline():
    # "drawn from $10 billion of reserves" compares nothing: it is a figure of 2024
    facts = _facts(
        "The bank lent $2 billion in 2024, drawn from $10 billion of reserves.", "2025-01-01"
    )
    assert [(f.value, f.year) for f in facts] == [(2e9, 2024), (10e9, 2024)]


@pytest.mark.parametrize(
    "text",
    [
        "In 2024 the court ruled against $2 million of claims.",
        # a length is no sum to compare a sum with
        "In 2024 the 120 km road won a ruling against $2 million of claims.",
    ],
)
def test_a_comparison_word_before_the_only_sum_makes_no_baseline(text):
    (money,) = [f for f in _facts(text, "2025-01-01") if f.unit == "USD"]
    assert (money.value, money.year) == (2e6, 2024)


def test_a_baseline_does_not_take_the_main_figures_year_said_before_the_comparison_word():
    # "2024 versus " are the 12 characters before $41 billion: 2024 is the main figure's
    text = "Trade with Kazakhstan reached $45 billion in 2024 versus $41 billion."
    assert _trade(text) == [(45e9, 2024), (41e9, None)]


def test_a_comma_yuan_sum_without_a_year_is_converted_at_the_documents_years_rate():
    # 7,084 billion yuan beside a $1 million figure is 7.084 billion yuan; no year said, so
    # the 2023 article's rate, 7.0840: $1 billion (not 2025's 7.1898: $985 million)
    text = "The gate cost $1 million. The bridge cost 7,084 billion yuan."
    _, bridge = _facts(text, "2023-06-01")
    assert (bridge.metric, bridge.year) == ("cost", None)
    assert bridge.value == pytest.approx(1e9)


def test_a_length_is_no_money_figure_to_judge_a_comma_sum_by():
    # $20,000 billion is less than the world's GDP and no other sum stands beside it: it
    # stays as written, however long the road (20 km is no sum)
    _, port = _facts("The road is 20 km long. The port cost $20,000 billion in 2023.", "2024-01-01")
    assert port.value == pytest.approx(20e12)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # the year a comparison measures against is no figure's year
        ("Trade with Kazakhstan reached $45 billion, 10 percent more than in 2023.", [None, None]),
        ("Compared with 2023, trade with Kazakhstan reached $45 billion in 2024.", [2024]),
        # nor is the year something started, or a year of a range
        ("The line has carried 400 billion cubic metres since 2009.", [None]),
        ("Since 2009 the road has been planned; it cost $2 billion in 2024.", [2024]),
        ("The road, built in 2019-2021, cost $2 billion.", [None]),
        ("The road, built in 2019-2021, cost $2 billion in 2022.", [2022]),
        # nor the figure's own number
        ("The port handled 2024 TEU.", [None]),
    ],
)
def test_the_years_a_figure_cannot_take(text, years):
    assert [f.year for f in _facts(text, "2025-06-01")] == years


def test_a_year_earlier_counts_back_from_the_main_sum_not_from_a_percentage():
    # the growth is 2024's, the $45 billion 2025's: "a year earlier" than the sum is 2024
    text = (
        "Trade with Kazakhstan grew 10 percent in 2024 and reached $45 billion in 2025, "
        "up from $41 billion a year earlier."
    )
    found = [f for f in _facts(text, "2026-01-01") if f.unit == "USD"]
    assert [(f.value, f.year) for f in found] == [(45e9, 2025), (41e9, 2024)]


def test_a_figure_takes_the_year_said_nearest_to_it():
    # 2023 is the plan's, said first; the cost is 2024's
    (f,) = _facts("In 2023 the plan was drafted; the road cost $2 billion in 2024.", "2025-06-01")
    assert (f.metric, f.year) == ("cost", 2024)


@pytest.mark.parametrize(
    ("text", "lengths"),
    [
        # 123,100 km is three times round the Earth (40,075 km): a decimal comma, and so is
        # the other comma length of the sentence
        ("The network totals 123,100 km, including 19,100 km of tunnels.", [123.1, 19.1]),
        # 12,300 km is a length a network can have: both as written
        ("The network totals 12,300 km, including 1,900 km of tunnels.", [12300, 1900]),
    ],
)
def test_a_length_longer_than_the_equator_has_a_decimal_comma(text, lengths):
    facts = _facts(text, "2025-06-01")
    assert [(f.metric, f.unit) for f in facts] == [("length", "km")] * 2
    assert [f.value for f in facts] == [pytest.approx(v) for v in lengths]


def test_a_sum_without_a_comma_reading_keeps_its_value_however_large():
    # $2 billion is 2,000 times the $1 million beside it, but has no other reading
    facts = _facts("The gate cost $1 million. The port cost $2 billion.", "2025-06-01")
    assert [f.value for f in facts] == [1e6, 2e9]
