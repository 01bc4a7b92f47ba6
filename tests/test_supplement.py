"""The regional supplement's rows checked against independent data: each row names a public
source, lies inside (or on the border of) the country it claims by the Natural Earth polygons,
has a kind the loader knows, and no name is claimed by two rows.

These read the CSV with the ``csv`` module rather than through ``etl.places.supplement`` so
that a loader bug cannot hide a bad row."""

from __future__ import annotations

import csv
import re

import pytest
from shapely.geometry import Point

from etl import countries, settings
from etl.places import supplement
from etl.text import ascii_fold

from .conftest import km

#: a border post or a pass may sit on the line; the 1:50m polygons are coarse there
BORDER_SLACK_KM = 15.0
#: an oil or gas field may lie offshore in the Caspian (Kashagan is 80-odd km out)
OFFSHORE_SLACK_KM = 120.0
_FIELD_KINDS = frozenset({"oil_field", "gas_field"})
_KM_PER_DEGREE = 111.0
#: two rows of one name and country closer than this describe the same place
SAME_PLACE_KM = 25.0
_URL = re.compile(r"https?://\S+")
_GEONAMES = re.compile(r"GeoNames \d+")


def _rows() -> list[dict[str, str]]:
    with settings.SUPPLEMENT_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = _rows()


def _names(row: dict[str, str]) -> list[str]:
    alternates = [a.strip() for a in row["alternate_names"].split("|") if a.strip()]
    return [row["name"].strip(), *alternates]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["name"])
def test_row_names_a_public_source(row):
    """A new place needs a page with its coordinates; a GeoNames town at least its id."""
    source = row["source"]
    if row["geonameid"].strip():
        assert _URL.search(source) or _GEONAMES.search(source), source
    else:
        assert _URL.search(source), f"{row['name']}: no URL in {source!r}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["name"])
def test_row_has_a_known_kind(row):
    assert row["kind"] in supplement.KINDS, row["kind"]


def test_every_row_lies_in_its_country():
    world = countries.load()
    wrong = []
    for row in ROWS:
        point = Point(float(row["lon"]), float(row["lat"]))
        assert row["country"] in world.iso3, f"{row['name']}: unknown country {row['country']}"
        geom = world.geoms[world.iso3.index(row["country"])]
        off_km = geom.distance(point) * _KM_PER_DEGREE
        slack = OFFSHORE_SLACK_KM if row["kind"] in _FIELD_KINDS else BORDER_SLACK_KM
        if off_km > slack:
            wrong.append(f"{row['name']} ({row['country']}): {off_km:.0f} km outside")
    assert not wrong, wrong


def test_no_place_is_listed_twice():
    """Two rows sharing a name in one country within a few km are one place listed twice.

    Homonyms are real and stay (Khorgos in China and Khorgos in Kazakhstan, the two
    Zafarobods); a second row for the same place would only make the supplement ambiguous
    with itself."""
    seen: dict[tuple[str, str], list[dict[str, str]]] = {}
    twice = []
    for row in ROWS:
        for name in dict.fromkeys(ascii_fold(n).casefold() for n in _names(row)):
            for other in seen.setdefault((name, row["country"]), []):
                apart = km(
                    (float(row["lat"]), float(row["lon"])),
                    (float(other["lat"]), float(other["lon"])),
                )
                if apart < SAME_PLACE_KM:
                    twice.append(f"{name!r}: {other['name']} and {row['name']} ({apart:.1f} km)")
            seen[(name, row["country"])].append(row)
    assert not twice, twice


def test_no_primary_name_is_repeated_in_a_country():
    primaries = [(ascii_fold(r["name"]).casefold(), r["country"]) for r in ROWS]
    repeated = {p for p in primaries if primaries.count(p) > 1}
    assert not repeated, repeated


def test_new_places_are_many():
    """Issue 8 asks for the places GeoNames cities lack, not only respellings of its towns."""
    new = [r for r in ROWS if not r["geonameid"].strip()]
    assert len(new) >= 20, len(new)
