"""What is drawn over the features or beside them: the trade overlay (a choropleth and
directed flows), parallel lines of one system set apart, and the selected feature's halo.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from dashboard.map._folium import GeoJson, Tooltip, bounds_of
from dashboard.map.control import Group
from dashboard.map.popups import e, text
from dashboard.trade import DOC, NOTE, ORIGIN, QUOTE, REFERENCE, SOURCE, VALUE, YearView, format_usd
from etl.schema import CENTRAL_ASIA

# --- trade ---------------------------------------------------------------------------------------

#: where trade flows start: western China, the side that faces Central Asia (lon, lat)
TRADE_ORIGIN = (87.6, 43.8)
#: OrRd without its palest step, so the palest class stands apart from the pale basemap
TRADE_CLASSES = ("#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000")
#: teal: apart from every project colour (railways are purple, corridors green)
TRADE_FLOW_COLOUR = "#00838f"
TRADE_OPACITY = 0.7
CONFLICT_COLOUR = "#d7301f"


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
    parts = [f"<b>{e(name)} · trade with China, {view.year}</b>"]
    if view.conflict(partner):
        parts.append('<div class="atlas-conflict">⚠ the sources disagree</div>')
    for r in rows:
        mark = " (on the map)" if r is shown else ""
        origin = "China customs / reference table" if r[ORIGIN] == REFERENCE else "corpus"
        line = f"{e(format_usd(r[VALUE]))} — {e(origin)}{e(mark)}: {e(r[SOURCE])}"
        quote = text(r.get(QUOTE))
        if text(r.get(DOC)) and quote:
            quote = quote if len(quote) <= 200 else quote[:199] + "…"
            line += f'<div class="atlas-q">“{e(quote)}”</div>'
        if text(r.get(NOTE)):
            line += f'<div class="atlas-conflict">{e(r[NOTE])}</div>'
        parts.append(f"<div>{line}</div>")
    return "".join(parts)


def flow_arrow(
    start: tuple[float, float], end: tuple[float, float], width: float
) -> list[tuple[float, float]]:
    """A tapering arrow from ``start`` to ``end`` (lon, lat), as a ring of (lat, lon).

    ``width`` is the arrow's width at its start, in degrees of latitude; the shaft narrows
    towards the head, so the direction reads without the head too.
    """
    lat0 = math.radians((start[1] + end[1]) / 2)
    kx = math.cos(lat0)  # a degree of longitude is shorter than one of latitude
    x0, y0, x1, y1 = start[0] * kx, start[1], end[0] * kx, end[1]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    head = min(length * 0.25, max(width * 1.6, 0.5))
    bx, by = x1 - ux * head, y1 - uy * head
    w0, w1, wing = width / 2, width / 4, width / 4 + head * 0.45
    pts = [
        (x0 + nx * w0, y0 + ny * w0),
        (bx + nx * w1, by + ny * w1),
        (bx + nx * wing, by + ny * wing),
        (x1, y1),
        (bx - nx * wing, by - ny * wing),
        (bx - nx * w1, by - ny * w1),
        (x0 - nx * w0, y0 - ny * w0),
    ]
    return [(round(y, 4), round(x / kx, 4)) for x, y in pts]


def trade_groups(view: YearView, basemap: Any | None) -> list[folium.FeatureGroup]:
    """[choropleth, flows] for one year; the choropleth needs the basemap's polygons."""
    top = view.top
    shapes, names = {}, {}
    if basemap is not None:
        for iso, name, g in zip(basemap["iso3"], basemap["name"], basemap.geometry, strict=True):
            if iso in CENTRAL_ASIA:
                shapes[iso], names[iso] = g, name
    fill = Group(f"Trade with China, {view.year} (states)", key="trade_states")
    flows = Group(f"Trade flows from China, {view.year}", key="trade_flows")
    features = []
    for iso in CENTRAL_ASIA:
        value = view.value(iso)
        if value is None or iso not in shapes:
            continue
        tip = trade_tooltip_html(view, iso, name=names.get(iso))
        conflict = view.conflict(iso)
        style = {
            "color": CONFLICT_COLOUR if conflict else "#555555",
            "weight": 3 if conflict else 1,
            "dashArray": "6 4" if conflict else None,
            "fillColor": trade_colour(value, top),
            "fillOpacity": TRADE_OPACITY,
        }
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shapes[iso]),
                "properties": {"tip": tip, "style": {k: v for k, v in style.items() if v}},
            }
        )
        end = shapes[iso].representative_point()
        width = 0.15 + 1.1 * (value / top if top else 0)
        folium.Polygon(
            flow_arrow(TRADE_ORIGIN, (end.x, end.y), width),
            color=CONFLICT_COLOUR if conflict else TRADE_FLOW_COLOUR,
            weight=1.5,
            fill=True,
            fill_color=TRADE_FLOW_COLOUR,
            fill_opacity=0.55,
            dash_array="6 4" if conflict else None,
            class_name="atlas-flow",
            tooltip=Tooltip(tip, sticky=True, direction="auto"),
        ).add_to(flows)
    if features:
        GeoJson(
            {"type": "FeatureCollection", "features": features},
            bounds=bounds_of(shapes[iso] for iso in CENTRAL_ASIA if iso in shapes),
            name="trade",
            control=False,
            tooltip=folium.GeoJsonTooltip(
                fields=["tip"], labels=False, sticky=True, class_name="atlas-tip"
            ),
        ).add_to(fill)
    return [fill, flows]


# --- parallel lines ------------------------------------------------------------------------------

#: lines this close everywhere (degrees, Hausdorff distance) run in one corridor
PARALLEL_TOLERANCE = 0.15
#: lines are compared within cells of this size (degrees) around their bounding boxes
PARALLEL_CELL = 0.5
PARALLEL_GAP_PX = 2.0


def parallel_offsets(geoms: Sequence[Any], weights: Sequence[float]) -> list[float]:
    """Screen offsets (pixels) that set apart lines drawn along the same corridor.

    Lines whose every point lies within ``PARALLEL_TOLERANCE`` of the other (gas Lines A,
    B and C) form a group; a group of n lines is spread symmetrically about the route, one
    line width plus a gap apart, so each can be seen, hovered and clicked. A line drawn the
    other way round gets the opposite sign (the offset is to the left of its direction).
    Candidates are only compared within the same rounded bounding box, so a build of
    20,000 lines costs a few milliseconds.
    """
    n = len(geoms)
    offsets = [0.0] * n
    if n < 2:
        return offsets
    arr = np.asarray(geoms, dtype=object)
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    bounds = shapely.bounds(np.where(ok, arr, shapely.Point(0, 0)))
    keys: dict[tuple, list[int]] = {}
    for i in np.flatnonzero(ok):
        key = tuple(np.round(bounds[i] / PARALLEL_CELL).astype(int))
        keys.setdefault(key, []).append(int(i))
    for members in keys.values():
        if len(members) < 2:
            continue
        groups: list[list[int]] = []
        for i in members:
            for g in groups:
                if shapely.hausdorff_distance(arr[g[0]], arr[i]) <= PARALLEL_TOLERANCE:
                    g.append(i)
                    break
            else:
                groups.append([i])
        for g in groups:
            if len(g) < 2:
                continue
            gap = max(weights[i] for i in g) + PARALLEL_GAP_PX
            first = _start(arr[g[0]])
            for rank, i in enumerate(g):
                off = (rank - (len(g) - 1) / 2) * gap
                same_way = _start(arr[i]).distance(first) <= _end(arr[i]).distance(first)
                offsets[i] = round(off if same_way else -off, 1)
    return offsets


def _start(g: Any) -> Any:
    line = g.geoms[0] if hasattr(g, "geoms") else g
    return shapely.Point(line.coords[0])


def _end(g: Any) -> Any:
    line = g.geoms[-1] if hasattr(g, "geoms") else g
    return shapely.Point(line.coords[-1])


class LineOffset(MacroElement):
    """Teaches Leaflet's polylines an ``offset`` option: the line drawn that many pixels to
    the left of its direction, at every zoom (the hit area follows, so a click reaches it).

    Installed once per page, before the layers are drawn.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            if (L.Polyline.prototype._atlasOffset) return;
            function shift(pts, d) {
                var n = pts.length, normals = [], out = [], i;
                if (n < 2) return pts;
                for (i = 0; i < n - 1; i++) {
                    var dx = pts[i + 1].x - pts[i].x, dy = pts[i + 1].y - pts[i].y;
                    var len = Math.sqrt(dx * dx + dy * dy) || 1;
                    normals.push([dy / len, -dx / len]);
                }
                for (i = 0; i < n; i++) {
                    var a = normals[Math.max(i - 1, 0)], b = normals[Math.min(i, n - 2)];
                    var nx = a[0] + b[0], ny = a[1] + b[1];
                    var l = Math.sqrt(nx * nx + ny * ny);
                    if (l < 1e-6) { nx = b[0]; ny = b[1]; l = 1; }
                    nx /= l; ny /= l;
                    var k = d / Math.max(nx * b[0] + ny * b[1], 0.5);
                    out.push(L.point(pts[i].x + nx * k, pts[i].y + ny * k));
                }
                return out;
            }
            var clip = L.Polyline.prototype._clipPoints;
            L.Polyline.prototype._clipPoints = function () {
                clip.call(this);
                var d = this.options.offset;
                if (!d || this instanceof L.Polygon) return;
                this._parts = this._parts.map(function (p) { return shift(p, d); });
            };
            // the hit test first checks the line's pixel bounds: widen them by the offset
            var project = L.Polyline.prototype._project;
            L.Polyline.prototype._project = function () {
                project.call(this);
                var d = Math.abs(this.options.offset || 0);
                if (d && this._pxBounds) {
                    this._pxBounds = L.bounds(this._pxBounds.min.subtract(L.point(d, d)),
                                              this._pxBounds.max.add(L.point(d, d)));
                }
            };
            L.Polyline.prototype._atlasOffset = true;
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasLineOffset"


# --- the selected feature ------------------------------------------------------------------------

HIGHLIGHT_COLOUR = "#ffd400"


def highlight(geom: Any, style: dict[str, Any]) -> GeoJson:
    """A bright halo under the selected feature (not interactive: clicks reach the feature)."""
    is_line = geom.geom_type in ("LineString", "MultiLineString")
    halo = {
        "color": HIGHLIGHT_COLOUR,
        "weight": float(style.get("weight") or 3) + 9,
        "opacity": 0.85,
        "fill": not is_line,
        "fillColor": HIGHLIGHT_COLOUR,
        "fillOpacity": 0.6,
    }
    if style.get("offset"):
        halo["offset"] = style["offset"]
    radius = float(style.get("radius") or 6) + 7
    return GeoJson(
        {"type": "Feature", "geometry": mapping(geom), "properties": {"style": halo}},
        bounds=bounds_of([geom]),
        name="selected",
        control=False,
        interactive=False,
        marker=folium.CircleMarker(radius=radius) if not is_line else None,
    )
