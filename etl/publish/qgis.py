"""QGIS styles for the GeoPackage: one default style per layer in a ``layer_styles`` table.

QGIS looks for a table named ``layer_styles`` in a GeoPackage (the same convention as its
PostGIS provider) and applies the row marked ``useAsDefault`` when a layer is opened. The
styles are generated from the dashboard's own style functions (``dashboard.styles``), so a
QGIS user sees the dashboard's colours by type, dashed lines and hollow markers for
planned projects, dotted lines for inferred routes and faded shelved or retired projects.

Each style is a QGIS rule-based renderer: one rule per type of the layer and per look
(planned, inactive, inferred...), each rule's symbol being what ``line_style`` or
``point_style`` return for such a feature, translated into QGIS's symbol properties
(pixels, like Leaflet's). Everything is generated from the schema and the style tables:
a new layer or type gets its style without an edit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from dashboard.styles import (
    AREA_PRECISIONS,
    FALLBACK_COLOUR,
    INACTIVE_STATUSES,
    INFERRED,
    INFERRED_DASH,
    PLANNED_DASH,
    label,
    line_style,
    point_style,
)
from etl.schema import (
    LINE_LAYERS,
    P_PRECISION,
    P_STATUS,
    P_TYPE,
    PLANNED_STATUSES,
    TYPES_BY_LAYER,
)

#: the name of the table QGIS reads styles from, and its columns (QGIS's own layout)
TABLE = "layer_styles"
GEOMETRY_COLUMN = "geom"
STYLE_NAME = "atlas"
#: the QGIS version whose QML layout the styles follow (read by QGIS 3.x)
QGIS_VERSION = "3.28.0-Firenze"

#: a status of each look, to ask the dashboard's style functions how such a feature looks
_PLANNED, _INACTIVE, _OTHER = "planned", "inactive", "other"
_STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    _PLANNED: tuple(sorted(PLANNED_STATUSES)),
    _INACTIVE: tuple(sorted(INACTIVE_STATUSES)),
}
_GROUP_LABELS = {
    _PLANNED: "proposed or under construction",
    _INACTIVE: "shelved, cancelled, idle or retired",
    _OTHER: "operating or unknown status",
}
_OTHER_TYPE = "__other__"


@dataclass(frozen=True)
class Rule:
    """One rule of a rule-based renderer: a QGIS filter expression and its symbol."""

    key: str
    label: str
    expression: str
    symbol: str  # the <symbol> element


def layer_style_qml(layer: str) -> str:
    """The QML document of a layer's default style."""
    rules = _line_rules(layer) if layer in LINE_LAYERS else _point_rules(layer)
    rule_xml = "\n".join(
        f"      <rule key={quoteattr(r.key)} symbol={quoteattr(str(i))} "
        f"label={quoteattr(r.label)} filter={quoteattr(r.expression)}/>"
        for i, r in enumerate(rules)
    )
    symbols = "\n".join(r.symbol.replace("@NAME@", str(i)) for i, r in enumerate(rules))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="Symbology">\n'
        '  <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" '
        'forceraster="0">\n'
        f'    <rules key="{layer}-rules">\n{rule_xml}\n    </rules>\n'
        f"    <symbols>\n{symbols}\n    </symbols>\n"
        "  </renderer-v2>\n"
        "</qgis>\n"
    )


def style_rows(layers: Iterable[str]) -> list[dict[str, Any]]:
    """The ``layer_styles`` rows of ``layers``: one default style each, in the given order."""
    return [
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": layer,
            "f_geometry_column": GEOMETRY_COLUMN,
            "styleName": STYLE_NAME,
            "styleQML": layer_style_qml(layer),
            "styleSLD": "",
            "useAsDefault": True,
            "description": "The atlas dashboard's style (generated from dashboard/styles.py)",
            "owner": "",
            "ui": None,
        }
        for layer in layers
    ]


# --- rules ---------------------------------------------------------------------------------------


def _types(layer: str) -> list[str]:
    return [*TYPES_BY_LAYER.get(layer, ()), _OTHER_TYPE]


def _type_filter(layer: str, type_: str) -> str:
    if type_ == _OTHER_TYPE:
        known = TYPES_BY_LAYER.get(layer, ())
        if not known:
            return "TRUE"
        return f"coalesce(\"{P_TYPE}\", '') NOT IN ({_sql_list(known)})"
    return f'"{P_TYPE}" = {_sql_str(type_)}'


def _status_filter(group: str) -> str:
    if group == _OTHER:
        every = [s for g in _STATUS_GROUPS.values() for s in g]
        return f"coalesce(\"{P_STATUS}\", '') NOT IN ({_sql_list(every)})"
    return f'"{P_STATUS}" IN ({_sql_list(_STATUS_GROUPS[group])})'


def _representative(type_: str, group: str, *, precision: str) -> dict[str, Any]:
    """Properties of a feature of this type and look, to ask the style functions."""
    status = _STATUS_GROUPS[group][0] if group in _STATUS_GROUPS else None
    return {
        P_TYPE: None if type_ == _OTHER_TYPE else type_,
        P_STATUS: status,
        P_PRECISION: precision,
    }


def _type_label(type_: str) -> str:
    return "other types" if type_ == _OTHER_TYPE else label(type_)


def _line_rules(layer: str) -> list[Rule]:
    rules = []
    for type_ in _types(layer):
        for inferred in (False, True):
            precision = (
                f'"{P_PRECISION}" = {_sql_str(INFERRED)}'
                if inferred
                else f"coalesce(\"{P_PRECISION}\", '') <> {_sql_str(INFERRED)}"
            )
            for group in (_OTHER, _PLANNED, _INACTIVE):
                props = _representative(
                    type_, group, precision=INFERRED if inferred else "waypoints"
                )
                style = line_style(props)
                text = f"{_type_label(type_)} · {_GROUP_LABELS[group]}"
                if inferred:
                    text += " · inferred route"
                rules.append(
                    Rule(
                        key=f"{layer}:{type_}:{group}:{'inferred' if inferred else 'known'}",
                        label=text,
                        expression=" AND ".join(
                            (_type_filter(layer, type_), precision, _status_filter(group))
                        ),
                        symbol=_line_symbol(style),
                    )
                )
    return rules


def _point_rules(layer: str) -> list[Rule]:
    rules = []
    areas = _sql_list(sorted(AREA_PRECISIONS))
    for type_ in _types(layer):
        for area in (False, True):
            precision = (
                f'"{P_PRECISION}" IN ({areas})'
                if area
                else f"coalesce(\"{P_PRECISION}\", '') NOT IN ({areas})"
            )
            for group in (_OTHER, _PLANNED, _INACTIVE):
                # a region or country is drawn at its seat or centre
                props = _representative(type_, group, precision="region" if area else "exact")
                style = point_style(props, layer)
                text = f"{_type_label(type_)} · {_GROUP_LABELS[group]}"
                rules.append(
                    Rule(
                        key=f"{layer}:{type_}:{group}" + (":area" if area else ""),
                        label=text + (" · an area, at its seat or centre" if area else ""),
                        expression=" AND ".join(
                            (_type_filter(layer, type_), precision, _status_filter(group))
                        ),
                        symbol=_marker_symbol(style),
                    )
                )
    return rules


# --- symbols -------------------------------------------------------------------------------------


def _line_symbol(style: Mapping[str, Any]) -> str:
    """A QGIS line symbol from Leaflet path options (weights and dashes in pixels)."""
    opacity = float(style.get("opacity", 1.0))
    dash = style.get("dashArray")
    props = {
        "line_color": _rgba(style.get("color") or FALLBACK_COLOUR, opacity),
        "line_width": f"{float(style['weight']):g}",
        "line_width_unit": "Pixel",
        "line_style": _pen_style(dash),
        "use_custom_dash": "1" if dash else "0",
        "customdash": ";".join(str(dash).split()) if dash else "5;2",
        "customdash_unit": "Pixel",
        "capstyle": "round" if dash else "square",
        "joinstyle": "round",
    }
    return _symbol("line", "SimpleLine", props)


def _marker_symbol(style: Mapping[str, Any]) -> str:
    """A QGIS circle marker from Leaflet circle-marker options (radius in pixels)."""
    opacity = float(style.get("opacity", 1.0))
    fill_opacity = float(style.get("fillOpacity", 1.0)) if style.get("fill", True) else 0.0
    props = {
        "name": "circle",
        "color": _rgba(style.get("fillColor") or style["color"], fill_opacity),
        "outline_color": _rgba(style["color"], opacity),
        "outline_style": "dash" if style.get("dashArray") else "solid",
        "outline_width": f"{float(style.get('weight', 1.0)):g}",
        "outline_width_unit": "Pixel",
        "size": f"{2 * float(style['radius']):g}",
        "size_unit": "Pixel",
        "scale_method": "diameter",
    }
    return _symbol("marker", "SimpleMarker", props)


def _symbol(kind: str, layer_class: str, props: Mapping[str, str]) -> str:
    """A <symbol> element; properties both as QGIS >= 3.26 Options and older <prop>s."""
    options = "\n".join(
        f'            <Option type="QString" name="{k}" value={quoteattr(v)}/>'
        for k, v in props.items()
    )
    legacy = "\n".join(f'          <prop k="{k}" v={quoteattr(v)}/>' for k, v in props.items())
    return (
        f'      <symbol type="{kind}" name="@NAME@" alpha="1" clip_to_extent="1" force_rhr="0">\n'
        f'        <layer class="{layer_class}" enabled="1" pass="0" locked="0">\n'
        f'          <Option type="Map">\n{options}\n          </Option>\n'
        f"{legacy}\n"
        "        </layer>\n"
        "      </symbol>"
    )


def _pen_style(dash: Any) -> str:
    return {None: "solid", INFERRED_DASH: "dot", PLANNED_DASH: "dash"}.get(dash, "dash")


def _rgba(hex_colour: str, alpha: float) -> str:
    """``#e6550d`` and 0.75 -> ``230,85,13,191``: QGIS's colour notation."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * max(0.0, min(alpha, 1.0)))}"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(_sql_str(v) for v in values)
