"""The legend (drawn from the same style tables and functions as the features, so the two
never disagree), collapsible over the map, and the map's style sheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from dashboard import styles
from dashboard.map._folium import FOLLOW_OWNER, js_string
from dashboard.map.basemap import SEA
from dashboard.map.labels import LABEL_CSS
from dashboard.map.overlays import CONFLICT_COLOUR, TRADE_CLASSES, TRADE_FLOW_COLOUR, TRADE_OPACITY
from dashboard.map.popups import missing
from etl.schema import P_CAPACITY, P_CAPACITY_UNIT, P_PRECISION, P_TYPE

LINE_TYPE_IDS = (1, 5)  # shapely's LineString and MultiLineString


def capacity_scale_of(layers: Mapping[str, Any], opts: Any) -> dict[str, float] | None:
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
    options: Any,
    columns: int | None = None,
) -> str:
    """The legend of ``build_map(layers, options=options)``: the same types, styles and scales.

    HTML with every label escaped; ``columns`` sets the swatches per row of every section
    (for a narrow panel beside the map). Style it with ``LEGEND_CSS``.
    """
    opts = options
    types: set[str] = set()
    line_types: set[str] = set()
    has_lines = has_points = inferred = areas = False
    unit_kinds: dict[str, set[str]] = {}
    for gdf in layers.values():
        if gdf is None or not len(gdf):
            continue
        is_line = np.isin(shapely.get_type_id(np.asarray(gdf.geometry.values)), LINE_TYPE_IDS)
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
            areas = areas or any(
                not line and p in styles.AREA_PRECISIONS
                for p, line in zip(precise, is_line, strict=True)
            )
        if P_CAPACITY in gdf.columns and P_CAPACITY_UNIT in gdf.columns:
            for cap, unit, kind in zip(
                gdf[P_CAPACITY].tolist(), gdf[P_CAPACITY_UNIT].tolist(), kinds, strict=True
            ):
                if isinstance(unit, str) and unit and not missing(cap):
                    unit_kinds.setdefault(unit, set()).add(str(kind))
    types.discard("")
    scale = capacity_scale_of(layers, opts)
    sections: list = [
        (
            "Type",
            styles.type_entries(types, lines=line_types),
            columns or (3 if len(types) > 10 else 2),
        ),
        (
            "Status and precision",
            styles.status_entries(
                lines=has_lines, points=has_points, inferred=inferred, areas=areas
            ),
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
                "fill", "flow from China (arrow), width by value", TRADE_FLOW_COLOUR, opacity=0.55
            )
        )
        entries.append(
            styles.LegendEntry(
                "line", "sources disagree (hover for the figures)", CONFLICT_COLOUR, dash="6 4"
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


class Legend(MacroElement):
    """The legend in the map's lower left corner, folded by a click on its title
    (``styles.legend_html`` makes it a ``<details>``; its HTML is built and escaped there).

    A Leaflet control of that corner, so Leaflet stacks it above the scale bar: open, it
    never covers the scale or another control (as a box of its own pinned over the map,
    it covered the scale bar). Clicks and scrolls in it stay in it, not on the map.

    Drawn by a script, so that in a feature group it comes and goes with the features it
    describes; folded or open, it stays as the user left it when the filters change.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var owner = {{ this._parent.get_name() }};
            function start(map) {
                var div = L.DomUtil.create('div', 'atlas-legend-float leaflet-control');
                div.innerHTML = {{ this.body_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                var details = div.querySelector('details');
                if (details && map._atlasLegendOpen) details.open = true;
                if (details) details.addEventListener('toggle', function () {
                    map._atlasLegendOpen = details.open;
                });
                var control = L.control({position: 'bottomleft'});
                control.onAdd = function () { return div; };
                control.addTo(map);
                return function () { control.remove(); };
            }
            FOLLOW_OWNER
        })();
        {% endmacro %}
        """.replace("FOLLOW_OWNER", FOLLOW_OWNER)
    )

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "Legend"
        # folded at first over the map (a click on "Legend" opens it); open beside a map
        self.body_js = js_string(
            body.replace('<details class="atlas-legend" open>', '<details class="atlas-legend">', 1)
        )


class Css(MacroElement):
    """The map's style sheet: tooltips, popups, legend, labels, the selected feature."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.sea }}; font: 12px/1.35 system-ui, sans-serif; }
        .atlas-tip { font-size: 12px; }
        .atlas-pop { font-size: 12px; max-height: 300px; overflow-y: auto; }
        .atlas-pop th, .atlas-dossier th { text-align: left; color: #666; font-weight: normal;
            padding-right: 8px; vertical-align: top; }
        .atlas-name { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
        .atlas-h { font-weight: 600; margin-top: 6px; }
        .atlas-q { margin: 3px 0; font-style: italic; }
        .atlas-src { font-style: normal; color: #555; font-size: 11px; }
        .atlas-more, .atlas-ref { color: #555; font-size: 11px; }
        .atlas-conflict { color: #b30000; font-weight: 600; }
        .atlas-agree { color: #1a7f37; font-weight: 600; }
        .atlas-figures { border-collapse: collapse; margin-top: 4px; }
        .atlas-figures td, .atlas-figures th { padding: 1px 6px 1px 0; text-align: left; }
        .atlas-legend-float { background: rgba(255,255,255,0.94); padding: 4px 8px;
            border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 45vh;
            max-width: 340px; overflow-y: auto; font: 11px/1.35 system-ui, sans-serif; }
        .atlas-legend-float summary { cursor: pointer; font-weight: 600; }
        .leaflet-tooltip { max-width: 360px; white-space: normal; }
        .marker-cluster-small, .marker-cluster-medium, .marker-cluster-large {
            background-color: rgba(60, 60, 60, 0.25); }
        .marker-cluster-small div, .marker-cluster-medium div, .marker-cluster-large div {
            background-color: rgba(60, 60, 60, 0.55); color: #fff; }
        {{ this.legend_css }}
        {{ this.label_css }}
        </style>
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasCss"
        self.sea = SEA
        self.legend_css = LEGEND_CSS
        self.label_css = LABEL_CSS
