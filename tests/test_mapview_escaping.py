"""What the map's tooltips and popups say, letter for letter, about hostile and plain features.

``dashboard.mapview`` turns text from news articles into HTML. ``test_dashboard_mapview.py``
checks that hostile text does not run; these tests pin down the exact HTML of a tooltip, a
popup and a trade tooltip, so that a dropped escape, a lost row, a wrong unit or a
truncation off by one changes a test's outcome. Expected strings are written by hand from
what a reader should see (``html.escape`` with ``quote=True`` turns ``"`` into ``&quot;``
and ``'`` into ``&#x27;``).
"""

from __future__ import annotations

import pytest

from dashboard import mapview, trade
from dashboard.map import popups
from etl.schema import (
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_CONFIDENCE,
    P_COST_USD,
    P_COUNTRIES,
    P_END_DATE,
    P_FIRST_SEEN,
    P_ID,
    P_LAYER,
    P_LENGTH_KM,
    P_MENTIONS,
    P_NAME,
    P_PRECISION,
    P_REFERENCES,
    P_SOURCES,
    P_START_DATE,
    P_STATED_LENGTH_KM,
    P_STATUS,
    P_TYPE,
)

HOSTILE = "<script>alert(\"x\")</script> & 'y'"
HOSTILE_HTML = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;"


def test_escape_of_none_numbers_and_quotes():
    assert popups.e(None) == ""
    assert popups.e(0) == "0"
    assert popups.e(HOSTILE) == HOSTILE_HTML


def test_tooltip_of_a_hostile_feature():
    props = {P_NAME: HOSTILE, P_TYPE: "gas_pipeline", P_STATUS: None, P_ID: "x/<b>"}
    assert mapview.tooltip_html(props) == (
        f"<b>{HOSTILE_HTML}</b><br>gas pipeline · status unknown"
    )  # the id is no longer shown: a click selects by the feature's own id property


def test_tooltip_with_a_status_and_no_name():
    props = {P_TYPE: None, P_STATUS: "under_review", P_ID: "places/a"}
    assert mapview.tooltip_html(props) == ("<b></b><br>unknown · under review")


def _popup_rows(html: str) -> list[tuple[str, str]]:
    body = html.split("<table>", 1)[1].split("</table>", 1)[0]
    rows = []
    for row in body.split("</tr>")[:-1]:
        th, td = row.removeprefix("<tr><th>").split("</th><td>")
        rows.append((th, td.removesuffix("</td>")))
    return rows


def test_popup_rows_of_a_full_feature():
    props = {
        P_NAME: "Line <D>",
        P_TYPE: "gas_pipeline",
        P_LAYER: "pipelines",
        P_STATUS: None,
        P_COUNTRIES: ["TKM", "UZB"],
        P_CAPACITY: 30.0,
        P_CAPACITY_UNIT: "bcm/y",
        P_LENGTH_KM: 1234.4,
        P_STATED_LENGTH_KM: 1000,
        P_COST_USD: 6.7e9,
        P_START_DATE: "2024-01-02",
        P_END_DATE: "2024-01-05",
        P_PRECISION: "waypoints",
        P_CONFIDENCE: 0.9,
        P_MENTIONS: 3,
        P_FIRST_SEEN: "2023-05-06",
    }
    html = mapview.popup_html(props)
    assert html.startswith('<div class="atlas-name">Line &lt;D&gt;</div><table>')
    assert _popup_rows(html) == [
        ("type", "gas pipeline"),
        ("layer", "pipelines"),
        ("status", "unknown"),
        ("countries", "TKM, UZB"),
        ("capacity", "30 bcm/y"),
        ("length", "1,234 km drawn, 1,000 km stated"),
        ("cost", "6.70 bn USD"),
        ("dates", "2024-01-02 to 2024-01-05"),
        ("location", "waypoints"),
        ("confidence", "0.9"),
        ("mentions", "3"),
        ("first seen", "2023-05-06"),
    ]
    assert html.endswith("</table>")  # no sources, no references: nothing after the table


@pytest.mark.parametrize(
    ("props", "rows"),
    [
        # what is unknown is left out, but a type and a status are always said
        ({}, [("type", "unknown"), ("status", "unknown")]),
        ({P_COUNTRIES: [], P_COST_USD: 0}, [("type", "unknown"), ("status", "unknown")]),
        ({P_CAPACITY: 1500, P_CAPACITY_UNIT: None}, [("capacity", "1500")]),
        ({P_CAPACITY: 0.5, P_CAPACITY_UNIT: "MW"}, [("capacity", "0.5 MW")]),
        ({P_STATED_LENGTH_KM: 350}, [("length", "350 km stated")]),
        ({P_LENGTH_KM: 0}, [("length", "0 km drawn")]),
        ({P_START_DATE: "2024-05-01", P_END_DATE: "2024-05-01"}, [("dates", "2024-05-01")]),
        ({P_END_DATE: "2024-05-03"}, [("dates", "2024-05-03")]),
        ({P_START_DATE: "2024-05-01"}, [("dates", "2024-05-01")]),
    ],
)
def test_popup_rows_say_only_what_is_known(props, rows):
    got = [r for r in _popup_rows(mapview.popup_html(props)) if r[0] not in ("type", "status")]
    want = [r for r in rows if r[0] not in ("type", "status")]
    assert got == want
    assert ("type", "unknown") in _popup_rows(mapview.popup_html(props))


def _sources(n: int, quote: str = "Quote {i}.") -> list[dict]:
    return [
        {"doc": f"d{i}.txt", "date": "2023-01-02" if i else None, "quote": quote.format(i=i)}
        for i in range(n)
    ]


def test_popup_sources_are_escaped_titled_dated_and_counted():
    props = {P_SOURCES: _sources(5, quote="<i>Quote</i> {i}.")}
    html = mapview.popup_html(props, max_sources=2, titles={"d0.txt": "A <b>title</b>"})
    sources = html.split("</table>", 1)[1]
    assert sources == (
        '<div class="atlas-h">Sources (5)</div>'
        '<div class="atlas-q">“&lt;i&gt;Quote&lt;/i&gt; 0.”'
        '<div class="atlas-src">d0.txt · A &lt;b&gt;title&lt;/b&gt;</div></div>'
        '<div class="atlas-q">“&lt;i&gt;Quote&lt;/i&gt; 1.”'
        '<div class="atlas-src">d1.txt, 2023-01-02</div></div>'
        '<div class="atlas-more">3 more: click the feature (or its table row) to read'
        " them all in the panel beside the map</div>"
    )


def test_popup_without_room_for_sources_says_how_many_there_are():
    html = mapview.popup_html({P_SOURCES: _sources(2)}, max_sources=0)
    assert "Sources (" not in html
    assert html.endswith(
        '<div class="atlas-more">2 source sentence(s): click the feature (or its table row)'
        " to read them all in the panel beside the map</div>"
    )


def test_popup_shows_every_source_when_there_is_room():
    html = mapview.popup_html({P_SOURCES: _sources(3)}, max_sources=3)
    assert html.count('class="atlas-q"') == 3 and "more" not in html


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("x" * 10, "x" * 10),  # exactly the limit: whole
        ("x" * 11, "x" * 9 + "…"),  # one over: cut to the limit, ellipsis included
        ("abcdefgh  ijk", "abcdefgh…"),  # no space before the ellipsis
        (None, ""),
    ],
)
def test_long_quotes_are_cut_to_the_limit(quote, shown):
    props = {P_SOURCES: [{"doc": "d.txt", "quote": quote}]}
    html = mapview.popup_html(props, quote_chars=10)
    assert f'<div class="atlas-q">“{shown}”<div class="atlas-src">d.txt</div></div>' in html


def test_references_link_only_web_addresses_and_escape_everything():
    props = {
        P_REFERENCES: [
            {"title": "Good <b>", "publisher": "P&Q", "url": 'https://e.org/?a=1&b="2"'},
            {"title": "Plain", "url": "javascript:alert(1)"},
            {"publisher": "Only a publisher", "url": "http://e.org"},
            "not a mapping",
            {"title": "Fourth", "url": ""},
            {"title": "Fifth, not shown"},
        ]
    }
    refs = mapview.popup_html(props).split("</table>", 1)[1]
    assert refs == (
        '<div class="atlas-h">References</div>'
        '<div class="atlas-ref"><a href="https://e.org/?a=1&amp;b=&quot;2&quot;" target="_blank"'
        ' rel="noopener noreferrer">Good &lt;b&gt; — P&amp;Q</a></div>'
        '<div class="atlas-ref">Plain</div>'
        '<div class="atlas-ref"><a href="http://e.org" target="_blank" rel="noopener noreferrer">'
        "Only a publisher</a></div>"
        '<div class="atlas-ref">Fourth</div>'
    )


def _view(*, conflict: bool, quote: str = "Trade <b>hit</b> $30 billion.") -> trade.YearView:
    def row(origin, value, source, **extra):
        return {
            trade.ORIGIN: origin,
            trade.VALUE: value,
            trade.SOURCE: source,
            trade.DOC: None,
            trade.QUOTE: None,
            trade.NOTE: None,
            trade.CONFLICT: conflict,
            **extra,
        }

    rows = [
        row(trade.CORPUS, 30e9, "n.txt <2025>", **{trade.DOC: "n.txt", trade.QUOTE: quote}),
        row(trade.REFERENCE, 43.82e9, "China customs (GACC) & Outlet A"),
    ]
    if conflict:
        rows[0][trade.NOTE] = "differs from <the reference>"
    return trade.YearView(year=2024, figures={"KAZ": rows})


def test_trade_tooltip_lists_each_figure_with_its_origin_and_marks_the_one_on_the_map():
    html = mapview.trade_tooltip_html(_view(conflict=True), "KAZ", name="Kazakhstan <KZ>")
    assert html == (
        "<b>Kazakhstan &lt;KZ&gt; · trade with China, 2024</b>"
        '<div class="atlas-conflict">⚠ the sources disagree</div>'
        "<div>30.00 bn USD — corpus: n.txt &lt;2025&gt;"
        '<div class="atlas-q">“Trade &lt;b&gt;hit&lt;/b&gt; $30 billion.”</div>'
        '<div class="atlas-conflict">differs from &lt;the reference&gt;</div></div>'
        "<div>43.82 bn USD — China customs / reference table (on the map): "
        "China customs (GACC) &amp; Outlet A</div>"
    )


def test_trade_tooltip_without_a_conflict_or_a_name():
    html = mapview.trade_tooltip_html(_view(conflict=False, quote="q" * 201), "KAZ")
    assert html.startswith("<b>KAZ · trade with China, 2024</b><div>30.00 bn USD")
    assert "disagree" not in html and "atlas-conflict" not in html
    assert f"“{'q' * 199}…”" in html  # quotes over 200 characters are cut
    assert mapview.trade_tooltip_html(_view(conflict=False), "TJK") == (
        "<b>TJK · trade with China, 2024</b>"
    )
