"""Recognising registry projects beyond their names: descriptions, stated status, context.

"The 1,500 MW gas-fired power plant in the Syrdarya region" is a registry facility; "the
railway project has entered the construction preparation phase" states a status; a town
inside a project's name must lie near the project; a generic name ("its North-South
highway") counts with its country in the sentence. Pure functions over one document.
"""

from __future__ import annotations

import functools
import re

from etl import settings, yamldata
from etl.mentions import CONTEXT, ENTRY, Mention
from etl.registry import Registry
from etl.schema import Place, Source
from etl.text import caseless_ascii

#: phrases that state a project's status, most specific first
_STATUS_PHRASES = (
    (
        "construction",
        r"under\s+construction|construction\s+(?:began|started|has\s+begun|preparation)"
        r"|being\s+built|broke\s+ground|groundbreaking|entered\s+the\s+construction",
    ),
    ("cancelled", r"cancell?ed|scrapped|abandoned"),
    ("shelved", r"shelved|suspended|on\s+hold|frozen"),
    (
        "operating",
        r"operational|in\s+operation|operating|(?:has|have|was|were)\s+been\s+commissioned"
        r"|(?:was|were|has\s+been)\s+commissioned|came\s+on-?line|began\s+operations?"
        r"|opened\s+to\s+traffic|went\s+into\s+service",
    ),
    ("proposed", r"proposed|feasibility\s+study|plans?\s+to\s+build|would\s+be\s+built"),
)
_STATUS_RE = [(status, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for status, p in _STATUS_PHRASES]
#: a word each alternative of a status's phrases holds (lower-case; "operat" is in
#: "operational", "in operation", "operating" and "began operations"): a sentence holding
#: none of a status's words, as ``in`` finds them in its ``caseless_ascii``, cannot match
#: its pattern, and is passed without the case-blind search (``tests/test_cue_words.py``)
_STATUS_WORDS = {
    "construction": ("construction", "built", "broke", "groundbreaking"),
    "cancelled": ("cancel", "scrapped", "abandoned"),
    "shelved": ("shelved", "suspended", "hold", "frozen"),
    "operating": ("operat", "commissioned", "came", "opened", "went"),
    "proposed": ("proposed", "feasibility", "plan", "built"),
}
#: a status phrase this far (characters) from a project's name is about another thing
_STATUS_REACH = 80


def stated_statuses(text, entries, registry_mentions, registry: Registry):
    """ "The railway project has entered the construction preparation phase": the nearest project.

    Lines listed together ("With Lines A, B, and C operational") share the status.
    """
    spots = [(m.start, m.end, key) for m in registry_mentions for key in _keys_of(m, entries)]
    for entry_id, src, surface in entries:  # described facilities have no registry span
        at = src.quote.find(surface)
        if at >= 0:
            spots.append((src.start + at, src.start + at + len(surface), entry_id))
    out = []
    seen = set()
    for entry_id, src, _ in entries:
        if (entry_id, src.start) in seen:
            continue
        seen.add((entry_id, src.start))
        sentence = text[src.start : src.end]
        system = registry.system_of(entry_id)
        mine = [(a, b) for a, b, k in spots if k == entry_id and src.start <= a < src.end]
        folded = caseless_ascii(sentence)
        for status, pattern in _STATUS_RE:
            if not any(w in folded for w in _STATUS_WORDS[status]):
                continue
            hit = pattern.search(sentence)
            if hit is None:
                continue
            at = src.start + hit.start()
            distance = min((min(abs(at - b), abs(at - a)) for a, b in mine), default=None)
            rivals = [
                min(abs(at - b), abs(at - a))
                for a, b, k in spots
                if k != entry_id
                and src.start <= a < src.end
                and (system is None or registry.system_of(k) != system)
            ]
            if (
                distance is not None
                and distance <= _STATUS_REACH
                and all(distance <= r for r in rivals)
            ):
                out.append((entry_id, status, src))
            break
    return out


def _keys_of(m, entries) -> list[str]:
    if m.kind in (ENTRY, CONTEXT):
        return [m.key]
    return [e for e, src, _ in entries if src.start <= m.start < src.end]


#: nouns naming a facility type in running text
_FACILITY_NOUNS = {
    "power_plant": r"(?:[\w-]+ )?power (?:plant|station)|TPP|TPS|CCGT",
    "hydropower_plant": r"hydro(?:power|electric)(?: power)? (?:plant|station)",
    "refinery": r"(?:oil )?refinery",
    "dry_port": r"(?:dry|waterless|inland) port",
    "wind_farm": r"wind (?:farm|park|power plant)",
    "solar_farm": r"solar (?:farm|park|power plant)",
    "gas_field": r"gas field",
    "oil_field": r"oil field",
}
_FACILITY_RE = {k: re.compile(rf"\b{v}s?\b", re.IGNORECASE) for k, v in _FACILITY_NOUNS.items()}
#: a word each alternative of a kind's noun holds (lower-case): a sentence without any of
#: them cannot match its pattern, and ``in`` says so many times faster than the search
_FACILITY_HINTS = {
    "power_plant": ("power", "tpp", "tps", "ccgt"),
    "hydropower_plant": ("hydro",),
    "refinery": ("refinery",),
    "dry_port": ("port",),
    "wind_farm": ("wind",),
    "solar_farm": ("solar",),
    "gas_field": ("gas field",),
    "oil_field": ("oil field",),
}
_POWER_FIGURE = re.compile(
    r"\b(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+)[\s-]*(MW|GW|megawatts?|gigawatts?)\b", re.IGNORECASE
)
#: the unit words of ``_POWER_FIGURE`` (lower-case): a sentence without one states no power
_POWER_WORDS = ("mw", "gw", "megawatt", "gigawatt")
#: how close a described facility must be to the place the sentence names (km): as close as
#: a registry point's "approximate" location; "a solar power plant in Akhangaran" is not the
#: Buka plant 39 km away (held-out set 58)
_NEAR_CITY_KM = 25.0
_NEAR_REGION_KM = 150.0


def described_facilities(text, sentences, resolved, registry: Registry):
    """ "The 1,500 MW gas-fired power plant in the Syrdarya region" is a registry facility.

    A facility noun, a place named in the same sentence that lies near a registry facility
    of that type, and no stated capacity that contradicts the registry's.
    """
    from etl.geo import km

    by_sentence: dict[tuple[int, int], list] = {}
    for r in resolved:
        if r.place.kind in {"city", "region"}:
            by_sentence.setdefault(sentences.around(r.mention.start), []).append(r.place)
    for (s, e), places in sorted(by_sentence.items()):
        sentence = text[s:e]
        folded = caseless_ascii(sentence)
        figures = [
            float(v.replace(",", "")) * (1000 if u.upper().startswith("G") else 1)
            for v, u in (
                _POWER_FIGURE.findall(sentence) if any(w in folded for w in _POWER_WORDS) else ()
            )
        ]
        for kind, pattern in _FACILITY_RE.items():
            if not any(h in folded for h in _FACILITY_HINTS[kind]):
                continue
            noun = pattern.search(sentence)
            if noun is None:
                continue
            best = None
            for entry in registry.entries.values():
                if entry.type != kind:
                    continue
                spot = Place("", entry.name, entry.geometry.y, entry.geometry.x, "city")
                for place in places:
                    limit = _NEAR_REGION_KM if place.kind == "region" else _NEAR_CITY_KM
                    d = km(place, spot)
                    if d > limit:
                        continue
                    if entry.capacity_unit == "MW" and figures and entry.capacity not in figures:
                        continue
                    if place.kind == "region" and not (figures and entry.capacity in figures):
                        continue
                    if best is None or d < best[0]:
                        best = (d, entry.id)
            if best is not None:
                yield best[1], s + noun.start(), s + noun.end()


def river_facilities(text, sentences, resolved, registry: Registry):
    """ "A 1,500-megawatt power plant ... in Syr Darya", "the Syr Darya thermal power plant":
    a river's name (also a region's) with a facility noun names a facility, not the river.

    Yields ``(entry_id, start, end)`` for the registry facility of that type whose name
    holds the river's name in any spelling ("Syrdarya 1,500 MW") and whose capacity the
    sentence states, if there is one; else ``(None, start, end)``: the mention goes to
    ``unresolved.csv`` instead of vanishing behind the river.
    """
    for r in resolved:
        if r.place.kind != "water_body":
            continue
        # one is "in" a region but "on" a river; a facility noun right after names it
        named = (
            any(p.match(text, r.mention.end + 1) for p in _FACILITY_RE.values())
            and text[r.mention.end : r.mention.end + 1] == " "
        )
        if not named and not _IN_BEFORE.search(text, max(0, r.mention.start - 12), r.mention.start):
            continue
        s, e = sentences.around(r.mention.start)
        sentence = text[s:e]
        figures = {
            float(v.replace(",", "")) * (1000 if u.upper().startswith("G") else 1)
            for v, u in _POWER_FIGURE.findall(sentence)
        }
        for kind, pattern in _FACILITY_RE.items():
            if pattern.search(sentence) is None:
                continue
            names = {_squash(r.mention.surface), _squash(r.place.name)}
            found = [
                entry.id
                for entry in registry.entries.values()
                if entry.type == kind
                and any(n and n in _squash(a) for n in names for a in (entry.name, *entry.aliases))
                and (entry.capacity in figures if figures and entry.capacity_unit == "MW" else True)
            ]
            yield (found[0] if len(found) == 1 else None), r.mention.start, r.mention.end
            break


_IN_BEFORE = re.compile(r"\bin\s+(?:the\s+)?$", re.IGNORECASE)


def _squash(name: str) -> str:
    """ "Syr Darya", "Syr-Darya" and "Syrdarya 1,500 MW" compared by their letters."""
    from etl.text import fold_name

    return re.sub(r"[^a-z]", "", fold_name(name).lower())


#: a town named inside a project's name must lie this close to the project (degrees, ~110 km)
_NEAR_ENTRY_DEG = 1.0


def fits_enclosing_entry(r, registry_mentions: list[Mention], registry: Registry) -> bool:
    """A place inside a project's name ("the Shymkent refinery") must be near that project.

    Countries and regions always fit ("the China-Kyrgyzstan-Uzbekistan railway"); a town
    far from the project is another place of the same name ("Dongmen" in a dry port's
    name is not the Dongmen in Guangxi).
    """
    if r.place.kind != "city":
        return True
    point = None  # made only for a town inside a project's name: most towns are in none
    for m in registry_mentions:
        inside = m.start <= r.mention.start and r.mention.end <= m.end
        if not inside or m.key not in registry.entries:
            continue
        if point is None:
            from shapely.geometry import Point

            point = Point(r.place.lon, r.place.lat)
        if registry.entries[m.key].geometry.distance(point) > _NEAR_ENTRY_DEG:
            return False
    return True


def country_in_sentence(
    entry_id: str, src: Source, resolved, registry: Registry, *, since: int | None = None
) -> bool:
    """ "Kyrgyzstan has opened its North-South highway": a generic name, placed by the country.

    The country counts from ``since`` (the sentence before, when given: "Chinese banks lend
    for roads in the Kyrgyz Republic. The loan will build the North-South road.") to the end
    of the name's sentence. Only for entries outside a system: a system's line letters need
    the system named.
    """
    if registry.system_of(entry_id) is not None:
        return False
    from etl import countries

    inside = set(countries.load().of(registry.entries[entry_id].geometry))
    return any(
        r.place.kind == "country"
        and r.place.country in inside
        and (src.start if since is None else since) <= r.mention.start < src.end
        for r in resolved
    )


def context_surface(text: str, m: Mention) -> str:
    """ "Lines A, B, and C" gives each letter alone: name it "Line A"."""
    if m.end - m.start == 1:
        return f"Line {m.surface}"
    return m.surface


#: where the words of facility names live (see the file's comments)
FACILITY_LEXICON = "facilities.yaml"


@functools.cache
def _facility_lexicon() -> dict:
    path = settings.GEODATA / "lexicon" / FACILITY_LEXICON
    return yamldata.load(path.read_text(encoding="utf-8"))


#: one capitalised word of a facility's name ("Kambarata", "Kara-Keche", "Kattaqo'rg'on")
_NAME = r"[A-Z][\w']+(?:-[A-Z]?[\w']+)*"


@functools.cache
def facility_nouns() -> str:
    """The facility nouns as one regex alternation, longest first, any space inside one."""
    nouns = sorted(_facility_lexicon()["nouns"], key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns)


@functools.cache
def _named_facility_pattern() -> re.Pattern[str]:
    """ "<Name> HPP-2", "<Name> hydropower plant", "<Name> mine": a name, then its noun."""
    words = facility_nouns()
    name = _NAME
    return re.compile(rf"\b({name}(?:\s{name}){{0,2}})\s+((?i:{words}))(?:[- ]\d+)?\b")


#: the capitalised word right after a facility noun
_NEXT_WORD = re.compile(r" ([A-Z][\w.]*)")


def _in_company_name(text: str, end: int) -> bool:
    """ "China Railway Tunnel Group": an organisation word (organisations.yaml ``suffixes``,
    ``legal_suffixes``) right after the noun makes it part of a company's name. Any other
    capitalised word does not: a Title Case headline goes on ("Opens 'Liberty' Tunnel
    Partly Financed By China")."""
    from etl.places.people import load_organisation_cues

    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    cues = load_organisation_cues()
    word = m.group(1)
    return word.lower().rstrip(".") in cues.suffixes or word in cues.legal_suffixes


#: quotation marks around a facility's name ("the 'Liberty' Tunnel")
_OPENING_QUOTES = frozenset("'\"\u2018\u201c")
_CLOSING_QUOTES = frozenset("'\u2019")


@functools.cache
def _listed_facility_pattern() -> re.Pattern[str]:
    """ "the Kenkiyak and Zhanazhol fields": two or more names sharing a plural noun."""
    nouns = sorted(_facility_lexicon().get("plural_nouns") or {}, key=len, reverse=True)
    words = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns)
    one = rf"{_NAME}(?:\s{_NAME})?"
    return re.compile(rf"\b({one}(?:\s*,\s*{one})*,?\s+and\s+{one})\s+((?i:{words}))\b")


def listed_facilities(text: str, taken: list[tuple[int, int]], placed: list[tuple[int, int]]):
    """Each name of a list before a plural facility noun, with the name it stands for.

    "the Kenkiyak and Zhanazhol fields" names the Kenkiyak field and the Zhanazhol field:
    yields ``(start, end, "Kenkiyak field")`` for each name that no registry mention or
    drawn place covers, so the caller can look the singular name up in the registry or
    report it, instead of the list vanishing.
    """
    if not _facility_lexicon().get("plural_nouns"):
        return
    singular = {k.lower(): v for k, v in _facility_lexicon()["plural_nouns"].items()}
    lead = set(_facility_lexicon()["lead_words"])
    described = _describes()
    one = re.compile(rf"{_NAME}(?:\s{_NAME})?")
    for m in _listed_facility_pattern().finditer(text):
        noun = singular.get(" ".join(m.group(2).lower().split()))
        for n in one.finditer(m.group(1)):
            start, end = m.start(1) + n.start(), m.start(1) + n.end()
            first = n.group().split()[0]
            if first in lead or described(first) or first.endswith("'s"):
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            if any(start <= s and e <= end for s, e in placed):
                continue
            yield start, end, f"{n.group()} {noun}"


@functools.cache
def _describes():
    """A test of whether a word describes a facility instead of naming it ("Chinese-owned").

    "a Chinese gold mine" names no mine: a nationality, alone or with an ending such as
    "-owned" (``description_endings`` in facilities.yaml), says whose it is.
    """
    from etl.places.people import load_person_cues

    demonyms = load_person_cues().demonyms
    endings = tuple(e.lower() for e in _facility_lexicon().get("description_endings") or ())

    def described(word: str) -> bool:
        low = word.lower()
        for ending in endings:
            if low.endswith(ending):
                low = low[: -len(ending)]
                break
        return low in demonyms

    return described


def named_facilities(text: str, taken: list[tuple[int, int]], placed: list[tuple[int, int]]):
    """Facilities named by their own name and a noun ("the Papan HPP", "the Kumkol field").

    ``taken`` are spans already read as registry projects or as facilities named by a river;
    ``placed`` are spans of names the place resolution drew. A named facility that neither
    covers is not known to the atlas: yields ``(start, end)`` of the mention so that it goes
    to ``unresolved.csv`` rather than vanishing (its coordinates are never guessed).
    """
    lead = set(_facility_lexicon()["lead_words"])
    described = _describes()
    for m in _named_facility_pattern().finditer(text):
        words = m.group(1).split()
        start = m.start(1)
        while words and (words[0] in lead or words[0].endswith("'s") or described(words[0])):
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end(1)
            words = words[1:]
        if not words:
            continue
        if m.group(1)[-1] in _CLOSING_QUOTES and text[start - 1 : start] in _OPENING_QUOTES:
            start -= 1  # "Tajikistan opens 'Liberty' Tunnel": the name with both its quotes
        end = m.end()
        if _in_company_name(text, end):
            continue  # "China Railway Tunnel Group": the noun is inside a company's name
        if any(s < end and start < e for s, e in taken):
            continue
        if any(start <= s and e <= m.end(1) for s, e in placed):
            continue
        yield start, end
