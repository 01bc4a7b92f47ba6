"""The quantity parser, the one conflict rule, and properties that hold for any text.

Expected values come from the sentences themselves (and the unit definitions: a mile is
1.609344 km); none is copied from the parser's output.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.extract.figures import Fact, Mentioned, extract_facts, mark_conflicts
from etl.extract.figures.conflicts import TOLERANCE, differs
from etl.extract.figures.quantities import parse
from etl.schema import Source
from etl.text import normalise, sentence_spans

RATES = {"KZT": {2023: 456.165, 2024: 468.9625}, "EUR": {2023: 0.9248, 2024: 0.9239}}


def money(text):
    return [(q.value, q.unit) for q in parse(text) if q.kind == "money"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("It cost 410 million USD.", 410e6, "USD"),
        ("It cost 95 million U.S. dollars.", 95e6, "USD"),
        ("It cost US$2.3bn.", 2.3e9, "USD"),
        ("It cost 2.3 bln dollars.", 2.3e9, "USD"),
        ("It reached $5.9 trillion.", 5.9e12, "USD"),
        ("It cost tenge 150 billion.", 150e9, "KZT"),
        ("It cost 150 bn tenge.", 150e9, "KZT"),
        ("It cost KZT 150bn.", 150e9, "KZT"),
        ("It cost $450m.", 450e6, "USD"),
        ("It cost €300 million.", 300e6, "EUR"),
        ("It cost 3.5 billion yuan.", 3.5e9, "CNY"),
        ("It cost 15 billion soums.", 15e9, "UZS"),
        # the dollar by its country letters alone, as some outlets print it
        ("Trade came to US 95 billion.", 95e9, "USD"),
        ("It cost US 2.3bn.", 2.3e9, "USD"),
    ],
)
def test_currency_words_and_scales(text, value, unit):
    assert money(text) == [(pytest.approx(value), unit)]


@pytest.mark.parametrize(
    "text",
    ["They told us 5 billion people watch.", "Route US 95 runs north.", "the US 12 km away"],
)
def test_us_without_a_scale_word_or_in_lower_case_is_no_money(text):
    assert money(text) == []


def test_a_ticker_is_no_figure():
    assert money("Rates today: USD 480.10 EUR 521.30 RUB 5.12") == []


def test_a_ticker_of_pairs_with_changes_gives_no_fact():
    assert facts("• KZT/USD = 0.00207 0% • TJS/USD = 0.09411 0.11% • RUB/USD = 0.0109 -0.2%") == []


def test_a_single_coded_sum_is_a_figure():
    assert money("The bank lent USD 45 million.") == [(pytest.approx(45e6), "USD")]


def test_a_length_with_its_conversion_is_one_length():
    (q,) = parse("The road is 800 km (497 miles) long.")
    assert (q.kind, q.value, q.text) == ("length", 800, "800 km (497 miles)")


def test_miles_are_converted():
    (q,) = parse("The road is 100 miles long.")
    assert q.value == pytest.approx(160.9344)


def test_the_texts_own_dollars_for_a_foreign_sum():
    (q,) = parse("It cost 674.15 billion yuan (about $94 billion).")
    assert (q.unit, q.usd) == ("CNY", pytest.approx(94e9))


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("Trucks cover 1,200 kilometres a day.", "other"),
        ("Gold sold at $1,950 per ounce.", "other"),
        ("Oil sold at $80 a barrel.", "other"),
        ("It carries 55 bcm a year.", "year"),
        ("It will save $40 million a year.", "year"),
    ],
)
def test_rates_after_a_quantity(text, rate):
    (q,) = parse(text)
    assert q.rate == rate


def test_a_three_digit_comma_group_before_billion_has_a_decimal_reading():
    (q,) = parse("Trade reached $18,342 billion.")
    assert q.value == pytest.approx(18342e9) and q.comma_value == pytest.approx(18.342e9)
    (q,) = parse("It cost $1,950 per ounce.")
    assert q.comma_value is None


def facts(text, date="2024-05-01", things=()):
    text = normalise(text)
    return extract_facts(text, sentence_spans(text), "d.txt", date, list(things), RATES)


def test_a_world_sized_figure_is_read_with_a_decimal_comma():
    # $150,000 billion is more than the world's GDP (about $105 trillion)
    (f,) = facts("Investment in the corridor reached $150,000 billion in 2023.")
    assert f.value == pytest.approx(150e9)


def test_a_plausible_comma_figure_is_left_alone():
    # the only money figure, and far below the world's GDP: thousands separators
    (f,) = facts("Investment in the corridor reached $1,250 billion in 2023.")
    assert f.value == pytest.approx(1.25e12)


@pytest.mark.parametrize(
    ("text", "year", "usd"),
    [
        ("The road cost 150 billion tenge in 2023.", 2023, 150e9 / 456.165),
        ("The road cost 150 billion tenge in 2024.", 2024, 150e9 / 468.9625),
        # no year in the sentence: the document's year (2024), not the table's latest
        ("The road cost 150 billion tenge.", None, 150e9 / 468.9625),
    ],
)
def test_conversion_at_the_figures_year_else_the_documents(text, year, usd):
    (f,) = facts(text)
    assert (f.year, f.value) == (year, pytest.approx(usd))


def test_a_document_of_2023_converts_at_2023s_rate():
    (f,) = facts("The bridge cost €300 million.", date="2023-06-01")
    assert f.value == pytest.approx(300e6 / 0.9248)


@pytest.mark.parametrize(
    "text",
    [
        "The hub lies 40 km north of Almaty.",
        "The depot is some 90 km from the border.",
        "The route is shorter by 600 km.",
        "It runs through a corridor 15-to-60-km wide.",
        "Trucks cover 1,200 kilometres a day.",
        "See https://example.kz/2024/road-500-km-long for more.",
        "The road climbs above 4,000 metres in the Pamirs.",
        "The town lies about 35 kilometres to the west.",
    ],
)
def test_distances_speeds_and_links_are_no_lengths(text):
    assert [f for f in facts(text) if f.metric == "length"] == []


@pytest.mark.parametrize(
    ("text", "km"),
    [
        ("The line will run about 520 kilometres from Kashgar over the pass.", 520),
        ("The road runs 380 km from Osh to Sary-Tash.", 380),
        ("Crews bored a 3,815-metre tunnel.", 3.815),
    ],
)
def test_lengths_said_with_from_or_in_metres(text, km):
    (f,) = facts(text)
    assert (f.metric, f.value) == ("length", pytest.approx(km))


def test_a_unit_price_is_no_cost():
    assert facts("The contract priced gold at $1,950 per ounce.") == []


def _fact(value, doc, *, metric="trade_volume", subject="KAZ", year=2024):
    src = Source(doc, None, "quote", 0, 5)
    return Fact(metric, subject, year, value, "USD", f"${value}", src, 0, 5)


def test_values_of_one_document_never_conflict():
    same_doc = mark_conflicts([_fact(40e9, "a.txt"), _fact(44e9, "a.txt")])
    assert [f.conflict for f in same_doc] == ["", ""]
    other_doc = mark_conflicts([_fact(40e9, "a.txt"), _fact(44e9, "b.txt")])
    assert all(f.conflict for f in other_doc)
    assert "b.txt" in other_doc[0].conflict and "a.txt" in other_doc[1].conflict


def test_one_tolerance_decides():
    lo = 100e9
    just_inside = lo * (1 + TOLERANCE * 0.9)
    just_outside = lo * (1 + TOLERANCE * 1.1)
    assert not differs(lo, just_inside) and differs(lo, just_outside)
    inside = mark_conflicts([_fact(lo, "a.txt"), _fact(just_inside, "b.txt")])
    outside = mark_conflicts([_fact(lo, "a.txt"), _fact(just_outside, "b.txt")])
    assert not any(f.conflict for f in inside) and all(f.conflict for f in outside)


def test_different_metric_subject_or_year_never_conflict():
    rows = [
        _fact(40e9, "a.txt"),
        _fact(50e9, "b.txt", metric="investment"),
        _fact(60e9, "c.txt", subject="UZB"),
        _fact(70e9, "d.txt", year=2023),
    ]
    assert not any(f.conflict for f in mark_conflicts(rows))


def test_the_dashboard_and_the_features_use_the_same_rule():
    import dashboard.trade as trade
    import etl.merge as merge

    assert trade.differs is differs
    assert merge.figures.differs is differs
    assert not hasattr(trade, "REL_TOLERANCE")


def test_the_dashboard_does_not_recompare_two_news_figures():
    import pandas as pd

    from dashboard import trade

    rows = [
        {
            trade.YEAR: 2024,
            trade.PARTNER: "KAZ",
            trade.VALUE: v,
            trade.ORIGIN: trade.CORPUS,
            trade.SOURCE: d,
            trade.DOC: d,
            trade.DATE: None,
            trade.QUOTE: "q",
            trade.NOTE: None,
        }
        for v, d in ((40e9, "a.txt"), (44e9, "a.txt"))
    ]
    table = trade.mark_conflicts(trade._frame(rows))
    # one document's two values (the build wrote no conflict for them): none here either
    assert not table[trade.CONFLICT].any()
    assert isinstance(table, pd.DataFrame)


# ---- properties ----------------------------------------------------------------------

TOKENS = [
    "$",
    "US$",
    "USD",
    "KZT",
    "tenge",
    "yuan",
    "€",
    "(",
    ")",
    ",",
    ".",
    "-",
    "/",
    "%",
    "bn",
    "bln",
    "billion",
    "million",
    "trillion",
    "m",
    "k",
    "km",
    "miles",
    "MW",
    "GW",
    "bcm",
    "tonnes",
    "TEU",
    "percent",
    "a year",
    "per ounce",
    "a day",
    "1,234",
    "18,342",
    "2.3",
    "150",
    "2024",
    "0",
    "0.5",
    "north of",
    "from",
    "up from",
    "to",
    "each",
    "section",
    "https://x.kz/1-km",
    "trade",
    "cost",
    "Kazakhstan",
    "Line D",
    "\u00a0",
    "\u2013",
]
figure_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)), max_size=50).map(
        lambda parts: "".join(p + (" " if i % 3 else "") for i, p in enumerate(parts))
    ),
)


@settings(max_examples=300, deadline=None)
@given(text=figure_text)
def test_the_parser_never_raises_and_every_span_slices_the_text(text):
    for q in parse(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text


@settings(max_examples=200, deadline=None)
@given(body=figure_text, date=st.sampled_from([None, "2024-03-10", "2023"]))
def test_facts_never_raise_and_their_offsets_slice_the_cleaned_text(body, date):
    text = normalise(body)
    things = [Mentioned("KAZ", i, i + 10) for i in range(0, len(text), 37)]
    for f in extract_facts(text, sentence_spans(text), "d.txt", date, things, RATES):
        assert text[f.start : f.end] == f.original
        assert text[f.source.start : f.source.end] == f.source.quote
        assert f.source.start <= f.start < f.end <= f.source.end


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Goods worth $61 billion were exported to the region.", "export_volume"),
        ("Kazakh exports to China were valued at $16 billion.", "export_volume"),
        ("The new plant is worth $90 million.", "cost"),
        ("Trade between the two is worth $41 billion.", "trade_volume"),
        # the worth of goods delivered is no cost, and taxes paid are no cost either
        ("Oil worth 60 billion U.S. dollars was delivered to China.", "goods_value"),
        ("Crude oil arriving through the pipeline is worth $60 billion.", "goods_value"),
        ("The firm paid $350 million of fees and taxes to the state.", "taxes_paid"),
        ("The gas pipeline, built for $2 billion, delivered its first gas.", "cost"),
    ],
)
def test_worth_says_a_value_and_other_words_say_what(text, metric):
    (f,) = facts(text)
    assert f.metric == metric
