"""The map as plain Python: GeoDataFrames and options in, a ``folium.Map`` out.

Nothing here touches Streamlit, the disk or the network, so the map can be tested (layers,
styles, escaping, filters) without a server. What keeps a large build responsive: one
``GeoJson`` per layer (not one element per feature), canvas rendering, coordinates rounded
to 4 decimals (about 10 m), slim per-feature properties, and in views of more than
``LARGE_VIEW`` features simplified lines, no popups and no feature names.

Each feature carries its id (``fid``) in its properties; a click hands the clicked
feature's properties back to the page, which selects it by that id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
import shapely
from folium.plugins import MarkerCluster
from shapely.geometry import mapping

from dashboard import styles
from dashboard.map import _folium, overlays
from dashboard.map import basemap as basemap_mod
from dashboard.map import labels as labels_mod
from dashboard.map._folium import GeoJson, bounds_of
from dashboard.map.control import Group, LayerControl
from dashboard.map.legend import LINE_TYPE_IDS, Css, Legend, capacity_scale_of, map_legend
from dashboard.map.popups import missing, popup_html, tooltip_html
from dashboard.map.view import View
from dashboard.trade import YearView
from etl.schema import (
    LAYERS,
    LINE_LAYERS,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_ID,
    P_NAME,
    P_PRECISION,
    P_STATUS,
    P_TYPE,
    PLACES,
)

_folium.apply()


@dataclass(frozen=True)
class Assets:
    """URLs of Leaflet's and the cluster plugin's scripts and style sheets."""

    js: str
    css: str
    cluster_js: str = ""
    cluster_css: tuple[str, ...] = ()


#: served by Streamlit from ``dashboard/static/`` (``server.enableStaticServing``): offline
APP_ASSETS = Assets(
    "/app/static/leaflet/leaflet.js",
    "/app/static/leaflet/leaflet.css",
    "/app/static/markercluster/leaflet.markercluster.js",
    (
        "/app/static/markercluster/MarkerCluster.css",
        "/app/static/markercluster/MarkerCluster.Default.css",
    ),
)
#: the CDN links, for a map saved as a stand-alone HTML file
CDN_ASSETS = Assets(
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
    "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    (
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    ),
)

LAYER_TITLES: dict[str, str] = {layer: layer.replace("_", " ").capitalize() for layer in LAYERS}

#: above this many features, lines are simplified and features have no popup and no name
LARGE_VIEW = 1000
LARGE_VIEW_TOLERANCE = 0.01
COORD_DECIMALS = 4
#: the default view: the Caspian to Gansu, the Hindu Kush to the Kazakh steppe
#: ([[south, west], [north, east]])
DEFAULT_BOUNDS = ((35.0, 50.0), (52.0, 92.0))
#: a fit to a few features or one never zooms in further than this
MAX_FIT_ZOOM = 9
#: points closer than this on screen (pixels) gather into a cluster, until this zoom
CLUSTER_RADIUS_PX = 24
CLUSTER_UNTIL_ZOOM = 8

# keys of the slim properties the map embeds for each feature (not contract properties)
K_ID = "fid"
K_TIP = "tip"
K_POP = "pop"
K_STYLE = "style"  # folium reads a feature's style from ``properties.style``

#: what tooltips, styles and the legend read (all a view without popups needs)
_TOOLTIP_COLUMNS = (P_ID, P_NAME, P_TYPE, P_STATUS, P_PRECISION, P_CAPACITY, P_CAPACITY_UNIT)


@dataclass(frozen=True)
class MapOptions:
    """How to draw: basemap, overlays, the view, and the limits that keep big views fast."""

    basemap: str = "none"
    #: line width and marker size by capacity within each unit
    capacity: bool = False
    #: top of each unit's capacity scale; None means the largest among the features shown
    capacity_scale: Mapping[str, float] | None = None
    #: the trade overlay (choropleth and flows) for one year, or None
    trade: YearView | None = None
    #: an explicit view (centre as (lat, lon), zoom), e.g. from a shared link
    center: tuple[float, float] | None = None
    zoom: float | None = None
    #: otherwise the map fits these bounds ([[south, west], [north, east]])
    fit: Sequence[Sequence[float]] | None = None
    #: the selected feature: drawn with a halo
    selected: str | None = None
    #: popups on features (None: only in views of at most ``LARGE_VIEW`` features)
    popups: bool | None = None
    #: sources quoted in a popup
    popup_sources: int = 3
    quote_chars: int = 280
    #: line simplification tolerance in degrees (None: automatic by the view's size)
    simplify: float | None = None
    assets: Assets = APP_ASSETS
    #: draw the legend over the map (a page can show ``map_legend`` beside it instead)
    legend_inside: bool = True
    #: document titles for popups, by document path
    titles: Mapping[str, str] = field(default_factory=dict)
    #: names of countries and cities (``labels.Label``), shown by zoom
    labels: Sequence[Any] = ()
    #: features' names at closer zooms
    feature_labels: bool = True
    #: overlapping points gather into clusters at low zoom
    cluster: bool = True
    #: parallel lines of one corridor drawn side by side
    offsets: bool = True
    #: stores a layer's GeoJSON (bytes) where the browser can fetch and cache it, and
    #: returns its URL; None inlines the layers in the page
    data_url: Callable[[bytes], str] | None = None
    #: what identifies the features' properties (the build's stamp): given, each feature's
    #: drawn form (tooltip, popup, style, rounded geometry) is made once and remembered, so
    #: a rerun after a filter change only picks the features out
    cache_key: str | None = None
    #: names the view (``center`` and ``zoom``, or ``fit``): a map that keeps its page
    #: across reruns moves only when this changes, so a redraw for the time slider or an
    #: overlay leaves it where the user put it
    view_key: str = ""


@dataclass(frozen=True)
class MapParts:
    """A map in two parts. ``base`` is the same whatever the filters (the map, its offline
    basemap, the place names, the style sheet): the page draws it once. ``groups`` and
    ``control`` hold the features and everything that follows them (the selected feature's
    halo, the overlays, the features' names, the legend, where the map looks): the page
    swaps them when the filters change, without reloading the map
    (``st_folium(base, feature_group_to_add=groups, layer_control=control)``).
    """

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: LayerControl


def build_map(
    layers: Mapping[str, Any],
    *,
    basemap: Any | None = None,
    options: MapOptions | None = None,
) -> folium.Map:
    """A folium map of ``layers`` (layer name -> GeoDataFrame of contract properties): the
    two parts of ``build_parts`` in one map (a page of its own, e.g. for ``map_html``)."""
    parts = build_parts(layers, basemap=basemap, options=options)
    for group in parts.groups:
        group.add_to(parts.base)
    parts.control.add_to(parts.base)
    return parts.base


def build_parts(
    layers: Mapping[str, Any],
    *,
    basemap: Any | None = None,
    options: MapOptions | None = None,
) -> MapParts:
    """The map of ``layers`` as a base that filters never change and groups that they do.

    Each layer becomes one toggleable group in the layer control (collapsed), in the
    contract's order, lines drawn under points. ``basemap`` is a GeoDataFrame with
    ``iso3``, ``name`` and polygon geometry (see ``prepare_basemap``): the offline country
    outlines, which the trade choropleth also colours.
    """
    opts = options or MapOptions()
    m = _base(basemap, opts)

    total = sum(len(gdf) for gdf in layers.values() if gdf is not None)
    large = total > LARGE_VIEW
    tolerance = opts.simplify if opts.simplify is not None else (LARGE_VIEW_TOLERANCE * large)
    popups = opts.popups if opts.popups is not None else not large
    columns = None if popups else _TOOLTIP_COLUMNS
    n_sources = opts.popup_sources if popups else None
    scale = capacity_scale_of(layers, opts)

    groups: list[folium.FeatureGroup] = []
    trade_groups = overlays.trade_groups(opts.trade, basemap) if opts.trade is not None else []
    groups += trade_groups[:1]  # the choropleth under the features

    known = [name for name in LAYERS if name in layers] + [n for n in layers if n not in LAYERS]
    order = sorted(known, key=lambda name: name not in LINE_LAYERS)  # stable: lines first
    collections = {
        layer: _collection(layer, layers[layer], columns, scale, tolerance, n_sources, opts)
        for layer in order
    }
    if opts.offsets:
        _set_offsets(collections)
    halo = _selected(collections, opts.selected)
    if halo is not None:
        groups.append(folium.FeatureGroup(name="selected", control=False))
        halo.add_to(groups[-1])
    for layer in order:
        group = Group(f"{LAYER_TITLES.get(layer, layer)} ({_count(layers[layer])})", key=layer)
        data, geoms = collections[layer]
        if data["features"]:
            has_points = any(
                f["geometry"]["type"] in ("Point", "MultiPoint") for f in data["features"]
            )
            parent = group
            if has_points and opts.cluster and opts.assets.cluster_js:
                parent = _cluster(opts.assets).add_to(group)
            GeoJson(
                data,
                bounds=bounds_of(geoms),
                url=opts.data_url(geojson_bytes(data)) if opts.data_url else None,
                name=layer,
                control=False,
                marker=folium.CircleMarker(radius=styles.DEFAULT_RADIUS) if has_points else None,
                tooltip=folium.GeoJsonTooltip(
                    fields=[K_TIP],
                    labels=False,
                    sticky=True,
                    class_name="atlas-tip",
                    direction="auto",
                ),
                popup=folium.GeoJsonPopup(
                    fields=[K_POP],
                    labels=False,
                    localize=False,
                    class_name="atlas-pop",
                    max_width=420,
                    auto_pan_padding_top_left=[60, 20],
                    auto_pan_padding_bottom_right=[20, 20],
                    keep_in_view=True,
                )
                if popups
                else None,
                smooth_factor=1.0,
            ).add_to(parent)
            # places are named by the basemap's city and country labels already; the names
            # are in the layer's group, so they go when the user switches the layer off
            if opts.feature_labels and not large and layer != PLACES:
                names = labels_mod.feature_labels(
                    ((f["properties"], g) for f, g in zip(data["features"], geoms, strict=True)),
                    K_NAME,
                )
                if names:
                    labels_mod.Labels(names).add_to(group)
        groups.append(group)
    groups += trade_groups[1:]  # the flows over the features

    # what follows the features but is no layer of its own: the legend, the view
    extras = folium.FeatureGroup(name="atlas", control=False)
    if opts.legend_inside:
        Legend(map_legend(layers, basemap=basemap is not None, options=opts)).add_to(extras)
    _view(opts).add_to(extras)
    groups.append(extras)
    return MapParts(m, groups, LayerControl(collapsed=True, position="topright"))


def _base(basemap: Any | None, opts: MapOptions) -> folium.Map:
    """The part of the map no filter changes: nothing in it depends on the features."""
    m = folium.Map(
        location=[43.5, 71.0],
        zoom_start=5,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    # folium passes its min/max zoom to tiles only; the map needs them (the cluster plugin
    # fails without a top zoom)
    m.options.update(min_zoom=2, max_zoom=18, zoom_snap=0.25, zoom_delta=0.5)
    # the instance's links replace folium's CDN list: only Leaflet is needed, from
    # ``assets``, and the cluster plugin, loaded with the map even when the first view has
    # no points (the page loads scripts only once, with the map)
    m.default_js = [("leaflet", opts.assets.js)]
    m.default_css = [("leaflet_css", opts.assets.css)]
    if opts.cluster and opts.assets.cluster_js:
        m.default_js.append(("markerclusterjs", opts.assets.cluster_js))
        m.default_css += [
            (f"markerclustercss{i}", u) for i, u in enumerate(opts.assets.cluster_css)
        ]
    Css().add_to(m)
    overlays.LineOffset().add_to(m)
    basemap_mod.add_tiles(m, opts.basemap)
    if basemap is not None and len(basemap):
        basemap_mod.add_basemap(
            m, basemap, tinted=opts.basemap in basemap_mod.TILES, data_url=opts.data_url
        )
    labels_mod.LabelScript().add_to(m)  # before any labels: the place names, the features'
    if opts.labels:
        rows, body = labels_mod.rows_of(opts.labels)
        url = opts.data_url(body) if opts.data_url and rows else None
        labels_mod.Labels(rows=rows, url=url).add_to(m)
    # every map opens on the region, the groups' view element then moves it; not with
    # folium's animated fit_bounds: a zoom still animating would end on the region again
    View(key="opening", fit=DEFAULT_BOUNDS, max_zoom=MAX_FIT_ZOOM).add_to(m)
    return m


def _view(opts: MapOptions) -> View:
    if opts.center is not None and opts.zoom is not None:
        return View(key=opts.view_key, center=opts.center, zoom=opts.zoom)
    return View(key=opts.view_key, fit=opts.fit or DEFAULT_BOUNDS, max_zoom=MAX_FIT_ZOOM)


def geojson_bytes(data: Mapping[str, Any]) -> bytes:
    """A layer's GeoJSON as the browser fetches it (compact; the same data gives the same
    bytes, so the file's name can be its hash)."""
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def map_html(m: folium.Map) -> str:
    """The map as one HTML page (what ``folium.Map.save`` writes)."""
    return m.get_root().render()


def legend_of(
    layers: Mapping[str, Any],
    *,
    basemap: bool = True,
    options: MapOptions | None = None,
    columns: int | None = None,
) -> str:
    """``legend.map_legend`` with the default options."""
    return map_legend(layers, basemap=basemap, options=options or MapOptions(), columns=columns)


def bounds_of_features(features: Iterable[Mapping[str, Any]]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of GeoJSON features, or None when there are none."""
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features if f.get("geometry")]
    geoms = [g for g in geoms if not g.is_empty]
    if not geoms:
        return None
    return bounds_of(geoms)


# --- features ------------------------------------------------------------------------------------

K_NAME = "name"  # the feature's name, for its label (slim property)


def _cluster(assets: Assets) -> MarkerCluster:
    mc = MarkerCluster(
        control=False,
        options={
            "maxClusterRadius": CLUSTER_RADIUS_PX,
            "disableClusteringAtZoom": CLUSTER_UNTIL_ZOOM,
            "showCoverageOnHover": False,
            "spiderfyOnMaxZoom": False,
            # every point stays on the map once clustering stops (it is all one canvas)
            "removeOutsideVisibleBounds": False,
        },
    )
    # instance links (folium's class-level list points at a CDN)
    mc.default_js = [("markerclusterjs", assets.cluster_js)]
    mc.default_css = [(f"markerclustercss{i}", u) for i, u in enumerate(assets.cluster_css)]
    return mc


def _records(gdf: Any, columns: Iterable[str] | None = None) -> list[tuple[dict[str, Any], Any]]:
    """(properties, geometry) pairs of a GeoDataFrame, with pandas' NaN turned back into None.

    ``columns`` limits the properties read (a large view without popups needs few).
    """
    if gdf is None or len(gdf) == 0:
        return []
    geometry = gdf.geometry.name
    wanted = list(gdf.columns) if columns is None else list(columns)
    cols = [c for c in wanted if c in gdf.columns and c != geometry]
    values = [
        [None if missing(v) and not isinstance(v, (list, str)) else v for v in gdf[c].tolist()]
        for c in cols
    ]
    props = [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]
    if not cols:
        props = [{} for _ in range(len(gdf))]
    return list(zip(props, list(gdf.geometry), strict=True))


def _count(gdf: Any) -> int:
    return 0 if gdf is None else len(gdf)


#: drawn features remembered per (cache key, how they are drawn): id -> (feature,
#: geometry), or None for a feature without a geometry
_DRAWN: dict[tuple, dict[str, tuple[dict[str, Any], Any] | None]] = {}
_DRAWN_VARIANTS = 8


def _collection(
    layer: str,
    gdf: Any,
    columns: Iterable[str] | None,
    scale: Mapping[str, float] | None,
    tolerance: float,
    n_sources: int | None,
    opts: MapOptions,
) -> tuple[dict[str, Any], list[Any]]:
    """``_layer_collection`` of the layer's rows, made only for the features not drawn the
    same way before (with ``opts.cache_key``). Each feature gets its own copy of its
    properties: offsets are set on them afterwards."""
    if opts.cache_key is None or gdf is None or len(gdf) == 0:
        return _layer_collection(layer, _records(gdf, columns), scale, tolerance, n_sources, opts)
    variant = (  # not the layer: a feature's id names its layer
        opts.cache_key, columns is None, tuple(sorted((scale or {}).items())),
        tolerance, n_sources, opts.quote_chars,
    )  # fmt: skip
    memo = _DRAWN.get(variant)
    if memo is None:
        if len(_DRAWN) >= _DRAWN_VARIANTS:
            _DRAWN.clear()
        memo = _DRAWN[variant] = {}
    ids = gdf[P_ID].tolist()
    todo = [i for i, fid in enumerate(ids) if fid not in memo]
    if todo:
        data, kept = _layer_collection(
            layer, _records(gdf.iloc[todo], columns), scale, tolerance, n_sources, opts
        )
        made = {f["properties"][K_ID]: (f, g) for f, g in zip(data["features"], kept, strict=True)}
        for i in todo:
            memo[ids[i]] = made.get(ids[i])
    features, geoms = [], []
    for fid in ids:
        hit = memo[fid]
        if hit is not None:
            f, g = hit
            features.append({**f, "properties": dict(f["properties"])})
            geoms.append(g)
    return {"type": "FeatureCollection", "features": features}, geoms


def _layer_collection(
    layer: str,
    records: list[tuple[dict[str, Any], Any]],
    scale: Mapping[str, float] | None,
    tolerance: float,
    n_sources: int | None,
    opts: MapOptions,
) -> tuple[dict[str, Any], list[Any]]:
    """The layer's features with slim properties, and their (simplified) geometries.

    ``n_sources`` is how many sources a popup quotes; None means no popup at all.
    """
    geoms = np.array([g for _, g in records], dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lines = np.isin(shapely.get_type_id(geoms), LINE_TYPE_IDS) & present
    if tolerance > 0 and lines.any():
        geoms[lines] = shapely.simplify(geoms[lines], tolerance, preserve_topology=False)
    if present.any():
        geoms[present] = shapely.transform(geoms[present], lambda xy: np.round(xy, COORD_DECIMALS))
    features, kept = [], []
    for (props, _), geom, ok, is_line in zip(records, geoms, present, lines, strict=True):
        if not ok:
            continue
        style = (
            styles.line_style(props, scale=scale)
            if is_line
            else styles.point_style(props, layer, scale=scale)
        )
        slim = {
            K_ID: props.get(P_ID),
            K_NAME: props.get(P_NAME),
            K_TIP: tooltip_html(props),
            K_STYLE: style,
        }
        if n_sources is not None:
            slim[K_POP] = popup_html(
                props, max_sources=n_sources, quote_chars=opts.quote_chars, titles=opts.titles
            )
        kept.append(geom)
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": slim})
    return {"type": "FeatureCollection", "features": features}, kept


def _set_offsets(collections: Mapping[str, tuple[dict[str, Any], list[Any]]]) -> None:
    """Give lines that share a corridor (across line layers) their screen offsets."""
    refs, geoms, weights = [], [], []
    for data, kept in collections.values():
        for f, g in zip(data["features"], kept, strict=True):
            if g.geom_type in ("LineString", "MultiLineString"):
                refs.append(f)
                geoms.append(g)
                weights.append(float(f["properties"][K_STYLE].get("weight") or 3))
    for f, off in zip(refs, overlays.parallel_offsets(geoms, weights), strict=True):
        if off:
            f["properties"][K_STYLE] = {**f["properties"][K_STYLE], "offset": off}


def _selected(collections: Mapping[str, tuple[dict[str, Any], list[Any]]], fid: str | None) -> Any:
    if not fid:
        return None
    for data, kept in collections.values():
        for f, g in zip(data["features"], kept, strict=True):
            if f["properties"][K_ID] == fid:
                return overlays.highlight(g, f["properties"][K_STYLE])
    return None
