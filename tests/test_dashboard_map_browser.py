"""The analyst's map in headless Chromium, checked by what a user sees and does.

A real click on a real line selects it (the URL gets ``feature=`` and the panel beside the
map shows its sources); gas Lines A, B and C, which share a corridor, are apart on screen
and each can be clicked; a search and a country filter move the map to what they find;
countries and cities are named, offline; nothing is fetched from outside 127.0.0.1.
"""

from __future__ import annotations

import itertools
import time
import urllib.parse

import pytest

from etl.schema import P_COUNTRIES, P_FIRST_SEEN, P_ID

from ._browser import ARTIFACTS, app_page, drawn, serve_seed_copy

pytestmark = pytest.mark.browser
#: the first page after a server start imports the geo stack: slow on a busy machine
BROWSER_TIMEOUT_S = 150

LINES = {
    "A": "pipelines/central-asia-china-gas-line-a",
    "B": "pipelines/central-asia-china-gas-line-b",
    "C": "pipelines/central-asia-china-gas-line-c",
}

#: JavaScript in the map's iframe: a point in the page's pixels on the drawn line ``fid``
#: (offset included) that no other feature covers, inside the map: where a click can only
#: mean that line
POINT_ON_LINE = """fid => {
    const map = window.map, size = map.getSize();
    let line = null;
    const others = [];
    map.eachLayer(l => {
        if (!l._renderer || !l._containsPoint) return;
        if (l.feature && l.feature.properties.fid === fid) line = l; else others.push(l);
    });
    if (!line) return null;
    const r = map.getContainer().getBoundingClientRect();
    for (const part of line._parts) for (let i = 0; i + 1 < part.length; i++) {
        for (let t = 0.1; t < 0.95; t += 0.1) {
            const p = part[i].multiplyBy(1 - t).add(part[i + 1].multiplyBy(t));
            const c = map.layerPointToContainerPoint(p);
            if (c.x < 60 || c.y < 60 || c.x > size.x - 60 || c.y > size.y - 40) continue;
            if (others.some(o => o.options.interactive !== false && o._containsPoint(p))) continue;
            return {x: c.x + r.left, y: c.y + r.top};
        }
    }
    return null;
}"""

#: JavaScript in the map's iframe: the least distance on screen (pixels) between two drawn
#: lines, over points sampled along the middle of the first one's longest segment
GAP = """([a, b]) => {
    const find = fid => { let f = null; window.map.eachLayer(l => {
        if (l.feature && l.feature.properties.fid === fid && l._parts) f = l; }); return f; };
    const la = find(a), lb = find(b);
    let best = Infinity;
    let seg = null, len = -1;  // along the first line's longest drawn segment
    for (const part of la._parts) for (let i = 0; i + 1 < part.length; i++) {
        const d = part[i].distanceTo(part[i + 1]);
        if (d > len) { len = d; seg = [part[i], part[i + 1]]; }
    }
    for (let t = 0.2; t < 0.85; t += 0.1) {
            const p = seg[0].multiplyBy(1 - t).add(seg[1].multiplyBy(t));
            for (const q of lb._parts) for (let j = 0; j + 1 < q.length; j++)
                best = Math.min(best, L.LineUtil.pointToSegmentDistance(p, q[j], q[j + 1]));
        }
    return best;
}"""

#: JavaScript in the map's iframe: whether this frame holds the map, zoomed in this far
ZOOMED = "z => !!(window.map && window.map._loaded && window.map.getZoom() >= z)"

#: the map's view
VIEW = """() => ({zoom: window.map.getZoom(), center: window.map.getCenter(),
    bounds: window.map.getBounds().toBBoxString()})"""

#: the names the label pane shows
LABELS = """() => [...document.querySelectorAll('.leaflet-atlasLabels-pane .atlas-label')]
    .map(e => e.textContent)"""


@pytest.fixture(scope="module")
def app(seed_build, tmp_path_factory):
    with serve_seed_copy(seed_build, tmp_path_factory, "map-browser") as url:
        yield url, seed_build[1]


@pytest.fixture
def page(app):
    url, _ = app
    with app_page(url) as pg:
        yield pg


def _map_frame(page, layers):
    every = {f["properties"][P_ID] for fs in layers.values() for f in fs}
    frame, _ = drawn(page, expect=every, timeout=BROWSER_TIMEOUT_S)
    return frame


def _safe(frame, script: str, arg):
    try:
        return frame.evaluate(script, arg)
    except Exception:
        return False


def _frames_until(page, script: str, arg, timeout_s: float = BROWSER_TIMEOUT_S):
    """The frames where ``script`` holds, once one does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [f for f in page.frames if _safe(f, script, arg)]
        if found:
            page.wait_for_timeout(1000)  # the layers' files arrive
            return found
        page.wait_for_timeout(200)
    raise AssertionError(f"no map frame where {script} holds")


def _view_where(page, script: str, arg, timeout_s: float = BROWSER_TIMEOUT_S) -> dict:
    """The view of the map frame where ``script`` holds; a frame a rerun replaces between the
    two reads (streamlit-folium reloads its iframe) is looked for again."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if _safe(frame, script, arg):
                view = _safe(frame, VIEW, None)
                if view:
                    return view
        page.wait_for_timeout(200)
    raise AssertionError(f"no map frame where {script} holds")


def _wait_url(page, text: str, timeout_ms: int = 90_000) -> None:
    page.wait_for_function(
        f"() => decodeURIComponent(location.search).includes({text!r})", timeout=timeout_ms
    )


def _step_year(page, year: int) -> None:
    """Press "year ▶" once the app is idle, until the URL says ``year``.

    The map reports its view after it is drawn, and that rerun can swallow a click made
    while it runs (a person would press again): press again only while the URL still
    shows the year before.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(4):
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=90_000,
        )
        page.get_by_role("button", name="year ▶").click()
        try:
            _wait_url(page, f"year={year}", timeout_ms=20_000)
            return
        except PlaywrightTimeout:
            if f"year={year - 1}" not in page.url:
                raise
    raise AssertionError(f"the year never stepped to {year}: {page.url}")


def _click_line(page, frame, fid: str, timeout_s: float = 30) -> None:
    # the layers' files arrive after the map has its view: on a busy machine, some time after
    deadline = time.monotonic() + timeout_s
    at = frame.evaluate(POINT_ON_LINE, fid)
    while at is None and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        at = frame.evaluate(POINT_ON_LINE, fid)
    assert at is not None, f"{fid} is not drawn"
    box = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_a_click_on_a_line_selects_it(app, page):
    """A real mouse click on Line C: the URL gets its id, the panel beside the map shows it."""
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    start = frame.evaluate(VIEW)
    page.screenshot(path=str(ARTIFACTS / "map-default.png"))
    _click_line(page, frame, LINES["C"])
    _wait_url(page, f"feature={LINES['C']}")
    panel = page.locator(".atlas-provenance")
    panel.wait_for(timeout=90_000)
    assert "Line C" in panel.inner_text()
    # beside the map, not below it
    map_box = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    panel_box = panel.bounding_box()
    assert panel_box["x"] > map_box["x"] + map_box["width"] - 5
    assert panel_box["y"] < map_box["y"] + map_box["height"]
    # the map zoomed to the selected line
    frame = _map_frame(page, layers)
    assert frame.evaluate(VIEW)["zoom"] > start["zoom"]
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "map-selected.png"))


def test_lines_a_b_c_lie_apart_and_each_can_be_clicked(app, page):
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    # the three lines of one system share a corridor: drawn side by side, a few pixels apart
    for a, b in itertools.combinations(LINES.values(), 2):
        assert frame.evaluate(GAP, [a, b]) >= 3, (a, b)
    # closer in (Uzbekistan, where the three run together), each one can be clicked
    for key in ("A", "B"):
        page.goto(f"{url}/?view=41.0,67.0,7")
        frame = _frames_until(page, ZOOMED, 7)[0]
        _click_line(page, frame, LINES[key])
        _wait_url(page, f"feature={LINES[key]}")
        page.locator(".atlas-provenance", has_text=f"Line {key}").wait_for(timeout=90_000)


def test_a_search_and_a_country_filter_move_the_map(app, page):
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    start = frame.evaluate(VIEW)
    find = page.get_by_label("Find a project or place")
    find.fill("almaty")  # GeoNames' Almaty; lower case on purpose
    find.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => { try {"
        " return f.contentWindow.map && f.contentWindow.map.getZoom() >= 8 } catch (e) {} })",
        timeout=90_000,
    )
    view = _view_where(page, ZOOMED, 8)
    # Almaty is at 43.25 N, 76.95 E (GeoNames 1526384)
    assert abs(view["center"]["lat"] - 43.25) < 0.3 and abs(view["center"]["lng"] - 76.95) < 0.3
    _wait_url(page, "view=43.2")  # the view is part of the link
    page.screenshot(path=str(ARTIFACTS / "map-search.png"))

    tjk = {
        f["properties"][P_ID]
        for fs in layers.values()
        for f in fs
        if "TJK" in (f["properties"].get(P_COUNTRIES) or [])
    }
    assert tjk
    page.goto(f"{url}/?{urllib.parse.urlencode({'country': 'TJK'})}")
    frame, _ = drawn(page, expect=tjk, timeout=BROWSER_TIMEOUT_S)
    view = frame.evaluate(VIEW)
    assert view["zoom"] > start["zoom"]
    west, south, east, north = map(float, view["bounds"].split(","))
    # Tajikistan lies within 36.7-41.1 N, 67.3-75.2 E (Natural Earth): the map frames it
    assert 30 < south < 39 and 39 < north < 46 and 60 < west < 70 and 72 < east < 82


def test_countries_and_cities_are_named_offline(app, page):
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    names = set(frame.evaluate(LABELS))
    assert {"Kazakhstan", "Uzbekistan", "Tashkent", "Bishkek", "Almaty"} <= names
    assert not any("Line C" in n for n in names)  # features are named at closer zooms only
    assert frame.locator(".leaflet-control-layers-expanded").count() == 0  # collapsed
    legend = frame.locator(".atlas-legend-float details.atlas-legend")
    assert legend.count() == 1 and legend.get_attribute("open") is None  # folded over the map
    legend.locator("summary").click()
    assert legend.get_attribute("open") is not None
    assert "gas pipeline" in legend.inner_text()
    # closer in, the features are named too
    frame.evaluate("() => { window.map.setView([44.0, 79.0], 8, {animate: false}); }")
    page.wait_for_timeout(300)
    assert any("Almaty" in n for n in frame.evaluate(LABELS))
    assert "Khorgos Gateway dry port" in frame.evaluate(LABELS)


def test_the_time_slider_changes_what_is_drawn(app, page):
    url, layers = app
    every = {f["properties"][P_ID]: f["properties"] for fs in layers.values() for f in fs}
    years = sorted({p[P_FIRST_SEEN][:4] for p in every.values() if p.get(P_FIRST_SEEN)})
    assert len(years) >= 2
    first = years[0]
    by_first = {fid for fid, p in every.items() if (p.get(P_FIRST_SEEN) or "9")[:4] <= first}
    assert by_first and by_first != set(every)
    page.goto(f"{url}/?time=first_seen&year={first}")
    _frame, ids = drawn(page, expect=by_first, timeout=BROWSER_TIMEOUT_S)
    assert set(ids) == by_first
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "map-time.png"))
    # stepping forward a year at a time reaches the next year with features, drawn too
    second = years[1]
    for year in range(int(first) + 1, int(second) + 1):
        _step_year(page, year)
    by_second = {fid for fid, p in every.items() if (p.get(P_FIRST_SEEN) or "9")[:4] <= second}
    _, ids = drawn(page, expect=by_second, timeout=BROWSER_TIMEOUT_S)
    assert set(ids) == by_second


def test_a_filter_change_redraws_the_map_it_has(app, page):
    """A filter change swaps the features of the map on the page: the same document (a mark
    set in its window before is still there) draws the filtered features, and its layer
    control counts them. A map reloaded for each filter repaints everything, flickers back
    to its opening view, and a test reading it can meet 'Frame was detached'."""
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    page.wait_for_timeout(2000)  # the map's own report of its view has come back
    frame = _map_frame(page, layers)
    frame.evaluate("() => { window.atlasMark = 'set before the filter'; }")
    search = page.get_by_label("Search names and quotes")
    search.fill("Line B")
    search.press("Enter")
    _wait_url(page, "q=Line")
    line_b = {LINES["B"]}
    after, ids = drawn(page, expect=line_b, timeout=BROWSER_TIMEOUT_S)
    assert set(ids) == line_b
    assert after.evaluate("() => window.atlasMark") == "set before the filter"
    control = after.locator(".leaflet-control-layers-overlays").text_content()
    assert "Pipelines (1)" in control and "Places (0)" in control, control
    page.wait_for_timeout(3000)  # the reruns the change set off have landed: still that map
    assert after.evaluate("() => window.atlasMark") == "set before the filter"
    assert len([f for f in page.frames if "st_folium" in f.url]) == 1
    page.screenshot(path=str(ARTIFACTS / "map-filtered-same-frame.png"))


#: JavaScript in the map's iframe: the shown name and state of each layer in the control
CONTROL_STATE = """() => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
    .map(l => [l.textContent.trim(), l.querySelector('input').checked])"""


def _ids_now(page) -> set[str]:
    """The features the map has drawn now (none when it shows none)."""
    from ._browser import COUNT_DRAWN

    for frame in page.frames:
        ids = _safe(frame, COUNT_DRAWN, None)
        if ids:
            return set(ids)
    return set()


def _switch(page, frame, name: str) -> None:
    """Open the collapsed layer control with the mouse and click the layer's checkbox."""
    frame.locator(".leaflet-control-layers").hover()
    label = frame.locator(".leaflet-control-layers-overlays label", has_text=name)
    label.locator("input").click()


def _until(page, check, what: str, timeout_s: float = BROWSER_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        page.wait_for_timeout(200)
    raise AssertionError(f"not within {timeout_s} s: {what}")


def test_a_layer_switched_off_stays_off_after_a_filter_change(app, page):
    """Pipelines switched off in the layer control stay off when a filter swaps the map's
    layers (the control then counts 3 pipelines, not 4), and come back, clickable, when
    switched on again."""
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    page.wait_for_timeout(2000)  # the map's own report of its view has come back
    frame = _map_frame(page, layers)
    n_pipelines = len(layers["pipelines"])
    assert n_pipelines == 4
    _switch(page, frame, "Pipelines")
    _until(
        page,
        lambda: _ids_now(page) and not any(i.startswith("pipelines/") for i in _ids_now(page)),
        "pipelines hidden",
    )
    # the seed's pipelines: Lines A, B and C cross Turkmenistan, the oil pipeline does not
    search = page.get_by_label("Search names and quotes")
    search.fill("Turkmenistan")
    search.press("Enter")
    _wait_url(page, "q=Turkmenistan")

    def swapped():
        for f in page.frames:
            state = _safe(f, CONTROL_STATE, None)
            if state and any(name.startswith("Pipelines (3)") for name, _ in state):
                return f, state
        return None

    frame, _ = _until(page, swapped, "the layer control counts the filtered pipelines")
    page.wait_for_timeout(3000)  # the reruns the change set off have landed
    ids = _ids_now(page)
    assert ids and not any(i.startswith("pipelines/") for i in ids), sorted(ids)
    assert dict(frame.evaluate(CONTROL_STATE))["Pipelines (3)"] is False
    page.screenshot(path=str(ARTIFACTS / "map-layer-off-after-filter.png"))
    # switched on again: the three are drawn, and a click on one still selects it
    _switch(page, frame, "Pipelines")
    _until(page, lambda: {LINES["A"], LINES["B"], LINES["C"]} <= _ids_now(page), "pipelines back")
    page.mouse.move(5, 5)  # the control folds again
    _click_line(page, frame, LINES["C"])
    _wait_url(page, f"feature={LINES['C']}")


#: JavaScript in the map's iframe: the legend's box and every other Leaflet control's box
BOXES = """() => {
    const box = e => { const r = e.getBoundingClientRect();
        return {x: r.left, y: r.top, w: r.width, h: r.height, name: e.className}; };
    const legend = document.querySelector('.atlas-legend-float');
    return {
        legend: box(legend),
        map: box(window.map.getContainer()),
        controls: [...document.querySelectorAll('.leaflet-control')]
            .filter(e => e !== legend && !legend.contains(e) && e.offsetParent).map(box),
    };
}"""


def _overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def test_the_open_legend_covers_no_control(app, page):
    """Open, the legend covers neither the scale bar nor any other Leaflet control (the layer
    control opened too), and stays inside the map."""
    url, layers = app
    page.goto(url)
    frame = _map_frame(page, layers)
    frame.locator(".atlas-legend-float summary").click()
    frame.locator(".leaflet-control-layers").hover()
    frame.wait_for_selector(".leaflet-control-layers-expanded")
    boxes = frame.evaluate(BOXES)
    legend, mp = boxes["legend"], boxes["map"]
    names = " ".join(c["name"] for c in boxes["controls"])
    for part in ("leaflet-control-scale", "leaflet-control-zoom", "leaflet-control-layers"):
        assert part in names, names  # each is there to be checked
    assert legend["h"] > 100  # open
    for control in boxes["controls"]:
        assert not _overlap(legend, control), (legend, control)
    assert mp["x"] <= legend["x"] and legend["x"] + legend["w"] <= mp["x"] + mp["w"]
    assert mp["y"] <= legend["y"] and legend["y"] + legend["h"] <= mp["y"] + mp["h"]
    page.screenshot(path=str(ARTIFACTS / "map-legend-open.png"))


#: the map's layer files, served as static files named by their content's hash
LAYER_FILES = "/app/static/cache/"


def test_a_second_visit_takes_the_layer_files_from_the_browser_cache(app):
    """A person who opens the map again (a new tab, a bookmark) gets the layers from the
    browser's cache: no request for them reaches the server, which is busy running the page.
    """
    url, layers = app
    with app_page(url) as page:
        page.goto(url)
        _map_frame(page, layers)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        answers: list[tuple[str, bool]] = []  # each layer file's URL, and whether from cache

        def answered(e: dict) -> None:
            r = e["response"]
            if LAYER_FILES in r["url"]:
                answers.append((r["url"], bool(r.get("fromDiskCache") or r.get("fromMemoryCache"))))

        cdp.on("Network.responseReceived", answered)
        page.goto(url)
        _map_frame(page, layers)
        assert answers, "the second visit asked for no layer file"
        asked = [u for u, cached in answers if not cached]
        assert not asked, f"layer files asked of the server again: {asked}"
