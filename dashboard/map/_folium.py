"""Changes to folium's behaviour, each one applied by ``apply()`` and tested against the
installed folium (``tests/test_dashboard_folium.py``).

- GeoJSON is embedded with compact separators (a fifth smaller);
- ``GeoJson`` can be told its bounds instead of walking every coordinate in Python;
- a ``Tooltip`` whose text reaches JavaScript as a JSON string, never a template literal;
- ``GeoJson`` data from a URL loaded with ``fetch`` (folium's own way needs jQuery, which the
  map does not load), styled and put into its cluster once it arrives: large layers are
  served as cached static files instead of being inlined in the page on every rerun
  (styled as each feature is added: a style set after drawing would skip the line offsets).

And two helpers for the map's own elements: ``js_string`` (text as a JavaScript string
literal that is safe inside a ``<script>``) and ``FOLLOW_OWNER`` (an element that lives and
dies with the feature group it belongs to, so the page can swap the groups without
reloading the map).
"""

from __future__ import annotations

import inspect
import re
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


#: folium's way of loading GeoJSON from a URL (jQuery, synchronous)
_AJAX = re.compile(
    r"\$\.ajax\(\{\{ this\.embed_link\|tojson \}\}.*?\.done\((\{\{ this\.get_name\(\) \}\})_add\);",
    re.S,
)
_FETCH = """fetch({{ this.embed_link|tojson }}).then(r => r.json()).then(d => {
                \\1.options.style = function(feature) {return feature.properties.style;};
                \\1_add(d);
                const parent = {{ this._parent.get_name() }};
                if (parent._featureGroup && parent.addLayers) { parent.addLayers(\\1.getLayers()); }
            });"""


def _fetching_template() -> str:
    """folium's GeoJson template with its jQuery loader replaced by ``fetch``.

    Raises ``RuntimeError`` when the installed folium's template no longer has the loader
    this replaces (a test runs it against the installed folium).
    """
    source = inspect.getsource(folium.features.GeoJson)
    start = source.index('_template = Template(\n        """') + len(
        '_template = Template(\n        """'
    )
    template = source[start : source.index('"""', start)]
    patched, n = _AJAX.subn(_FETCH.replace("\\\\1", "\\1"), template)
    if n != 1:
        msg = "folium's GeoJson template has changed: its URL loader was not found"
        raise RuntimeError(msg)
    return patched


class GeoJson(folium.GeoJson):
    """folium's ``GeoJson`` told its bounds (from shapely) instead of walking every coordinate,
    and able to load its data from ``url`` (kept out of the page).

    ``st_folium`` asks the map for its bounds on every rerun; for the basemap and a large
    view, folium's pure-Python walk is a large part of the rerun.
    """

    _template = FoliumTemplate(_fetching_template())

    def __init__(
        self, data: Any, *, bounds: list[list[float]], url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self._bounds = bounds
        if url is not None:
            self.embed = False
            self.embed_link = url

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


#: JavaScript, inside an element's script after ``var owner = <its parent>`` and a
#: ``function start(map)`` that draws the element and returns a function that removes it:
#: on the map itself it starts once; in a feature group it starts when the group is added to
#: the map and stops when the group is removed (streamlit-folium swaps the groups of a
#: filter change that way, without reloading the map)
FOLLOW_OWNER = """
    if (owner instanceof L.Map) { start(owner); return; }
    var stop = null;
    owner.on('add', function () { if (stop) stop(); stop = start(owner._map); });
    owner.on('remove', function () { if (stop) stop(); stop = null; });
    if (owner._map) stop = start(owner._map);
"""

_JS_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JS_SPECIAL = re.compile(r"[\\'\n\r\u2028\u2029]|<(?=/script|!--)", re.IGNORECASE)


def js_string(text: str) -> str:
    """``text`` as a single-quoted JavaScript string literal, safe inside a ``<script>``.

    Unlike ``json.dumps`` it leaves double quotes and tags as they are (the legend's HTML
    stays readable in the page); a ``</script`` or ``<!--`` cannot end or derail the script.
    """
    return "'" + _JS_SPECIAL.sub(lambda m: _JS_ESCAPES.get(m.group(), "\\x3c"), text) + "'"


def bounds_of(geoms: Iterable[Any]) -> list[list[float]]:
    """[[south, west], [north, east]] of shapely geometries (Leaflet's order)."""
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(list(geoms), dtype=object))
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]
