"""The map as plain Python: layers present, styles by type and status, escaping, filters, size."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box, shape

from dashboard import mapview, styles, trade
from dashboard.data import frames_of
from etl.export import Filters, filter_features
from etl.schema import (
    LAYERS,
    LINE_LAYERS,
    P_ALIASES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_CONFIDENCE,
    P_COUNTRIES,
    P_FIRST_SEEN,
    P_ID,
    P_LAYER,
    P_MENTIONS,
    P_NAME,
    P_PRECISION,
    P_REFERENCES,
    P_SOURCES,
    P_STATUS,
    P_TYPE,
    PROPERTIES,
)

EVIL_NAME = '<script>alert("name")</script> & Co'
EVIL_QUOTE = 'The <img src=x onerror=alert(1)> pipeline\'s "capacity" rose.'


def feature(
    fid,
    layer,
    type_,
    geom,
    *,
    status=None,
    precision=None,
    capacity=None,
    unit=None,
    name=None,
    quote="A sentence.",
):
    props = dict.fromkeys(PROPERTIES)
    props.update(
        {
            P_ID: fid,
            P_NAME: name or fid.split("/")[-1],
            P_ALIASES: [],
            P_LAYER: layer,
            P_TYPE: type_,
            P_STATUS: status,
            P_COUNTRIES: ["KAZ"],
            P_CAPACITY: capacity,
            P_CAPACITY_UNIT: unit,
            P_PRECISION: precision or ("waypoints" if geom.geom_type != "Point" else "exact"),
            P_CONFIDENCE: 0.9,
            P_MENTIONS: 1,
            P_FIRST_SEEN: "2024-05-01",
            P_SOURCES: [
                {
                    "doc": "a.txt",
                    "date": "2024-05-01",
                    "quote": quote,
                    "start": 0,
                    "end": len(quote),
                }
            ],
            P_REFERENCES: [],
        }
    )
    return {"type": "Feature", "id": fid, "geometry": geom.__geo_interface__, "properties": props}


@pytest.fixture
def tiny():
    """Six features over four layers, one of them with a hostile name and quote."""
    return {
        "pipelines": [
            feature(
                "pipelines/gas",
                "pipelines",
                "gas_pipeline",
                LineString([(60, 40), (75, 43)]),
                status="operating",
                capacity=30.0,
                unit="bcm/y",
            ),
            feature(
                "pipelines/oil",
                "pipelines",
                "oil_pipeline",
                LineString([(70, 45), (82, 46)]),
                status="proposed",
                capacity=10.0,
                unit="Mt/y",
            ),
        ],
        "railways": [
            feature(
                "railways/guess",
                "railways",
                "railway",
                LineString([(73, 40), (76, 41)]),
                precision="inferred",
            ),
        ],
        "facilities": [
            feature(
                "facilities/port",
                "facilities",
                "dry_port",
                Point(80.3, 44.2),
                status="construction",
            ),
            feature(
                "facilities/plant",
                "facilities",
                "power_plant",
                Point(69.2, 41.3),
                status="operating",
                capacity=900.0,
                unit="MW",
            ),
        ],
        "places": [
            feature(
                "places/evil", "places", "city", Point(71.4, 51.1), name=EVIL_NAME, quote=EVIL_QUOTE
            ),
        ],
    }


def _styles_by_id(m: folium.Map) -> dict[str, dict]:
    """Each feature's embedded style, read back from the rendered map."""
    out = {}
    for child in _walk(m):
        if isinstance(child, folium.GeoJson) and isinstance(child.data, dict):
            for f in child.data["features"]:
                if mapview.K_ID in f["properties"]:
                    out[f["properties"][mapview.K_ID]] = f["properties"][mapview.K_STYLE]
    return out


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _overlays(m: folium.Map) -> list[str]:
    """The groups the layer control lists (not the halo's, the names' and the legend's)."""
    return [c.layer_name for c in _walk(m) if isinstance(c, folium.FeatureGroup) and c.control]


def test_one_toggleable_group_per_layer_and_a_layer_control(tiny):
    m = mapview.build_map(frames_of(tiny))
    names = _overlays(m)
    for layer, fs in tiny.items():
        assert f"{mapview.LAYER_TITLES[layer]} ({len(fs)})" in names
    assert any(isinstance(c, folium.LayerControl) for c in _walk(m))
    assert m.options["prefer_canvas"] is True
    assert "preferCanvas" in mapview.map_html(m)


def test_empty_layers_still_get_a_group():
    frames = frames_of({layer: [] for layer in LAYERS})
    names = _overlays(mapview.build_map(frames))
    lines_first = sorted(LAYERS, key=lambda layer: layer not in LINE_LAYERS)
    assert names == [f"{mapview.LAYER_TITLES[layer]} (0)" for layer in lines_first]


def test_offline_basemap_and_optional_tiles(tiny):
    basemap = gpd.GeoDataFrame(
        {"iso3": ["KAZ", "FRA"], "name": ["Kazakhstan", "France"]},
        geometry=[box(50, 40, 85, 55), box(0, 43, 7, 50)],
        crs="EPSG:4326",
    )
    offline = mapview.build_map(frames_of(tiny), basemap=basemap)
    assert not [c for c in _walk(offline) if isinstance(c, folium.TileLayer)]
    assert "Country boundaries (Natural Earth)" in [
        getattr(c, "layer_name", None) for c in _walk(offline)
    ]
    online = mapview.build_map(
        frames_of(tiny), basemap=basemap, options=mapview.MapOptions(basemap="osm")
    )
    tiles = [c for c in _walk(online) if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and "openstreetmap" in tiles[0].tiles


def test_leaflet_comes_from_the_app_not_a_cdn(tiny):
    html = mapview.map_html(mapview.build_map(frames_of(tiny)))
    assert "/app/static/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html and "bootstrap" not in html


def test_colour_per_type_dashes_for_planned_and_dots_for_inferred(tiny):
    s = _styles_by_id(mapview.build_map(frames_of(tiny)))
    assert s["pipelines/gas"]["color"] == styles.colour("gas_pipeline")
    assert s["pipelines/oil"]["color"] == styles.colour("oil_pipeline")
    assert styles.colour("gas_pipeline") != styles.colour("oil_pipeline")
    assert "dashArray" not in s["pipelines/gas"]
    assert s["pipelines/oil"]["dashArray"] == styles.PLANNED_DASH
    assert s["railways/guess"]["dashArray"] == styles.INFERRED_DASH
    # points: filled when operating, hollow when under construction
    assert s["facilities/plant"]["fillColor"] == styles.colour("power_plant")
    assert s["facilities/port"]["fillColor"] == "#ffffff"
    assert s["facilities/port"]["color"] == styles.colour("dry_port")


def test_every_type_of_the_schema_has_its_own_colour():
    from etl.schema import TYPES_BY_LAYER

    types = [t for ts in TYPES_BY_LAYER.values() for t in ts]
    colours = [styles.colour(t) for t in types]
    assert styles.FALLBACK_COLOUR not in colours
    assert len(set(colours)) == len(colours)


def test_legend_lists_the_types_shown_with_their_colours(tiny):
    html = mapview.map_html(mapview.build_map(frames_of(tiny)))
    legend = html[html.index('class="atlas-legend"') :]
    legend = legend[: legend.index("</details>")]
    for t in ("gas pipeline", "oil pipeline", "railway", "dry port", "power plant", "city"):
        assert f"<span>{t}</span>" in legend
    assert styles.colour("dry_port") in legend
    assert "highway" not in legend  # not in the view
    assert "inferred route" in legend and "proposed or under construction" in legend


def test_capacity_overlay_scales_within_each_unit(tiny):
    plain = _styles_by_id(mapview.build_map(frames_of(tiny)))
    sized = _styles_by_id(
        mapview.build_map(frames_of(tiny), options=mapview.MapOptions(capacity=True))
    )
    assert (
        plain["pipelines/gas"]["weight"] == plain["pipelines/oil"]["weight"] == styles.LINE_WEIGHT
    )
    # each is the largest of its unit, so both get the widest line
    assert (
        sized["pipelines/gas"]["weight"]
        == sized["pipelines/oil"]["weight"]
        == styles.WEIGHT_RANGE[1]
    )
    assert sized["facilities/plant"]["radius"] == styles.RADIUS_RANGE[1]
    scaled = _styles_by_id(
        mapview.build_map(
            frames_of(tiny),
            options=mapview.MapOptions(
                capacity=True, capacity_scale={"bcm/y": 60.0, "Mt/y": 10.0, "MW": 900.0}
            ),
        )
    )
    assert styles.WEIGHT_RANGE[0] < scaled["pipelines/gas"]["weight"] < styles.WEIGHT_RANGE[1]
    html = mapview.map_html(
        mapview.build_map(frames_of(tiny), options=mapview.MapOptions(capacity=True))
    )
    legend = html[html.index('class="atlas-legend"') :]
    assert "Capacity" in legend
    for top in ("30 bcm/y", "10 Mt/y", "900 MW"):  # each unit's scale ends at its largest
        assert f"<span>{top}</span>" in legend


def test_tooltips_and_popups_escape_text(tiny):
    html = mapview.map_html(mapview.build_map(frames_of(tiny)))
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    data = _feature_props(html, "places/evil")
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; Co" in data[mapview.K_TIP]
    assert "&lt;img src=x onerror=alert(1)&gt;" in data[mapview.K_POP]
    assert "<b>&lt;script&gt;" in data[mapview.K_TIP]


def _feature_props(html: str, fid: str) -> dict:
    for m in re.finditer(r"_add\((\{.*?\})\);\n", html, re.S):
        fc = json.loads(m.group(1))
        for f in fc["features"]:
            if f["properties"].get(mapview.K_ID) == fid:
                return f["properties"]
    raise AssertionError(fid)


def test_popup_has_properties_and_sources():
    props = feature(
        "pipelines/x",
        "pipelines",
        "gas_pipeline",
        LineString([(0, 0), (1, 1)]),
        status="operating",
        capacity=15.0,
        unit="bcm/y",
    )["properties"]
    props[P_SOURCES] = [
        {"doc": f"d{i}.txt", "date": "2023-01-02", "quote": f"Quote {i}.", "start": 0, "end": 8}
        for i in range(5)
    ]
    pop = mapview.popup_html(props, max_sources=3, titles={"d0.txt": "A <b>title</b>"})
    assert "15 bcm/y" in pop and "operating" in pop and "gas pipeline" in pop
    assert "Quote 0." in pop and "Quote 2." in pop and "Quote 3." not in pop
    assert "2 more" in pop and "2023-01-02" in pop
    assert "A &lt;b&gt;title&lt;/b&gt;" in pop


def test_reference_links_only_for_web_urls():
    props = feature("pipelines/x", "pipelines", "gas_pipeline", LineString([(0, 0), (1, 1)]))[
        "properties"
    ]
    props["references"] = [
        {"title": "Good", "publisher": "P", "url": "https://example.org/a?b=1&c=2"},
        {"title": "Bad", "publisher": "Q", "url": "javascript:alert(1)"},
    ]
    pop = mapview.popup_html(props)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in pop
    assert "javascript:" not in pop


def test_filters_decide_what_is_drawn(tiny):
    filters = Filters(types=("gas_pipeline", "power_plant"))
    shown = {layer: filter_features(fs, filters) for layer, fs in tiny.items()}
    html = mapview.map_html(mapview.build_map(frames_of(shown)))
    ids = set(re.findall(r'"fid":"([^"]+)"', html))
    assert ids == {"pipelines/gas", "facilities/plant"}


def test_inferred_routes_can_be_hidden(tiny):
    shown = {layer: filter_features(fs, Filters(inferred=False)) for layer, fs in tiny.items()}
    html = mapview.map_html(mapview.build_map(frames_of(shown)))
    assert '"fid":"railways/guess"' not in html and '"fid":"pipelines/gas"' in html


def test_large_views_are_simplified_and_rounded():
    wiggly = LineString([(60 + i * 0.001, 40 + (i % 2) * 0.0001) for i in range(600)])
    fs = [feature(f"roads/r{i}", "roads", "road", wiggly) for i in range(mapview.LARGE_VIEW + 1)]
    m = mapview.build_map(frames_of({"roads": fs[:1]}))
    small = _feature_geom(m)
    m = mapview.build_map(frames_of({"roads": fs}))
    large = _feature_geom(m)
    assert len(large["coordinates"]) < 10 < len(small["coordinates"])
    # a large view keeps its tooltips but leaves the popups to the page's provenance panel
    small_props, large_props = (
        _first_props(mapview.build_map(frames_of({"roads": fs[:1]}))),
        _first_props(m),
    )
    assert mapview.K_POP in small_props and mapview.K_POP not in large_props
    assert mapview.K_TIP in large_props
    assert all(
        len(str(x).split(".")[-1]) <= mapview.COORD_DECIMALS
        for xy in small["coordinates"]
        for x in xy
    )


def _first_props(m):
    for c in _walk(m):
        if (
            isinstance(c, folium.GeoJson)
            and c.data["features"]
            and mapview.K_ID in c.data["features"][0]["properties"]
        ):
            return c.data["features"][0]["properties"]
    raise AssertionError("no feature layer")


def _feature_geom(m):
    for c in _walk(m):
        if (
            isinstance(c, folium.GeoJson)
            and c.data["features"]
            and mapview.K_ID in c.data["features"][0]["properties"]
        ):
            return c.data["features"][0]["geometry"]
    raise AssertionError("no feature layer")


def _trade_view(conflict: bool) -> trade.YearView:
    ref = pd.DataFrame(
        [
            {
                "year": 2024,
                "partner_iso3": "KAZ",
                "trade_usd_bn": 43.82,
                "reporter": "China customs (GACC)",
                "source": "Outlet A",
            },
            {
                "year": 2024,
                "partner_iso3": "TJK",
                "trade_usd_bn": 3.86,
                "reporter": "China customs (GACC)",
                "source": "Outlet A",
            },
        ]
    )
    facts = pd.DataFrame(
        [
            {
                "metric": "trade_volume",
                "subject": "KAZ",
                "year": "2024",
                "value": "30000000000" if conflict else "43820000000",
                "unit": "USD",
                "doc": "n.txt",
                "quote": "Trade <b>hit</b> $30 billion.",
                "conflict": "",
            },
        ]
    )
    table = trade.trade_table(facts, ref, {"n.txt": "2025-01-02"})
    return trade.year_view(table, 2024)


def test_trade_overlay_choropleth_and_flows_with_sources():
    basemap = gpd.GeoDataFrame(
        {"iso3": ["KAZ", "TJK", "CHN"], "name": ["Kazakhstan", "Tajikistan", "China"]},
        geometry=[box(50, 41, 85, 55), box(67, 37, 75, 41), box(75, 20, 130, 50)],
        crs="EPSG:4326",
    )
    view = _trade_view(conflict=True)
    m = mapview.build_map({}, basemap=basemap, options=mapview.MapOptions(trade=view))
    names = _overlays(m)
    assert "Trade with China, 2024 (states)" in names and "Trade flows from China, 2024" in names
    flows = [c for c in _walk(m) if isinstance(c, folium.Polygon)]
    assert len(flows) == 2
    # arrows: wide at China's end, pointed at the partner's (the direction of the flow)
    for f in flows:
        lat_lon = f.locations
        base_mid = [(a + b) / 2 for a, b in zip(lat_lon[0], lat_lon[-1], strict=True)]
        assert base_mid == pytest.approx(
            [mapview.TRADE_ORIGIN[1], mapview.TRADE_ORIGIN[0]], abs=0.01
        )
        tip = lat_lon[3]
        assert box(50, 41, 85, 55).contains(Point(tip[1], tip[0])) or box(67, 37, 75, 41).contains(
            Point(tip[1], tip[0])
        )
        assert f.options["fillColor"] == mapview.TRADE_FLOW_COLOUR
    areas = sorted(Polygon([(x, y) for y, x in f.locations]).area for f in flows)
    assert areas[0] < areas[1]  # wider for the larger trade
    html = mapview.map_html(m)
    assert "China customs (GACC)" in html and "Outlet A" in html
    assert "the sources disagree" in html
    assert "Trade &lt;b&gt;hit&lt;/b&gt;" in html.replace("\\u0026", "&")
    assert "<b>hit</b>" not in html
    assert "Trade with China, 2024" in html[html.index('class="atlas-legend"') :]


def test_trade_colour_classes():
    assert mapview.trade_colour(0, 100) == mapview.TRADE_CLASSES[0]
    assert mapview.trade_colour(100, 100) == mapview.TRADE_CLASSES[-1]
    assert mapview.trade_colour(5, 0) == mapview.TRADE_CLASSES[0]


def test_seed_build_map_is_small(seed_build):
    from etl import countries

    _, layers = seed_build
    cs = countries.load()
    basemap = mapview.prepare_basemap(zip(cs.iso3, cs.names, cs.geoms, strict=True))
    html = mapview.map_html(mapview.build_map(frames_of(layers), basemap=basemap))
    assert len(html.encode()) < 500_000
    drawn = set(re.findall(r'"fid":"([^"]+)"', html))
    assert drawn == {f["properties"][P_ID] for fs in layers.values() for f in fs}


def test_prepared_basemap_is_clipped_and_simplified():
    from etl import countries

    cs = countries.load()
    basemap = mapview.prepare_basemap(zip(cs.iso3, cs.names, cs.geoms, strict=True))
    assert {"KAZ", "CHN", "UZB", "KGZ", "TJK", "TKM"} <= set(basemap["iso3"])
    assert "USA" not in set(basemap["iso3"]) and "BRA" not in set(basemap["iso3"])
    minx, miny, maxx, maxy = basemap.total_bounds
    bx = mapview.BASEMAP_BBOX
    assert minx >= bx[0] and miny >= bx[1] and maxx <= bx[2] and maxy <= bx[3]
    kaz = shape(basemap[basemap["iso3"] == "KAZ"].geometry.iloc[0].__geo_interface__)
    assert (
        len(
            kaz.exterior.coords
            if kaz.geom_type == "Polygon"
            else max(kaz.geoms, key=lambda g: g.area).exterior.coords
        )
        < 2000
    )


def test_names_and_props_survive_the_frame_round_trip(tiny):
    frames = frames_of(tiny)
    records = mapview._records(frames["pipelines"])
    props = {p[P_ID]: p for p, _ in records}
    assert (
        props["pipelines/gas"][P_CAPACITY] == 30.0
        and props["pipelines/gas"][P_CAPACITY_UNIT] == "bcm/y"
    )
    assert props["pipelines/oil"][P_STATUS] == "proposed"
    assert props["pipelines/gas"][P_SOURCES][0]["doc"] == "a.txt"
    assert all(p.get(P_NAME) and p.get(P_TYPE) and p.get(P_PRECISION) for p in props.values())
