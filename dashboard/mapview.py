"""The map's former single module, kept so ``dashboard.mapview.X`` still imports.

The code lives in the ``dashboard.map`` package (build, popups, basemap, labels, overlays,
legend, ``_folium``); new code imports from there.
"""

from __future__ import annotations

from dashboard.map.basemap import BASEMAP_BBOX, BASEMAPS, prepare_basemap
from dashboard.map.build import (
    APP_ASSETS,
    CDN_ASSETS,
    COORD_DECIMALS,
    K_ID,
    K_POP,
    K_STYLE,
    K_TIP,
    LARGE_VIEW,
    LAYER_TITLES,
    Assets,
    MapOptions,
    _records,
    bounds_of_features,
    build_map,
    map_html,
)
from dashboard.map.build import legend_of as map_legend
from dashboard.map.legend import LEGEND_CSS
from dashboard.map.overlays import (
    TRADE_CLASSES,
    TRADE_FLOW_COLOUR,
    TRADE_ORIGIN,
    trade_colour,
    trade_tooltip_html,
)
from dashboard.map.popups import popup_html, tooltip_html

__all__ = [
    "APP_ASSETS",
    "BASEMAPS",
    "BASEMAP_BBOX",
    "CDN_ASSETS",
    "COORD_DECIMALS",
    "K_ID",
    "K_POP",
    "K_STYLE",
    "K_TIP",
    "LARGE_VIEW",
    "LAYER_TITLES",
    "LEGEND_CSS",
    "TRADE_CLASSES",
    "TRADE_FLOW_COLOUR",
    "TRADE_ORIGIN",
    "Assets",
    "MapOptions",
    "_records",
    "bounds_of_features",
    "build_map",
    "map_html",
    "map_legend",
    "popup_html",
    "prepare_basemap",
    "tooltip_html",
    "trade_colour",
    "trade_tooltip_html",
]
