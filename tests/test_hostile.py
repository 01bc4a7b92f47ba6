"""Hostile text: an article (and a document name) full of HTML and JavaScript is shown as text.

``tests/data/hostile/hostile.txt`` carries ``<script>``, ``<img onerror>``, ``<svg onload>``,
``javascript:`` links, ``${...}``, backticks and quotes next to the place names, in its
sentences, its title and its source; the corpus file is named like an attack too. Everything
that reaches HTML (popups, tooltips, the trade overlay, the sources panel, the legend) must
show those strings as text, the tables must show them literally, the exports must keep them
verbatim as data, and in a real browser none of them may run.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.parse
from html.parser import HTMLParser

import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, mapview, provenance, state, trade
from dashboard.map.build import CLUSTER_UNTIL_ZOOM
from etl.build import build
from etl.export import render
from etl.schema import P_ID, P_SOURCES, P_STATUS, P_TYPE

from ._browser import ARTIFACTS, drawn, launch, record_outside_requests, require_browser, serve
from .conftest import DATA
from .test_dashboard_app import PAGES, TIMEOUT

HOSTILE = DATA / "hostile" / "hostile.txt"
#: the corpus file's name: it becomes every source's ``doc``
DOC = '"><img src=x onerror=window.__pwned=9>`${window.__pwned=10}`.txt'
DRY_PORT = "facilities/khorgos-gateway-dry-port"
RAILWAY = "railways/china-kyrgyzstan-uzbekistan-railway"
TRADE_YEAR = 2023
#: pieces of the article that must reach the build verbatim (else the tests prove nothing)
PAYLOADS = (
    "Almaty<script>alert(1)</script>",
    '<img src=x onerror="window.__pwned=3">',
    "Kashgar\"'><img src=x onerror=alert(2)>",
    "</script><script>window.__pwned=4</script>",
    "Bishkek'; </div></td></table>",
    '<a href="javascript:window.__pwned=5">',
    "Tashkent ${window.__pwned=6}",
    '<svg onload="window.__pwned=7">',
)
#: an upload's name: HTML, script, Markdown emphasis, LaTeX and a bare web address
UPLOAD_NAME = "<img src=x onerror=window.__pwned=12>`${window.__pwned=13}` *a* $x^2$ www.x.com.txt"
TITLE = 'Khorgos <script>alert(1)</script> & "dry port" news <img src=x onerror="window.__pwned=1">'
SOURCE = "Wire <b onmouseover=\"window.__pwned=2\">desk</b> '${window.__pwned=11}'"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, knowledge):
    """A build of the hostile article, saved in the corpus under a hostile name."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(HOSTILE, corpus / DOC)
    out = root / "build"
    build(corpus, out, knowledge=knowledge)
    return out, corpus, data.read_build(out)


def _quotes(b: data.Build) -> dict[str, list[str]]:
    return {
        f["properties"][P_ID]: [s["quote"] for s in f["properties"][P_SOURCES]]
        for fs in b.features.values()
        for f in fs
    }


def test_the_hostile_text_reaches_the_build(hostile):
    _, _, b = hostile
    quotes = _quotes(b)
    text = " ".join(q for qs in quotes.values() for q in qs)
    for payload in PAYLOADS:
        assert payload in text, payload
    assert {DRY_PORT, RAILWAY, "places/almaty-kaz", "places/kashgar-chn"} <= set(quotes)
    ((doc, meta),) = b.documents.items()
    assert (doc, meta["title"], meta["source"]) == (DOC, TITLE, SOURCE)
    assert {s["doc"] for f in b.features["places"] for s in f["properties"][P_SOURCES]} == {DOC}
    kaz = b.facts[(b.facts["metric"] == "trade_volume") & (b.facts["subject"] == "KAZ")]
    assert list(kaz["year"]) == [str(TRADE_YEAR)]
    assert "${window.__pwned=6}" in kaz["quote"].iloc[0]
    assert b.unresolved["quote"].str.contains("<script>alert(1)</script>", regex=False).any()


# --- HTML built by the dashboard ----------------------------------------------------------------

#: what the dashboard's own markup uses; anything else in a fragment came from a text
ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "details",
    "div",
    "h4",
    "li",
    "span",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}


class _Fragment(HTMLParser):
    """The elements and the text of an HTML fragment, as a browser would parse it."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def inert_text(markup: str) -> str:
    """The text of ``markup``, after checking that no element or attribute came from a text."""
    fragment = _Fragment(markup)
    for tag, attrs in fragment.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {markup[:300]!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name}= in {markup[:300]!r}"
            if name == "href":
                assert (value or "").startswith(("https://", "http://")), value
    return fragment.text


def _embedded_geojson(html: str) -> list[dict]:
    """Every GeoJSON FeatureCollection the map page hands to Leaflet."""
    decoder = json.JSONDecoder()
    found, at = [], 0
    while (at := html.find('{"features":', at)) >= 0:
        value, end = decoder.raw_decode(html, at)
        found.append(value)
        at = end
    return found


def _tooltip_arguments(html: str) -> list[str]:
    """The text every ``bindTooltip`` call hands to Leaflet (it becomes HTML there)."""
    decoder = json.JSONDecoder()
    texts = []
    for part in html.split(".bindTooltip(")[1:]:
        arg = part.lstrip()
        if arg.startswith("function"):  # GeoJsonTooltip: reads the escaped ``tip`` property
            continue
        assert arg.startswith('"'), f"tooltip text pasted into JavaScript unquoted: {arg[:120]!r}"
        texts.append(decoder.raw_decode(arg)[0])
    return texts


@pytest.fixture(scope="module")
def hostile_map_html(hostile):
    _, _, b = hostile
    table = trade.trade_table(b.facts, data.load_reference_trade(), b.doc_dates)
    options = mapview.MapOptions(
        trade=trade.year_view(table, TRADE_YEAR), titles=b.titles, capacity=True
    )
    m = mapview.build_map(data.frames_of(b.features), basemap=_basemap(), options=options)
    return mapview.map_html(m)


def _basemap():
    from etl import countries

    cs = countries.load()
    return mapview.prepare_basemap(zip(cs.iso3, cs.names, cs.geoms, strict=True))


def test_map_popups_and_tooltips_show_the_text_and_run_none_of_it(hostile, hostile_map_html):
    _, _, b = hostile
    html = hostile_map_html
    popups, tips = {}, []
    for collection in _embedded_geojson(html):
        for f in collection["features"]:
            p = f["properties"]
            if mapview.K_POP in p:
                popups[p[mapview.K_ID]] = inert_text(p[mapview.K_POP])
            if mapview.K_TIP in p:
                tips.append(inert_text(p[mapview.K_TIP]))
    quotes = _quotes(b)
    assert set(popups) == set(quotes)
    for fid, qs in quotes.items():
        for q in qs[:3]:  # a popup quotes up to three sources
            assert f"“{q}”" in popups[fid], fid
        assert DOC in popups[fid] and TITLE in popups[fid]
    # the trade overlay's tooltips (Kazakhstan's 2023 figure comes from the article)
    trade_tips = [inert_text(t) for t in _tooltip_arguments(html)]
    kaz = [t for t in trade_tips if t.startswith("Kazakhstan · trade with China, 2023")]
    assert kaz and "Tashkent ${window.__pwned=6}" in kaz[0] and DOC in kaz[0]
    # every tooltip in the GeoJSON (features, the trade choropleth) was checked above
    assert any(t.startswith("Khorgos Gateway dry port") for t in tips)
    assert any("Tashkent ${window.__pwned=6}" in t for t in tips)
    legend = mapview.map_legend(data.frames_of(b.features), options=mapview.MapOptions())
    assert "dry port" in inert_text(legend)


def test_names_types_and_statuses_of_a_hand_edited_build_are_escaped_too(hostile):
    _, _, b = hostile
    features = json.loads(json.dumps(b.features["facilities"]))
    props = features[0]["properties"]
    props.update(
        {
            "name": "<img src=x onerror=alert(1)>`${alert(2)}`",
            P_TYPE: '"><script>alert(3)</script>',
            P_STATUS: "<b onmouseover=alert(4)>built</b>",
        }
    )
    layers = data.frames_of({"facilities": features})
    html = mapview.map_html(mapview.build_map(layers))
    (collection,) = _embedded_geojson(html)
    (p,) = [f["properties"] for f in collection["features"]]
    tip, pop = inert_text(p[mapview.K_TIP]), inert_text(p[mapview.K_POP])
    assert tip.startswith("<img src=x onerror=alert(1)>`${alert(2)}`")
    assert '"><script>alert(3)</script>' in tip and "<b onmouseover=alert(4)>built</b>" in pop
    legend = inert_text(mapview.map_legend(layers))
    assert '"><script>alert(3)</script>' in legend


def test_the_sources_panel_shows_titles_sources_names_and_quotes_as_text(hostile):
    _, _, b = hostile
    for fs in b.features.values():
        for f in fs:
            text = inert_text(provenance.provenance_html(f, b.documents))
            for s in f["properties"][P_SOURCES]:
                assert s["quote"] in text
            assert DOC in text and TITLE in text and SOURCE in text


# --- exports: data, kept verbatim ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_exports_keep_the_text_verbatim_as_data(hostile, tmp_path, fmt):
    _, _, b = hostile
    for layer in ("facilities", "places", "railways"):
        features = b.features[layer]
        raw = render(layer, features, fmt)
        if fmt == "geojson":
            rows = [f["properties"] for f in json.loads(raw)["features"]]
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
        else:
            path = tmp_path / f"{layer}.gpkg"
            path.write_bytes(raw)
            rows = pyogrio.read_dataframe(path).to_dict("records")
        got = {}
        for row in rows:
            sources = row[P_SOURCES]
            got[row[P_ID]] = json.loads(sources) if isinstance(sources, str) else sources
        assert got == {f["properties"][P_ID]: f["properties"][P_SOURCES] for f in features}


# --- every page through AppTest ----------------------------------------------------------------


@pytest.fixture
def hostile_app(hostile, tmp_path, monkeypatch):
    out, corpus, b = hostile
    copy = tmp_path / "build"
    shutil.copytree(out, copy)
    monkeypatch.setenv(data.BUILD_ENV, str(copy))
    monkeypatch.setenv(data.CORPUS_ENV, str(corpus))
    return b


def _run(page: str, **query) -> AppTest:
    at = AppTest.from_function(PAGES[page], default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_on_the_hostile_build(hostile_app, page):
    at = _run(page)
    assert not at.exception, at.exception
    assert not at.error


def test_tables_and_the_sources_panel_show_the_text_literally(hostile_app):
    b = hostile_app
    quote = _quotes(b)[DRY_PORT][0]
    at = _run("map", feature=DRY_PORT, trade=str(TRADE_YEAR))
    assert not at.exception
    panel = [h.value for h in at.get("html") if "atlas-provenance" in h.value]
    assert len(panel) == 1 and quote in inert_text(panel[0])
    frames = [d.value for d in at.dataframe]
    # the panel beside the map (figures about the feature), the trade notes, the table
    about = next(f for f in frames if "quote" in f.columns and "metric" in f.columns)
    trade_rows = next(f for f in frames if "partner" in f.columns)
    kaz = trade_rows[trade_rows["from"] == "corpus"]
    assert list(kaz["quote"]) == list(b.facts[b.facts["subject"] == "KAZ"]["quote"])
    assert list(about["quote"]) == [quote]  # the figures about the dry port
    docs = at.sidebar.multiselect(key=state.W_DOCS)
    assert docs.options == [f"{TITLE} ({DOC})"]

    at = _run("figures")
    facts = at.dataframe[1].value
    assert list(facts["quote"]) == list(b.facts["quote"]) and list(facts["doc"]) == [DOC] * 3

    at = _run("build")
    documents, unresolved = at.dataframe[1].value, at.dataframe[2].value
    assert list(documents["title"]) == [TITLE] and list(documents["path"]) == [DOC]
    assert list(unresolved["quote"]) == list(b.unresolved["quote"])


# --- a real browser ------------------------------------------------------------------------------

#: JavaScript in the map's iframe: hover every feature and open its popup (through its
#: layer's popup, not a click: a click selects the feature, which
#: ``test_dashboard_map_browser.py`` checks), open every other tooltip; returns the text
#: each tooltip and popup showed. Zoomed in first, so no point hides in a cluster.
OPEN_EVERYTHING = """zoom => {
    window.map.setZoom(zoom, {animate: false});
    const shown = {tooltips: [], popups: {}};
    // the newest one: a closed tooltip or popup fades out for a moment before it goes
    const last = selector => [...document.querySelectorAll(selector)].pop();
    const features = [];
    window.map.eachLayer(l => { if (l.feature && l.feature.properties.tip) features.push(l); });
    const groupOf = l => Object.values(l._eventParents || {}).find(g => g.getPopup && g.getPopup());
    for (const l of features) {
        const e = {latlng: l.getLatLng ? l.getLatLng() : l.getCenter()};
        l.fire('mouseover', e, true);
        const tip = last('.leaflet-tooltip');
        if (tip) shown.tooltips.push(tip.textContent);
        l.fire('mouseout', e, true);
        const g = groupOf(l);
        if (!l.feature.properties.fid || !g) continue;
        const popup = g.getPopup();
        popup._source = l;
        popup.setLatLng(e.latlng).openOn(window.map);
        const pop = last('.leaflet-popup-content');
        if (pop) shown.popups[l.feature.properties.fid] = pop.textContent;
        window.map.closePopup();
    }
    window.map.eachLayer(l => {
        if (!l.feature && l.getTooltip && l.getTooltip() && l.getLatLngs) {
            l.openTooltip(l.getCenter());
            shown.tooltips.push(l.getTooltip().getElement().textContent);
            l.closeTooltip();
        }
    });
    return shown;
}"""


#: JavaScript in the map's iframe: open one feature's popup (without a click, which would
#: select the feature and rerun the page) and leave it open
OPEN_ONE = """([fid, zoom]) => {
    let target = null;
    const visit = l => { if (l.feature && l.feature.properties.fid === fid) target = l; };
    window.map.eachLayer(l => {
        if (l._featureGroup && l.getLayers && !l.feature) l.getLayers().forEach(visit);
        else visit(l);
    });
    const at = target.getLatLng ? target.getLatLng() : target.getCenter();
    window.map.setView(at, zoom, {animate: false});  // out of its cluster, if it was in one
    const group = Object.values(target._eventParents || {}).find(g => g.getPopup && g.getPopup());
    const popup = group.getPopup();  // the layer's popup, opened on the map (its layer may
    popup._source = target;          // be inside a cluster, not on the map itself)
    popup.setLatLng(at).openOn(window.map);
    return document.querySelector('.leaflet-popup-content').textContent;
}"""


@pytest.mark.browser
def test_in_a_browser_no_injected_script_runs_and_nothing_leaves_127_0_0_1(
    hostile, tmp_path_factory
):
    from playwright.sync_api import sync_playwright

    require_browser()
    out, corpus, b = hostile
    every = {f["properties"][P_ID] for fs in b.features.values() for f in fs}
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    problems: list[str] = []
    log_dir = tmp_path_factory.mktemp("hostile-log")
    with serve(out, corpus, log_dir) as url, sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside = record_outside_requests(page, url)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )

            def pwned() -> list:
                page.wait_for_timeout(300)  # an <img src=x> fails (and fires onerror) by then
                return [f.evaluate("() => window.__pwned") for f in page.frames]

            # a shared view wide enough for every feature (a selection alone zooms to it)
            query = urllib.parse.urlencode(
                {"trade": TRADE_YEAR, "feature": DRY_PORT, "view": "40,70,3"}
            )
            page.goto(f"{url}/?{query}")
            try:
                frame, _ = drawn(page, expect=every)
            except AssertionError as exc:  # a script that breaks stops the map being drawn
                raise AssertionError(f"{exc}; the page said: {problems[:5]}") from None
            quote = _quotes(b)[DRY_PORT][0]
            panel = page.locator(".atlas-provenance")  # the sources of the selected feature
            assert quote in panel.inner_text() and TITLE in panel.inner_text()
            page.screenshot(path=str(ARTIFACTS / "hostile-map.png"))
            frame, _ = drawn(page, expect=every)  # the map as it is now (a rerun may redraw it)
            assert f"“{quote}”" in frame.evaluate(OPEN_ONE, [DRY_PORT, CLUSTER_UNTIL_ZOOM])
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "hostile-popup.png"))
            shown = frame.evaluate(OPEN_EVERYTHING, CLUSTER_UNTIL_ZOOM)
            assert f"“{quote}”" in shown["popups"][DRY_PORT]
            assert set(shown["popups"]) == every
            assert sum("Tashkent ${window.__pwned=6}" in t for t in shown["tooltips"]) == 2
            assert not any(pwned())

            # the figures page: the chart's tooltip on the article's trade figure, the tables
            page.goto(f"{url}/figures")
            page.locator('.vega-embed [aria-label*="from: corpus"]').first.hover()
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for()
            assert DOC in tooltip.inner_text()
            assert not any(pwned())

            page.goto(f"{url}/build")
            page.get_by_text("Mentions not put on the map", exact=True).wait_for()
            assert not any(pwned())

            # an upload named like an attack (and unreadable) is refused, its name shown as is
            page.goto(f"{url}/articles")
            page.locator("input[type=file]").set_input_files(
                [{"name": UPLOAD_NAME, "mimeType": "text/plain", "buffer": bytes(range(256)) * 20}]
            )
            page.get_by_role("button", name="Add to the atlas and rebuild").click()
            alert = page.get_by_text("could not be read: binary")
            alert.wait_for()
            assert (
                alert.inner_text()
                == f"{UPLOAD_NAME} could not be read: binary or undecodable content."
            )
            assert not any(pwned())
            assert sorted(f.name for f in corpus.iterdir()) == [DOC]  # nothing written
        finally:
            browser.close()
    assert not dialogs, f"a script opened a dialog: {dialogs}"
    injected = [m for m in problems if "pwned" in m or "alert" in m or "uncaught" in m]
    assert not injected, injected
    assert not outside, f"the page fetched from outside the app: {outside[:5]}"
