"""How features look: a colour per type, line and marker styles by status and precision,
sizes by capacity, and the legend that explains them.

Pure functions of feature properties, so the map and its legend can never disagree: the
legend is drawn from the same tables and functions that style the features.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from etl.schema import (
    CAPACITY_UNITS,
    LAYER_OF_TYPE,
    LAYERS,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_PRECISION,
    P_STATUS,
    P_TYPE,
    PLACES,
    PLANNED_STATUSES,
)

#: one colour per project or place type (ColorBrewer-like, readable on a pale basemap)
_TYPE_COLOURS: dict[str, str] = {
    # pipelines
    "gas_pipeline": "#e6550d",
    "oil_pipeline": "#54301a",
    "pipeline": "#a0522d",
    # railways, roads, corridors
    "railway": "#6a3d9a",
    "highway": "#c51b7d",
    "road": "#de77ae",
    "tunnel": "#7f2704",
    "corridor": "#1b9e77",
    "ferry": "#1f78b4",
    # power lines
    "transmission_line": "#fec44f",
    # facilities
    "power_plant": "#d4a000",
    "hydropower_plant": "#0868ac",
    "refinery": "#4d4d4d",
    "gas_processing_plant": "#fd8d3c",
    "dry_port": "#31a354",
    "seaport": "#08519c",
    "gas_field": "#f16913",
    "oil_field": "#3f2a1d",
    "wind_farm": "#41ab5d",
    "solar_farm": "#e3b505",
    "industrial_park": "#756bb1",
    "logistics_centre": "#74c476",
    "cooperation_centre": "#9e9ac8",
    "mine": "#8c6d31",
    "smelter": "#b15928",
    "cement_plant": "#8e8e6e",
    "chemical_plant": "#7b3294",
    "coal_power_plant": "#1a1a1a",
    "processing_plant": "#c2a5cf",
    # places
    "city": "#252525",
    "border_crossing": "#e7298a",
    "region": "#969696",
    "country": "#737373",
    "water_body": "#4292c6",
    "continent": "#bdbdbd",
    # places of the regional supplement (geodata/places_supplement.csv)
    "pass": "#dd3497",
    "station": "#54278f",
    "field": "#bf812d",  # oil and gas fields of the supplement (ochre)
    # partnerships and events
    "sister_cities": "#f768a1",
    "agreement": "#984ea3",
    "summit": "#e41a1c",
    "meeting": "#ff7f00",
    "forum": "#a65628",
}
FALLBACK_COLOUR = "#555555"

#: statuses drawn faded: the project exists on paper or in the past, not in use
INACTIVE_STATUSES = frozenset({"shelved", "cancelled", "idle", "mothballed", "retired"})
INFERRED = "inferred"

#: points that stand for an area (contract ``precision``), and how they are drawn
AREA_PRECISIONS = frozenset({"region", "country"})
AREA_TYPES = frozenset({"region", "country"})
AREA_RADIUS = 11.0
AREA_DASH = "3 3"

LINE_WEIGHT = 3.0
PLANNED_DASH = "8 6"
INFERRED_DASH = "2 6"
#: capacity overlay: line widths and marker radii span these ranges within each unit
WEIGHT_RANGE = (2.0, 11.0)
RADIUS_RANGE = (4.0, 15.0)
_POINT_RADIUS = {PLACES: 4.0}
DEFAULT_RADIUS = 6.0


def colour(type_: str | None) -> str:
    return _TYPE_COLOURS.get(type_ or "", FALLBACK_COLOUR)


def label(value: str | None) -> str:
    """``gas_pipeline`` -> ``gas pipeline``: vocabulary words as a reader writes them."""
    return (value or "unknown").replace("_", " ")


def is_planned(props: Mapping[str, Any]) -> bool:
    return props.get(P_STATUS) in PLANNED_STATUSES


def is_inferred(props: Mapping[str, Any]) -> bool:
    return props.get(P_PRECISION) == INFERRED


def is_area(props: Mapping[str, Any]) -> bool:
    """A region or a country, drawn as a point inside it (contract precision); a few regions
    without a sourced or derived interior point still stand at their seat (regions.csv)."""
    return props.get(P_PRECISION) in AREA_PRECISIONS


def capacity_scale(
    features: Iterable[Mapping[str, Any]],
) -> dict[str, float]:
    """The largest capacity per unit among ``features``' properties: the top of each scale."""
    top: dict[str, float] = {}
    for p in features:
        cap, unit = p.get(P_CAPACITY), p.get(P_CAPACITY_UNIT)
        if not isinstance(unit, str) or not unit or not _finite_positive(cap):
            continue
        top[unit] = max(top.get(unit, 0.0), float(cap))
    return top


def _finite_positive(value: Any) -> bool:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(v) and v > 0


def _share(props: Mapping[str, Any], scale: Mapping[str, float]) -> float | None:
    """Capacity as a share (0-1] of the largest one in its unit, or None when unknown."""
    cap, unit = props.get(P_CAPACITY), props.get(P_CAPACITY_UNIT)
    top = scale.get(unit or "")
    if not top or not _finite_positive(cap):
        return None
    return min(float(cap) / top, 1.0)


def line_weight(share: float) -> float:
    lo, hi = WEIGHT_RANGE
    return round(lo + (hi - lo) * share, 1)


def marker_radius(share: float) -> float:
    """Marker area grows with capacity (radius with its square root)."""
    lo, hi = RADIUS_RANGE
    return round(lo + (hi - lo) * math.sqrt(share), 1)


def line_style(
    props: Mapping[str, Any], *, scale: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Leaflet path options for a line feature."""
    style: dict[str, Any] = {"color": colour(props.get(P_TYPE)), "weight": LINE_WEIGHT}
    if scale is not None and (share := _share(props, scale)) is not None:
        style["weight"] = line_weight(share)
    if is_inferred(props):
        style["dashArray"] = INFERRED_DASH
        style["opacity"] = 0.75
    elif is_planned(props):
        style["dashArray"] = PLANNED_DASH
    if props.get(P_STATUS) in INACTIVE_STATUSES:
        style["opacity"] = 0.4
    return style


def point_style(
    props: Mapping[str, Any], layer: str, *, scale: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Leaflet circle-marker options for a point feature: hollow when proposed or building."""
    c = colour(props.get(P_TYPE))
    radius = _POINT_RADIUS.get(layer, DEFAULT_RADIUS)
    if scale is not None and (share := _share(props, scale)) is not None:
        radius = marker_radius(share)
    style: dict[str, Any] = {
        "color": c,
        "weight": 1.5,
        "radius": radius,
        "fill": True,
        "fillColor": c,
        "fillOpacity": 0.85,
    }
    if is_planned(props):
        style.update(weight=2.5, fillColor="#ffffff", fillOpacity=0.9)
    if props.get(P_STATUS) in INACTIVE_STATUSES:
        style.update(opacity=0.45, fillOpacity=0.3)
    if is_area(props):
        # "Naryn region" is drawn at a point inside it (a few regions still at their seat): a
        # faint dashed ring, so that it never reads as a town
        style.update(radius=max(radius, AREA_RADIUS), fillOpacity=0.12, dashArray=AREA_DASH)
    return style


# --- legend --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    """One row of the legend: a swatch and its meaning."""

    kind: str  # "line" | "point" | "fill"
    label: str
    colour: str
    dash: str | None = None
    weight: float = LINE_WEIGHT
    radius: float = 6.0
    hollow: bool = False
    opacity: float = 1.0


def _swatch(e: LegendEntry) -> str:
    """A swatch drawn with CSS borders (no SVG: Streamlit's ``st.html`` strips it)."""
    c = html.escape(e.colour)
    box = "display:inline-flex;align-items:center;justify-content:center;width:34px;flex:none"
    if e.kind == "line":
        line = "dotted" if e.dash == INFERRED_DASH else "dashed" if e.dash else "solid"
        return (
            f'<span style="{box}"><span style="display:inline-block;width:30px;height:0;'
            f'border-top:{e.weight:g}px {line} {c};opacity:{e.opacity:g}"></span></span>'
        )
    if e.kind == "fill":
        return (
            f'<span style="{box}"><span style="display:inline-block;width:26px;height:12px;'
            f'background:{c};opacity:{e.opacity:g};border:0.5px solid #666"></span></span>'
        )
    d = 2 * min(e.radius, 14.0)
    fill = "#ffffff" if e.hollow or e.dash else c
    border = "dashed" if e.dash else "solid"
    return (
        f'<span style="{box};min-height:{d + 4:g}px"><span style="display:inline-block;'
        f"width:{d:g}px;height:{d:g}px;border-radius:50%;background:{fill};"
        f'border:1.5px {border} {c};opacity:{e.opacity:g}"></span></span>'
    )


def type_entries(types: Iterable[str], *, lines: set[str]) -> list[LegendEntry]:
    """A coloured swatch per type present, as a line or a point by how the type is drawn."""
    out = []
    order = {layer: i for i, layer in enumerate(LAYERS)}
    for t in sorted(set(types), key=lambda t: (order.get(LAYER_OF_TYPE.get(t, ""), 99), t)):
        kind = "line" if t in lines else "point"
        # regions and countries are drawn as rings at a point inside them (``point_style``)
        dash = AREA_DASH if kind == "point" and t in AREA_TYPES else None
        out.append(LegendEntry(kind, label(t), colour(t), dash=dash))
    return out


def status_entries(
    *, lines: bool, points: bool, inferred: bool, areas: bool = False
) -> list[LegendEntry]:
    """How status and precision change a feature's look, for the geometry kinds shown."""
    grey = "#444444"
    out = []
    if lines:
        out.append(LegendEntry("line", "operating or unknown status", grey))
        out.append(LegendEntry("line", "proposed or under construction", grey, dash=PLANNED_DASH))
        out.append(LegendEntry("line", "shelved, cancelled, idle or retired", grey, opacity=0.4))
        if inferred:
            out.append(
                LegendEntry(
                    "line",
                    "inferred route (from the names in one sentence)",
                    grey,
                    dash=INFERRED_DASH,
                    opacity=0.75,
                )
            )
    if points:
        out.append(LegendEntry("point", "operating or unknown status", grey, radius=5))
        out.append(
            LegendEntry("point", "proposed or under construction", grey, radius=5, hollow=True)
        )
    if areas:
        out.append(
            LegendEntry(
                "point",
                "a region or country, at a point inside it",
                grey,
                radius=8,
                dash=AREA_DASH,
            )
        )
    return out


def capacity_entries(
    scale: Mapping[str, float], kinds: Mapping[str, set[str]]
) -> list[LegendEntry]:
    """For each unit, swatches at a third, two thirds and all of the top of its scale.

    ``kinds`` says whether a unit's features are drawn as lines, points or both.
    """
    out = []
    order = {u: i for i, u in enumerate(CAPACITY_UNITS)}
    for unit in sorted(scale, key=lambda u: (order.get(u, len(order)), u)):
        top = scale[unit]
        for kind in sorted(kinds.get(unit) or {"line"}):
            for share in (1 / 3, 2 / 3, 1.0):
                text = f"{_round_nice(top * share):g} {unit}"
                if kind == "line":
                    out.append(LegendEntry("line", text, "#555555", weight=line_weight(share)))
                else:
                    out.append(LegendEntry("point", text, "#555555", radius=marker_radius(share)))
    return out


def _round_nice(x: float) -> float:
    if x <= 0:
        return 0.0
    digits = 2 - math.floor(math.log10(x))  # three significant figures
    return round(x, digits) if digits > 0 else float(round(x, digits))


def legend_html(
    sections: list[tuple[str, list[LegendEntry]] | tuple[str, list[LegendEntry], int]],
    *,
    footer: str = "",
) -> str:
    """The legend block: titled sections of swatches (two per row unless a section says).

    Every label is escaped here.
    """
    parts = ['<details class="atlas-legend" open><summary>Legend</summary>']
    for title, entries, *cols in sections:
        if not entries:
            continue
        columns = cols[0] if cols else 2
        parts.append(f'<div class="atlas-legend-h">{html.escape(title)}</div>')
        parts.append(
            f'<div class="atlas-legend-grid" style="grid-template-columns:repeat({columns},auto)">'
        )
        for e in entries:
            text = html.escape(e.label)
            parts.append(f'<div class="atlas-legend-row">{_swatch(e)}<span>{text}</span></div>')
        parts.append("</div>")
    if footer:
        parts.append(f'<div class="atlas-legend-f">{html.escape(footer)}</div>')
    parts.append("</details>")
    return "".join(parts)
