"""Candidates a careful reader never picks (etl/places/plausibility.py), on a tiny gazetteer.

The places are real, with their rounded GeoNames positions and populations: Canakkale (TUR),
whose old English name is Chanak; Olot (UZB), spelled Alat in Russian; Beijing and a
Dongcheng in Hainan (GeoNames 1812545); Dushanbe; Kulob, spelled Kulyab. The tests put the
names in sentences of our own.
"""

from __future__ import annotations

import pytest

from etl.mentions import Matcher
from etl.places.gazetteer import Gazetteer
from etl.places.resolve import PersonCues, Resolver
from etl.registry import Registry
from etl.schema import R_OUTSIDE, R_WEAK, Place

CANAKKALE = Place("gn:749780", "Canakkale", 40.16, 26.41, "city", "TUR", 143_622)
OLOT = Place("gn:1513087", "Olot Shahri", 39.41, 63.80, "city", "UZB", 13_200)
BEIJING = Place("gn:1816670", "Beijing", 39.91, 116.40, "city", "CHN", 18_960_744)
DONGCHENG = Place("gn:1812545", "Dongcheng", 19.71, 109.46, "city", "CHN", 49_252)
DUSHANBE = Place("gn:1221874", "Dushanbe", 38.54, 68.78, "city", "TJK", 863_400)
KULOB = Place("gn:1221662", "Kulob", 37.91, 69.78, "city", "TJK", 214_700)
BAKU = Place("gn:587084", "Baku", 40.38, 49.89, "city", "AZE", 1_116_513)
PLACES = {
    CANAKKALE: ["Canakkale", "Chanak"],
    OLOT: ["Olot Shahri", "Alat"],
    BEIJING: ["Beijing"],
    DONGCHENG: ["Dongcheng"],
    DUSHANBE: ["Dushanbe"],
    KULOB: ["Kulob", "Kulyab"],
    BAKU: ["Baku"],
    Place("country:TJK", "Tajikistan", 38.9, 71.0, "country", "TJK", 9_000_000): ["Tajikistan"],
    Place("country:UZB", "Uzbekistan", 41.4, 64.6, "country", "UZB", 34_000_000): ["Uzbekistan"],
    Place("country:TUR", "Turkey", 39.0, 35.0, "country", "TUR", 84_000_000): ["Turkey"],
}
CUES = PersonCues(
    titles=(),
    speech_verbs=frozenset(),
    surnames=frozenset(),
    surname_suffixes=(),
    given_names=frozenset(),
)


@pytest.fixture
def resolve():
    gaz = Gazetteer()
    for place, names in PLACES.items():
        gaz.add(place, names)
    matcher = Matcher(gaz, Registry())
    resolver = Resolver(gaz, CUES)

    def run(text):
        places, _ = matcher.find(text)
        resolved, rejected = resolver.resolve(text, places)
        return (
            {r.mention.surface: r.place.key for r in resolved},
            {r.mention.surface: r for r in rejected},
        )

    return run


def test_an_old_foreign_name_of_a_local_town_is_left_unresolved(resolve):
    found, rejected = resolve("Trucks run from Dushanbe to Chanak on the rebuilt road.")
    assert "Chanak" not in found
    assert rejected["Chanak"].reason == R_WEAK
    assert "Canakkale (TUR)" in rejected["Chanak"].candidates


def test_a_variant_spelling_in_a_country_the_text_never_names_does_not_win(resolve):
    found, rejected = resolve("Ferries cross the Caspian from Baku's port at Alat every week.")
    assert "Alat" not in found
    assert "Olot Shahri (UZB)" in rejected["Alat"].candidates
    assert found["Baku"] == BAKU.key


def test_the_variant_wins_when_the_text_names_its_country(resolve):
    found, _ = resolve("In Uzbekistan, a depot was built at Alat last year.")
    assert found["Alat"] == OLOT.key
    found, _ = resolve("Trucks leave Dushanbe for Kulyab at dawn.")
    assert found["Kulyab"] == KULOB.key  # Dushanbe, named without doubt, names Tajikistan


def test_a_district_of_a_city_is_never_a_namesake_elsewhere(resolve):
    # (not "has its head office in": a company's seat is no place of the story at all)
    found, rejected = resolve("The firm opened a sales office in Dongcheng District, Beijing.")
    assert "Dongcheng" not in found
    assert rejected["Dongcheng"].reason == R_OUTSIDE
    assert "Beijing" in rejected["Dongcheng"].candidates


def test_a_namesake_without_a_city_after_it_is_still_found(resolve):
    found, _ = resolve("A solar park opened near Dongcheng in Hainan.")
    assert found["Dongcheng"] == DONGCHENG.key
