"""Stable feature ids: a pure function of what a feature is, never of reading order.

A saved ``?feature=`` link must survive adding, removing or reordering articles. Route,
registry, event and partnership ids follow from their own words; a town's id is
``places/<name>-<iso3>``, and when two towns share it (two Kyzyl-Kiyas in one country), the
gazetteer, not the corpus, decides which keeps the plain id: the most populous place of
that name (ties by key). The others carry their gazetteer key (``...-gn-1527534``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from etl.schema import EVENTS, PARTNERSHIPS, PLACES, Place
from etl.text import ascii_fold

if TYPE_CHECKING:
    from etl.places.gazetteer import Gazetteer

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def route_feature_id(
    layer: str,
    parts: tuple[str, ...],
    section_of: str | None = None,
    place_names: tuple[str, ...] = (),
) -> str:
    """An inferred route: its layer and the places it names, in the order named.

    A section of a registry project ("the Dostyk–Aktogay section") hangs under the
    project's id. A chain written in Chinese characters, which have no letters to spell
    ("克拉玛依-塔城铁路"), takes the names of the places it was drawn through.
    """
    latin = [_latin(p) for p in parts]
    if place_names and not all(slug(w) for w in latin):
        latin = [ascii_fold(n) for n in place_names]
    words = "-".join(latin)
    if section_of:
        return f"{section_of}--{slug(words)}-section"
    return f"{layer}/{slug(words)}-inferred"


def _latin(part: str) -> str:
    """A chain's part in Latin letters: as written, or spelled letter by letter from Cyrillic
    ("Бохтар-Дангара-Куляб" is not the empty id every Cyrillic route would share)."""
    folded = ascii_fold(part)
    if slug(folded) or not part.strip():
        return folded
    from etl.places.transliterate import romanise_letters

    return ascii_fold(romanise_letters(part))


def place_base_id(place: Place) -> str:
    """``places/<name>`` for countries and regions, ``places/<name>-<iso3>`` for towns."""
    base = f"{PLACES}/{slug(ascii_fold(place.name))}"
    if place.kind == "city" and place.country:
        base = f"{base}-{place.country.lower()}"
    return base


def _rank(place: Place) -> tuple[int, str]:
    return (-place.population, place.key)


def place_ids(
    places: Iterable[Place],
    gazetteer: Gazetteer | None = None,
    reserved: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Place key -> feature id for every place of a build.

    A place keeps the plain base id when no place of the same base id outranks it: in the
    gazetteer (so an article that adds a smaller namesake renames nothing) and among the
    places given (for names the gazetteer lists under another spelling). An id in
    ``reserved`` (a registry place's) is never a gazetteer place's: that one carries its key.
    """
    unique = {p.key: p for p in places}
    claims: dict[str, list[Place]] = {}
    ids: dict[str, str] = {}
    for key in sorted(unique):
        place = unique[key]
        base = place_base_id(place)
        best = place
        if gazetteer is not None:
            for hit in gazetteer.candidates(place.name):
                other = hit.place
                if place_base_id(other) == base and _rank(other) < _rank(best):
                    best = other
        if base in reserved:
            ids[key] = f"{base}-{slug(key)}"
        elif best.key == place.key:
            claims.setdefault(base, []).append(place)
        else:
            ids[key] = f"{base}-{slug(key)}"
    for base, claimants in claims.items():
        claimants.sort(key=_rank)
        ids[claimants[0].key] = base
        for other in claimants[1:]:
            ids[other.key] = f"{base}-{slug(other.key)}"
    return ids


def event_id(event_type: str, place_id: str, year: str) -> str:
    """One feature per gathering: the same kind of event, in the same town, in the same year."""
    return f"{EVENTS}/{event_type}-{place_id.split('/', 1)[1]}-{year or 'undated'}"


def partnership_id(place_id_a: str, place_id_b: str) -> str:
    return f"{PARTNERSHIPS}/{place_id_a.split('/', 1)[1]}--{place_id_b.split('/', 1)[1]}"
