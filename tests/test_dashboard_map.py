"""The map package's parts, each by what a reader of the map would see: dossiers with their
sources, the news beside the registry, no "nan", lines of one corridor set apart, names by
zoom, search that ignores accents, a choropleth that stands out from the basemap, and the
folium patches checked against the installed folium."""

from __future__ import annotations

import json
import math
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from dashboard.data import frames_of
from dashboard.map import _folium, labels, overlays, popups
from dashboard.map.basemap import CORE_FILL, OTHER_FILL
from dashboard.map.build import K_ID, K_STYLE, MapOptions, build_map, build_parts, map_html
from dashboard.search import SearchIndex, fold
from etl.schema import P_FIGURES, P_NAME
from tests.test_dashboard_mapview import feature


def _props(**extra):
    p = feature("pipelines/x", "pipelines", "gas_pipeline", LineString([(60, 40), (70, 42)]))[
        "properties"
    ]
    p.update(extra)
    return p


def test_the_dossier_shows_each_field_with_its_sources_escaped():
    p = _props(
        owner="CNPC <b>",
        financiers=["China Development Bank", "Bank & Co"],
        start_year=2007,
        completion_year=2009,
        status_date="2009-12-14",
        dossier_sources={
            "owner": ["https://example.org/owner"],
            "financiers": ["javascript:alert(1)", "https://example.org/cdb"],
        },
    )
    html = popups.dossier_html(p)
    assert "CNPC &lt;b&gt;" in html and "<b>" not in html
    assert "China Development Bank, Bank &amp; Co" in html
    assert 'href="https://example.org/owner"' in html and 'href="https://example.org/cdb"' in html
    assert "javascript:" not in html  # only web links are links
    assert "2007" in html and "2009-12-14" in html
    # the popup carries the dossier too
    pop = popups.popup_html(p)
    assert "start year" in pop and "2007" in pop
    assert popups.dossier_html(_props()) == ""  # a build without dossiers shows none


def test_the_news_beside_the_registry_marks_agreement():
    p = _props(
        **{
            P_FIGURES: [
                {"metric": "capacity", "value": 55, "unit": "bcm/y", "registry_value": 55,
                 "agrees": True, "doc": "a.txt"},
                {"metric": "length", "value": 3666, "unit": "km", "registry_value": 1833,
                 "agrees": False, "doc": "b.txt"},
                {"metric": "cost", "value": 6000000000.0, "unit": "USD",
                 "registry_value": 8000000000.0, "agrees": False, "doc": "c.txt"},
            ]
        }
    )  # fmt: skip
    html = popups.figures_html(p)
    rows = html.split("<tr>")[2:]
    assert "55 bcm/y" in rows[0] and "✓ agrees" in rows[0]
    assert "3,666 km" in rows[1] and "1,833 km" in rows[1] and "✗ differs" in rows[1]
    # sums of money read as the dossier writes them, never as raw digits
    assert "6.00 bn USD" in rows[2] and "8.00 bn USD" in rows[2]
    assert "000000" not in html


def test_missing_values_never_show_as_nan():
    p = _props(notes=math.nan, capacity=math.nan, capacity_unit=math.nan, owner=math.nan)
    for html in (popups.popup_html(p), popups.dossier_html(p), popups.tooltip_html(p)):
        assert "nan" not in html.lower().replace("name", "")


def test_lines_of_one_corridor_are_set_apart_on_screen():
    a = LineString([(60, 40), (65, 41), (70, 42)])
    b = LineString([(60.02, 40.01), (65, 41.02), (70.01, 42)])
    c = LineString([(70, 42), (65, 41), (60, 40)])  # drawn the other way round
    far = LineString([(80, 30), (85, 31)])
    offs = overlays.parallel_offsets([a, b, c, far], [3, 3, 3, 3])
    assert offs[3] == 0
    # three distinct lanes, 5 px apart (a 3 px line and a 2 px gap)
    lanes = sorted([offs[0], offs[1], -offs[2]])
    assert lanes == [-5.0, 0.0, 5.0]


def test_the_offset_reaches_the_drawn_style_and_each_line_stays_clickable():
    frames = {
        "pipelines": gpd.GeoDataFrame(
            [
                feature(f"pipelines/{k}", "pipelines", "gas_pipeline", g)["properties"]
                for k, g in (("a", LineString([(60, 40), (70, 42)])),
                             ("b", LineString([(60, 40), (70, 42)])))
            ],
            geometry=[LineString([(60, 40), (70, 42)])] * 2,
            crs="EPSG:4326",
        )
    }  # fmt: skip
    html = map_html(build_map(frames))
    offsets = sorted(float(x) for x in re.findall(r'"offset":(-?[0-9.]+)', html))
    assert offsets == [-2.5, 2.5]
    assert "_atlasOffset" in html  # Leaflet is taught the option before the layers


def test_capacity_overlay_lanes_show_each_line_width():
    """15 + 15 + 25: with the capacity overlay each line keeps its own width, side by side."""
    geom = LineString([(60, 40), (70, 42)])
    rows = [
        feature(f"pipelines/{k}", "pipelines", "gas_pipeline", geom, capacity=cap, unit="bcm/y")[
            "properties"
        ]
        for k, cap in (("a", 15.0), ("b", 15.0), ("c", 25.0))
    ]
    frames = {"pipelines": gpd.GeoDataFrame(rows, geometry=[geom] * 3, crs="EPSG:4326")}
    m = build_map(frames, options=MapOptions(capacity=True))
    styles = {}
    for child in _walk(m):
        if isinstance(child, folium.GeoJson) and child.data.get("features"):
            for f in child.data["features"]:
                if K_ID in f["properties"]:
                    styles[f["properties"][K_ID]] = f["properties"][K_STYLE]
    weights = {k: s["weight"] for k, s in styles.items()}
    assert weights["pipelines/a"] == weights["pipelines/b"] < weights["pipelines/c"]
    offs = sorted(s.get("offset", 0) for s in styles.values())
    assert len(set(offs)) == 3  # three lanes, none on top of another


def _walk(el):
    yield el
    for c in el._children.values():
        yield from _walk(c)


def test_names_show_by_zoom():
    cities = [
        {"name": "Almaty", "latitude": 43.25, "longitude": 76.95, "population": 2_000_900,
         "countrycode": "KZ"},
        {"name": "Bishkek", "latitude": 42.87, "longitude": 74.59, "population": 900_000,
         "countrycode": "KG"},
        {"name": "Talgar", "latitude": 43.30, "longitude": 77.24, "population": 45_000,
         "countrycode": "KZ"},
        {"name": "Tiny", "latitude": 43.0, "longitude": 77.0, "population": 900,
         "countrycode": "KZ"},
        {"name": "Paris", "latitude": 48.85, "longitude": 2.35, "population": 2_100_000,
         "countrycode": "FR"},
    ]  # fmt: skip
    got = {lb.text: lb.min_zoom for lb in labels.city_labels(cities, capitals=[("KG", "Bishkek")])}
    assert got["Bishkek"] < got["Almaty"] < got["Talgar"]  # the capital first, towns last
    assert "Tiny" not in got and "Paris" not in got  # too small; outside the region
    basemap = gpd.GeoDataFrame(
        {"iso3": ["KAZ"], "name": ["Kazakhstan"]}, geometry=[box(50, 41, 85, 55)], crs="EPSG:4326"
    )
    (country,) = labels.country_labels(basemap)
    assert country.text == "Kazakhstan" and box(50, 41, 85, 55).contains(
        box(country.lon, country.lat, country.lon, country.lat).centroid
    )
    html = map_html(build_map({}, options=MapOptions(labels=[*labels.city_labels(cities)])))
    assert '"Almaty"' in html and "atlasLabels" in html


def test_search_ignores_accents_case_and_finds_aliases():
    assert fold("Qorğas") == fold("QORGAS") == "qorgas"
    assert fold("Türkmenbaşy") == "turkmenbasy"
    p = _props(name="Khorgos Gateway", aliases=["Qorğas dry port"])
    p[P_NAME] = "Khorgos Gateway"
    index = SearchIndex.of(
        {"facilities": [{"properties": p, "geometry": None}]},
        [labels.Label("Almaty", 43.25, 76.95, 5)],
        centroid=lambda f: (44.2, 80.4),
    )
    (hit,) = index.find("qorgas")
    assert hit.feature_id == "pipelines/x" and "Khorgos Gateway" in hit.label
    (place,) = index.find("ALMATY")
    assert place.feature_id is None and (place.lat, place.lon) == (43.25, 76.95)
    assert index.find("nowhere") == []


def _rgb(hex_colour):
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def test_the_palest_trade_class_stands_apart_from_the_basemap():
    pale = _rgb(overlays.TRADE_CLASSES[0])
    for fill in (CORE_FILL, OTHER_FILL):
        base = _rgb(fill)
        shown = [overlays.TRADE_OPACITY * p + (1 - overlays.TRADE_OPACITY) * b
                 for p, b in zip(pale, base, strict=True)]  # fmt: skip
        assert math.dist(shown, base) > 60  # clearly another colour, not a tint of the land


def test_trade_flows_have_their_own_colour():
    from dashboard import styles

    assert overlays.TRADE_FLOW_COLOUR not in {styles.colour(t) for t in ("railway", "corridor")}


# --- folium patches, against the installed folium ------------------------------------------------


def test_folium_patch_compact_json_is_applied_to_folium_templates():
    _folium.apply()
    gj = folium.GeoJson({"type": "Feature", "geometry": None, "properties": {"b": 1, "a": 2}})
    m = folium.Map()
    gj.add_to(m)
    html = m.get_root().render()
    assert '{"a":2,"b":1}' in html.replace(" ", "") and '"a": 2' not in html


def test_folium_patch_geojson_bounds_and_tooltip_text_as_json():
    gj = _folium.GeoJson(
        {"type": "FeatureCollection", "features": []}, bounds=[[1.0, 2.0], [3.0, 4.0]]
    )
    assert gj.get_bounds() == [[1.0, 2.0], [3.0, 4.0]]
    m = folium.Map()
    line = folium.PolyLine([(0, 0), (1, 1)]).add_to(m)
    _folium.Tooltip("a `tick` and ${x}").add_to(line)
    html = m.get_root().render()
    assert json.dumps("a `tick` and ${x}") in html
    assert "`a `tick`" not in html


def test_folium_patch_loads_a_layer_from_its_url_with_fetch():
    """The installed folium's URL loader (jQuery) is replaced; the data stays out of the page."""
    assert "fetch(" in _folium._fetching_template()
    m = folium.Map()
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [70.0, 40.0]},
             "properties": {"fid": "facilities/secret-name", "style": {}}}
        ],
    }  # fmt: skip
    _folium.GeoJson(data, bounds=[[40, 70], [40, 70]], url="/app/static/cache/abc.json").add_to(m)
    html = m.get_root().render()
    assert 'fetch("/app/static/cache/abc.json")' in html
    assert "secret-name" not in html and "$.ajax" not in html


def test_js_string_keeps_markup_readable_and_cannot_end_the_script():
    assert _folium.js_string('<div class="a">it\'s</div>') == "'<div class=\"a\">it\\'s</div>'"
    assert _folium.js_string("a\\b\nc\u2028") == "'a\\\\b\\nc\\u2028'"
    for bad in ("</script><script>alert(1)//", "</SCRIPT >", "<!-- <script>"):
        out = _folium.js_string(bad)
        assert "</script" not in out.lower() and "<!--" not in out
    # the escape is a JavaScript escape of "<": the string means what it said
    assert _folium.js_string("</script>") == "'\\x3c/script>'"


@pytest.fixture
def tiny_frames():
    from shapely.geometry import Point

    return frames_of(
        {
            "pipelines": [
                feature("pipelines/gas", "pipelines", "gas_pipeline",
                        LineString([(60, 40), (70, 42)]), capacity=30.0, unit="bcm/y"),
            ],
            "facilities": [
                feature("facilities/port", "facilities", "dry_port", Point(80.4, 44.2)),
            ],
        }
    )  # fmt: skip


def test_the_base_map_is_the_same_whatever_is_shown(tiny_frames):
    """streamlit-folium keys its iframe by the map's script: the base map must not change
    with filters, selection, overlays or the view, or each change reloads the map."""
    import streamlit_folium

    def base_key(frames, **options):
        parts = build_parts(frames, options=MapOptions(**options))
        parts.base.render()
        script = streamlit_folium._get_map_string(parts.base)
        return streamlit_folium.generate_js_hash(script, "atlas_map", False)

    every = base_key(tiny_frames)
    assert base_key({"pipelines": tiny_frames["pipelines"]}) == every
    assert base_key(tiny_frames, selected="pipelines/gas", capacity=True, view_key="2") == every
    assert base_key(tiny_frames, center=(41.0, 67.0), zoom=7.0, view_key="3") == every
    assert base_key(tiny_frames, fit=((40.0, 60.0), (42.0, 70.0))) == every
    # the view is in the groups, which the page swaps
    parts = build_parts(tiny_frames, options=MapOptions(center=(41.0, 67.0), zoom=7.0))
    html = map_html(build_map(tiny_frames, options=MapOptions(center=(41.0, 67.0), zoom=7.0)))
    assert "setView([41.0,67.0],7.0" in html.replace(" ", "")
    assert all(isinstance(g, folium.FeatureGroup) for g in parts.groups)


def test_static_layer_files_are_named_by_content_and_pruned(tmp_path, monkeypatch):
    from dashboard import data

    monkeypatch.setattr(data, "STATIC_CACHE", tmp_path)
    monkeypatch.setattr(data, "STATIC_KEEP", 2)
    a = data.static_url(b'{"a":1}')
    assert a == data.static_url(b'{"a":1}')  # the same view, the same file (cached by the browser)
    assert (
        a.startswith("/app/static/cache/")
        and (tmp_path / a.rsplit("/", 1)[1]).read_bytes() == b'{"a":1}'
    )
    data.static_url(b'{"b":2}')
    data.static_url(b'{"c":3}')
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_a_region_drawn_at_its_seat_never_looks_like_the_town():
    """ "Naryn Region" stands at Naryn town's coordinates: it is drawn as a faint dashed ring,
    larger than a town's dot, and the legend says what the ring means."""
    from shapely.geometry import Point

    rows = [
        feature("places/naryn", "places", "city", Point(76.0, 41.43), precision="exact"),
        feature("places/naryn-region", "places", "region", Point(76.0, 41.43), precision="region"),
    ]
    frames = {
        "places": gpd.GeoDataFrame(
            [r["properties"] for r in rows], geometry=[Point(76.0, 41.43)] * 2, crs="EPSG:4326"
        )
    }
    html = map_html(build_map(frames))
    styles = {
        fid: json.loads(style)
        for fid, style in re.findall(
            rf'"{K_ID}":"(places/[a-z-]+)".*?"{K_STYLE}":(\{{[^}}]*\}})', html
        )
    }
    town, region = styles["places/naryn"], styles["places/naryn-region"]
    assert "dashArray" not in town
    assert region["dashArray"] and region["radius"] > town["radius"]
    assert region["fillOpacity"] < 0.5 <= town["fillOpacity"]
    from dashboard.map import legend

    legend_html = legend.map_legend(frames, options=MapOptions())
    assert "a region or country" in legend_html
    # the type's own swatch is a dashed ring too, not the filled dot of a town
    region_row = legend_html[: legend_html.index(">region<")].rsplit("<span", 2)[-2]
    assert "dashed" in region_row


def test_the_layer_control_names_each_layer_by_a_key_filters_do_not_change(tiny_frames):
    """The browser remembers a layer switched off by its key: the shown name carries a count
    that a filter changes ("Pipelines (1)", "Pipelines (0)"), the key does not."""

    def keys(frames):
        html = map_html(build_map(frames))
        found = re.search(
            r'"atlas\.layersOff".*?\}\)\([^,]+, [^,]+,\s*\S+, (\{.*?\})\);', html, re.S
        )
        assert found, "the control passes its keys to the page"
        return json.loads(found.group(1))

    every = keys(tiny_frames)
    assert every == {"Pipelines (1)": "pipelines", "Facilities (1)": "facilities"}
    none = keys({**tiny_frames, "pipelines": tiny_frames["pipelines"].iloc[:0]})
    assert none["Pipelines (0)"] == "pipelines"
