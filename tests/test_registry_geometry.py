"""Registry lines stay inside the countries the registry says they cross (issue 8, item 5).

A line drawn through sparse waypoints can cut a corner through a neighbour: gas Lines A/B/C
through Kyrgyzstan between Taraz and Almaty, the Pamir highway through Afghanistan, the
Angren-Pap railway through Tajikistan. Every registry line states its countries, and its
geometry must stay within them (5 km of slack for the coarse 1:50m borders). The check
uses the shipped Natural Earth polygons and the tests' own haversine, not the ETL's code.
"""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import shape
from shapely.ops import nearest_points

from etl import settings
from etl.schema import LINE_LAYERS

from .conftest import km

#: slack for the 1:50m country outlines
BUFFER_KM = 5.0


def _countries() -> dict[str, object]:
    data = json.loads(settings.COUNTRIES_GEOJSON.read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        p = f["properties"]
        iso = p["ISO_A3"] if p["ISO_A3"] != "-99" else p["ADM0_A3"]
        out[iso] = shape(f["geometry"])
    return out


COUNTRIES = _countries()


@pytest.fixture(scope="module")
def lines(knowledge):
    return [e for e in knowledge.registry.entries.values() if e.layer in LINE_LAYERS]


def test_every_registry_line_states_its_countries(lines):
    missing = [e.id for e in lines if not e.countries]
    assert not missing, f"registry lines without countries: {missing}"
    unknown = {(e.id, c) for e in lines for c in e.countries if c not in COUNTRIES}
    assert not unknown


def _outside_km(geom, allowed, others) -> tuple[float, tuple[float, float] | None]:
    """The farthest any point of the line (densified to ~1 km) lies inside a country it
    does not state (open water, as on a Caspian crossing, is no country's)."""
    worst, where = 0.0, None
    dense = shapely.segmentize(geom, 0.01)
    for x, y in shapely.get_coordinates(dense):
        pt = shapely.Point(x, y)
        if allowed.contains(pt) or not others.contains(pt):
            continue
        near = nearest_points(allowed, pt)[0]
        d = km((y, x), (near.y, near.x))
        if d > worst:
            worst, where = d, (round(y, 3), round(x, 3))
    return worst, where


def test_every_registry_line_stays_within_its_stated_countries(lines):
    bad = []
    for e in lines:
        allowed = shapely.union_all([COUNTRIES[c] for c in e.countries if c in COUNTRIES])
        box = e.geometry.envelope.buffer(1.0)
        others = shapely.union_all(
            [g for c, g in COUNTRIES.items() if c not in e.countries and g.intersects(box)]
        )
        worst, where = _outside_km(e.geometry, allowed, others)
        if worst > BUFFER_KM:
            bad.append(f"{e.id}: {worst:.0f} km outside {'/'.join(e.countries)} at {where}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("entry_id", "neighbour"),
    [
        ("pipelines/central-asia-china-gas-line-a", "KGZ"),
        ("pipelines/central-asia-china-gas-line-b", "KGZ"),
        ("pipelines/central-asia-china-gas-line-c", "KGZ"),
        ("roads/china-tajikistan-highway", "AFG"),
        ("railways/angren-pap-railway", "TJK"),
    ],
)
def test_the_lines_the_issue_names_keep_out_of_the_neighbour(knowledge, entry_id, neighbour):
    """The three cases users saw: no point of the line lies deeper than the slack inside."""
    geom = knowledge.registry.entries[entry_id].geometry
    border = COUNTRIES[neighbour].boundary
    deepest = 0.0
    for x, y in shapely.get_coordinates(shapely.segmentize(geom, 0.01)):
        pt = shapely.Point(x, y)
        if COUNTRIES[neighbour].contains(pt):
            near = nearest_points(border, pt)[0]
            deepest = max(deepest, km((y, x), (near.y, near.x)))
    assert deepest <= BUFFER_KM, f"{entry_id} runs {deepest:.0f} km inside {neighbour}"
