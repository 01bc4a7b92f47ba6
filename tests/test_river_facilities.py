"""A river's name (also a region's) with a facility noun names a facility (etl/projects.py).

"A 1,500-megawatt power plant ... in Syr Darya" is the Sirdarya plant of the registry, not
the river: before, the mention resolved to the river and the plant vanished without a row.
Sentences are our own; the registry entry and the river are the project's real data.
"""

from __future__ import annotations

from etl import projects
from etl.mentions import PLACE, Mention
from etl.places.resolve import ResolvedPlace
from etl.text import SentenceIndex

PLANT = "facilities/syrdarya-power-plant"


def _river_mention(text, knowledge, surface="Syr Darya"):
    (hit,) = [h for h in knowledge.gazetteer.candidates(surface) if h.place.kind == "water_body"]
    start = text.index(surface)
    mention = Mention(start, start + len(surface), surface, PLACE, surface.lower())
    return [ResolvedPlace(mention, hit.place, 0.9)]


def test_a_plant_in_a_river_named_region_is_the_registry_plant(knowledge):
    text = "China finished a 1500-megawatt gas power plant in Syr Darya last winter."
    resolved = _river_mention(text, knowledge)
    found = list(projects.river_facilities(text, SentenceIndex(text), resolved, knowledge.registry))
    assert [f[0] for f in found] == [PLANT]


def test_the_river_word_before_a_facility_noun_names_the_facility(knowledge):
    text = "The Syr Darya TPP will sell power to the grid."
    resolved = _river_mention(text, knowledge)
    found = list(projects.river_facilities(text, SentenceIndex(text), resolved, knowledge.registry))
    assert [f[0] for f in found] == [PLANT]


def test_a_plant_of_another_capacity_is_reported_not_guessed(knowledge):
    text = "A 200-megawatt solar power plant opened in Syr Darya."
    resolved = _river_mention(text, knowledge)
    found = list(projects.river_facilities(text, SentenceIndex(text), resolved, knowledge.registry))
    assert [f[0] for f in found] == [None]  # goes to unresolved.csv, with the reason


def test_a_plant_on_the_river_leaves_the_river_alone(knowledge):
    text = "A small hydropower plant stands on the Syr Darya near the dam."
    resolved = _river_mention(text, knowledge)
    found = list(projects.river_facilities(text, SentenceIndex(text), resolved, knowledge.registry))
    assert found == []
