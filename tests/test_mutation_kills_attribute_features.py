"""Which feature, or which part of it, a figure is about: ``attribute._subject`` and
``attribute._section``, and whose a country-level figure (a trade surplus, foreign trade) is.

The cases the mutation run of ``attribute.py`` found unguarded (see the README's
*Development* section). The sentences and the feature ids are our own; each expectation
follows from the rule the test names. Every figure stands in a text's second sentence, so
that its offsets in the document and in its sentence differ, as in any real article.
"""

from __future__ import annotations

import pytest

from etl.extract.figures.attribute import Mentioned, extract_facts, load_rates
from etl.text import sentence_spans

LEAD = "Officials met on Monday. "
KASHGAR = ("roads/kashgar-osh", "Kashgar road", None)
OSH = ("railways/osh-andijan", "Osh railway", None)
LINE_A = ("pipelines/line-a", "Line A", "cagp")
LINE_B = ("pipelines/line-b", "Line B", "cagp")
LINE_C = ("pipelines/line-c", "Line C", "cagp")
LINE_D = ("pipelines/line-d", "Line D", "cagp")
BEINEU = ("pipelines/beineu-shymkent", "Beineu–Shymkent pipeline", "bbs")
COUNTRIES = [
    ("KAZ", "Kazakhstan", None),
    ("UZB", "Uzbekistan", None),
    ("TJK", "Tajikistan", None),
    ("KGZ", "Kyrgyzstan", None),
    ("CHN", "China", None),
]


def _facts(sentence, named):
    """The facts of a text whose second sentence is ``sentence``; every name of ``named``
    ((key, name, system) triples) is marked where it occurs."""
    text = LEAD + sentence
    things = []
    for key, name, system in named:
        at = text.find(name)
        while at != -1:
            things.append(Mentioned(key, at, at + len(name), system))
            at = text.find(name, at + 1)
    return extract_facts(text, sentence_spans(text), "d", "2025-03-01", things, load_rates())


def _about(sentence, named):
    """(metric, subject, features, part, each) of each figure."""
    return [(f.metric, f.subject, f.features, f.part, f.each) for f in _facts(sentence, named)]


# ---- which feature ---------------------------------------------------------------------------
def test_a_cost_is_the_projects_named_just_before_it_not_one_named_after():
    # the road ends 11 characters before the sum; the railway starts 21 after it, and a
    # mention after a figure counts 20 characters farther
    sentence = "The Kashgar road will cost $2 billion, like the Osh railway."
    road = ("cost", "roads/kashgar-osh", ("roads/kashgar-osh",), "", False)
    assert _about(sentence, [KASHGAR, OSH]) == [road]


def test_of_two_projects_named_before_a_figure_the_nearer_one_has_it():
    sentence = "The Osh railway is older than the Kashgar road, which will cost $2 billion."
    assert _facts(sentence, [KASHGAR, OSH])[0].subject == "roads/kashgar-osh"


def test_a_project_named_just_after_a_figure_has_it_when_the_one_before_is_far():
    sentence = (
        "Officials of the Osh railway said on Monday that the budget had set aside "
        "$2 billion for the Kashgar road."
    )
    assert _facts(sentence, [KASHGAR, OSH])[0].subject == "roads/kashgar-osh"


def test_a_figure_said_of_several_lines_of_one_system_is_their_total():
    sentence = "Line A and Line B carry 30 billion cubic metres a year."
    (f,) = _facts(sentence, [LINE_A, LINE_B])
    assert (f.metric, f.subject) == ("capacity", "pipelines/line-a+pipelines/line-b")
    assert (f.features, f.part, f.each) == (("pipelines/line-a", "pipelines/line-b"), "", False)
    assert f.value == pytest.approx(30)


def test_a_length_said_of_each_of_several_lines_is_checked_against_each():
    sentence = "Line A, Line B and Line C, each about 1,833 km long, run side by side."
    ids = ("pipelines/line-a", "pipelines/line-b", "pipelines/line-c")
    assert _about(sentence, [LINE_A, LINE_B, LINE_C]) == [("length", "+".join(ids), ids, "", True)]


def test_lines_of_two_systems_are_not_added_up_the_nearer_one_has_the_figure():
    sentence = "Line A and the Beineu–Shymkent pipeline carry 40 billion cubic metres a year."
    (f,) = _facts(sentence, [LINE_A, BEINEU])
    assert (f.metric, f.subject) == ("capacity", "pipelines/beineu-shymkent")
    assert f.features == ("pipelines/beineu-shymkent",)


def test_a_projects_revenue_is_not_a_figure_of_the_project():
    # only costs, lengths, capacities, volumes, loans, aid and contributions fill a project
    sentence = "The Kashgar road earned revenue of $1 billion in 2024."
    assert _about(sentence, [KASHGAR]) == [("revenue", None, (), "", False)]


# ---- which part ----------------------------------------------------------------------------
def test_a_length_of_the_line_is_a_part_and_the_lines_own_is_the_whole():
    sentence = "Line D will lay 410 km of the 1,000 km line in 2026."
    assert _about(sentence, [LINE_D]) == [
        ("length", "pipelines/line-d#part", ("pipelines/line-d",), "part", False),
        ("length", "pipelines/line-d", ("pipelines/line-d",), "", False),
    ]


def test_a_length_in_brackets_after_a_country_is_that_countrys_section():
    sentence = "Line D crosses Tajikistan (391 km) and Kyrgyzstan."
    (f,) = _facts(sentence, [LINE_D, *COUNTRIES])
    assert (f.subject, f.part) == ("pipelines/line-d#tajikistan-section", "Tajikistan section")


def test_a_capacity_in_brackets_after_a_plants_name_is_the_plants():
    sentence = "The dam of Kambarata-1 (1,860 MW) will be finished in 2028."
    kambarata = ("facilities/kambarata-1", "Kambarata-1", None)
    (f,) = _facts(sentence, [kambarata])
    assert (f.metric, f.subject, f.part, f.value) == (
        "capacity",
        "facilities/kambarata-1",
        "",
        1860,
    )


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("Line D has a 390 km Tajik section.", "Tajik section"),
        ("Line D has a 390 km second Tajik section.", "second Tajik section"),
        ("The Tajik section of Line D, 390 km long, opens in 2026.", "Tajik section"),
    ],
)
def test_a_section_named_beside_a_length_is_the_part_it_measures(sentence, part):
    (f,) = _facts(sentence, [LINE_D])
    slug = part.lower().replace(" ", "-")
    assert (f.subject, f.features, f.part) == (
        f"pipelines/line-d#{slug}",
        ("pipelines/line-d",),
        part,
    )


def test_each_of_two_sections_gets_the_length_said_nearest_to_it():
    sentence = "On Line D the first section is 120 km long and the second section 80 km."
    first, second = _facts(sentence, [LINE_D])
    assert (first.value, first.part) == (120, "first section")
    assert (second.value, second.part) == (80, "second section")


def test_a_section_in_the_next_clause_is_not_the_roads_own_length():
    road = ("roads/dushanbe-kulma", "Dushanbe–Kulma road", None)
    sentence = "The Dushanbe–Kulma road is 390 km long, while its Tajik section is 120 km."
    whole, part = _facts(sentence, [road])
    assert (whole.value, whole.subject, whole.part) == (390, "roads/dushanbe-kulma", "")
    assert (part.value, part.subject, part.part) == (
        120,
        "roads/dushanbe-kulma#tajik-section",
        "Tajik section",
    )


# ---- whose foreign trade or surplus -------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "metric", "subject"),
    [
        ("Kazakhstan ran a trade surplus of $12 billion in 2024.", "balance", "KAZ"),
        # the country named after the figure is not its owner
        (
            "Kazakhstan's foreign trade reached $140 billion in 2024, twice Uzbekistan's.",
            "world_turnover",
            "KAZ",
        ),
        # the country named last before it is: China only reports it
        (
            "China's customs said Kazakhstan's foreign trade reached $140 billion in 2024.",
            "world_turnover",
            "KAZ",
        ),
        # a feature is no country
        (
            "Kazakhstan's foreign trade, helped by the Khorgos dry port, reached "
            "$140 billion in 2024.",
            "world_turnover",
            "KAZ",
        ),
        # a country of the clause before is not its owner
        (
            "Uzbekistan grew fastest, but foreign trade across the region reached "
            "$200 billion in 2024.",
            "world_turnover",
            None,
        ),
    ],
)
def test_a_countrys_foreign_trade_or_surplus_is_the_country_named_before_it(
    sentence, metric, subject
):
    khorgos = ("facilities/khorgos", "Khorgos dry port", None)
    (f,) = _facts(sentence, [*COUNTRIES, khorgos])
    assert (f.metric, f.subject, f.features) == (metric, subject, ())


def test_trade_with_china_is_the_central_asian_partners_not_chinas():
    sentence = "Kazakhstan's trade with China reached $44 billion in 2024."
    assert _about(sentence, COUNTRIES) == [("trade_volume", "KAZ", (), "", False)]


# ---- said of each line, or of all together --------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "each"),
    [
        ("Line A, Line B and Line C are each 1,833 km long.", True),
        # "each" in another phrase (between other commas), or in another clause
        ("Line A, Line B and Line C, each with new pumps, run 1,833 km.", False),
        (
            "Line A, Line B and Line C run 1,833 km together, each with new pumps, in the desert.",
            False,
        ),
        ("Line A, Line B and Line C each carry gas; the three run 1,833 km.", False),
        ("Line A, Line B and Line C run 1,833 km; each has new pumps.", False),
    ],
)
def test_a_length_is_each_lines_only_when_each_stands_in_its_own_phrase(sentence, each):
    ids = ("pipelines/line-a", "pipelines/line-b", "pipelines/line-c")
    (f,) = _facts(sentence, [LINE_A, LINE_B, LINE_C])
    assert (f.subject, f.features, f.value, f.each) == ("+".join(ids), ids, 1833, each)
