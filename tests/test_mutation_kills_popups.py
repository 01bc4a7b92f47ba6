"""The panel's dossier and figures tables, letter for letter (mutation survivors).

``dashboard/map/popups.py`` builds HTML from registry and news text. ``test_mapview_escaping``
pins the tooltip and the popup; these tests pin the two tables the panel beside the map
shows (the registry's dossier with a link to each source, the news' figures beside the
registry's) and the plain-text helpers under them, so that a dropped escape, a link to a
``javascript:`` address, a lost row or a figure in the wrong unit changes an outcome.
Expected strings are written by hand from what a reader should see.
"""

from __future__ import annotations

import pytest

from dashboard.map import popups
from etl.schema import (
    P_COMPLETION_YEAR,
    P_CONTRACTORS,
    P_COST_USD,
    P_DOSSIER_SOURCES,
    P_FIGURES,
    P_FINANCIERS,
    P_NAME,
    P_OPERATOR,
    P_OWNER,
    P_START_YEAR,
    P_STATUS,
    P_STATUS_DATE,
)

LINK = ' <a href="{}" target="_blank" rel="noopener noreferrer">[{}]</a>'


def test_the_dossier_escapes_every_value_and_links_only_web_sources():
    props = {
        P_OWNER: "KazMunayGas <JSC>",
        P_OPERATOR: None,
        P_FINANCIERS: ["Bank A", "B & C"],
        P_CONTRACTORS: [],
        P_COST_USD: 2.5e9,
        P_START_YEAR: 2019.0,
        P_STATUS: "under_construction",
        P_DOSSIER_SOURCES: {
            P_OWNER: ["https://e.org/a?x=1&y=2", "javascript:alert(1)", "ftp://e.org/f"],
            P_COST_USD: ["http://e.org/c"],
            P_STATUS: None,
        },
    }
    assert popups.dossier_html(props) == (
        '<table class="atlas-dossier">'
        "<tr><th>owner</th><td>KazMunayGas &lt;JSC&gt;"
        + LINK.format("https://e.org/a?x=1&amp;y=2", 1)
        + "</td></tr>"
        "<tr><th>financiers</th><td>Bank A, B &amp; C</td></tr>"
        "<tr><th>cost</th><td>2.50 bn USD" + LINK.format("http://e.org/c", 1) + "</td></tr>"
        "<tr><th>start year</th><td>2019</td></tr>"
        "<tr><th>status</th><td>under construction</td></tr>"
        "</table>"
    )


def test_the_dossier_numbers_each_link_and_ignores_sources_that_are_no_mapping():
    props = {
        P_COMPLETION_YEAR: 2030,
        P_STATUS_DATE: "2024-06",
        P_DOSSIER_SOURCES: {P_COMPLETION_YEAR: ["https://a.org", "https://b.org"]},
    }
    assert popups.dossier_html(props) == (
        '<table class="atlas-dossier">'
        "<tr><th>completion year</th><td>2030"
        + LINK.format("https://a.org", 1)
        + LINK.format("https://b.org", 2)
        + "</td></tr><tr><th>status date</th><td>2024-06</td></tr></table>"
    )
    assert popups.dossier_rows({P_OWNER: "X", P_DOSSIER_SOURCES: ["https://a.org"]}) == [
        ("owner", "X", [])
    ]
    assert popups.dossier_html({P_NAME: "No dossier"}) == ""


def test_the_figures_table_sets_the_news_beside_the_registry():
    props = {
        P_FIGURES: [
            {
                "metric": "cost",
                "value": 6e9,
                "unit": "USD",
                "registry_value": 6.7e9,
                "agrees": False,
                "doc": "a<b>.txt",
            },
            {"metric": "capacity", "value": 1500, "unit": "MW", "agrees": None, "doc": "b.txt"},
            {
                "metric": "length",
                "value": "about 1000",
                "unit": "km",
                "registry_value": 1000,
                "agrees": True,
                "doc": "c.txt",
            },
            "not a mapping",
        ]
    }
    assert popups.figures_html(props) == (
        '<table class="atlas-figures"><tr><th>figure</th><th>the news</th>'
        "<th>the registry</th><th></th><th>document</th></tr>"
        "<tr><td>cost</td><td>6.00 bn USD</td><td>6.70 bn USD</td>"
        '<td><span class="atlas-conflict">✗ differs</span></td>'
        "<td class='atlas-src'>a&lt;b&gt;.txt</td></tr>"
        "<tr><td>capacity</td><td>1,500 MW</td><td>—</td><td></td>"
        "<td class='atlas-src'>b.txt</td></tr>"
        "<tr><td>length</td><td>about 1000 km</td><td>1,000 km</td>"
        '<td><span class="atlas-agree">✓ agrees</span></td>'
        "<td class='atlas-src'>c.txt</td></tr>"
        "</table>"
    )
    assert popups.figures_html({P_FIGURES: ["not a mapping"]}) == ""
    assert popups.figures_html({}) == ""


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (6e9, "USD", "6.00 bn USD"),
        (950.4, "USD", "950 USD"),  # dollars are whole dollars
        (2.5e9, "t", "2.50 bn t"),
        (1e9, "m3", "1.00 bn m3"),  # a billion is read in billions
        (-2e9, "t", "-2.00 bn t"),
        (3.5e6, "t", "3.5 M t"),
        (1e6, "t", "1.0 M t"),  # a million in millions
        (999_999, "t", "999,999 t"),
        (1500, "MW", "1,500 MW"),
        (40, "", "40"),
        (None, "MW", "—"),
        (float("nan"), "MW", "—"),
        ("n/a", "MW", "n/a MW"),
    ],
)
def test_a_figure_reads_as_a_reader_takes_it_in(value, unit, shown):
    assert popups.figure_text(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (float("nan"), ""),  # pandas' missing value never shows as "nan"
        ("", ""),
        ([], ""),
        ((), ""),
        (0, "0"),
        (0.0, "0"),
        (2.0, "2"),
        (2.5, "2.5"),
        (["a", None, float("nan"), "", 2.0], "a, 2"),
        (("x", "y"), "x, y"),
    ],
)
def test_plain_text_of_a_value(value, shown):
    assert popups.text(value) == shown


def test_the_popup_says_a_known_status_once_as_a_reader_writes_it():
    """The status is a popup row and a dossier field: said once, "under construction"."""
    html = popups.popup_html({P_NAME: "Line D", P_STATUS: "under_construction"})
    assert html.count("<th>status</th>") == 1
    assert "<tr><th>status</th><td>under construction</td></tr>" in html


@pytest.mark.parametrize(("value", "shown"), [(["KAZ"], "KAZ"), ("x", "x"), (("y",), "y")])
def test_a_value_of_one_item_or_letter_is_shown(value, shown):
    assert popups.text(value) == shown
