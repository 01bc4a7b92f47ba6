"""Place resolution on a tiny injected gazetteer: people, common words, qualifiers, ambiguity."""

from __future__ import annotations

import pytest

from etl.mentions import Matcher
from etl.places.gazetteer import Gazetteer
from etl.places.resolve import PersonCues, Resolver
from etl.registry import Registry
from etl.schema import R_AMBIGUOUS, Place

PLACES = [
    Place("gn:1", "Mary", 37.59, 61.83, "city", "TKM", 167_000),
    Place("gn:2", "Jinping", 31.2, 109.9, "city", "CHN", 3_000),
    Place("gn:3", "Moscow", 55.75, 37.62, "city", "RUS", 10_000_000),
    Place("gn:4", "Moscow", 46.73, -117.0, "city", "USA", 25_000),
    Place("gn:5", "Osh", 40.53, 72.8, "city", "KGZ", 322_000),
    Place("gn:6", "Springfield", 39.8, -89.6, "city", "USA", 114_000),
    Place("gn:7", "Springfield", 37.2, -93.3, "city", "USA", 169_000),
    Place("gn:8", "Along", 28.17, 94.8, "city", "IND", 18_000),
    Place("country:TKM", "Turkmenistan", 39.1, 59.4, "country", "TKM", 5_000_000),
    Place("country:KGZ", "Kyrgyzstan", 41.5, 74.5, "country", "KGZ", 6_000_000),
    Place("country:USA", "United States", 39.5, -99.1, "country", "USA", 330_000_000),
]
CUES = PersonCues(
    titles=("President", "analyst"),
    speech_verbs=frozenset({"said"}),
    surnames=frozenset({"xi", "wang"}),
    surname_suffixes=("ov", "ev"),
    given_names=frozenset({"mary", "john"}),
    demonyms=frozenset({"kyrgyz"}),
    organisation_words=frozenset({"university"}),
)


class _Common(Gazetteer):
    """The tiny gazetteer, with "mary" and "along" as common English words."""

    @property
    def common(self):
        return {"mary": 4.8, "along": 5.4}


@pytest.fixture
def resolve():
    gaz = _Common()
    for p in PLACES:
        gaz.add(p, [p.name])
    matcher = Matcher(gaz, Registry())
    resolver = Resolver(gaz, CUES)

    def run(text):
        places, _ = matcher.find(text)
        resolved, rejected = resolver.resolve(text, places)
        return {(r.mention.surface, r.place.key) for r in resolved}, rejected

    return run


def test_person_named_like_a_town_is_not_the_town(resolve):
    found, _ = resolve("Mary Johnson, an analyst, visited Turkmenistan. Xi Jinping spoke.")
    keys = {k for _, k in found}
    assert "gn:1" not in keys and "gn:2" not in keys
    assert ("Turkmenistan", "country:TKM") in found


def test_the_town_is_found_when_the_text_means_the_town(resolve):
    found, _ = resolve("Gas from the fields near Mary, Turkmenistan reaches Osh by truck.")
    assert ("Mary", "gn:1") in found
    assert ("Osh", "gn:5") in found


def test_common_word_at_sentence_start_is_not_a_place(resolve):
    found, rejected = resolve("Along the route, trucks queue for days.")
    assert not found and not rejected


def test_qualifier_picks_the_other_continents_town(resolve):
    found, _ = resolve("A delegation from Moscow, Idaho toured the dry port.")
    assert ("Moscow", "gn:4") in found and ("Moscow", "gn:3") not in found


def test_region_of_interest_and_population_pick_the_famous_one(resolve):
    found, _ = resolve("Talks in Moscow ended on Friday.")
    assert ("Moscow", "gn:3") in found


def test_close_call_between_far_apart_towns_is_reported_not_guessed(resolve):
    found, rejected = resolve("The convoy left Springfield at dawn.")
    assert not any(k.startswith("gn:6") or k.startswith("gn:7") for _, k in found)
    assert [r.reason for r in rejected] == [R_AMBIGUOUS]


def test_demonym_is_not_a_place(resolve):
    gaz = _Common()
    gaz.add(Place("gn:9", "Kyrgyz", 40.0, 70.0, "city", "KGZ", 500), ["Kyrgyz"])
    resolver = Resolver(gaz, CUES)
    places, _ = Matcher(gaz, Registry()).find("The Kyrgyz President arrived.")
    assert resolver.resolve("The Kyrgyz President arrived.", places) == ([], [])


def test_a_place_in_a_run_with_a_title_is_still_a_place(resolve):
    found, _ = resolve("Kyrgyzstan Deputy President Nurlan Bekov said Osh would host it.")
    assert ("Kyrgyzstan", "country:KGZ") in found
    assert ("Osh", "gn:5") in found


def test_a_country_that_said_something_is_still_a_country(resolve):
    found, _ = resolve("United States said on Monday it would not object.")
    assert ("United States", "country:USA") in found
