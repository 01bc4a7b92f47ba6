"""The layer control, which remembers the layers the user switched off.

The page swaps the feature groups and the layer control on every filter change
(``st_folium(feature_group_to_add=..., layer_control=...)``), and a new group is drawn on
the map: without a memory, a layer switched off in the control came back with every filter.
The choice is kept in the browser, per layer *key* (the layer's name without its count or
year, which filters change), in the tab's ``sessionStorage``: it holds across reruns and a
basemap change (which reloads the map's frame), and a link opened elsewhere shows every
layer. It is no part of the URL: the sidebar's **Layers** filter is the shareable way to
leave a layer out.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

#: the ``sessionStorage`` item that holds the keys of the layers switched off (a JSON list)
STORAGE_KEY = "atlas.layersOff"


class Group(folium.FeatureGroup):
    """A toggleable feature group with a ``key`` that stays the same when its shown name
    changes ("Pipelines (3)" and "Pipelines (12)" are both ``pipelines``)."""

    def __init__(self, name: str, *, key: str, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.toggle_key = key


class LayerControl(folium.LayerControl):
    """folium's layer control, which switches off again the layers the user switched off
    before, and records each switch the user makes in it.

    The layers are switched off in a microtask, once streamlit-folium has bound its click
    handler to every layer on the map (it binds only those): a layer switched back on later
    still selects a clicked feature. Only the user's own clicks are recorded (a ``change``
    event of the control's checkboxes), never the page removing the old groups.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = L.control.layers(
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                {{ this.options|tojavascript }}
            ).addTo({{this._parent.get_name()}});
            (function (map, control, overlays, keys) {
                var item = {{ this.storage_key|tojson }};
                function read() {
                    try { return JSON.parse(window.sessionStorage.getItem(item)) || []; }
                    catch (e) { return map._atlasOff || []; }
                }
                function write(off) {
                    map._atlasOff = off;
                    try { window.sessionStorage.setItem(item, JSON.stringify(off)); }
                    catch (e) {}
                }
                Promise.resolve().then(function () {
                    var off = read();
                    Object.keys(overlays).forEach(function (name) {
                        if (off.indexOf(keys[name]) >= 0 && map.hasLayer(overlays[name])) {
                            map.removeLayer(overlays[name]);
                        }
                    });
                });
                control.getContainer().addEventListener('change', function () {
                    var mine = Object.keys(overlays).map(function (n) { return keys[n]; });
                    var off = read().filter(function (k) { return mine.indexOf(k) < 0; });
                    Object.keys(overlays).forEach(function (name) {
                        if (!map.hasLayer(overlays[name])) off.push(keys[name]);
                    });
                    write(off);
                });
            })({{ this._parent.get_name() }}, {{ this.get_name() }},
               {{ this.get_name() }}_layers.overlays, {{ this.keys|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.storage_key = STORAGE_KEY
        self.keys: dict[str, str] = {}

    def render(self, **kwargs: Any) -> None:
        """folium's listing of the map's layers (``LayerControl.render``), with each
        overlay's key beside its shown name."""
        self.reset()
        self.keys = {}
        for item in self._parent._children.values():
            if not isinstance(item, Layer) or not item.control:
                continue
            if item.overlay:
                self.overlays[item.layer_name] = item.get_name()
                self.keys[item.layer_name] = getattr(item, "toggle_key", item.layer_name)
            else:
                self.base_layers[item.layer_name] = item.get_name()
        MacroElement.render(self, **kwargs)
