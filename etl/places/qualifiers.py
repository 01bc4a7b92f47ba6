"""Qualifiers that set where a place must be.

"Work began in the villages of X and Y in Z district, Naryn province"; "the settlements of
X and Y"; "the X area of the Tajik capital"; "Kuryk in Kazakhstan's Mangystau region". Such
words name an area; a candidate outside it is wrong whatever its population, and a name the
gazetteer does not know there is reported, never matched to a homonym abroad. The words are
data (``geodata/lexicon/qualifiers.yaml``), admin units come from ``geodata/admin1.csv``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.geo import km
from etl.places.gazetteer import in_region_of_interest
from etl.places.people import FUNCTION_WORDS, load_person_cues
from etl.places.transliterate import adjective_names, romanised, uzbek_latin
from etl.schema import CORE_COUNTRIES, ROUTE_COUNTRIES, Place
from etl.text import CAPITALISED, ascii_fold, fold_name, has_cyrillic, phrase_alternation


@dataclass(frozen=True)
class Area:
    """Where a qualified place must lie: in some countries, an admin unit, or near a point."""

    words: str  # the qualifier as written, for unresolved.csv
    countries: frozenset[str] = frozenset()
    admin1: tuple[str, str] | None = None  # (ISO3, GeoNames admin1 code)
    #: admin1 codes of units split off from that unit ("Almaty region" in a story written
    #: before 2022 holds today's Jetisu region, where Zharkent now lies)
    admin1_parts: frozenset[str] = frozenset()
    #: lat, lon, radius km (and in ``countries`` when they are given)
    near: tuple[float, float, float] | None = None
    #: the countries the document names are admitted too ("the Georgian town of X")
    document_countries: bool = False
    #: the core countries count only when the document names none of them: "от села Арал до
    #: села Казарман" in a Kyrgyz story is a Kyrgyz village, not Aralsk (held-out set 396)
    core_unless_named: bool = False

    def admits(self, place: Place, document: frozenset[str] | set[str] = frozenset()) -> bool:
        if self.admin1 is not None:
            iso, code = self.admin1
            if place.country != iso:
                return False
            return not place.admin1 or place.admin1 == code or place.admin1 in self.admin1_parts
        if self.near is not None:
            lat, lon, radius = self.near
            if self.countries and place.country not in self.countries:
                return False  # a district's village across the border is not in it
            return km(place, Place("", "", lat, lon, "city")) <= radius
        if self.document_countries and place.country in document:
            return True
        if self.core_unless_named and place.country in CORE_COUNTRIES:
            return not set(document) & set(CORE_COUNTRIES)
        return not self.countries or place.country in self.countries


@dataclass(frozen=True)
class Qualified:
    """A name in the text (a span) and the area a qualifier sets for it."""

    start: int
    end: int
    area: Area
    #: an explicit construction ("the villages of X"): an unknown name here is reported
    explicit: bool
    #: the name of an admin unit ("Sirdarya and Tashkent regions"), not of a town
    unit: bool = False


@dataclass(frozen=True)
class QualifierWords:
    settlement_words: tuple[str, ...]
    admin_words: tuple[str, ...]
    area_words: tuple[str, ...]
    capitals: dict[str, str]
    capital_radius_km: float
    #: singular words after a name that make it a settlement ("Poltavka village")
    settlement_after: tuple[str, ...]
    #: a village's word right before its name, in languages that write no "of" between
    #: ("des Dorfes Tanga", "в селе Тамга")
    settlement_before: tuple[str, ...]
    #: plural admin words after a list of names ("Sirdarya and Tashkent regions")
    admin_plurals: tuple[str, ...]
    #: plural admin words before a list of names ("the provinces of Hebei and Henan")
    admin_plurals_before: tuple[str, ...]
    #: folded admin unit name -> (ISO3, admin1 code)
    units: dict[str, tuple[str, str]]
    #: the plural before a list in other languages, right before it ("delle regioni X e Y")
    admin_plurals_before_european: tuple[str, ...] = ()
    #: plurals of a unit's word that name regions only when a name of the list before them is
    #: a region's ("Buxoro, Namangan va Surxondaryo viloyatlarida")
    region_plurals_if_named: tuple[str, ...] = ()
    #: a unit's word in the singular that closes a list of names ("X жана Y облусунда")
    admin_singulars_after_list: tuple[str, ...] = ()
    #: (ISO3, admin1 code) -> codes of the units split off from it (``former_parts``)
    unit_parts: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    #: sub-regional unit words: "in the Furqat district" is a district of the story
    district_words: tuple[str, ...] = ()
    #: how far from its seat a place "in the X district" may lie (districts the admin table
    #: does not hold)
    district_radius_km: float = 60.0
    #: the same for the larger districts of some countries (ISO3 -> km)
    district_radius_km_by_country: dict[str, float] = field(default_factory=dict)
    #: words after a name that make it a border post ("the Dustlik post"; ``etl.places.borders``)
    post_words: tuple[str, ...] = ()
    #: how far from the border a town read as a border post may lie
    border_post_km: float = 30.0
    #: a unit's word in a case that makes it hold the next name, in the languages that put
    #: the unit first ("Qyzylorda oblysyndaǵy", "Andijon viloyatining")
    units_before_name: tuple[str, ...] = ()
    #: ... and a district's, between the unit and the name ("Qazaly aýdanynyń")
    districts_before_name: tuple[str, ...] = ()
    #: a district's word between its name and a village's ("G'ijduvon tumani "Zafarobod"")
    districts_before_village: tuple[str, ...] = ()
    #: a nationality adjective (as written) -> the ISO3 code of the country it names
    demonym_countries: dict[str, str] = field(default_factory=dict)


@cache
def load_words(
    path: Path = settings.QUALIFIERS_YAML, admin_csv: Path = settings.ADMIN1_CSV
) -> QualifierWords:
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}
    units: dict[str, tuple[str, str]] = {}
    unit_parts: dict[tuple[str, str], frozenset[str]] = {}
    if admin_csv.exists():
        with admin_csv.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for name in [row["name"], *(row.get("aliases") or "").split("|")]:
                    if name.strip():
                        units[_key(name)] = (row["country"], row["code"])
                parts = (row.get("former_parts") or "").split("|")
                if any(p.strip() for p in parts):
                    unit_parts[(row["country"], row["code"])] = frozenset(
                        p.strip() for p in parts if p.strip()
                    )
    return QualifierWords(
        settlement_words=tuple(data.get("settlement_words") or []),
        admin_words=tuple(sorted(data.get("admin_words") or [], key=len, reverse=True)),
        area_words=tuple(data.get("area_words") or []),
        capitals={str(k): str(v) for k, v in (data.get("capitals") or {}).items()},
        demonym_countries={
            str(k): str(v) for k, v in (data.get("demonym_countries") or {}).items()
        },
        capital_radius_km=float(data.get("capital_radius_km", 40)),
        settlement_after=tuple(data.get("settlement_after") or []),
        settlement_before=tuple(data.get("settlement_before") or []),
        admin_plurals=tuple(data.get("admin_plurals") or []),
        admin_plurals_before=tuple(data.get("admin_plurals_before") or []),
        admin_plurals_before_european=tuple(data.get("admin_plurals_before_european") or []),
        region_plurals_if_named=tuple(data.get("region_plurals_if_named") or []),
        admin_singulars_after_list=tuple(data.get("admin_singulars_after_list") or []),
        units=units,
        unit_parts=unit_parts,
        district_words=tuple(data.get("district_words") or []),
        district_radius_km=float(data.get("district_radius_km", 60)),
        district_radius_km_by_country={
            str(k): float(v) for k, v in (data.get("district_radius_km_by_country") or {}).items()
        },
        post_words=tuple(data.get("post_words") or []),
        border_post_km=float(data.get("border_post_km", 30)),
        units_before_name=tuple(data.get("units_before_name") or []),
        districts_before_name=tuple(data.get("districts_before_name") or []),
        districts_before_village=tuple(data.get("districts_before_village") or []),
    )


def _unit_area(written: str, unit: tuple[str, str], words: QualifierWords) -> Area:
    """The area of an admin unit the table knows, with the units split off from it since."""
    return Area(written, admin1=unit, admin1_parts=words.unit_parts.get(unit, frozenset()))


def _key(name: str) -> str:
    return fold_name(ascii_fold(name)).replace("-", " ")


def _unit(words: QualifierWords, name: str) -> tuple[str, str] | None:
    """The admin unit ``name`` names, as spelled or read from Uzbek Cyrillic ("Фарғона",
    keyed as Farg'ona): its country and code, or None."""
    unit = words.units.get(_key(name))
    if unit is None and has_cyrillic(name):
        unit = words.units.get(_key(uzbek_latin(name)))
    return unit


#: a capitalised name of up to three words, in Latin or Cyrillic letters
_CAPNAME = rf"{CAPITALISED}(?:[ -]{CAPITALISED}){{0,2}}"
#: a list of names, with "and" in English, Russian, Kyrgyz, Kazakh or Uzbek ("Ысык-Көл,
#: Баткен, Талас жана Чүй облустарынын", held-out set 185; Kazakh in Latin letters,
#: "Túrkistan jáne Qyzylorda oblystarynyń", held-out set 216)
#: ... Kazakh also joins two nouns with "men"/"мен" ("Mańǵystaý men Túrkistan oblystarynda",
#: held-out set 350), Kyrgyz with "менен"
_AND = r"(?:and|и|жана|және|jáne|jane|va|ва|hám|men|мен|menen|менен|og|och|we)"
_LAST_NAME = rf",?\s+{_AND}\s+{_CAPNAME}"
_NAMES = rf"{_CAPNAME}(?:\s*,\s*{_CAPNAME})*(?:{_LAST_NAME})?"
#: a list of names with its conjunction (two names or more), which a unit's word after it
#: may govern as a whole
_JOINED_NAMES = rf"{_CAPNAME}(?:\s*,\s*{_CAPNAME})*{_LAST_NAME}"
#: the Kyrgyz and Kazakh locative and dative endings a name of a list may carry on its own
_OWN_CASE = ("те", "та", "то", "тө", "де", "да", "до", "дө", "ге", "га", "ке", "ка", "ға", "қа")


_PATTERNS: dict[int, tuple[re.Pattern[str], ...]] = {}


def _patterns(words: QualifierWords) -> tuple[re.Pattern[str], ...]:
    cached = _PATTERNS.get(id(words))
    if cached is not None:
        return cached
    settle = "|".join(re.escape(w) for w in words.settlement_words)
    admin = "|".join(re.escape(w) for w in words.admin_words)
    area = "|".join(re.escape(w) for w in words.area_words)
    demonyms = "|".join(re.escape(w) for w in words.capitals)
    after = "|".join(re.escape(w) for w in words.settlement_after)
    plurals = "|".join(re.escape(w) for w in words.admin_plurals)
    units_before = "|".join(re.escape(w) for w in words.admin_plurals_before)
    european = phrase_alternation(words.admin_plurals_before_european) or "(?!)"
    _PATTERNS[id(words)] = out = (
        re.compile(rf"\b(?:{settle})\s+of\s+(?P<names>{_NAMES})"),
        re.compile(rf"(?P<unit>(?:[A-Z][\w'-]*\s+)?[A-Z][\w'-]*)\s+(?i:{admin})\b"),
        re.compile(
            rf"\b(?:the\s+)?(?P<name>{_CAPNAME})\s+(?:{area})\s+of\s+the\s+"
            rf"(?P<dem>{demonyms})\s+capital\b"
        ),
        re.compile(
            rf"(?P<name>{_CAPNAME})(?P<own>\s+(?i:{admin}))?"
            rf"(?:,\s+|\s+in\s+(?:the\s+)?|\s+of\s+(?:the\s+)?)(?:[A-Z][a-z]+['\u2019]s\s+)?"
            rf"(?P<unit>(?:[A-Z][\w'-]*\s+)?[A-Z][\w'-]*)\s+(?i:{admin})\b"
        ),
        # "Poltavka village": a settlement word after a single name
        re.compile(rf"(?P<name>{_CAPNAME})\s+(?:{after})\b"),
        # "Dushanbe's Ismoili Somoni district": an area of a named city
        re.compile(rf"(?P<city>[A-Z][\w-]*)['\u2019]s\s+(?P<name>{_CAPNAME})\s+(?:{area})s?\b"),
        # "Sirdarya and Tashkent regions": names of admin units, not of towns; "in
        # Tashkent, Samarkand, Jizzakh and other regions" too (held-out set 14)
        re.compile(
            # (... or a hyphen: Danish "Andijan, Namangan og Fergana-regionerne", set 351)
            rf"(?P<names>{_NAMES})(?:\s+|-)(?:(?:and|or|&)\s+(?:other|several|many|some|all)\s+)?"
            rf"(?i:{plurals})\b"  # "the Issyk-Kul and Batken Oblasts" (held-out set 41)
        ),
        # "Самарқанднинг Нарпай ... туманларида" (held-out set 185): a name in the Uzbek
        # genitive before a district's name and the word for district is the region's
        _genitive_before_districts("нинг|ning", "ва|va", "туман|tuman"),
        # ... and in the Kyrgyz genitive before the word for district: "Нарындын Жумгал жана
        # Кочкор райондорунда" (held-out set 232: Naryn region, not the town)
        _genitive_before_districts(
            "дын|дин|дун|дүн|нын|нин|нун|нүн|тын|тин|тун|түн", "жана|и", "район"
        ),
        # "the provinces of Hebei, Henan and Shanghai", "the three oblasts of the east -
        # Andijan, Namangan and Fergana": a list after the plural is of units too
        re.compile(
            # ... or a colon right after a word ("three oblasts of the Republic of Kazakhstan:
            # Aktobe, Kyzylorda and Ulytau", held-out set 172)
            # ... or right after the plural ("the Ferghana Valley regions: Namangan, Andijan,
            # and Ferghana", held-out set 277)
            rf"\b(?:{units_before})(?:\s+(?:of\s+(?=[A-Z])|[^.;:()\n]{{0,50}}?(?:\s[-\u2013\u2014:]|:)\s*)|:\s*)"
            rf"(?P<names>{_NAMES})"
        ),
        # the plural before a list in Italian, German, Spanish, French and Portuguese: "delle
        # regioni Kyzylorda e Atyrau", "die Regionen Andijan, Namangan und Fergana" (held-out
        # sets 276 and 277)
        # ... or with words and a colon between ("le regioni meridionali del Kazakistan:
        # Mangistau, Aktobe e Kyzylorda", held-out set 416)
        re.compile(
            rf"\b(?:{european})(?:\s+(?:(?:di|de|du|des|do|da|dos|das|von)\s+)?|"
            rf"\s[^.;:()\n]{{0,50}}?:\s*)"
            rf"(?P<names>{_CAPNAME}(?:\s*,\s*{_CAPNAME})*(?:,?\s+(?:e|und|y|et|i)\s+{_CAPNAME})?)"
        ),
    )
    return out


def find(text: str, sentences: list[tuple[int, int]], gazetteer) -> list[Qualified]:
    """Every qualified name in ``text``, sentence by sentence."""
    words = load_words()
    settle, admin, capital, adjacent, settle_after, city_area, *unit_lists = _patterns(words)
    out: list[Qualified] = []
    for s, e in sentences:
        sentence = text[s:e]
        for m in settle.finditer(sentence):
            after = sentence[m.end("names") : m.end("names") + 140]
            area = _unit_after(after, admin, words, gazetteer) or _sentence_area(
                m.group(), sentence, gazetteer, m.start()
            )
            for ns, ne in _name_spans(m.group("names"), s + m.start("names")):
                out.append(Qualified(ns, ne, area, explicit=True))
        for m in capital.finditer(sentence):
            city = gazetteer.lookup(words.capitals[m.group("dem")])
            if city is None:
                continue
            area = Area(m.group(), near=(city.lat, city.lon, words.capital_radius_km))
            out.append(Qualified(s + m.start("name"), s + m.end("name"), area, explicit=True))
        for m in _overlapped(adjacent, sentence):
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            if m.group("own") is not None:
                start = _known_tail(sentence, start, end, gazetteer)
            # "Zafarabad district of Jizzakh region", "near Tuda in the Boisoun district":
            # a place of the story; an unknown name there is reported
            # (read before the name as trimmed: "In Ushtobe, ... district" opens a sentence)
            before = sentence[max(0, start - 12) : start].split()
            explicit = m.group("own") is not None or (
                bool(before) and before[-1].lower() in _LOCATIVES
            )
            if start >= end:
                continue
            unit = _unit(words, m.group("unit"))
            # ... or the unit with its word ("in Aktaw, Xinjiang Uygur autonomous region",
            # held-out set 340: the admin table knows the whole name, not "Xinjiang Uygur"),
            # taken for its country only: GeoNames files some towns of Xinjiang under another
            # province (Takeshiken, under Heilongjiang's code)
            whole = _unit(words, sentence[m.start("unit") : m.end()]) if unit is None else None
            # "In Ushtobe, Bukhar-Zhyrau district, Karaganda region" (held-out set 152): a
            # district the admin table lacks, then its region, which it holds
            further = (
                _unit_after(sentence[m.end() : m.end() + 80], admin, words, gazetteer)
                if unit is None and explicit
                else None
            )
            if unit is not None:
                area = _unit_area(m.group(), unit, words)
            elif whole is not None:
                area = Area(m.group(), countries=frozenset({whole[0]}))
            elif further is not None and further.admin1 is not None:
                area = further
            elif explicit:  # a district the admin table does not hold
                area = Area(m.group(), countries=CORE_COUNTRIES, document_countries=True)
            else:
                continue
            out.append(Qualified(s + start, s + end, area, explicit=explicit))
        for m in _district(words).finditer(sentence):
            # "a site in the Furqat district": a district of the story, even with no unit
            # after it; a name the gazetteer does not know there is reported
            if re.search(r"['\u2019]s\b", m.group("name")):
                continue  # "in Dushanbe's Ismoili Somoni district": an area of a city
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            # "in the Bobojon Ghafurov district": the known name at its end is the district's
            start = _known_tail(sentence, start, end, gazetteer)
            if start >= end or any(q.start <= s + start and s + end <= q.end for q in out):
                continue
            area = Area(m.group(), countries=CORE_COUNTRIES, document_countries=True)
            out.append(Qualified(s + start, s + end, area, explicit=True))
        for m in _unknown_unit(words).finditer(sentence):
            # "The construction is held in Fayzabad region of the country" (held-out set
            # 47): a unit word after a name the admin table does not hold is a district's,
            # as above; not the larger Fayzabad in Afghanistan, which the text never names
            if _unit(words, m.group("name")) is not None or re.search(r"['\u2019]s\b", m.group()):
                continue
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            if start >= end or any(q.start <= s + start and s + end <= q.end for q in out):
                continue
            area = Area(m.group(), countries=CORE_COUNTRIES, document_countries=True)
            out.append(Qualified(s + start, s + end, area, explicit=True))
        for m in _settled_list(words).finditer(sentence):
            # "in Aral and Kyzyl Jyldyz villages of Jumgal district" (held-out set 57): a
            # list before a plural settlement word names villages of the story, not Kyzyl
            # in Tuva
            after = sentence[m.end() : m.end() + 140]
            area = _unit_after(after, admin, words, gazetteer) or _sentence_area(
                m.group(), sentence, gazetteer, m.start()
            )
            for ns, ne in _name_spans(m.group("names"), s + m.start("names")):
                if not any(q.start <= ns and ne <= q.end for q in out):
                    out.append(Qualified(ns, ne, area, explicit=True))
        for m in settle_after.finditer(sentence):
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            if start >= end:
                continue
            after = sentence[m.end() : m.end() + 140]
            area = (
                _unit_after(after, admin, words, gazetteer)
                # "Талас районунун Арал айылына" (held-out set 345): a village of the
                # district named before it, near its seat (not Aralsk)
                or _district_before(sentence, m.start(), words, gazetteer)
                or _sentence_area(m.group(), sentence, gazetteer, m.start())
            )
            out.append(Qualified(s + start, s + end, area, explicit=True))
        for m in _settlement_before(words).finditer(sentence):
            # "Bewohner des Dorfes Tanga in der Provinz Issyk-Kul" (held-out set 345): a
            # village of the story, not Tanga in Tanzania
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            if start >= end or any(q.start <= s + start < q.end for q in out):
                continue
            area = _sentence_area(m.group(), sentence, gazetteer, m.start())
            if area.document_countries:
                # ... or in a country of the region's routes ("in der Siedlung Selyatino in
                # der Nähe von Moskau", held-out set 333): a village of Russia, though the
                # text names only Moscow
                area = Area(
                    m.group(),
                    countries=frozenset(CORE_COUNTRIES) | ROUTE_COUNTRIES,
                    document_countries=True,
                    core_unless_named=True,
                )
            out.append(Qualified(s + start, s + end, area, explicit=True))
        for m in city_area.finditer(sentence):
            city = next(
                (
                    h.place
                    for h in gazetteer.candidates(m.group("city"))
                    if h.primary and h.place.kind == "city"
                ),
                None,
            )
            if city is None:
                continue
            area = Area(m.group(), near=(city.lat, city.lon, words.capital_radius_km))
            out.append(Qualified(s + m.start("name"), s + m.end("name"), area, explicit=True))
        for m in _coordinated(words).finditer(sentence):
            # "residents of Fergana and Andijan region" (held-out set 25): a name the admin
            # table holds, coordinated with a unit, is a unit too ("Bishkek and Chui
            # region" keeps its city: Bishkek names no unit)
            for ns, ne in _name_spans(m.group("names"), s + m.start("names")):
                if _unit(words, text[ns:ne]) is not None:
                    out.append(Qualified(ns, ne, Area(m.group()), explicit=False, unit=True))
        for m in _region_list_plural(words).finditer(sentence):
            # "Buxoro, Namangan va Surxondaryo viloyatlarida" (held-out set 330): the Uzbek
            # plural names regions when a name of the list is one; reporters also write it
            # for Karakalpakstan's district towns ("Qo'ng'irot, Beruniy va Qorauzyoq
            # viloyatlarida", set 136), which are none
            spans = _name_spans(m.group("names"), s + m.start("names"))
            if any(_unit(words, text[ns:ne]) is not None for ns, ne in spans):
                for ns, ne in spans:
                    out.append(Qualified(ns, ne, Area(m.group()), explicit=False, unit=True))
        for m in _unit_before_name(words).finditer(sentence):
            # "Qyzylorda oblysyndaǵy Qazaly aýdanynyń Aqsýat kentine" (held-out set 216): a
            # place of that unit, not Aksuat in East Kazakhstan; not reported when unknown
            # (a capitalised word there may be a title: "облысының Әкімі")
            unit = _known_unit(m.group("unit"), words)
            if unit is None:
                continue
            area = _unit_area(m.group(), unit, words)
            out.append(Qualified(s + m.start("name"), s + m.end("name"), area, explicit=False))
        for m in _district_before_village(words).finditer(sentence):
            # "G'ijduvon tumani "Zafarobod" aholi yashash maskanida" (held-out set 295): a
            # village of that district, near its seat (not the Zafarobod of Jizzakh region)
            start = s + m.start("name")
            area = _district_area(m.group(), m.group("district"), words, gazetteer)
            if area is None:
                if _village_word_after(sentence, m.end("name"), words):
                    # "Nooken tumani Do'stlik qishlog'ida" (held-out set 404): a village of a
                    # district the atlas cannot place; a namesake elsewhere is not it,
                    # whatever the village's word says
                    out = [q for q in out if not q.start <= start < q.end]
                    nowhere = Area(m.group(), _NOWHERE)
                    out.append(Qualified(start, s + m.end("name"), nowhere, explicit=False))
                continue
            if not any(q.start <= start < q.end for q in out):
                out.append(Qualified(start, s + m.end("name"), area, explicit=False))
        for m in _demonym_before(words).finditer(sentence):
            # "the Uzbek city of Samarkand", "im usbekischen Samarkand" (held-out set 316):
            # a town of that country (not Temirtau, which GeoNames also calls Samarkand)
            start = s + m.start("name")
            if any(q.start <= start < q.end for q in out):
                continue
            iso = words.demonym_countries[m.group("dem")]
            area = Area(m.group(), countries=frozenset({iso}))
            out.append(Qualified(start, s + m.end("name"), area, explicit=False))
        for m in _DISTRICT_OF.finditer(sentence):
            # "in the remote eastern district of Murghob" (held-out set 344): the district,
            # not its seat; not after a district's own name ("the Sino district of Dushanbe")
            # ... nor of a city's district ("the central district of Bishkek")
            start, end = _trim(sentence, m.start("name"), m.end("name"))
            if start >= end or any(q.start <= s + start < q.end for q in out):
                continue
            if not any(
                h.place.kind == "city" and h.place.population >= _CITY_OF_DISTRICTS
                for h in gazetteer.candidates(sentence[start:end])
            ):
                out.append(
                    Qualified(s + start, s + end, Area(m.group()), explicit=False, unit=True)
                )
        for unit_list in unit_lists:
            for m in unit_list.finditer(sentence):
                area = _area_of_the_region(sentence, m, admin, words) or Area(m.group())
                for ns, ne in _name_spans(m.group("names"), s + m.start("names")):
                    out.append(Qualified(ns, ne, area, explicit=False, unit=True))
        for m in _singular_list(words).finditer(sentence):
            # "Павлодар, Караганда жана Түркстан облусунда" (held-out set 287): the unit's
            # word stands for them all; not when a name carries a case of its own ("Бишкекте,
            # Ошто жана Ысык-Көл облусунда": in Bishkek, in Osh and in the region, set 282)
            spans = _name_spans(m.group("names"), s + m.start("names"))
            if any(_declined(text[ns:ne].split()[-1], gazetteer) for ns, ne in spans[:-1]):
                continue
            for ns, ne in spans:
                out.append(Qualified(ns, ne, Area(m.group()), explicit=False, unit=True))
    return out


def _declined(name: str, gazetteer) -> bool:
    """Whether ``name`` is a known name with a Kyrgyz or Kazakh case ending of its own
    ("Бишкекте", "Ошто"), not a name that ends so ("Караганда")."""
    return any(
        name.endswith(ending)
        and any(
            gazetteer.candidates(spelling)
            for spelling in (name[: -len(ending)], *romanised(name[: -len(ending)]))
        )
        for ending in _OWN_CASE
    )


def _singular_list(words: QualifierWords) -> re.Pattern[str]:
    """A list closed by a unit's word in the singular, in Kyrgyz, Kazakh, Uzbek or Karakalpak
    ("X, Y жана Z облусунда")."""
    return _singular_list_pattern(words.admin_singulars_after_list)


@cache
def _singular_list_pattern(singular_words: tuple[str, ...]) -> re.Pattern[str]:
    singulars = phrase_alternation(singular_words) or "(?!)"
    return re.compile(rf"(?P<names>{_JOINED_NAMES})\s+(?:{singulars})(?![\w-])")


#: ", Zhambyl, Kazakhstan": a unit and a country after a town, as an address is written
_ADDRESS_TAIL = re.compile(rf",\s+(?P<unit>{_CAPNAME}),\s+(?P<country>[A-Z][a-z]+)\b")
#: the town right before it
_TOWN_BEFORE = re.compile(rf"(?<![\w-])(?P<town>{_CAPNAME})$")


def addresses(text: str, gazetteer) -> list[Qualified]:
    """ "held in Zhanatas, Zhambyl, Kazakhstan" (held-out set 24): between a town and its
    country, a name the admin table holds is the unit, even where a city once had that
    name (Taraz was Zhambyl); a city's own name ("Almaty, Astana, Kazakhstan") is kept.

    Not gated by the qualifier words ``find`` needs: an address has none.
    """
    if ", " not in text:
        return []
    words = load_words()
    out = []
    for m in _ADDRESS_TAIL.finditer(text):
        town = _TOWN_BEFORE.search(text, max(0, m.start() - 40), m.start())
        unit = m.group("unit")
        if (
            town is None
            or _unit(words, unit) is None
            or _key(unit) == _key(town.group("town"))
            or not _is_country(m.group("country"), gazetteer)
            or any(h.primary and h.place.kind == "city" for h in gazetteer.candidates(unit))
        ):
            continue
        area = Area(text[town.start() : m.end()])
        out.append(Qualified(m.start("unit"), m.end("unit"), area, explicit=False, unit=True))
    return out


#: "в Фергане, Андижане, Ташкенте, Джизаке и других регионах": Russian names listed before
#: "and other regions"
_RUSSIAN_UNIT_LIST = re.compile(
    r"(?P<names>(?:[А-ЯЁ][а-яё-]+,\s*)+[А-ЯЁ][а-яё-]+)\s+и\s+(?:других|другие|прочих)\s+"
    r"(?:регион|област)\w*"
)


def russian_unit_lists(text: str) -> list[Qualified]:
    """ "о промышленных зонах в Фергане, Андижане, Ташкенте, Джизаке и других регионах"
    (held-out set 117): the names listed before "and other regions" are regions, not their
    namesake towns, as in English ("in Tashkent, Samarkand, Jizzakh and other regions")."""
    if "други" not in text and "прочих" not in text:
        return []
    out = []
    for m in _RUSSIAN_UNIT_LIST.finditer(text):
        area = Area(m.group())
        for name in re.finditer(r"[А-ЯЁ][а-яё-]+", m.group("names")):
            start = m.start("names") + name.start()
            out.append(Qualified(start, start + len(name.group()), area, explicit=False, unit=True))
    return out


#: "в Гулистоне Согдийской области": a Cyrillic name, then a region's adjective in the
#: genitive and the word for region
_RUSSIAN_UNIT_AFTER = re.compile(
    r"(?<![\w-])(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+"
    r"(?P<stem>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?P<suffix>ск|цк)(?:ой|ого)\s+област(?:и|ь)"
)


def russian_units(text: str, gazetteer) -> list[Qualified]:
    """ "школу в Гулистоне Согдийской области" (held-out set 96): a town right before the
    region it lies in, in Russian, is in that region (Guliston of Sughd in Tajikistan, not
    Guliston in Uzbekistan). Only for a region the admin table holds; the name is not
    reported when unknown ("Администрация Согдийской области")."""
    if "област" not in text:
        return []
    words = load_words()
    out = []
    for m in _RUSSIAN_UNIT_AFTER.finditer(text):
        unit = _russian_unit(m.group("stem"), m.group("suffix"), words, gazetteer)
        if unit is not None:
            area = _unit_area(m.group(), unit, words)
            out.append(Qualified(m.start("name"), m.end("name"), area, explicit=False))
    return out


def _russian_unit(stem: str, suffix: str, words: QualifierWords, gazetteer):
    """The admin unit a Russian adjective names: by its own spellings (Согдийская: Sogd,
    Акмолинская: Akmola) or by the town it is named after (Актюбинская: Aktobe)."""
    names = adjective_names(stem, suffix)
    for name in names:
        for spelling in (name, *romanised(fold_name(name))):
            unit = _unit(words, spelling)
            if unit is not None:
                return unit
    for name in names:
        for hit in gazetteer.candidates(name):
            place = hit.place
            if place.kind == "city" and in_region_of_interest(place.country, place.admin1):
                unit = _unit(words, place.name)
                if unit is not None:
                    return unit
    return None


#: "Karakul investment block (Bukhara province)": a unit in brackets after a name and up to
#: three lower-case words
_BRACKET_UNIT = re.compile(
    rf"(?<![\w-])(?P<name>{_CAPNAME})(?:\s+[a-z][\w-]*){{0,3}}\s*"
    rf"\(\s*(?P<unit>{_CAPNAME})\s+(?P<word>[a-z]+)\s*\)"
)


def bracketed_units(text: str) -> list[Qualified]:
    """ "gas fields at the Karakul investment block (Bukhara province)" (held-out set 37): the
    unit in brackets says where the name lies, so Karakol in Kyrgyzstan, of which GeoNames
    lists Karakul as another name, is not it.

    Not gated by the qualifier words ``find`` needs: the bracket is cue enough.
    """
    if "(" not in text:
        return []
    words = load_words()
    out = []
    for m in _BRACKET_UNIT.finditer(text):
        unit = _unit(words, m.group("unit"))
        if unit is None or m.group("word") not in words.admin_words:
            continue
        area = _unit_area(text[m.start("unit") : m.end("word")], unit, words)
        out.append(Qualified(m.start("name"), m.end("name"), area, explicit=False))
    return out


#: ", 25 km from the Karasu crossing": a distance from a named place, after a name
_DISTANCE = re.compile(
    r",\s+(?:about\s+|some\s+|around\s+|nearly\s+|just\s+|only\s+)?"
    r"(?P<n>\d{1,3})\s*(?:km|kilometres|kilometers)\s+"
    r"(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of"
    r"|from)\s+(?:the\s+)?"
    rf"(?P<ref>{_CAPNAME})"
)
#: the name the distance is of, with up to three lower-case words after it ("the Dustlik
#: Auto Road checkpoint, 25 km from ...")
_NAME_BEFORE = re.compile(rf"(?<![\w-])(?P<name>{_CAPNAME})(?:\s+[a-z][\w-]*){{0,3}}$")


def distances(text: str, gazetteer, slack_km: float = 20.0) -> list[Qualified]:
    """ "the Dustlik checkpoint, 25 km from the Karasu border crossing" (held-out set 25):
    a place said to lie N km from a named one lies within 1.5 N + ``slack_km`` of it, so
    a namesake 250 km away is not it (reported, not drawn).

    Not gated by the qualifier words ``find`` needs: the phrase has none.
    """
    if "km" not in text and "kilomet" not in text:
        return []
    out = []
    for m in _DISTANCE.finditer(text):
        before = _NAME_BEFORE.search(text, max(0, m.start() - 80), m.start())
        ref = gazetteer.lookup(m.group("ref"))
        if before is None or ref is None or ref.kind not in ("city", "border_crossing"):
            continue
        radius = 1.5 * int(m.group("n")) + slack_km
        area = Area(text[before.start() : m.end()], near=(ref.lat, ref.lon, radius))
        out.append(Qualified(before.start("name"), before.end("name"), area, explicit=False))
    return out


def _is_country(name: str, gazetteer) -> bool:
    return any(h.place.kind == "country" for h in gazetteer.candidates(name))


def _coordinated(words: QualifierWords) -> re.Pattern[str]:
    """ "Fergana and Andijan region": names before "and" a unit (singular) shares."""
    return _coordinated_pattern(words.admin_words)


@cache
def _coordinated_pattern(admin_words: tuple[str, ...]) -> re.Pattern[str]:
    admin = "|".join(re.escape(w) for w in admin_words) or r"(?!)"
    return re.compile(
        rf"(?P<names>{_CAPNAME}(?:\s*,\s*{_CAPNAME})*),?\s+(?:and|&)\s+{_CAPNAME}"
        rf"\s+(?i:{admin})\b"
    )


def _region_list_plural(words: QualifierWords) -> re.Pattern[str]:
    """A list of names joined by "and", then a plural ``words.region_plurals_if_named``."""
    return _region_list_plural_pattern(words.region_plurals_if_named)


@cache
def _region_list_plural_pattern(plurals: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(w) for w in plurals) or r"(?!)"
    return re.compile(rf"(?P<names>{_JOINED_NAMES})\s+(?:{alternation})\b")


def _genitive_before_districts(endings: str, ands: str, district: str) -> re.Pattern[str]:
    """A name with one of the genitive ``endings`` (the region's), then the names of one or
    more districts joined by ``ands`` and the ``district`` word with its endings."""
    return re.compile(
        rf"(?P<names>{CAPITALISED}(?:{endings}))"
        rf"(?=\s+{CAPITALISED}"
        rf"(?:(?:\s*,\s*|\s+(?:{ands})\s+|\s+){CAPITALISED}){{0,4}}"
        rf"\s+(?:{district})\w*)"
    )


def _unit_before_name(words: QualifierWords) -> re.Pattern[str]:
    """ "Qyzylorda oblysyndaǵy [Qazaly aýdanynyń] Aqsýat": a unit in the genitive or
    locative case, perhaps a district in the same, then a name."""
    return _unit_before_name_pattern(words.units_before_name, words.districts_before_name)


@cache
def _unit_before_name_pattern(
    units: tuple[str, ...], districts: tuple[str, ...]
) -> re.Pattern[str]:
    unit = "|".join(re.escape(w) for w in units) or r"(?!)"
    district = "|".join(re.escape(w) for w in districts) or r"(?!)"
    return re.compile(
        rf"(?P<unit>{CAPITALISED}(?:[ -]{CAPITALISED})?)\s+(?i:{unit})\s+"
        rf"(?:{_CAPNAME}\s+(?i:{district})\s+)?(?P<name>{CAPITALISED}(?:-{CAPITALISED})?)"
    )


def _district_before_village(words: QualifierWords) -> re.Pattern[str]:
    """ "G'ijduvon tumani "Zafarobod"": a district's name and word, then a (quoted) name."""
    return _district_before_village_pattern(words.districts_before_village)


@cache
def _district_before_village_pattern(district_words: tuple[str, ...]) -> re.Pattern[str]:
    district = "|".join(re.escape(w) for w in district_words) or r"(?!)"
    return re.compile(
        rf"(?P<district>{CAPITALISED})\s+(?i:{district})\s+[\"\u00ab\u201c\u201e]?"
        rf"(?P<name>{CAPITALISED}(?:-{CAPITALISED})?)"
    )


#: the countries of an area no place is admitted to
_NOWHERE = frozenset({""})


def _village_word_after(sentence: str, end: int, words: QualifierWords) -> bool:
    """A word for village right after the name ("Do'stlik qishlog'ida")."""
    after = sentence[end : end + 40].split(maxsplit=1)
    return bool(after) and after[0].lower() in _settlement_after_lower(words.settlement_after)


@cache
def _settlement_after_lower(settlement_after: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for w in settlement_after)


def _demonym_before(words: QualifierWords) -> re.Pattern[str]:
    """ "the Uzbek city of Samarkand", "the Kazakh Altynkol", "im usbekischen Samarkand"."""
    return _demonym_before_pattern(tuple(words.demonym_countries))


@cache
def _demonym_before_pattern(demonyms: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(d) for d in sorted(demonyms, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?P<dem>{alternation or '(?!)'})\s+(?:(?:city|town|village|port|"
        r"border\s+town|settlement)\s+of\s+)?(?P<name>[A-Z][\w'-]*)"
    )


def _known_unit(written: str, words: QualifierWords) -> tuple[str, str] | None:
    """The admin table's unit of a name of one or two words, or of its last word ("Stansa
    Qyzylorda": a sentence's first word before the unit's name), in Latin or Cyrillic
    letters."""
    for name in (written, written.split()[-1]):
        for spelling in (name, *romanised(name)):
            unit = _unit(words, spelling)
            if unit is not None:
                return unit
    return None


def _district(words: QualifierWords) -> re.Pattern[str]:
    """ "in the Furqat district", "near the Asaka district": a locative, then a district."""
    return _district_pattern(words.district_words)


@cache
def _district_pattern(district_words: tuple[str, ...]) -> re.Pattern[str]:
    district = "|".join(re.escape(w) for w in district_words) or r"(?!)"
    return re.compile(
        rf"\b(?:in|near|at|from|to|via|across)\s+(?:the\s+)?(?P<name>{_CAPNAME})"
        rf"\s+(?i:{district})\b(?!\s*,\s*[A-Z]|\s+(?:of|in)\s)"  # "District, Beijing": a city's
    )


#: a town this large has districts of its own: "the central district of Bishkek" is in it
_CITY_OF_DISTRICTS = 100_000
#: "the remote eastern district of Murghob": a lower-case word, "district of", one name
_DISTRICT_OF = re.compile(rf"(?<![\w-])[a-z]+\s+district\s+of\s+(?!the\b)(?P<name>{_CAPNAME})")


def _settlement_before(words: QualifierWords) -> re.Pattern[str]:
    """ "des Dorfes Tanga", "в селе Тамга": a village's word, then one name."""
    return _settlement_before_pattern(words.settlement_before)


@cache
def _settlement_before_pattern(before: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(before, key=len, reverse=True))
    return re.compile(
        # one word: a unit's adjective may follow ("в селе Ат-Баши Нарынской области")
        rf"(?<![\w-])(?i:{alternatives or '(?!)'})\s+[\"\u00ab\u201c\u201e]?(?P<name>{CAPITALISED})"
    )


def _settled_list(words: QualifierWords) -> re.Pattern[str]:
    """ "Aral and Kyzyl Jyldyz villages": names joined by "and" before a plural settlement
    word (the plural words of ``settlement_words``)."""
    return _settled_list_pattern(words.settlement_words)


@cache
def _settled_list_pattern(settlement_words: tuple[str, ...]) -> re.Pattern[str]:
    plurals = [w for w in settlement_words if w.endswith("s") and w[:-1] in settlement_words]
    alternatives = "|".join(re.escape(w) for w in plurals) or r"(?!)"
    return re.compile(
        rf"(?P<names>{_CAPNAME}(?:\s*,\s*{_CAPNAME})*,?\s+and\s+{_CAPNAME})\s+(?:{alternatives})\b"
    )


def _unknown_unit(words: QualifierWords) -> re.Pattern[str]:
    """ "in Fayzabad region of the country": a locative, one name, an admin word, then the
    sentence goes on without naming the unit's own unit ("..., Naryn province" is
    ``adjacent``'s)."""
    return _unknown_unit_pattern(words.admin_words, words.district_words)


@cache
def _unknown_unit_pattern(
    admin_words: tuple[str, ...], district_words: tuple[str, ...]
) -> re.Pattern[str]:
    # the district words have their own pattern (``_district``)
    admin = "|".join(re.escape(w) for w in admin_words if w not in district_words) or r"(?!)"
    return re.compile(
        rf"\b(?:in|near|at|from|to|via|across)\s+(?:the\s+)?(?P<name>{_CAPNAME})"
        rf"\s+(?:{admin})\b(?!\s*,\s*[A-Z]|\s+(?:of|in)\s+(?!the\s+country\b)"
        r"|\s+[A-Z])"
    )


#: "from Moiynta in the Karaganda region": after these a qualified name is a place of the story
_LOCATIVES = frozenset(["to", "from", "at", "near", "via", "in"])


def _overlapped(pattern: re.Pattern[str], sentence: str):
    """Matches that may share their unit with the next name ("X in the Y district of Z")."""
    pos = 0
    while (m := pattern.search(sentence, pos)) is not None:
        yield m
        pos = m.end("name")


def _known_tail(sentence: str, start: int, end: int, gazetteer) -> int:
    """Where the name of "Bobojon Ghafurov district" starts: at "Ghafurov" when the
    gazetteer knows only that (a district named after a person, seated in the town)."""
    if gazetteer.candidates(sentence[start:end]):
        return start
    for m in re.finditer(r"[ ]", sentence[start:end]):
        if gazetteer.candidates(sentence[start + m.end() : end]):
            return start + m.end()
    return start


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A name's span without the capitalised function words before it ("In Poltavka")."""
    while True:
        if sentence[start:end] in FUNCTION_WORDS:
            return end, end
        m = re.match(r"[A-Z][\w'-]*[ ]", sentence[start:end])
        if not m or m.group().strip() not in FUNCTION_WORDS:
            return start, end
        start += m.end()


def _unit_after(
    after: str, admin: re.Pattern[str], words: QualifierWords, gazetteer
) -> Area | None:
    """The admin unit (or country) named after a list of settlements, if any.

    "in At-Bashy district, Naryn province": the last unit the admin table knows wins
    (districts are not in it); "in Georgia": a country.
    """
    found = None
    district = None
    for m in admin.finditer(after):
        unit = _unit(words, m.group("unit"))
        if unit is not None:
            found = _unit_area(m.group(), unit, words)
        elif district is None and m.group().split()[-1].lower() in words.district_words:
            district = _district_area(m.group(), m.group("unit"), words, gazetteer)
    if found is not None:
        return found
    if district is not None:
        return district
    m = re.match(r"\s*(?:,\s*)?in\s+([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)", after)
    if m:
        for hit in gazetteer.candidates(m.group(1)):
            if hit.place.kind == "country" and hit.place.country:
                return Area(m.group().strip(), countries=frozenset({hit.place.country}))
    return None


def _area_of_the_region(
    sentence: str, m: re.Match[str], admin: re.Pattern[str], words: QualifierWords
) -> Area | None:
    """ "In the Zhambyl region, ... in the Kordai, Talas and Sarysu areas of the region":
    the units listed lie in the region the sentence named before them (not Talas Region in
    Kyrgyzstan). None when the list does not end so, or no known unit stands before it."""
    if not re.search(r"\bof\s+the\s+(?:region|province|oblast)$", m.group(), re.IGNORECASE):
        return None
    found = None
    for a in admin.finditer(sentence, 0, m.start()):
        unit = _unit(words, a.group("unit"))
        if unit is not None:
            found = _unit_area(m.group(), unit, words)
    return found


def _district_before(sentence: str, start: int, words: QualifierWords, gazetteer) -> Area | None:
    """The area of a district named right before ``start`` with its word in the case that
    holds the next name ("Талас районунун Арал айылына"), as ``_district_area``."""
    district = "|".join(re.escape(w) for w in words.districts_before_village) or r"(?!)"
    m = re.search(
        rf"(?P<district>{CAPITALISED})\s+(?i:{district})\s+[\"\u00ab\u201c\u201e]?$",
        sentence[max(0, start - 60) : start],
    )
    if m is None:
        return None
    return _district_area(m.group(), m.group("district"), words, gazetteer)


def _district_area(written: str, name: str, words: QualifierWords, gazetteer) -> Area | None:
    """ "the village of Chorbogh in the Varzob district" (held-out set 47): a district the
    admin table does not hold, named after its seat, a town of the region: the village lies
    within ``district_radius_km`` of that seat (not the Chorbogh 130 km away in Sughd), and
    in the seat's country ("Andijan village, Kara-Suu district", held-out set 289: a Kyrgyz
    village, not the Uzbek city 45 km from Kara-Suu across the border). None when the name
    is no single town of the region. A seat is found by its own name, or else by the one
    town of the region an alternate spelling names ("G'ijduvon" for Gijduvan)."""
    towns = [
        h
        for h in gazetteer.candidates(name)
        if h.place.kind == "city" and in_region_of_interest(h.place.country, h.place.admin1)
    ]
    seats = {h.place.key: h.place for h in towns if h.primary} or {
        h.place.key: h.place for h in towns
    }
    if len(seats) != 1:
        return None
    seat = next(iter(seats.values()))
    radius = words.district_radius_km_by_country.get(seat.country, words.district_radius_km)
    return Area(written, countries=frozenset({seat.country}), near=(seat.lat, seat.lon, radius))


def _sentence_area(words: str, sentence: str, gazetteer, start: int = 0) -> Area:
    """Where "the village of X" must lie when no unit follows.

    In the country the sentence puts it in ("In Kyrgyzstan, the road from Aral village to
    Kazarman": not Vose in Tajikistan, once called Aral, though the story names Tajikistan
    elsewhere). Only "in <Country>" counts, and not when a nationality word stands before
    the settlement word ("the Georgian town of Akhalkalaki before crossing into Turkey").
    Otherwise: in the region of interest or a country the document names.
    """
    fallback = Area(words, countries=CORE_COUNTRIES, document_countries=True)
    before = sentence[max(0, start - 40) : start].split()[-3:]
    # "the Kazakh town of Aksu near Pavlodar" (held-out set 317): in that country, not the
    # larger Aksu in Xinjiang
    named = load_words().demonym_countries
    countries = {named[w.strip(",")] for w in before if w.strip(",") in named}
    if len(countries) == 1:
        return Area(words, countries=frozenset(countries))
    demonyms = load_person_cues().demonyms
    if any(w.lower().strip(",") in demonyms for w in before):
        return fallback
    countries = set()
    for m in _IN_COUNTRY.finditer(sentence):
        for name in (m.group(1), m.group(1).split()[0]):
            for hit in gazetteer.candidates(name):
                if hit.place.kind == "country" and hit.primary and hit.place.country:
                    countries.add(hit.place.country)
    if countries:
        return Area(words, countries=frozenset(countries))
    return fallback


#: "in Kyrgyzstan", "In South Korea", "Within Tajikistan": a country the sentence is set in
_IN_COUNTRY = re.compile(r"\b(?:[Ii]n|[Ww]ithin|[Ii]nside)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")


def _name_spans(names: str, offset: int) -> list[tuple[int, int]]:
    """The names of a list "X, Y and Z" as spans of the text."""
    out = []
    for m in re.finditer(rf"{CAPITALISED}(?:[ -]{CAPITALISED})*", names):
        out.append((offset + m.start(), offset + m.end()))
    return out
