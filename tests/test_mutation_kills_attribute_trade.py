"""Whose trade a figure is: the partner rules of ``attribute._trade_subject``, case by case.

The cases the mutation run of ``attribute.py`` found unguarded (see the README's
*Development* section). Each sentence is our own; each expected subject follows from the
rule it names (ISO3 codes of the five states, ``CHN-CENTRAL_ASIA`` for China with all five).
Most sentences come second in their text, so that a figure's offsets in the document and in
its sentence differ, as they do in any real article.
"""

from __future__ import annotations

import pytest

from etl.extract.figures.attribute import Mentioned, extract_facts, load_rates
from etl.text import sentence_spans

STATES = {
    "Kazakhstan": "KAZ",
    "Kyrgyzstan": "KGZ",
    "Tajikistan": "TJK",
    "Turkmenistan": "TKM",
    "Uzbekistan": "UZB",
}
#: a first sentence without figures: the text's second sentence starts at offset 39
LEAD = "Customs data were published on Monday. "


def _facts(text, date="2025-03-01"):
    """The facts of ``text``, with every name of a Central Asian state marked as a mention."""
    things = []
    for name, iso3 in STATES.items():
        at = text.find(name)
        while at != -1:
            things.append(Mentioned(iso3, at, at + len(name)))
            at = text.find(name, at + 1)
    return extract_facts(text, sentence_spans(text), "d", date, things, load_rates())


def _subjects(text):
    return [(f.metric, f.subject, f.value) for f in _facts(text)]


def test_each_sum_of_a_list_is_the_partners_named_last_before_it():
    # the total is the region's; Kazakhstan's share is Kazakhstan's; the rest, said after
    # Kazakhstan's own sum, is not Kazakhstan's: it falls back to the region of the sentence
    text = LEAD + (
        "Trade between China and Central Asia reached $95 billion in 2024, Kazakhstan "
        "accounting for $44 billion and the other four states $51 billion."
    )
    assert _subjects(text) == [
        ("trade_volume", "CHN-CENTRAL_ASIA", 95e9),
        ("trade_volume", "KAZ", 44e9),
        ("trade_volume", "CHN-CENTRAL_ASIA", 51e9),
    ]


def test_a_percentage_between_a_partner_and_its_sum_does_not_cut_them_apart():
    # only a sum stands between a partner and a later sum: "up 5 percent" does not
    text = LEAD + (
        "Kazakhstan, up 5 percent, accounted for $44 billion of China's trade with "
        "Central Asia in 2024."
    )
    money = [f for f in _facts(text) if f.unit == "USD"]
    assert [(f.metric, f.subject, f.value) for f in money] == [("trade_volume", "KAZ", 44e9)]


def test_a_partner_in_an_earlier_clause_is_not_the_subject():
    # "Kazakhstan led the table" is a clause of its own; the figure is the five states'
    text = LEAD + (
        "Kazakhstan led the table; trade with China reached $95 billion in 2024 for the "
        "five Central Asian states."
    )
    assert _subjects(text) == [("trade_volume", "CHN-CENTRAL_ASIA", 95e9)]


def test_the_region_named_after_a_state_and_before_the_sum_is_the_subject():
    # the speaker is Kazakhstan; the trade is Central Asia's
    text = LEAD + "Kazakhstan said trade with Central Asia reached $95 billion in 2024."
    assert _subjects(text) == [("trade_volume", "CHN-CENTRAL_ASIA", 95e9)]


@pytest.mark.parametrize(
    "where",
    [
        "in Central Asia",
        "among the Central Asian states",
        "across Central Asia",
        "throughout the Central Asian region",
    ],
)
def test_the_region_as_a_place_is_not_the_partner(where):
    # "the largest economy in Central Asia" places Kazakhstan; its trade stays its own
    text = LEAD + (
        f"Kazakhstan, the largest economy {where}, said its trade with China reached "
        "$44 billion in 2024."
    )
    assert _subjects(text) == [("trade_volume", "KAZ", 44e9)]


def test_the_region_as_a_place_is_not_the_partner_even_when_no_state_is_named():
    text = LEAD + "Trade reached $95 billion in 2024 among China's partners in Central Asia."
    assert _subjects(text) == [("trade_volume", None, 95e9)]


def test_investment_said_as_fdi_is_the_one_named_states():
    # "FDI" is no word of trade or investment for the growth rule: the state is the subject
    text = LEAD + "FDI inflows reached $3 billion in 2024 in Kazakhstan."
    assert _subjects(text) == [("investment", "KAZ", 3e9)]


def test_a_percentage_is_a_states_growth_only_in_a_sentence_about_trade():
    costs = LEAD + "Maintenance costs rose 5 percent in Kazakhstan in 2024."
    trade = LEAD + "Trade rose 5 percent in 2024 in Kazakhstan."
    assert _subjects(costs) == [("growth_pct", None, 5)]
    assert _subjects(trade) == [("growth_pct", "KAZ", 5)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Trade with Kazakhstan", "trade with Uzbekistan"),
        ("China-Kazakhstan trade", "China-Uzbekistan trade"),
    ],
)
def test_far_from_its_sum_the_partner_of_trade_with_x_nearest_before_it_is_the_subject(
    first, second
):
    # every state is named more than 90 characters before the sum: no list rule applies;
    # of the two "trade with X", the one nearest before the sum wins, not Tajikistan,
    # named later but only as a neighbour
    text = LEAD + (
        f"{first} was flat, but {second}, whose new border crossings with Tajikistan "
        "opened in spring, together with a large bonded warehouse built in Termez over the "
        "summer and the autumn, rose to $14 billion in 2024."
    )
    assert _subjects(text) == [("trade_volume", "UZB", 14e9)]


def test_a_partner_named_once_is_the_subject_wherever_it_stands():
    # the only state of the sentence, named after the figure
    text = LEAD + "Trade rose to $5 billion in 2024, the customs office of Kyrgyzstan said."
    assert _subjects(text) == [("trade_volume", "KGZ", 5e9)]


def test_without_any_other_clue_the_state_named_nearest_before_the_sum_is_the_subject():
    # both states come before the sum, Kazakhstan last (more than 90 characters before it)
    text = LEAD + (
        "Uzbekistan was second; first came Kazakhstan, whose customs service, in the "
        "annual report it released on Monday after weeks of delay, put trade with China "
        "in 2024 at $44 billion."
    )
    assert _subjects(text) == [("trade_volume", "KAZ", 44e9)]


def test_a_partner_90_characters_before_its_sum_is_in_reach_and_91_is_not():
    # "Kyrgyzstan" ends exactly 90 (then 91) characters before "$5 billion"; past the reach,
    # the region named later in the sentence is the subject
    def text(gap):
        words = "said in a statement released on Monday that its trade with China had"
        pad = " " * (gap - len(words) - len(" reached "))
        sentence = f"Kyrgyzstan {words}{pad}reached $5 billion in 2024, with Central Asia."
        assert sentence.index("$") - len("Kyrgyzstan") == gap
        return LEAD + sentence

    assert _subjects(text(90))[0][1] == "KGZ"
    assert _subjects(text(91))[0][1] == "CHN-CENTRAL_ASIA"


TRADE_NEWS = "Trade between China and its neighbours grew fast in 2024. "


@pytest.mark.parametrize(
    ("line", "metric", "subject"),
    [
        # under a sentence about trade, a sum after the region's name is that trade
        ("The Central Asian states: $95 billion.", "trade_volume", "CHN-CENTRAL_ASIA"),
        # ... but not a sum with the partner named after it
        ("A further $41 billion went to Kazakhstan.", "unclassified", None),
        ("The sum of $95 billion went to the Central Asian states.", "unclassified", None),
        # ... nor one with the partner named more than 90 characters before it
        (
            "Kazakhstan, whose customs office published its annual figures late on Monday "
            "after weeks of delay, counted $41 billion.",
            "unclassified",
            None,
        ),
    ],
)
def test_an_unlabelled_sum_takes_the_kind_of_money_before_it_only_after_a_partner(
    line, metric, subject
):
    (f,) = _facts(TRADE_NEWS + line)
    assert (f.metric, f.subject if f.metric != "unclassified" else None) == (metric, subject)
