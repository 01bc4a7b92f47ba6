"""The table and the downloads can be limited to what is in the map view (off by default).

The map reports its bounds when it is panned or zoomed; "Only what is in the map view" then
lists and exports the filtered features whose extent reaches into them, the same test
(bounding boxes overlap) as the database's ``&&`` on its spatial index.
"""

from __future__ import annotations

import json

import shapely.geometry
from streamlit.testing.v1 import AppTest

from dashboard.views import map as map_view
from etl.schema import LAYERS, P_ID

from .test_dashboard_app import TIMEOUT, _map_page, all_ids, dash_build, downloads, table_ids

__all__ = ["dash_build", "downloads"]

#: west, south, east, north: Tajikistan and the Fergana valley's south rim
BOX = (67.0, 36.5, 75.5, 40.5)


def _overlaps(feature, box) -> bool:
    if not feature.get("geometry"):
        return False
    w, s, e, n = shapely.geometry.shape(feature["geometry"]).bounds
    return w <= box[2] and e >= box[0] and s <= box[3] and n >= box[1]


def test_only_what_is_in_the_map_view(dash_build, downloads):
    _, layers = dash_build
    at = AppTest.from_function(_map_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    box = at.checkbox(key=map_view.IN_VIEW_KEY)
    assert box.value is False  # off by default: the table lists every filtered feature
    assert set(table_ids(at)) == all_ids(layers)

    at.session_state[map_view.MAP_BOUNDS] = BOX  # what the map reports after a zoom
    at.checkbox(key=map_view.IN_VIEW_KEY).check().run()
    assert not at.exception
    inside = {f["properties"][P_ID] for fs in layers.values() for f in fs if _overlaps(f, BOX)}
    assert inside and inside != all_ids(layers)
    assert set(table_ids(at)) == inside
    for layer in LAYERS:
        expected = [f for f in layers[layer] if _overlaps(f, BOX)]
        name = f"{layer}.geojson"
        if expected:
            assert json.loads(downloads[name]())["features"] == expected
    assert "the command line has no map view" in " ".join(c.value for c in at.caption)

    at.checkbox(key=map_view.IN_VIEW_KEY).uncheck().run()
    assert set(table_ids(at)) == all_ids(layers)
