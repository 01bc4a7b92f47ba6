"""Changes to folium's behaviour, each one applied by ``apply()`` and tested against the
installed folium (``tests/test_dashboard_folium.py``).

- GeoJSON is embedded with compact separators (a fifth smaller);
- ``GeoJson`` can be told its bounds instead of walking every coordinate in Python;
- a ``Tooltip`` whose text reaches JavaScript as a JSON string, never a template literal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import folium
import numpy as np
import shapely
from folium.template import Template as FoliumTemplate

#: the dump options folium's own template environment uses for ``tojson``
JSON_DUMPS = {"sort_keys": True, "separators": (",", ":")}


def apply() -> None:
    """Make folium embed GeoJSON compactly. The policy belongs to folium's template
    environment (shared by all its templates), so it is set once, here, on purpose."""
    folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = dict(JSON_DUMPS)


class GeoJson(folium.GeoJson):
    """folium's ``GeoJson`` told its bounds (from shapely) instead of walking every coordinate.

    ``st_folium`` asks the map for its bounds on every rerun; for the basemap and a large
    view, folium's pure-Python walk is a large part of the rerun.
    """

    def __init__(self, data: Any, *, bounds: list[list[float]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._bounds = bounds

    def _get_self_bounds(self) -> list[list[float]]:
        return self._bounds


class Tooltip(folium.Tooltip):
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


def bounds_of(geoms: Iterable[Any]) -> list[list[float]]:
    """[[south, west], [north, east]] of shapely geometries (Leaflet's order)."""
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(list(geoms), dtype=object))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]
