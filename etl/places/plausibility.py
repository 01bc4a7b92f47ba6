"""Candidates a careful reader would never pick, whatever their score.

Two checks, run on a mention's candidates before they are scored (the words and thresholds
are in ``geodata/lexicon/plausibility.yaml``):

- **District of a city.** "Dongcheng District, Beijing" names a part of Beijing: only a
  candidate in or near Beijing can be meant. A namesake elsewhere (a Dongcheng in Hainan)
  is another place, so with none near the mention is left unresolved.
- **Homonyms abroad.** A name the gazetteer knows only as an alternate spelling of a place
  ("Chanak" for Canakkale, "Alat" for Olot) in a country the document never names is far
  more often a local place the gazetteer lacks (a Tajik town Chanak, the port of Alat near
  Baku) than that foreign town. Such a candidate does not win; with no other candidate the
  mention goes to ``unresolved.csv`` with its candidates.

Kept apart from ``resolve.py``'s scoring so that each rule can be read and tested on its own.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.geo import km
from etl.places.gazetteer import Gazetteer, NameHit
from etl.places.supplement import SUPPLEMENT_KEY
from etl.schema import R_OUTSIDE, R_WEAK, Place
from etl.text import phrase_alternation

PLAUSIBILITY_YAML = settings.LEXICON / "plausibility.yaml"


@dataclass(frozen=True)
class Rules:
    """The words and thresholds of ``plausibility.yaml``."""

    district_after: re.Pattern[str]
    district_city_km: float
    district_city_min_population: int
    alternate_min_population: int


@cache
def load_rules(path: Path = PLAUSIBILITY_YAML) -> Rules:
    data = yamldata.load(path.read_text(encoding="utf-8"))
    words = phrase_alternation(data["district_words"])
    return Rules(
        district_after=re.compile(
            rf"\s+(?:{words})\s*,\s*([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)", re.IGNORECASE
        ),
        district_city_km=float(data["district_city_km"]),
        district_city_min_population=int(data["district_city_min_population"]),
        alternate_min_population=int(data["alternate_unnamed_country_min_population"]),
    )


@dataclass(frozen=True)
class Screened:
    """The candidates left; with none left, why (a reason of ``unresolved.csv``) and what."""

    hits: list[NameHit]
    reason: str = ""
    detail: str = ""


def screen(
    text: str,
    end: int,
    hits: list[NameHit],
    gazetteer: Gazetteer,
    doc_countries: set[str],
    anchors: list[Place],
    qualifier: set[str] | None,
    rules: Rules | None = None,
) -> Screened:
    """The candidates of the mention ending at ``end`` that pass both checks."""
    rules = rules or load_rules()
    district = _district_city(text, end, gazetteer, rules)
    if district is not None:
        words, city = district
        near = [h for h in hits if km(h.place, city) <= rules.district_city_km]
        if not near:
            return Screened([], R_OUTSIDE, f"{words.strip()}: {_listing(hits)}")
        hits = near
    own = {h.place.key for h in hits}
    named = set(doc_countries) | (qualifier or set())

    def is_named(country: str) -> bool:
        # the document's other places name a country too; looked at only for the rare
        # alternate-spelling candidate, since a long document has thousands of anchors
        if country in named:
            return True
        return bool(country) and any(a.country == country and a.key not in own for a in anchors)

    kept = [h for h in hits if not (_homonym_abroad(h, rules) and not is_named(h.place.country))]
    if not kept:
        detail = (
            f"only an alternate spelling, in a country the text does not name: {_listing(hits)}"
        )
        return Screened([], R_WEAK, detail)
    return Screened(kept)


#: supplement kinds whose names recur across the region's villages (not its towns, fields,
#: passes or crossings, whose names are their own)
_SMALL_SUPPLEMENT_KINDS = frozenset({"village", "junction", "station"})


def _homonym_abroad(hit: NameHit, rules: Rules) -> bool:
    """A small town reached only by an alternate spelling (abroad unless its country is named).

    A row of our supplement counts when it is a village, station or junction that GeoNames
    does not list: its alternate spellings are the region's own, and the same spelling names
    villages in the neighbouring countries ("the 110 kV Jetigen - Ala-Buga line"
    of a Kyrgyz grid company is Kyrgyzstan's Jetigen, not the Kazakh junction Zhetygen,
    held-out set 249)."""
    place = hit.place
    if hit.primary or place.kind != "city":
        return False
    if place.feature_type:  # a supplement row, chosen for this atlas
        return place.feature_type in _SMALL_SUPPLEMENT_KINDS and place.key.startswith(
            SUPPLEMENT_KEY
        )
    return place.population < rules.alternate_min_population


def _district_city(
    text: str, end: int, gazetteer: Gazetteer, rules: Rules
) -> tuple[str, Place] | None:
    """ "Dongcheng District, Beijing": the words and the city the district belongs to."""
    m = rules.district_after.match(text, end)
    if not m:
        return None
    for name in (m.group(1), m.group(1).split()[0]):
        for hit in gazetteer.candidates(name):
            if (
                hit.primary
                and hit.place.kind == "city"
                and hit.place.population >= rules.district_city_min_population
            ):
                return m.group(), hit.place
    return None


def _listing(hits: list[NameHit]) -> str:
    return "; ".join(f"{h.place.name} ({h.place.country or h.place.kind})" for h in hits[:4])


#: two towns joined by a hyphen this far apart, neither in a country the document names,
#: are not what the hyphenated name means (km)
FAR_PAIR_KM = 3000.0
#: ... and such a pair of towns both smaller than this is one name even in named countries
FAR_PAIR_SMALL = 100_000


#: a middle stop of a dashed chain that lengthens the way between its neighbours by this
#: much (km) and at least DETOUR_RATIO times is a namesake off the route
DETOUR_KM = 300.0
DETOUR_RATIO = 3.0
#: kinds of places that are areas, never a stop of a chain
_AREA_KINDS = frozenset({"country", "region", "water_body", "continent"})
#: "A-B", "A - B": the joint between two names of a chain
_JOINT = re.compile(r"\s?[-\u2013]\s?")


def chain_detours(text: str, resolved) -> tuple[list, list]:
    """``resolved`` without a chain's middle stop that is a namesake far off its route.

    "the Danghara-Guliston-Kulob road" (held-out set 73): Danghara and Kulob are 40 km
    apart in Khatlon; the only Guliston the index knows is in Uzbekistan, 300 km north, so a
    road through it would double back across a border. Such a stop is a wrong reading, and
    so is every other mention the document's resolution gave the same place.
    """

    if "-" not in text and "\u2013" not in text:
        return resolved, []
    # a pass or a crossing is a stop too ("Darvaz-Murgab-Kulma", held-out set 177), but
    # only a town is set aside
    by_start = {r.mention.start: r for r in resolved if r.place.kind not in _AREA_KINDS}
    by_end = {r.mention.end: r for r in by_start.values()}
    off: set[str] = set()
    for b in by_start.values():
        if b.place.kind != "city":
            continue
        c = _next_stop(text, b.mention.end, by_start)
        a = _stop_before(text, b.mention.start, by_end)
        if c is None or a is None:
            continue
        if a.place.key == c.place.key:
            continue
        via = km(a.place, b.place) + km(b.place, c.place)
        direct = km(a.place, c.place)
        if via - direct > DETOUR_KM and via > DETOUR_RATIO * direct:
            off.add(b.place.key)
    for first in by_start.values():
        if first.place.kind != "city":
            continue
        if _stop_before(text, first.mention.start, by_end) is None:
            off |= _far_end(first, lambda r: _next_stop(text, r.mention.end, by_start))
        if _next_stop(text, first.mention.end, by_start) is None:
            off |= _far_end(first, lambda r: _stop_before(text, r.mention.start, by_end))
    why = "a stop of a dashed chain far off the way between its neighbours"
    return _set_aside(resolved, lambda r: r.place.key in off, why)


#: a list of names closed by a word for stations: "poezd Ahangaron, Angren, Kul, Orzu, Chodak,
#: ... Pop stansiyalarida to'xtab" (the train stops at the stations of ...), "на станциях"
_STATION_LIST = re.compile(
    r"(?P<names>[A-ZА-ЯЁЎҚҒҲ][\w'‘’ʻ-]*"
    r"(?:(?:\s*,\s*|\s+(?:va|ва|и|and|hamda)\s+)[A-ZА-ЯЁЎҚҒҲ][\w'‘’ʻ-]*){2,15})"
    r"\s+(?i:stansiyalarida|stansiyalari|stansiyalarda|станцияларида|станциялари|stations)\b"
)
#: a station of such a list this far (km) from every other, while the others lie within
#: STATION_LOCAL_KM of each other, is a namesake far off the line
STATION_FAR_KM = 250.0
STATION_LOCAL_KM = 200.0


def station_lists(text: str, resolved) -> tuple[list, list]:
    """``resolved`` without a station of a list of stations that lies far from all the
    others: "Ahangaron, Angren, Kul, Orzu, Chodak, Temiryo'labod, Kon, Koshminor, Pop
    stansiyalarida" (held-out set 404) are stops of the Angren-Pap line, and the only Orzu the
    index knows is a village in Khatlon, 400 km south."""
    if "stansiya" not in text and "станция" not in text and "stations" not in text:
        return resolved, []
    off: set[int] = set()
    towns = [r for r in resolved if r.place.kind == "city"]
    for m in _STATION_LIST.finditer(text):
        inside = [r for r in towns if m.start("names") <= r.mention.start < m.end("names")]
        if len(inside) < 3:
            continue
        for r in inside:
            others = [o for o in inside if o.place.key != r.place.key]
            spread = max(
                (km(a.place, b.place) for a, b in itertools.combinations(others, 2)), default=0.0
            )
            if spread < STATION_LOCAL_KM and all(
                km(r.place, o.place) > STATION_FAR_KM for o in others
            ):
                off.add(id(r))
    why = "a station of a list whose other stations lie far from it"
    return _set_aside(resolved, lambda r: id(r) in off, why)


#: an end of a chain this far (km) from the next stop, while the next three stops lie within
#: END_LOCAL_KM of each other in one country, is a namesake far off the route
END_FAR_KM = 250.0
END_LOCAL_KM = 100.0


def _far_end(end, step) -> set[str]:
    """``{end's key}`` when ``end`` opens (or closes) a chain of four stops or more whose
    other stops form a local way in one country far from it: "the Гулистон – Фархор – Пяндж –
    Дусти road" (held-out set 133), three towns of Khatlon within 70 km, and a Guliston the
    index knows only in Sughd or Uzbekistan, 300 km north. A long first leg alone is a
    journey's ("Xi'an - Khorgos - Zharkent"), so the rest must be one local way."""
    stops = [end]
    while len(stops) < 4 and (nxt := step(stops[-1])) is not None:
        if nxt.place.key == end.place.key:
            return set()  # the chain comes back to its end's town
        stops.append(nxt)
    if len(stops) < 4 or len({s.place.country for s in stops[1:]}) != 1:
        return set()
    local = [km(a.place, b.place) for a, b in itertools.pairwise(stops[1:])]
    if km(end.place, stops[1].place) > END_FAR_KM and max(local) < END_LOCAL_KM:
        return {end.place.key}
    return set()


#: a name of a chain that no resolution placed ("Чаек" in "Кочкор - Чаек - Арал"), skipped
#: to reach the next placed stop
_UNPLACED_STOP = re.compile(r"[^\W\d_][\w']*")
#: the same, and the joint, read backwards from where they end
_JOINT_BEFORE = re.compile(r"\s?[-\u2013]\s?$")
_UNPLACED_STOP_BEFORE = re.compile(r"[^\W\d_][\w']*$")


def _next_stop(text: str, end: int, by_start: dict):
    """The placed stop after the joint at ``end``, over at most one unplaced name."""
    joint = _JOINT.match(text, end)
    if joint is None:
        return None
    stop = by_start.get(joint.end())
    if stop is not None:
        return stop
    name = _UNPLACED_STOP.match(text, joint.end())
    after = _JOINT.match(text, name.end()) if name is not None else None
    return by_start.get(after.end()) if after is not None else None


def _stop_before(text: str, start: int, by_end: dict):
    """The placed stop before the joint ending at ``start``, over at most one unplaced name
    ("Кочкор - Чаек - Арал": Kochkor is the stop before Арал)."""
    stop = _placed_before(text, start, by_end)
    if stop is not None:
        return stop
    joint = _JOINT_BEFORE.search(text, max(0, start - 3), start)
    if joint is None:
        return None
    name = _UNPLACED_STOP_BEFORE.search(text, max(0, joint.start() - 40), joint.start())
    return _placed_before(text, name.start(), by_end) if name is not None else None


def _placed_before(text: str, start: int, by_end: dict):
    """The placed stop that ends at a joint ending at ``start``, if any."""
    for i in range(start - 3, start):
        if i in by_end and _JOINT.fullmatch(text[i:start]):
            return by_end[i]
    return None


#: a stretch whose ends lie farther apart than LENGTH_RATIO times its stated length plus
#: LENGTH_SLACK_KM contradicts the text: one of its ends is a namesake (a laid track may be a
#: part of the stretch, and a road winds, hence the wide margin)
LENGTH_RATIO = 3.0
LENGTH_SLACK_KM = 100.0
#: how far (characters) after a stretch's second end its length may stand
_LENGTH_AFTER = 60
#: the words between a stretch's two ends: "from A to B", "от А до Б", "between A and B",
#: "между станциями «А» и «Б»"; not a dash: a dashed name ('"Almaty - Astana - Petropavlovsk"
#: (31 km)', held-out set 269) is often followed by a section's length
_STRETCH_JOINT = re.compile(
    r"[\s\"\u00ab\u00bb\u201c\u201d]*(?:to|до|and|и)[\s\"\u00ab\u00bb\u201c\u201d]*"
)
_STRETCH_OPENING = re.compile(
    r"(?<![\w-])(?i:from|between|от|между)(?:\s+[^\W\d]+){0,2}[\s\"\u00ab\u201c]*$"
)
#: a length in kilometres ("155 км", "1,200 km", "300-kilometre")
_LENGTH = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0,]\d{3})+|\d+)(?:[.,]\d+)?\s*-?\s*"
    r"(?i:km|kilomet|км|километр|шақырым|чакырым)"
)
#: a length that is no stretch's: a distance from somewhere ("20 km from", "в 20 км от",
#: "40 km north of"), a saving ("by 700 km", "на 700 км")
_NOT_A_STRETCH_BEFORE = re.compile(r"(?<![\w-])(?i:by|на|в|within|about)\s*$")
_NOT_A_STRETCH_AFTER = re.compile(
    r"\w*\.?\s+(?i:from|away|off|of|outside|north|south|east|west|от|к|севернее|южнее|"
    r"западнее|восточнее|северо|юго)\b"
)
_SAVING = re.compile(r"(?i:shorten|reduc|cut|sav|сократ|сокращ|короче|быстрее|faster)")


def length_contradictions(text: str, resolved, sentences, gazetteer) -> tuple[list, list]:
    """``resolved`` without a stretch's end that its stated length rules out.

    "от Бесколь до Достыка уложено 155 км" (held-out set 288): the gazetteer's only Beskol is
    Bishkul, 1,400 km from Dostyk, so the Beskol station of the Dostyk line is another
    place. The end the gazetteer matched by an alternate name only is set aside (with every
    other mention placed there); when both or neither are, both are; a town of
    ``FAR_PAIR_SMALL`` people or more never is. Only stretches opened by "from", "от",
    "between" or "между", with the length after them. ``sentences`` is the document's
    ``SentenceIndex``.
    """
    if not _LENGTH.search(text):
        return resolved, []
    towns = sorted((r for r in resolved if r.place.kind == "city"), key=lambda r: r.mention.start)
    off: set[str] = set()
    for a, b in itertools.pairwise(towns):
        joint = _STRETCH_JOINT.fullmatch(text, a.mention.end, b.mention.start)
        if joint is None or a.place.key == b.place.key:  # "from A to B", "между «А» и «Б»"
            continue
        s, e = sentences.around(a.mention.start, b.mention.end)
        if not _STRETCH_OPENING.search(text, max(s, a.mention.start - 40), a.mention.start):
            continue
        # the length follows the stretch ("от A до B уложено 155 км", "from A to B (127 km)");
        # one before it may be a part's ("a 12 km bypass on the way from A to B")
        longest = _longest_stretch(text, s, e)
        if (
            longest is None
            or _stretch_length(text, b.mention.end, min(e, b.mention.end + _LENGTH_AFTER)) is None
            or km(a.place, b.place) <= LENGTH_RATIO * longest + LENGTH_SLACK_KM
        ):
            continue
        alternate = [r for r in (a, b) if not _primary(r, gazetteer)]
        suspects = alternate if len(alternate) == 1 else (a, b)
        # a city is not a namesake the text mistook: only small places are set aside
        off |= {r.place.key for r in suspects if r.place.population < FAR_PAIR_SMALL}
    why = "an end of a stretch much farther from the other end than the text's length says"
    return _set_aside(resolved, lambda r: r.place.key in off, why)


def _longest_stretch(text: str, s: int, e: int) -> float | None:
    """The longest length in km the sentence ``text[s:e]`` gives a stretch, if any."""
    if _SAVING.search(text, s, e):
        return None  # "cuts the way from A to B by 700 km"
    return _stretch_length(text, s, e)


def _stretch_length(text: str, s: int, e: int) -> float | None:
    """The longest length in km in ``text[s:e]`` that is no distance from a place."""
    lengths = [
        float(re.sub(r"[ \u00a0,]", "", m.group(1)))
        for m in _LENGTH.finditer(text, s, e)
        if not _NOT_A_STRETCH_BEFORE.search(text, max(s, m.start() - 12), m.start())
        and not _NOT_A_STRETCH_AFTER.match(text, m.end())
    ]
    return max(lengths, default=None)


def _primary(r, gazetteer) -> bool:
    """Whether the mention's place carries the name as its own (not an alternate)."""
    return any(
        h.primary and h.place.key == r.place.key for h in gazetteer.candidates(r.mention.key)
    )


def _set_aside(resolved, is_off, why: str) -> tuple[list, list]:
    """``resolved`` split into the kept and, as weak matches with ``why``, those ``is_off``."""
    from etl.places.resolve import Rejected

    kept = [r for r in resolved if not is_off(r)]
    if len(kept) == len(resolved):
        return resolved, []
    rejected = [
        Rejected(r.mention, R_WEAK, f"{why}: {r.place.name} ({r.place.country})")
        for r in resolved
        if is_off(r)
    ]
    return kept, rejected


def far_pairs(text: str, resolved) -> tuple[list, list]:
    """``resolved`` without the towns of a hyphenated pair that are far-apart namesakes.

    "the 110 kV line (PTL) Rabat-Kashan - Kalay-Nau (Turkmenistan-Afghanistan)" (held-out
    set 68): "Rabat-Kashan" is a Turkmen substation, and Rabat in Morocco and Kashan in Iran,
    6,000 km apart and in no country the document names, are namesakes. A pair of a train's
    terminals ("the Beijing-Moscow train") is kept when the text names either country, and
    a pair of a route's ends when a route noun follows ("the Lianyungang-Korgas railway").
    """

    from etl.routes import route_noun_after  # routes reads places: imported when used

    named = {r.place.country for r in resolved if r.place.kind == "country"}
    by_start = {r.mention.start: r for r in resolved if r.place.kind == "city"}
    off = set()
    for r in by_start.values():
        end = r.mention.end
        other = by_start.get(end + 1) if text[end : end + 1] == "-" else None
        if (
            other is not None
            and km(r.place, other.place) > FAR_PAIR_KM
            and (
                # "the Lianyungang-Korgas railway line" (held-out set 264): a route's ends,
                # far apart by nature, in a country the text may leave unsaid
                (
                    r.place.country not in named
                    and other.place.country not in named
                    and not route_noun_after(text, other.mention.end)
                )
                # "the Bayan-Nur city in the north of the PRC" (held-out set 106): two small
                # towns thousands of km apart are the parts of one name, whatever the text
                # names; a train's terminals ("Changsha-Altynkol") are not both small
                or max(r.place.population, other.place.population) < FAR_PAIR_SMALL
            )
        ):
            off |= {r.mention.start, other.mention.start}
    why = "a hyphenated name whose parts are far-apart towns in countries the text never names"
    return _set_aside(resolved, lambda r: r.mention.start in off, why)
