"""Chains of place names ("the Kashgar-Osh railway") read, drawn or refused with the right
reason: the cases the mutation run of ``etl/routes.py`` found unguarded (see the README's
*Development* section).

These call the route reader directly with the real knowledge (gazetteer, countries), so a
broken rule shows as the wrong verdict for one sentence, not as a different build.
Positions are GeoNames' (rounded); distances are the tests' own haversine (``conftest.km``).
"""

from __future__ import annotations

import pytest

from etl import assemble, routes
from etl.mentions import ENTRY, SYSTEM
from etl.schema import R_AMBIGUOUS, R_GARBLED, R_IMPLAUSIBLE, R_UNKNOWN

from .conftest import km

KASHGAR = (39.47, 75.99)  # GeoNames 1280849
OSH = (40.53, 72.80)  # GeoNames 1527534
JALAL_ABAD = (40.94, 72.99)  # GeoNames 1528249
BISHKEK = (42.87, 74.59)  # GeoNames 1528675
KARA_BALTA = (42.81, 73.85)  # GeoNames 1528182
KARA_SUU = (40.70, 72.87)  # GeoNames 1528091 (Kara Suu)


@pytest.fixture(autouse=True, scope="module")
def _patterns_of_this_code():
    """The route patterns are compiled once per process and cached; a runner that forks
    test processes from one that already read routes (mutmut's fork server) would hand
    them the patterns of the code it read first. Build them again from the code as it is."""
    for cached in (routes._chain_pattern, routes._noun_first_pattern, routes._cues):
        cached.cache_clear()
    routes._kind_words.cache_clear()


def _judge(text, knowledge):
    """The verdict on the sentence's one chain, its parts read by the document's own place
    resolution (as ``etl.assemble`` does)."""
    (chain,) = routes.find_chains(text)
    place_mentions, registry_mentions = knowledge.matcher.find(text)
    spans = [(m.start, m.end) for m in registry_mentions if m.kind in (ENTRY, SYSTEM)]
    resolved, rejected = knowledge.resolver.resolve(text, place_mentions, spans)
    return routes.judge(chain, assemble._place_at(resolved, rejected), knowledge.continent_of)


def test_a_chain_starts_at_its_first_place_and_keeps_its_noun():
    (chain,) = routes.find_chains("Work on China's Kashgar-Hotan railway began.")
    assert chain.text == "Kashgar-Hotan railway"
    assert chain.parts == ("Kashgar", "Hotan")
    assert (chain.layer, chain.type) == ("railways", "railway")
    (section,) = routes.find_chains("The Almaty-Khorgos section opened.")
    assert (section.parts, section.layer, section.type) == (("Almaty", "Khorgos"), "", "section")
    (line,) = routes.find_chains("the Kashgar-Osh line")
    assert (line.layer, line.type) == ("", "line")


def test_two_towns_make_a_line_from_the_first_to_the_second(knowledge):
    route = _judge("the Kashgar-Osh railway", knowledge)
    assert isinstance(route, routes.InferredRoute)
    assert [(p.name, p.country) for p in route.places] == [("Kashgar", "CHN"), ("Osh", "KGZ")]
    (lon1, lat1), (lon2, lat2) = route.geometry.coords
    assert km((lat1, lon1), KASHGAR) < 3 and km((lat2, lon2), OSH) < 3


def test_a_hyphenated_town_is_one_place_of_the_chain(knowledge):
    route = _judge("the Jalal-Abad-Osh road", knowledge)
    assert isinstance(route, routes.InferredRoute)
    assert [p.name for p in route.places] == ["Jalal-Abad", "Osh"]
    (lon1, lat1), (lon2, lat2) = route.geometry.coords
    assert km((lat1, lon1), JALAL_ABAD) < 3 and km((lat2, lon2), OSH) < 3


def test_an_unknown_name_is_refused_as_unknown(knowledge):
    refused = _judge("the Kashgar-Zzyzzx railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_UNKNOWN and "Zzyzzx" in refused.detail
    assert refused.chain.text == "Kashgar-Zzyzzx railway"  # the words unresolved.csv shows
    assert not refused.quiet  # reported in unresolved.csv


def test_a_dashed_name_that_is_no_chain_of_places_is_refused_quietly(knowledge):
    # "Trans-..." and "South-..." begin names, not routes: not drawn, and not reported
    for text in ("the Trans-Zzyzzx corridor", "the South-North Highway"):
        refused = _judge(text, knowledge)
        assert isinstance(refused, routes.RefusedRoute)
        assert refused.reason == R_UNKNOWN and refused.quiet


def test_a_part_with_several_namesakes_refuses_the_chain_as_ambiguous(knowledge):
    # "Aral": the Kazakh town (Aralsk) and namesakes elsewhere; nothing in the words chooses
    refused = _judge("the Kochkor-Aral road", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_AMBIGUOUS
    assert refused.detail.startswith("'Aral' is not placed with confidence (")
    assert "Aralsk (KAZ)" in refused.detail  # the candidates, for the reader of the report
    assert refused.chain.text == "Kochkor-Aral road"


def test_a_hyphenated_town_after_another_with_the_same_first_word_is_its_own_place(knowledge):
    # "Kara" begins two towns: the second "Kara" is read where it stands, not at the first
    route = _judge("the Bishkek-Kara-Balta-Kara-Suu road", knowledge)
    assert isinstance(route, routes.InferredRoute)
    assert [p.name for p in route.places] == ["Bishkek", "Kara-Balta", "Kara-Suu"]
    for (lon, lat), want in zip(
        route.geometry.coords, (BISHKEK, KARA_BALTA, KARA_SUU), strict=True
    ):
        assert km((lat, lon), want) < 3


def test_a_route_there_and_back_passes_its_town_twice(knowledge):
    route = _judge("the Osh-Bishkek-Osh road", knowledge)
    assert isinstance(route, routes.InferredRoute)
    assert [p.name for p in route.places] == ["Osh", "Bishkek", "Osh"]
    first, middle, last = route.geometry.coords
    assert first == last and km((middle[1], middle[0]), BISHKEK) < 3


def test_two_far_towns_with_no_stop_between_are_not_joined_straight(knowledge):
    # Lianyungang (34.60, 119.22) to Tashkent (41.26, 69.22): beyond the lexicon's 4,000 km
    assert km((34.60, 119.22), (41.26, 69.22)) > 4000
    refused = _judge("the Lianyungang-Tashkent railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE and "no stop named between them" in refused.detail
    assert refused.chain.text == "Lianyungang-Tashkent railway"


def test_countries_alone_are_no_route(knowledge):
    refused = _judge("the Kazakhstan-China pipeline", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE
    assert refused.detail.startswith("names only countries")
    assert refused.chain.text == "Kazakhstan-China pipeline"


def test_one_town_and_a_country_is_too_little_to_draw(knowledge):
    refused = _judge("the Kashgar-Kyrgyzstan railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE
    assert refused.detail.startswith("fewer than two places")
    assert refused.chain.text == "Kashgar-Kyrgyzstan railway"


@pytest.mark.parametrize(
    ("text", "province", "country"),
    [
        ("the Xinjiang-Germany railway", "Xinjiang", "Germany"),
        ("the Sichuan-France road", "Sichuan", "France"),
    ],
)
def test_a_province_and_a_country_of_another_continent_are_garbled(
    knowledge, text, province, country
):
    refused = _judge(text, knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_GARBLED
    assert province in refused.detail and country in refused.detail
    assert refused.chain.text == text.removeprefix("the ")


def test_a_town_and_a_far_country_are_too_little_to_draw_not_garbled(knowledge):
    # the garbled rule is about a province; a town and a country are one place to draw
    refused = _judge("the Kashgar-Germany railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE


def test_a_province_and_a_country_of_its_own_continent_are_not_garbled(knowledge):
    # Xinjiang (Asia) and Kazakhstan (Asia): not garbled, just one place to draw
    refused = _judge("the Xinjiang-Kazakhstan railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE


def test_a_hop_across_continents_is_implausible(knowledge):
    # Lianyungang (34.60, 119.22) to Lisbon (38.72, -9.13): far beyond any such route
    assert km((34.60, 119.22), (38.72, -9.13)) > routes.MAX_HOP_KM
    refused = _judge("the Lianyungang-Lisbon railway", knowledge)
    assert isinstance(refused, routes.RefusedRoute)
    assert refused.reason == R_IMPLAUSIBLE
    assert "Lianyungang to Lisbon" in refused.detail and " km" in refused.detail
