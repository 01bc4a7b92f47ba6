"""Routes named by their places ("the Kashgar-Osh-Andijan railway"): inferred, or refused.

The registry is asked first (a registry route under a new phrasing is the registry route);
only what it does not know is built from the named places, ``precision: inferred``.
Implausible chains go to ``unresolved.csv`` with the reason: a part that does not
resolve, a hop far longer than any such route, a province and a country on different
continents (garbled text), or countries alone with no registry entry.
"""

from __future__ import annotations

import itertools
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

#: no route hop is longer than this between two named places (Chongqing-Duisburg is ~6,000)
MAX_HOP_KM = 7000.0

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
    for a, b in itertools.pairwise(points):
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


# --- routes described by their ends: "from A through B and C to D" -----------------------------

_NOUNS = {
    **_ROUTE_WORDS,
    "rail link": (RAILWAYS, "railway"),
    "ferry": (CORRIDORS, "ferry"),
    "ferries": (CORRIDORS, "ferry"),
    "ferry line": (CORRIDORS, "ferry"),
    "ferry service": (CORRIDORS, "ferry"),
    "ferry route": (CORRIDORS, "ferry"),
}
_NOUN = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _NOUNS), key=len, reverse=True)) + r")s?\b",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_TO = re.compile(
    r"\b(?:to|until|as\s+far\s+as|ends?\s+(?:at|in)|ending\s+(?:at|in)|terminat\w*\s+(?:at|in))"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: "enters Kazakhstan at Dostyk", "crosses into China at Alashankou", "via Khorgos"
_PASSING = re.compile(
    r"(?:\b(?:enters|entering|entered|crosses|crossing|crossed)\s+(?:into\s+)?"
    r"[A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?\s+at|\bvia|\bthrough)\s+(?:the\s+)?$",
)
#: the words before a place that say what it is in a route (searched in this many characters)
_WINDOW = 60
_END_KINDS = frozenset({"city", "border_crossing", "water_body"})


@dataclass(frozen=True)
class Described:
    """A route a sentence describes by its places, in order."""

    layer: str
    type: str
    places: tuple[Place, ...]
    start: int  # the words from the route noun to the last place
    end: int
    noun: str


def _coastal_stand_in(here, water, frm, coastal):
    """A town of the same sentence on that sea's shore, where the route meets the water."""
    for p in here:
        if p is frm or p.place.kind != "city" or km(p.place, water.place) > 600:
            continue
        if coastal(p.place.lon, p.place.lat):
            return p
    return None


def find_described(
    text: str, sentences: list[tuple[int, int]], places, coastal=lambda lon, lat: False
) -> list[Described]:
    """Routes written as "<noun> ... from A [through B, C] to D" (places already resolved)."""
    out = []
    for s, e in sentences:
        sentence = text[s:e]
        noun = _NOUN.search(sentence)
        if noun is None:
            continue
        here = sorted(
            (p for p in places if s <= p.mention.start < e and p.place.kind in _END_KINDS),
            key=lambda p: p.mention.start,
        )
        frm = next(
            (
                p
                for p in here
                if _FROM.search(
                    sentence[max(0, p.mention.start - s - _WINDOW) : p.mention.start - s]
                )
            ),
            None,
        )
        if frm is None:
            continue
        to = next(
            (
                p
                for p in here
                if p.mention.start > frm.mention.start
                and _TO.search(
                    sentence[max(0, p.mention.start - s - _WINDOW) : p.mention.start - s]
                )
            ),
            None,
        )
        if to is None:
            continue
        middle = [
            p
            for p in here
            if p.place.kind != "water_body"
            and p is not to
            and (
                frm.mention.end <= p.mention.start < to.mention.start
                or (
                    p.mention.start > to.mention.end
                    and _PASSING.search(
                        sentence[max(0, p.mention.start - s - _WINDOW) : p.mention.start - s]
                    )
                )
            )
        ]
        if to.place.kind == "water_body":
            # "to the Caspian Sea ... reach the water at the port of Turkmenbashi"
            # or, failing that, the port the document names nearest to this mention: a
            # dateline is blanked as boilerplate, but "in Poti" two lines on still counts
            nearby = sorted(places, key=lambda p: abs(p.mention.start - to.mention.start))
            to = (
                _coastal_stand_in(here, to, frm, coastal)
                or _coastal_stand_in(nearby, to, frm, coastal)
                or to
            )
        # passing points in the order one meets them going from the start to the end
        middle.sort(key=lambda p: km(frm.place, p.place))
        chain = [frm.place, *(p.place for p in middle if p is not to), to.place]
        unique = [p for i, p in enumerate(chain) if i == 0 or p.key != chain[i - 1].key]
        if len(unique) < 2:
            continue
        layer, kind = _NOUNS[noun.group(1).lower()]
        start = min(s + noun.start(), frm.mention.start)
        out.append(Described(layer, kind, tuple(unique), start, to.mention.end, noun.group(0)))
    return out


def draw(route: Described, shore) -> tuple[LineString | None, str | None]:
    """The route's line through its places, ending on a sea's near shore; or why not."""
    coords = []
    for i, p in enumerate(route.places):
        if p.kind == "water_body":
            prev = coords[-1] if coords else None
            nxt = (
                (route.places[i + 1].lon, route.places[i + 1].lat)
                if i + 1 < len(route.places)
                else None
            )
            towards = prev or nxt
            coords.append(shore(towards, (p.lon, p.lat)) if towards else (p.lon, p.lat))
        else:
            coords.append((p.lon, p.lat))
    for a, b in zip(route.places, route.places[1:], strict=False):
        if km(a, b) > MAX_HOP_KM:
            return None, f"{a.name} to {b.name} is {km(a, b):,.0f} km"
    return LineString(coords), None
