"""The map as plain Python: GeoDataFrames and options in, a ``folium.Map`` out.

Nothing here touches Streamlit, the disk or the network, so the map can be tested (layers,
styles, escaping, filters) without a server. What keeps a 5,000-feature build responsive:
one ``GeoJson`` per layer (not one element per feature), canvas rendering
(``prefer_canvas``), coordinates rounded to 4 decimals (about 10 m), slim per-feature
properties, and in views of more than ``LARGE_VIEW`` features simplified lines and no
popups (a click selects the feature; the page shows all its properties and sources).
Every string that comes from a text is escaped here, before it reaches HTML: folium
inserts tooltip and popup fields as HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template
from shapely.geometry import mapping

from dashboard import styles
from dashboard.trade import (
    DOC,
    NOTE,
    ORIGIN,
    QUOTE,
    REFERENCE,
    SOURCE,
    VALUE,
    YearView,
    format_usd,
)
from etl.schema import (
    CENTRAL_ASIA,
    CORE_COUNTRIES,
    LAYERS,
    LINE_LAYERS,
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

# --- where Leaflet comes from ---------------------------------------------------------------------


@dataclass(frozen=True)
class Assets:
    """URLs of Leaflet's script and style sheet."""

    js: str
    css: str


#: served by Streamlit from ``dashboard/static/`` (``server.enableStaticServing``): offline
APP_ASSETS = Assets("/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css")
#: folium's own CDN links, for a map saved as a stand-alone HTML file
CDN_ASSETS = Assets(
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
)

# --- options ------------------------------------------------------------------------------------

BASEMAPS: dict[str, str] = {
    "none": "Country outlines only (offline)",
    "osm": "OpenStreetMap tiles (online)",
    "light": "Light grey tiles, Esri (online)",
}
#: tile basemaps that need no API key, as xyzservices names them
_TILES = {"osm": "OpenStreetMap.Mapnik", "light": "Esri.WorldGrayCanvas"}

LAYER_TITLES: dict[str, str] = {layer: layer.replace("_", " ").capitalize() for layer in LAYERS}

#: the part of the world the offline basemap keeps: Europe to the Pacific, the Arctic to India
BASEMAP_BBOX = (-12.0, 0.0, 150.0, 72.0)
BASEMAP_TOLERANCE = 0.08
BASEMAP_GRID = 0.01
#: above this many features, lines are simplified and features have no popup (a click
#: selects the feature, and the page shows its properties and sources)
LARGE_VIEW = 1000
LARGE_VIEW_TOLERANCE = 0.01
COORD_DECIMALS = 4
#: where trade flow lines start: western China, the side that faces Central Asia (lon, lat)
TRADE_ORIGIN = (87.6, 43.8)
TRADE_CLASSES = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")
TRADE_FLOW_COLOUR = "#7a0177"
TRADE_OPACITY = 0.55

# folium embeds GeoJSON with Jinja's ``tojson``; compact separators make the map a fifth
# smaller. The policy belongs to folium's own template environment (shared by its templates).
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "separators": (",", ":"),
}


class _GeoJson(folium.GeoJson):
    """folium's ``GeoJson`` told its bounds (from shapely) instead of walking every coordinate.

    ``st_folium`` asks the map for its bounds on every rerun; for the basemap and a large
    view, folium's pure-Python walk is a large part of the rerun.
    """

    def __init__(self, data: Any, *, bounds: list[list[float]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._bounds = bounds

    def _get_self_bounds(self) -> list[list[float]]:
        return self._bounds


class _Tooltip(folium.Tooltip):
    """folium's ``Tooltip`` with its text passed to Leaflet as a JSON string.

    folium pastes the text into a JavaScript template literal unquoted, so a backtick or a
    ``${...}`` in a quote (``html.escape`` leaves both alone) would end the string or run
    as code when the map loads.
    """

    _template = FoliumTemplate(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                {{ this.text|tojson }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )


def _bounds(geoms: Iterable[Any]) -> list[list[float]]:
    """[[south, west], [north, east]] of shapely geometries (Leaflet's order)."""
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(list(geoms), dtype=object))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


# keys of the slim properties the map embeds for each feature (not contract properties)
K_ID = "fid"
K_TIP = "tip"
K_POP = "pop"
K_STYLE = "style"  # folium reads a feature's style from ``properties.style``


@dataclass(frozen=True)
class MapOptions:
    """How to draw: basemap, overlays and the limits that keep big views fast."""

    basemap: str = "none"
    #: line width and marker size by capacity within each unit
    capacity: bool = False
    #: top of each unit's capacity scale; None means the largest among the features shown
    capacity_scale: Mapping[str, float] | None = None
    #: the trade overlay (choropleth and flows) for one year, or None
    trade: YearView | None = None
    #: the five states, Xinjiang and the Caspian in view
    center: tuple[float, float] = (43.0, 74.0)
    zoom: int = 4
    #: popups on features (None: only in views of at most ``LARGE_VIEW`` features; above, a
    #: click still selects the feature and the page lists its properties and sources)
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


# --- the map -------------------------------------------------------------------------------------


def build_map(
    layers: Mapping[str, Any],
    *,
    basemap: Any | None = None,
    options: MapOptions | None = None,
) -> folium.Map:
    """A folium map of ``layers`` (layer name -> GeoDataFrame of contract properties).

    Each layer becomes one toggleable group in the layer control, in the contract's order,
    lines drawn under points. ``basemap`` is a GeoDataFrame with ``iso3``, ``name`` and
    polygon geometry (see ``prepare_basemap``): the offline country outlines, which the
    trade choropleth also colours.
    """
    opts = options or MapOptions()
    m = folium.Map(
        location=list(opts.center),
        zoom_start=opts.zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        min_zoom=2,
    )
    # the instance's links replace folium's CDN list: only Leaflet is needed, from ``assets``
    m.default_js = [("leaflet", opts.assets.js)]
    m.default_css = [("leaflet_css", opts.assets.css)]
    _Css().add_to(m)
    if opts.basemap in _TILES:
        import xyzservices.providers as xyz

        provider = xyz.query_name(_TILES[opts.basemap])
        folium.TileLayer(provider, control=False).add_to(m)
    if basemap is not None and len(basemap):
        _add_basemap(m, basemap, tinted=opts.basemap in _TILES)

    total = sum(len(gdf) for gdf in layers.values() if gdf is not None)
    large = total > LARGE_VIEW
    tolerance = opts.simplify if opts.simplify is not None else (LARGE_VIEW_TOLERANCE * large)
    popups = opts.popups if opts.popups is not None else not large
    columns = None if popups else _TOOLTIP_COLUMNS
    records = {layer: _records(gdf, columns) for layer, gdf in layers.items()}
    n_sources = opts.popup_sources if popups else None
    scale = _scale(layers, opts)

    trade_groups = _trade_groups(opts.trade, basemap) if opts.trade is not None else []
    for group in trade_groups[:1]:  # the choropleth under the features
        group.add_to(m)

    known = [name for name in LAYERS if name in records] + [n for n in records if n not in LAYERS]
    order = sorted(known, key=lambda name: name not in LINE_LAYERS)  # stable: lines first
    for layer in order:
        group = folium.FeatureGroup(
            name=f"{LAYER_TITLES.get(layer, layer)} ({len(records[layer])})"
        )
        data, geoms = _layer_collection(layer, records[layer], scale, tolerance, n_sources, opts)
        if data["features"]:
            has_points = any(
                f["geometry"]["type"] in ("Point", "MultiPoint") for f in data["features"]
            )
            _GeoJson(
                data,
                bounds=_bounds(geoms),
                name=layer,
                control=False,
                marker=folium.CircleMarker(radius=styles.DEFAULT_RADIUS) if has_points else None,
                tooltip=folium.GeoJsonTooltip(
                    fields=[K_TIP], labels=False, sticky=True, class_name="atlas-tip"
                ),
                popup=folium.GeoJsonPopup(
                    fields=[K_POP],
                    labels=False,
                    localize=False,
                    class_name="atlas-pop",
                    max_width=440,
                )
                if popups
                else None,
                smooth_factor=1.0,
            ).add_to(group)
        group.add_to(m)

    for group in trade_groups[1:]:  # the flows over the features
        group.add_to(m)
    if opts.legend_inside:
        _Legend(map_legend(layers, basemap=basemap is not None, options=opts)).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The map as one HTML page (what ``folium.Map.save`` writes)."""
    return m.get_root().render()


# --- features ------------------------------------------------------------------------------------


def _records(gdf: Any, columns: Iterable[str] | None = None) -> list[tuple[dict[str, Any], Any]]:
    """(properties, geometry) pairs of a GeoDataFrame, with pandas' NaN turned back into None.

    ``columns`` limits the properties read (a large view without popups needs few).
    """
    if gdf is None or len(gdf) == 0:
        return []
    geometry = gdf.geometry.name
    wanted = list(gdf.columns) if columns is None else list(columns)
    cols = [c for c in wanted if c in gdf.columns and c != geometry]
    values = [[_none_if_nan(v) for v in gdf[c].tolist()] for c in cols]
    props = [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]
    if not cols:
        props = [{} for _ in range(len(gdf))]
    return list(zip(props, list(gdf.geometry), strict=True))


_LINE_TYPE_IDS = (1, 5)  # shapely's LineString and MultiLineString

#: what tooltips, styles and the legend read (all a view without popups needs)
_TOOLTIP_COLUMNS = (P_ID, P_NAME, P_TYPE, P_STATUS, P_PRECISION, P_CAPACITY, P_CAPACITY_UNIT)


def _none_if_nan(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


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
    lines = np.isin(shapely.get_type_id(geoms), _LINE_TYPE_IDS) & present
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
        slim = {K_ID: props.get(P_ID), K_TIP: tooltip_html(props), K_STYLE: style}
        if n_sources is not None:
            slim[K_POP] = popup_html(
                props, max_sources=n_sources, quote_chars=opts.quote_chars, titles=opts.titles
            )
        kept.append(geom)
        features.append({"type": "Feature", "geometry": mapping(geom), "properties": slim})
    return {"type": "FeatureCollection", "features": features}, kept


def _e(value: Any) -> str:
    """Escaped text for HTML (also for attribute values)."""
    return html.escape("" if value is None else str(value), quote=True)


def tooltip_html(props: Mapping[str, Any]) -> str:
    """Name, type and status; the feature id on its own line (the map click reads it back)."""
    status = props.get(P_STATUS) or "status unknown"
    return (
        f"<b>{_e(props.get(P_NAME))}</b><br>"
        f"{_e(styles.label(props.get(P_TYPE)))} · {_e(styles.label(status))}"
        f'<br><span class="atlas-id">{_e(props.get(P_ID))}</span>'
    )


def feature_id_from_tooltip(text: str, known: Container[str]) -> str | None:
    """The feature id in a clicked tooltip's text (its own line, see ``tooltip_html``)."""
    for line in reversed((text or "").splitlines()):
        candidate = line.strip()
        if candidate in known:
            return candidate
    return None


def popup_html(
    props: Mapping[str, Any],
    *,
    max_sources: int = 3,
    quote_chars: int = 280,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The feature's properties and up to ``max_sources`` of its sources, all escaped."""
    titles = titles or {}
    rows = [
        ("type", styles.label(props.get(P_TYPE))),
        ("layer", props.get(P_LAYER)),
        ("status", props.get(P_STATUS) or "unknown"),
        ("countries", ", ".join(props.get(P_COUNTRIES) or ()) or None),
        ("capacity", _capacity(props)),
        ("length", _length(props)),
        ("cost", format_usd(props.get(P_COST_USD)) if props.get(P_COST_USD) else None),
        ("dates", _dates(props)),
        ("location", props.get(P_PRECISION)),
        ("confidence", props.get(P_CONFIDENCE)),
        ("mentions", props.get(P_MENTIONS)),
        ("first seen", props.get(P_FIRST_SEEN)),
    ]
    body = "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows if v not in (None, "")
    )
    parts = [f'<div class="atlas-name">{_e(props.get(P_NAME))}</div><table>{body}</table>']
    sources = list(props.get(P_SOURCES) or [])
    if sources:
        shown = sources[:max_sources]
        more = len(sources) - len(shown)
        if shown:
            parts.append(f'<div class="atlas-h">Sources ({len(sources)})</div>')
        for s in shown:
            quote = str(s.get("quote") or "")
            if len(quote) > quote_chars:
                quote = quote[: quote_chars - 1].rstrip() + "…"
            doc = s.get("doc") or ""
            title = titles.get(doc)
            where = f"{doc} · {title}" if title else doc
            parts.append(
                f'<div class="atlas-q">“{_e(quote)}”<div class="atlas-src">'
                f"{_e(where)}{', ' + _e(s.get('date')) if s.get('date') else ''}</div></div>"
            )
        if more:
            what = f"{more} more" if shown else f"{more} source sentence(s)"
            parts.append(
                f'<div class="atlas-more">{what}: click the feature (or its table row) to read'
                " them all below the map</div>"
            )
    refs = [r for r in props.get(P_REFERENCES) or [] if isinstance(r, Mapping)]
    if refs:
        parts.append('<div class="atlas-h">References</div>')
        for r in refs[:4]:
            text = " — ".join(_e(r.get(k)) for k in ("title", "publisher") if r.get(k))
            url = str(r.get("url") or "")
            if url.startswith(("https://", "http://")):
                text = f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'
            parts.append(f'<div class="atlas-ref">{text}</div>')
    return "".join(parts)


def _capacity(props: Mapping[str, Any]) -> str | None:
    cap = props.get(P_CAPACITY)
    if cap is None:
        return None
    return f"{cap:g} {props.get(P_CAPACITY_UNIT) or ''}".strip()


def _length(props: Mapping[str, Any]) -> str | None:
    parts = []
    if props.get(P_LENGTH_KM) is not None:
        parts.append(f"{props[P_LENGTH_KM]:,.0f} km drawn")
    if props.get(P_STATED_LENGTH_KM) is not None:
        parts.append(f"{props[P_STATED_LENGTH_KM]:,.0f} km stated")
    return ", ".join(parts) or None


def _dates(props: Mapping[str, Any]) -> str | None:
    start, end = props.get(P_START_DATE), props.get(P_END_DATE)
    if start and end and end != start:
        return f"{start} to {end}"
    return start or end


# --- basemap -------------------------------------------------------------------------------------


def prepare_basemap(
    countries: Iterable[tuple[str, str, Any]],
    *,
    bbox: tuple[float, float, float, float] = BASEMAP_BBOX,
    tolerance: float = BASEMAP_TOLERANCE,
) -> Any:
    """Country outlines for the offline basemap: clipped to ``bbox``, simplified, on a grid.

    ``countries`` yields ``(iso3, name, polygon)``; the result is a GeoDataFrame with
    ``iso3`` and ``name``. The 3.8 MB Natural Earth file becomes about 150 KB of GeoJSON.
    """
    import geopandas as gpd

    rows = []
    clip = shapely.box(*bbox)
    for iso3, name, geom in countries:
        if geom is None or not geom.intersects(clip):
            continue
        g = shapely.clip_by_rect(geom, *bbox)
        g = shapely.set_precision(
            shapely.simplify(g, tolerance, preserve_topology=True), BASEMAP_GRID
        )
        if g.is_empty:
            continue
        rows.append({"iso3": iso3, "name": name, "geometry": g})
    return gpd.GeoDataFrame(
        rows, columns=["iso3", "name", "geometry"], geometry="geometry", crs="EPSG:4326"
    )


def _add_basemap(m: folium.Map, basemap: Any, *, tinted: bool) -> None:
    core = set(CORE_COUNTRIES)
    features = []
    for iso3, geom in zip(basemap["iso3"], basemap.geometry, strict=True):
        is_core = iso3 in core
        style = {
            "color": "#6b6b6b" if is_core else "#a3a3a3",
            "weight": 1.2 if is_core else 0.6,
            "fillColor": "#f3efe4" if is_core else "#f7f6f2",
            "fillOpacity": 0.12 if tinted else 1.0,
        }
        features.append(
            {"type": "Feature", "geometry": mapping(geom), "properties": {K_STYLE: style}}
        )
    _GeoJson(
        {"type": "FeatureCollection", "features": features},
        bounds=_bounds(basemap.geometry),
        name="Country boundaries (Natural Earth)",
        interactive=False,
        smooth_factor=1.0,
    ).add_to(m)


# --- trade overlay -------------------------------------------------------------------------------


def _trade_groups(view: YearView, basemap: Any | None) -> list[folium.FeatureGroup]:
    """[choropleth, flows] for one year; the choropleth needs the basemap's polygons."""
    top = view.top
    shapes, names = {}, {}
    if basemap is not None:
        for iso, name, g in zip(basemap["iso3"], basemap["name"], basemap.geometry, strict=True):
            if iso in CENTRAL_ASIA:
                shapes[iso], names[iso] = g, name
    fill = folium.FeatureGroup(name=f"Trade with China, {view.year} (states)")
    flows = folium.FeatureGroup(name=f"Trade flows from China, {view.year}")
    features = []
    for iso in CENTRAL_ASIA:
        value = view.value(iso)
        if value is None:
            continue
        tip = trade_tooltip_html(view, iso, name=names.get(iso))
        conflict = view.conflict(iso)
        if iso in shapes:
            style = {
                "color": "#d7301f" if conflict else "#555555",
                "weight": 3 if conflict else 1,
                "dashArray": "6 4" if conflict else None,
                "fillColor": trade_colour(value, top),
                "fillOpacity": TRADE_OPACITY,
            }
            features.append(
                {
                    "type": "Feature",
                    "geometry": mapping(shapes[iso]),
                    "properties": {
                        K_TIP: tip,
                        K_STYLE: {k: v for k, v in style.items() if v is not None},
                    },
                }
            )
            end = shapes[iso].representative_point()
            end_xy = (end.x, end.y)
        else:
            continue
        width = 2 + 12 * (value / top if top else 0)
        folium.PolyLine(
            [(TRADE_ORIGIN[1], TRADE_ORIGIN[0]), (end_xy[1], end_xy[0])],
            color=TRADE_FLOW_COLOUR,
            weight=round(width, 1),
            opacity=0.5,
            dash_array="6 6" if conflict else None,
            interactive=True,
            tooltip=_Tooltip(tip, sticky=True),
        ).add_to(flows)
    if features:
        _GeoJson(
            {"type": "FeatureCollection", "features": features},
            bounds=_bounds(
                shapes[iso] for iso in CENTRAL_ASIA if view.value(iso) is not None and iso in shapes
            ),
            name="trade",
            control=False,
            tooltip=folium.GeoJsonTooltip(
                fields=[K_TIP], labels=False, sticky=True, class_name="atlas-tip"
            ),
        ).add_to(fill)
    return [fill, flows]


def trade_colour(value: float, top: float) -> str:
    """The choropleth class of ``value`` on a scale of five equal steps up to ``top``."""
    if top <= 0:
        return TRADE_CLASSES[0]
    i = min(int(value / top * len(TRADE_CLASSES)), len(TRADE_CLASSES) - 1)
    return TRADE_CLASSES[i]


def trade_tooltip_html(view: YearView, partner: str, *, name: str | None = None) -> str:
    """Every figure for the partner and year, each with where it came from, conflicts flagged."""
    rows = view.figures.get(partner) or []
    shown = view.shown(partner)
    name = name or partner
    parts = [f"<b>{_e(name)} · trade with China, {view.year}</b>"]
    if view.conflict(partner):
        parts.append('<div class="atlas-conflict">⚠ the sources disagree</div>')
    for r in rows:
        mark = " (on the map)" if r is shown else ""
        origin = "China customs / reference table" if r[ORIGIN] == REFERENCE else "corpus"
        line = f"{_e(format_usd(r[VALUE]))} — {_e(origin)}{_e(mark)}: {_e(r[SOURCE])}"
        if r.get(DOC) and r.get(QUOTE):
            quote = str(r[QUOTE])
            quote = quote if len(quote) <= 200 else quote[:199] + "…"
            line += f'<div class="atlas-q">“{_e(quote)}”</div>'
        if r.get(NOTE):
            line += f'<div class="atlas-conflict">{_e(r[NOTE])}</div>'
        parts.append(f"<div>{line}</div>")
    return "".join(parts)


# --- legend and CSS ------------------------------------------------------------------------------


def _scale(layers: Mapping[str, Any], opts: MapOptions) -> dict[str, float] | None:
    """The capacity overlay's scale: given, or the largest capacity per unit in the view."""
    if not opts.capacity:
        return None
    if opts.capacity_scale:
        return dict(opts.capacity_scale)
    pairs = []
    for gdf in layers.values():
        if gdf is None or not len(gdf) or not {P_CAPACITY, P_CAPACITY_UNIT} <= set(gdf.columns):
            continue
        pairs += [
            {P_CAPACITY: c, P_CAPACITY_UNIT: u}
            for c, u in zip(gdf[P_CAPACITY].tolist(), gdf[P_CAPACITY_UNIT].tolist(), strict=True)
        ]
    return styles.capacity_scale(pairs)


def map_legend(
    layers: Mapping[str, Any],
    *,
    basemap: bool = True,
    options: MapOptions | None = None,
    columns: int | None = None,
) -> str:
    """The legend of ``build_map(layers, options=options)``: the same types, styles and scales.

    HTML with every label escaped; ``columns`` sets the swatches per row of every section
    (for a narrow panel beside the map). Style it with ``LEGEND_CSS``.
    """
    opts = options or MapOptions()
    types: set[str] = set()
    line_types: set[str] = set()
    has_lines = has_points = inferred = False
    unit_kinds: dict[str, set[str]] = {}
    for gdf in layers.values():
        if gdf is None or not len(gdf):
            continue
        is_line = np.isin(shapely.get_type_id(np.asarray(gdf.geometry.values)), _LINE_TYPE_IDS)
        kinds = np.where(is_line, "line", "point")
        type_list = [t if isinstance(t, str) else "" for t in gdf[P_TYPE].tolist()]
        types.update(type_list)
        line_types.update(t for t, line in zip(type_list, is_line, strict=True) if line)
        has_lines = has_lines or bool(is_line.any())
        has_points = has_points or bool((~is_line).any())
        if P_PRECISION in gdf.columns:
            precise = gdf[P_PRECISION].tolist()
            inferred = inferred or any(
                line and p == styles.INFERRED for p, line in zip(precise, is_line, strict=True)
            )
        if P_CAPACITY in gdf.columns and P_CAPACITY_UNIT in gdf.columns:
            for cap, unit, kind in zip(
                gdf[P_CAPACITY].tolist(), gdf[P_CAPACITY_UNIT].tolist(), kinds, strict=True
            ):
                if isinstance(unit, str) and unit and _none_if_nan(cap) is not None:
                    unit_kinds.setdefault(unit, set()).add(str(kind))
    types.discard("")
    scale = _scale(layers, opts)
    sections: list = [
        (
            "Type",
            styles.type_entries(types, lines=line_types),
            columns or (3 if len(types) > 10 else 2),
        ),
        (
            "Status and precision",
            styles.status_entries(lines=has_lines, points=has_points, inferred=inferred),
            columns or 2,
        ),
    ]
    if scale:
        sections.append(("Capacity", styles.capacity_entries(scale, unit_kinds), columns or 3))
    if opts.trade is not None:
        top = opts.trade.top
        entries = []
        for i, c in enumerate(TRADE_CLASSES):
            lo, hi = top * i / len(TRADE_CLASSES), top * (i + 1) / len(TRADE_CLASSES)
            entries.append(
                styles.LegendEntry(
                    "fill", f"{lo / 1e9:,.1f}–{hi / 1e9:,.1f} bn USD", c, opacity=TRADE_OPACITY
                )
            )
        entries.append(
            styles.LegendEntry(
                "line", "flow from China, width by value", TRADE_FLOW_COLOUR, weight=6
            )
        )
        entries.append(
            styles.LegendEntry(
                "line", "sources disagree (hover for the figures)", "#d7301f", dash="6 4"
            )
        )
        sections.append((f"Trade with China, {opts.trade.year}", entries, 1))
    footer = "Boundaries: Natural Earth (simplified)." if basemap else ""
    return styles.legend_html(sections, footer=footer)


#: the legend's look, inside the map or on a page beside it
LEGEND_CSS = """
.atlas-legend { font: 11px/1.35 system-ui, sans-serif; color: #222; }
.atlas-legend summary { cursor: pointer; font-weight: 600; }
.atlas-legend-h { font-weight: 600; margin-top: 4px; }
.atlas-legend-grid { display: grid; column-gap: 10px; }
.atlas-legend-row { display: flex; align-items: center; gap: 4px; }
.atlas-legend-f { color: #666; margin-top: 4px; }
"""


class _Legend(MacroElement):
    """A legend block over the map's lower left corner (its HTML is built and escaped above)."""

    _template = Template(
        '{% macro html(this, kwargs) %}<div class="atlas-legend-float">{{ this.body }}</div>'
        "{% endmacro %}"
    )

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body


class _Css(MacroElement):
    legend_css = LEGEND_CSS
    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #c9dde8; font: 12px/1.35 system-ui, sans-serif; }
        .atlas-tip { font-size: 12px; }
        .atlas-id { color: #888; font-size: 10px; }
        .atlas-pop { font-size: 12px; max-height: 320px; overflow-y: auto; }
        .atlas-pop th { text-align: left; color: #666; font-weight: normal; padding-right: 8px; }
        .atlas-name { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
        .atlas-h { font-weight: 600; margin-top: 6px; }
        .atlas-q { margin: 3px 0; font-style: italic; }
        .atlas-src { font-style: normal; color: #555; font-size: 11px; }
        .atlas-more, .atlas-ref { color: #555; font-size: 11px; }
        .atlas-conflict { color: #b30000; font-weight: 600; }
        .atlas-legend-float { position: fixed; left: 10px; bottom: 28px; z-index: 1000;
            background: rgba(255,255,255,0.92); padding: 4px 8px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 42%; max-width: 62%;
            overflow-y: auto; }
        {{ this.legend_css }}
        </style>
        {% endmacro %}
        """
    )
