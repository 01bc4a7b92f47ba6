"""Names on the map, offline: countries and main cities from the project's own data
(Natural Earth's countries, GeoNames' cities behind the gazetteer), features' names at
closer zooms.

Each label has the zoom from which it shows (bigger places sooner), so the map stays
readable from the region down to a town. Labels sit in a pane of their own that lets
clicks through to the features under them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from branca.element import MacroElement
from jinja2 import Template

from dashboard.map._folium import FOLLOW_OWNER

#: cities the map can name: the region and its neighbours (west, south, east, north)
CITY_BBOX = (40.0, 30.0, 105.0, 56.0)
#: (least population, zoom from which the city is named); capitals from ``CAPITAL_ZOOM``
CITY_ZOOMS: tuple[tuple[int, float], ...] = (
    (1_000_000, 4.5),
    (300_000, 6),
    (100_000, 7),
    (40_000, 8),
)
#: smaller towns stay unnamed (the gazetteer still knows them)
MIN_POPULATION = CITY_ZOOMS[-1][0]
CAPITAL_ZOOM = 4
COUNTRY_ZOOMS = (3, 7)
#: features' own names show from this zoom
FEATURE_ZOOM = 7
#: no feature names in views larger than this (thousands of names help nobody)
MAX_FEATURE_LABELS = 1500

COUNTRY, CITY, CAPITAL, FEATURE = "country", "city", "capital", "feature"


@dataclass(frozen=True)
class Label:
    """A name at a place, shown from ``min_zoom`` to ``max_zoom``."""

    text: str
    lat: float
    lon: float
    min_zoom: float
    max_zoom: float = 99
    kind: str = CITY


def country_labels(basemap: Any) -> list[Label]:
    """One label per country of the basemap, at a point inside its largest part."""
    out = []
    if basemap is None:
        return out
    for name, geom in zip(basemap["name"], basemap.geometry, strict=True):
        if geom is None or geom.is_empty or not name:
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        biggest = max(parts, key=lambda g: g.area)
        if biggest.area < 1.0:  # square degrees: islands and slivers stay unnamed
            continue
        pt = biggest.representative_point()
        out.append(Label(str(name), round(pt.y, 3), round(pt.x, 3), *COUNTRY_ZOOMS, COUNTRY))
    return out


def city_zoom(population: int, *, capital: bool = False) -> float:
    """The zoom from which a city of ``population`` is named."""
    if capital:
        return CAPITAL_ZOOM
    for least, zoom in CITY_ZOOMS:
        if population >= least:
            return zoom
    return CITY_ZOOMS[-1][1]


def city_labels(
    cities: Iterable[Mapping[str, Any]],
    *,
    capitals: Iterable[tuple[str, str]] = (),
    bbox: tuple[float, float, float, float] = CITY_BBOX,
) -> list[Label]:
    """Labels of GeoNames cities (``name``, ``latitude``, ``longitude``, ``population``,
    ``countrycode``) inside ``bbox``; ``capitals`` are (country code, city name) pairs."""
    caps = set(capitals)
    west, south, east, north = bbox
    out = []
    for c in cities:
        lat, lon = float(c["latitude"]), float(c["longitude"])
        if not (west <= lon <= east and south <= lat <= north):
            continue
        code = c.get("countrycode")
        names = [c.get("name"), *(c.get("alternatenames") or ())]
        capital = int(c.get("population") or 0) >= 100_000 and any((code, n) in caps for n in names)
        if not capital and int(c.get("population") or 0) < MIN_POPULATION:
            continue
        kind = CAPITAL if capital else CITY
        zoom = city_zoom(int(c.get("population") or 0), capital=capital)
        out.append(Label(str(c["name"]), round(lat, 4), round(lon, 4), zoom, kind=kind))
    # the biggest first: where two names overlap, the bigger is drawn under the smaller
    return sorted(out, key=lambda label: (label.min_zoom, label.text))


def feature_labels(records: Iterable[tuple[Mapping[str, Any], Any]], name_key: str) -> list[Label]:
    """A label per feature: at its point, or halfway along its line."""
    out = []
    for props, geom in records:
        name = props.get(name_key)
        if not name or geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("LineString", "MultiLineString"):
            pt = shapely.line_interpolate_point(geom, 0.5, normalized=True)
        else:
            pt = geom.representative_point()
        out.append(Label(str(name), round(pt.y, 4), round(pt.x, 4), FEATURE_ZOOM, kind=FEATURE))
        if len(out) >= MAX_FEATURE_LABELS:
            break
    return out


class LabelScript(MacroElement):
    """The labels' drawing code, once per map (``atlasLabels(owner, rows, url)``): each
    ``Labels`` calls it, so a view with names in every layer's group does not carry the
    same script once per layer. Add it to the map before any ``Labels``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.atlasLabels = function (owner, initial, url) {
            function start(map) {
                if (!map.getPane('atlasLabels')) {
                    var pane = map.createPane('atlasLabels');
                    pane.style.zIndex = 450;
                    pane.style.pointerEvents = 'none';
                }
                var data = [], markers = [], live = true;
                var group = L.layerGroup().addTo(map);
                function update() {
                    var z = map.getZoom();
                    markers.forEach(function (m, i) {
                        var on = z >= data[i][3] && z <= data[i][4];
                        if (on && !group.hasLayer(m)) group.addLayer(m);
                        else if (!on && group.hasLayer(m)) group.removeLayer(m);
                    });
                }
                function add(rows) {
                    if (!live) return;
                    rows.forEach(function (d) {
                        data.push(d);
                        markers.push(L.marker([d[1], d[2]], {
                            icon: L.divIcon({className: 'atlas-label atlas-label-' + d[5],
                                             html: '<span>' + d[0] + '</span>', iconSize: null}),
                            interactive: false, keyboard: false, pane: 'atlasLabels'
                        }));
                    });
                    if (map._loaded) update();
                }
                add(initial);
                if (url) {
                    fetch(url).then(function (r) { return r.json(); }).then(add);
                }
                map.on('zoomend', update);
                map.whenReady(update);
                return function () {
                    live = false;
                    map.off('zoomend', update);
                    map.removeLayer(group);
                };
            }
            FOLLOW_OWNER
        };
        {% endmacro %}
        """.replace("FOLLOW_OWNER", FOLLOW_OWNER)
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasLabelScript"


class Labels(MacroElement):
    """The labels as Leaflet markers with text, added and removed by zoom (drawn by the
    map's ``LabelScript``).

    ``labels`` are drawn from the page; ``rows`` (from ``rows_of``) too, or, given ``url``,
    fetched from there: the 7,800 places of the basemap are the same on every rerun, so
    they travel once as a file the browser caches. On the map itself the labels stay; in a
    feature group (the features' names) they come and go with the group.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        atlasLabels({{ this._parent.get_name() }}, {{ this.rows|tojson }}, {{ this.url|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self, labels: Iterable[Label] = (), *, rows: list[list[Any]] | None = None,
        url: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self._name = "AtlasLabels"
        self.url = url
        self.rows = [*_rows(labels), *((rows or []) if url is None else [])]


def _rows(labels: Iterable[Label]) -> list[list[Any]]:
    # the text is escaped here: the label's HTML is built from it in the browser
    return [
        [html.escape(lb.text), lb.lat, lb.lon, lb.min_zoom, lb.max_zoom, lb.kind] for lb in labels
    ]


_MEMO: dict[int, tuple[Any, list[list[Any]], bytes]] = {}


def rows_of(labels: Sequence[Label]) -> tuple[list[list[Any]], bytes]:
    """The labels' rows, and the same as compact JSON (the file the browser fetches).

    Remembered for the same sequence object (the dashboard's cached place labels, which
    nothing modifies): escaping and encoding 7,800 names is not redone on every rerun.
    """
    hit = _MEMO.get(id(labels))
    if hit is not None and hit[0] is labels:
        return hit[1], hit[2]
    rows = _rows(labels)
    body = json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()
    if len(_MEMO) >= 4:
        _MEMO.clear()
    _MEMO[id(labels)] = (labels, rows, body)
    return rows, body


LABEL_CSS = """
.atlas-label span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
    font: 11px/1.1 system-ui, sans-serif; color: #333; pointer-events: none;
    text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.atlas-label-country span { font-size: 13px; letter-spacing: 0.12em; text-transform: uppercase;
    color: #6d6255; font-weight: 600; }
.atlas-label-capital span { font-weight: 700; }
.atlas-label-feature span { color: #4a2a6a; font-style: italic; transform: translate(6px, -50%); }
"""
