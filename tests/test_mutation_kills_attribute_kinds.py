"""What kind of sum a money figure is: the cue-word rules of ``attribute._money_metric``.

The cases the mutation run of ``attribute.py`` found unguarded (see the README's
*Development* section). The sentences are our own; each expected kind follows from the
rule the test names, as ``geodata/lexicon/figures.yaml`` states it: the noun right after a
sum names it; else a strong cue near it wins; else the nearest of the other specific cues
and the trade and investment words of its clause (cost words only when there are none); a
cue after the figure counts three times as far as one before it.
"""

from __future__ import annotations

import pytest

from etl.extract.figures.attribute import Mentioned, extract_facts, load_rates
from etl.text import sentence_spans


def _kinds(text):
    """(metric, value) of each money figure of ``text``; "Kazakhstan" marked as KAZ."""
    things = []
    at = text.find("Kazakhstan")
    while at != -1:
        things.append(Mentioned("KAZ", at, at + len("Kazakhstan")))
        at = text.find("Kazakhstan", at + 1)
    found = extract_facts(text, sentence_spans(text), "d", "2025-03-01", things, load_rates())
    return [(f.metric, f.value) for f in found if f.unit == "USD"]


def _kind(text):
    (kind,) = _kinds(text)
    return kind[0]


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        # the noun after the sum, whatever the words before say
        ("Trade officials approved the $700 million pipeline.", "cost"),
        # a strong cue beats a nearer trade word
        ("The goal set in Astana is that trade hits $20 billion.", "target"),
        ("Trade is expected to reach $20 billion by 2030.", "target"),
        # a weak cue competes by distance with a trade word: the nearer one wins
        ("Loans helped trade reach $5 billion in 2024.", "trade_volume"),
        # a cue before the sum at 5 characters beats one after it at 6 (counted as 18)
        ("Revenue was $3 billion from trade.", "revenue"),
        # ... and one after it at 4 (12) beats one before it at 28
        (
            "Sales of the new plant's output abroad came to $300 million of exports.",
            "export_volume",
        ),
        # a cue at the very start of the sentence counts
        ("Aid of $20 million arrived in 2024.", "aid"),
        # a cue word far back in another clause does not hide the same kind's word nearby
        (
            "Loans were discussed at length in Astana on Monday by the two delegations; "
            "the bank lent $500 million.",
            "loan",
        ),
        # a cue far into a long sentence is measured from the figure, not from the start
        (
            "After months of talks in Bishkek and Tashkent on Monday, the state bank lent "
            "$500 million to build the road.",
            "loan",
        ),
        # deals signed at a forum are agreements, neither trade nor investment
        ("At the forum, 50 agreements worth $3 billion were signed.", "agreements"),
        ("Of that amount, $331 million was financed by the state bank.", "contribution"),
        ("China contributed $44 billion to the new fund.", "contribution"),
    ],
)
def test_the_cue_words_that_decide_a_sums_kind(text, metric):
    assert _kind(text) == metric


def test_a_states_part_of_the_trade_is_trade_not_a_contribution():
    # "contributing" in a sentence about trade: Kazakhstan's part of the trade
    text = "Trade with China reached $95 billion in 2024, with Kazakhstan alone contributing $44 billion."
    assert _kinds(text) == [("trade_volume", 95e9), ("trade_volume", 44e9)]


def test_chinas_share_of_a_states_foreign_trade_is_trade_with_china():
    # "foreign trade" is the world's, unless the sentence says it is China's part
    text = "China accounted for 40% of Kazakhstan's foreign trade, $45 billion."
    assert _kinds(text) == [("trade_volume", 45e9)]


@pytest.mark.parametrize(
    "text",
    [
        # the surplus is in the clause before
        "Kazakhstan ran a surplus, but trade reached $44 billion in 2024.",
        # ... and its "trade" does not hide the trade word of the figure's own clause
        "A trade surplus was recorded in 2023, long before the new rules; in 2024 trade "
        "reached $44 billion.",
        # investment in the clause before, trade in the figure's own
        "Kazakhstan's investment grew, but trade reached $44 billion in 2024.",
        # no cue in the figure's own clause: the one of the clause before
        "Trade grew fast in 2024; it reached $44 billion.",
    ],
)
def test_the_words_of_the_figures_own_clause_decide(text):
    assert _kind(text) == "trade_volume"


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        # investment words outrank cost words, even farther from the sum
        ("China plans to invest in the road, budgeted at $2 billion.", "investment"),
        ("Investment of $2 billion will cover the cost.", "investment"),
        # with no trade or investment word, a cost word near the sum beats an aid word far off
        ("Under the aid programme, the new school will cost $50 million.", "cost"),
    ],
)
def test_investment_outranks_cost_and_cost_competes_with_the_specific_kinds(text, metric):
    assert _kind(text) == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Trade with Kazakhstan saw an increase of $5 billion in 2024.", "turnover_change"),
        ("Trade with Kazakhstan was $5 billion more than in 2023.", "turnover_change"),
        ("Trade increased with Kazakhstan ($2.8 billion) in 2024.", "turnover_change"),
        # "rose to" leads to a level, not a change
        ("Trade with Kazakhstan rose to $45 billion in 2024.", "trade_volume"),
        # a change in a cost is still a cost: there is no "cost change"
        ("The road saw an increase of $5 million in its cost.", "cost"),
    ],
)
def test_a_change_in_trade_is_a_turnover_change_and_a_level_is_not(text, metric):
    assert _kind(text) == metric


def test_a_baseline_after_a_change_verb_is_a_level():
    # "rose by ... from $41 billion": the figure the change is measured from is a level
    text = "Trade with Kazakhstan rose by $4 billion in 2024, up from $41 billion in 2023."
    assert _kinds(text) == [("turnover_change", 4e9), ("trade_volume", 41e9)]


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        (
            "Trade with Kazakhstan reached $20 billion in the first five months of 2025.",
            "trade_volume_partial",
        ),
        # the part of a year is said in the next clause, of another figure
        (
            "Trade reached $44 billion in 2024, while in the first five months of 2025 it "
            "grew 10 percent.",
            "trade_volume",
        ),
        # only trade has a partial kind: a cost over five months is a cost
        ("The road cost $20 million in the first five months of 2025.", "cost"),
    ],
)
def test_trade_over_part_of_a_year_is_partial(text, metric):
    assert _kinds(text)[0][0] == metric


def test_a_baseline_after_a_change_without_a_level_word_is_still_a_level():
    # "grew by $4 billion ..., against $41 billion in 2023": $41 billion is 2023's level
    text = "Trade with Kazakhstan grew by $4 billion in 2024, against $41 billion in 2023."
    assert _kinds(text) == [("turnover_change", 4e9), ("trade_volume", 41e9)]


def test_a_change_verb_after_the_figure_does_not_make_it_a_change():
    assert _kind("Trade with Kazakhstan reached $45 billion and then grew further.") == (
        "trade_volume"
    )


def test_a_sum_opening_a_sentence_is_read_with_its_own_clause():
    # the cost word of its own clause, not the trade word of the next one
    assert _kind("$20 million came from the state budget; trade was strong.") == "cost"


def _all(text, date="2025-03-01"):
    return extract_facts(text, sentence_spans(text), "d", date, [], load_rates())


@pytest.mark.parametrize(
    ("text", "metric", "value", "unit", "original", "year"),
    [
        (
            "The line carries 25 billion cubic metres a year.",
            "capacity",
            25,
            "bcm/y",
            "25 billion cubic metres a year",
            None,
        ),
        (
            "The terminal has a capacity of 10 million tonnes.",
            "capacity",
            10,
            "Mt/y",
            "10 million tonnes",
            None,
        ),
        ("The port handled 372,000 TEU in 2024.", "volume", 372000, "TEU", "372,000 TEU", 2024),
        (
            "The line has delivered 400 billion cubic metres so far.",
            "cumulative_volume",
            400,
            "bcm",
            "400 billion cubic metres",
            None,
        ),
    ],
)
def test_a_volume_is_a_capacity_a_total_so_far_or_a_years_volume(
    text, metric, value, unit, original, year
):
    (f,) = _all(text)
    assert (f.metric, f.value, f.unit, f.original, f.year) == (metric, value, unit, original, year)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # an article of 2025: last year is 2024, and the year before that 2023
        ("Exports hit $45 billion last year, after $41 billion the previous year.", [2024, 2023]),
        ("Exports hit $41 billion the previous year.", [2024]),
        # the nearest of two years said in words
        ("Trade fell last year but will reach $50 billion next year.", [2026]),
    ],
)
def test_years_said_in_words_count_from_the_documents_date(text, years):
    assert [f.year for f in _all(text, "2025-03-01")] == years


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        # "higher" right after the figure is nearer than "fell" before it
        ("Costs fell in 2023 but trade was 5 percent higher in 2024.", "growth_pct", 5),
        # no word of change: a share
        ("Kazakhstan has 40 percent of the trade.", "share_pct", 40),
    ],
)
def test_a_percentage_is_growth_with_the_sign_of_the_nearest_verb_or_a_share(text, metric, value):
    (f,) = _all(text)
    assert (f.metric, f.value) == (metric, value)


def test_words_added_to_the_lexicon_file_are_read_without_code_changes(tmp_path):
    # the promise of geodata/lexicon/figures.yaml: a new cue word is data, matched in any case
    from etl.extract.figures.attribute import LEXICON_YAML, load_vocabulary

    lexicon = LEXICON_YAML.read_text(encoding="utf-8")
    edited = lexicon.replace("cue: '\\baid\\b|", "cue: '\\bsubvention\\b|\\baid\\b|", 1)
    assert edited != lexicon
    path = tmp_path / "figures.yaml"
    path.write_text(edited, encoding="utf-8")
    vocab = load_vocabulary(path)
    text = "A Subvention of $20 million arrived. Trade reached $5 billion."
    found = extract_facts(text, sentence_spans(text), "d", None, [], load_rates(), vocabulary=vocab)
    assert [f.metric for f in found] == ["aid", "trade_volume"]


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("In 2024 the plant reached 600 MW.", ("capacity", 600, "MW", 2024)),
        ("Trade grew 12 percent in 2024.", ("growth_pct", 12, "%", 2024)),
    ],
)
def test_a_power_capacity_and_a_percentage_take_their_unit_and_year(text, row):
    (f,) = _all(text)
    assert (f.metric, f.value, f.unit, f.year) == row
