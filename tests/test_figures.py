"""Figures in sentences we wrote: units, currencies, subjects, years, conflicts."""

from __future__ import annotations

import pytest

from etl.extract.figures import Mentioned, extract_facts, mark_conflicts
from etl.text import sentence_spans

RATES = {"CNY": {2023: 7.0, 2024: 7.2}, "KZT": {2023: 450.0}, "EUR": {2023: 0.9}}


def facts(text, date="2024-03-10", things=()):
    return extract_facts(text, sentence_spans(text), "doc.txt", date, list(things), RATES)


def one(text, **kw):
    (f,) = facts(text, **kw)
    return f


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("The line carries 25 billion cubic metres a year.", 25, "bcm/y"),
        ("It can move 10 million tonnes per year.", 10, "Mt/y"),
        ("The plant has 1.2 GW of capacity.", 1200, "MW"),
        ("The plant is rated at 600 MW.", 600, "MW"),
        ("The road is 380 kilometres long.", 380, "km"),
        ("The port handled 372,000 TEU.", 372000, "TEU"),
        ("Exports reached 55 bcm annually.", 55, "bcm/y"),
    ],
)
def test_quantities_are_normalised(text, value, unit):
    f = one(text)
    assert (f.value, f.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("text", "usd"),
    [
        ("The bridge cost US$1.2 billion in 2023.", 1.2e9),
        ("The bridge cost $450 million in 2023.", 450e6),
        ("The bridge cost 3.5 billion yuan (about $490 million) in 2023.", 490e6),
        ("The bridge cost 3.5 billion yuan in 2023.", 0.5e9),
        ("The depot cost 150 billion tenge in 2023.", 150e9 / 450),
        ("The depot cost €300 million in 2023.", 300e6 / 0.9),
    ],
)
def test_money_is_in_usd_and_keeps_its_words(text, usd):
    f = one(text)
    assert f.unit == "USD" and f.value == pytest.approx(usd)
    assert f.original in text and f.metric == "cost"


def test_unknown_currency_rate_gives_no_invented_value():
    f = one("The depot cost 12 billion rubles in 2023.")
    assert f.value is None and f.original == "12 billion rubles"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Trade with Kazakhstan reached $41 billion last year.", 2023),
        ("Trade with Kazakhstan reached $41 billion this year.", 2024),
        ("In 2021, trade with Kazakhstan reached $41 billion.", 2021),
        ("Trade with Kazakhstan reached $41 billion, up from 2019.", None),
    ],
)
def test_year_from_the_sentence_or_the_documents_date(text, year):
    f = next(
        f
        for f in facts(
            text, things=[Mentioned("KAZ", text.index("Kazakhstan"), text.index("Kazakhstan") + 10)]
        )
        if f.unit == "USD"
    )
    assert f.year == year
    assert (f.metric, f.subject) == ("trade_volume", "KAZ")


def test_trade_with_the_five_states_is_china_central_asia():
    f = one("In 2023, trade between China and the five Central Asian countries hit $89.4 billion.")
    assert (f.subject, f.year, f.value) == ("CHN-CENTRAL_ASIA", 2023, pytest.approx(89.4e9))


def test_growth_and_decline_percentages():
    up, down = facts("Trade rose 18% while investment fell 5 percent.")
    assert (up.metric, up.value) == ("growth_pct", 18)
    assert (down.metric, down.value) == ("growth_pct", -5)


def test_a_project_figure_is_about_the_project_named_beside_it():
    text = "The Osh-Irkeshtam road will cost $300 million, while the Dushanbe plant adds 400 MW."
    things = [Mentioned("roads/osh-irkeshtam", 4, 17), Mentioned("facilities/dushanbe", 57, 71)]
    money, power = facts(text, things=things)
    assert money.subject == "roads/osh-irkeshtam"
    assert power.subject == "facilities/dushanbe"


def test_same_metric_subject_year_with_different_values_is_a_conflict():
    a = one("In 2023, trade between China and the five Central Asian countries hit $89.4 billion.")
    b = one("In 2023, trade between China and the five Central Asian countries hit $95 billion.")
    b = type(b)(**{**b.__dict__, "source": type(b.source)("other.txt", None, b.source.quote, 0, 1)})
    same = one(
        "In 2023, trade between China and the five Central Asian countries hit $89.4 billion."
    )
    marked = mark_conflicts([a, b, same])
    assert "95,000,000,000" in marked[0].conflict and "other.txt" in marked[0].conflict
    assert "89,400,000,000" in marked[1].conflict
    assert marked[2].conflict  # it differs from the other document's figure too


def test_a_conflict_note_names_three_values_and_counts_the_rest():
    from etl.schema import Source

    base = one("In 2023, trade between China and the five Central Asian countries hit $80 billion.")
    rows = [
        type(base)(
            **{
                **base.__dict__,
                "value": 80e9 + i * 5e9,  # steps wider than the tolerance
                "source": Source(f"d{i}.txt", None, base.source.quote, 0, 1),
            }
        )
        for i in range(10)
    ]
    marked = mark_conflicts(rows)
    note = marked[0].conflict
    assert note.count(" in d") == 3 and "d1.txt" in note and "and 6 more rows" in note
    assert all(m.conflict for m in marked)
