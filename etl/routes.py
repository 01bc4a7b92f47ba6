"""Routes named by their places ("the Kashgar-Osh-Andijan railway"): inferred, or refused.

The registry is asked first (a registry route under a new phrasing is the registry route);
only what it does not know is built from the named places, ``precision: inferred``.
Implausible chains go to ``unresolved.csv`` with the reason: a part that does not
resolve, a hop far longer than any such route, a province and a country on different
continents (garbled text), or countries alone with no registry entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shapely.geometry import LineString

from etl.gazetteer import Gazetteer
from etl.geo import km
from etl.schema import (
    CORRIDORS,
    PIPELINES,
    R_GARBLED,
    R_IMPLAUSIBLE,
    R_UNKNOWN,
    RAILWAYS,
    ROADS,
    Place,
)

#: no overland route hop is longer than this between two named places
MAX_HOP_KM = 4000.0

_ROUTE_WORDS = {
    "railway": (RAILWAYS, "railway"),
    "railroad": (RAILWAYS, "railway"),
    "rail line": (RAILWAYS, "railway"),
    "railway line": (RAILWAYS, "railway"),
    "pipeline": (PIPELINES, "pipeline"),
    "gas pipeline": (PIPELINES, "gas_pipeline"),
    "oil pipeline": (PIPELINES, "oil_pipeline"),
    "natural gas pipeline": (PIPELINES, "gas_pipeline"),
    "crude oil pipeline": (PIPELINES, "oil_pipeline"),
    "highway": (ROADS, "highway"),
    "motorway": (ROADS, "highway"),
    "expressway": (ROADS, "highway"),
    "road": (ROADS, "road"),
    "corridor": (CORRIDORS, "corridor"),
    "transport corridor": (CORRIDORS, "corridor"),
    "route": (CORRIDORS, "corridor"),
}
_NAME = r"[A-Z][\w']+(?:\s[A-Z][\w']+)?"
_WORDS = "|".join(sorted((re.escape(w) for w in _ROUTE_WORDS), key=len, reverse=True))
CHAIN = re.compile(rf"\b({_NAME}(?:-{_NAME})+)\s+({_WORDS})s?\b")


@dataclass(frozen=True)
class Chain:
    start: int
    end: int
    text: str
    parts: tuple[str, ...]
    layer: str
    type: str


@dataclass(frozen=True)
class InferredRoute:
    chain: Chain
    places: tuple[Place, ...]
    geometry: LineString


@dataclass(frozen=True)
class RefusedRoute:
    chain: Chain
    reason: str
    detail: str


def find_chains(text: str) -> list[Chain]:
    out = []
    for m in CHAIN.finditer(text):
        layer, kind = _ROUTE_WORDS[m.group(2).lower()]
        parts = tuple(p.strip() for p in m.group(1).split("-"))
        out.append(Chain(m.start(), m.end(), m.group(0), parts, layer, kind))
    return out


def judge(
    chain: Chain, gazetteer: Gazetteer, continent_of: dict[str, str]
) -> InferredRoute | RefusedRoute:
    """Resolve a chain's parts and decide: an inferred route, or a refusal with the reason."""
    places: list[Place] = []
    parts = list(chain.parts)
    i = 0
    while i < len(parts):
        # hyphenated names ("Jalal-Abad") first: the longest run of parts that is a place
        for j in range(len(parts), i, -1):
            place = _best(gazetteer, "-".join(parts[i:j]))
            if place is not None:
                places.append(place)
                i = j
                break
        else:
            return RefusedRoute(chain, R_UNKNOWN, f"{parts[i]!r} is not a known place")
    kinds = {p.kind for p in places}
    if kinds <= {"country"}:
        return RefusedRoute(
            chain, R_IMPLAUSIBLE, "names only countries and matches no registry entry"
        )
    for a in places:
        for b in places:
            if a.kind == "region" and b.kind == "country" and a.country and a.country != b.country:
                ca, cb = continent_of.get(a.country), continent_of.get(b.country)
                if ca and cb and ca != cb:
                    return RefusedRoute(
                        chain,
                        R_GARBLED,
                        f"names the province {a.name} ({a.country}, {ca}) and {b.name} ({cb})",
                    )
    points = [p for p in places if p.kind != "country"]
    if len(points) < 2:
        return RefusedRoute(chain, R_IMPLAUSIBLE, "fewer than two places to draw between")
    for a, b in zip(points, points[1:], strict=False):
        if km(a, b) > MAX_HOP_KM:
            return RefusedRoute(chain, R_IMPLAUSIBLE, f"{a.name} to {b.name} is {km(a, b):,.0f} km")
    geometry = LineString([(p.lon, p.lat) for p in points])
    return InferredRoute(chain, tuple(places), geometry)


def _best(gazetteer: Gazetteer, name: str) -> Place | None:
    hits = gazetteer.candidates(name)
    if not hits:
        return None
    # countries and regions by their own names first, then the region of interest by size
    from etl.resolve import ROUTE_COUNTRIES
    from etl.schema import CORE_COUNTRIES

    def rank(h):
        p = h.place
        return (
            p.kind in {"country", "region", "water_body"} and h.primary,
            p.country in CORE_COUNTRIES,
            p.country in ROUTE_COUNTRIES,
            h.primary,
            p.population,
        )

    return max(hits, key=rank).place
