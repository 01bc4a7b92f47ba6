"""Where the map looks, as an element of the features' group: it moves the map once per view
the page asks for, not on every redraw of the features.

The page keeps one map for the session and swaps its feature groups when the filters
change. A filter change, a selection or a search asks for a new view (a new ``key``); the
time slider, the overlays or a pan do not, so the map holds still while they redraw.
"""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import MacroElement
from jinja2 import Template

from dashboard.map._folium import FOLLOW_OWNER


class View(MacroElement):
    """Fit the map to ``fit`` ([[south, west], [north, east]], never closer than
    ``max_zoom``), or show ``center`` at ``zoom``: once per ``key`` in a map's life."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var owner = {{ this._parent.get_name() }};
            function start(map) {
                var key = {{ this.key|tojson }};
                if (map._atlasView === key) return null;
                map._atlasView = key;
                {% if this.center %}
                map.setView({{ this.center|tojson }}, {{ this.zoom|tojson }}, {animate: false});
                {% else %}
                map.fitBounds({{ this.fit|tojson }},
                              {maxZoom: {{ this.max_zoom|tojson }}, animate: false});
                {% endif %}
                return null;
            }
            FOLLOW_OWNER
        })();
        {% endmacro %}
        """.replace("FOLLOW_OWNER", FOLLOW_OWNER)
    )

    def __init__(
        self,
        *,
        key: str,
        center: Sequence[float] | None = None,
        zoom: float | None = None,
        fit: Sequence[Sequence[float]] | None = None,
        max_zoom: float = 18,
    ) -> None:
        super().__init__()
        self._name = "AtlasView"
        self.key = key
        has_center = center is not None and zoom is not None
        self.center = [float(c) for c in center] if has_center else None
        self.zoom = float(zoom) if has_center else None
        self.fit = None if has_center else [[float(v) for v in corner] for corner in fit or ()]
        self.max_zoom = max_zoom
        if not has_center and not self.fit:
            msg = "a View needs a centre and zoom, or bounds to fit"
            raise ValueError(msg)
