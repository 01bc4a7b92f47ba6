"""Place names written in Chinese characters.

Chinese writes no spaces between words, so the gazetteer's automaton, which takes a name
only where it stands as a word, finds none in Chinese text (held-out set 328: twenty
Chinese-language pages, 2 of 88 places found). Here each run of Han characters is cut into
words by jieba, a maintained Chinese word segmenter, with the gazetteer's Chinese names added
to its dictionary; a word that is such a name is a mention. "陕西安康" is cut 陕西 | 安康, so
it holds no 西安 (Xi'an); "阿拉山口站" is 阿拉山口 | 站.

Which Chinese names the gazetteer holds is decided when its index is built
(``names_of_city``): the GeoNames alternate names in Han characters of the region's towns
(the five Central Asian states and Xinjiang) of 1,000 people or more, of China's cities of
100,000 or more and of the world's of a million or more, each in simplified and traditional
characters (GeoNames often has one of them only; OpenCC converts). A name that jieba's dictionary
files as a common word ("联合", joint: Lianhe; "荒地", wasteland: Huangdi) is left out, unless
it is a city of two million or more ("大连", Dalian, which the dictionary tags an adverb) or
three characters long or more; so is a name with a county's or a prefecture's word ("霍城縣",
which GeoNames lists for the town of Huocheng).

A name is not a place of the story where the words after it make it something else:
"北京时间" (Beijing time), "上海合作组织" (the Shanghai Cooperation Organisation), a
dateline's city ("新华社阿斯塔纳6月17日电": where the agency filed from), a firm's name
("深圳大洋物流集团"), a unit's or a landform's ("纳沃伊州", Navoi region; "费尔干纳盆地",
the Fergana basin), a person's in a transliterated
name ("索菲亚·乌买尔江"); nor are names Chinese also writes for a part of any town ("城西",
west of the town). The word lists are ``not_places.yaml``'s ``han_*`` keys.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata

#: a run of Han characters (CJK Unified Ideographs)
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: a Chinese name: two Han characters or more
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,}")

#: jieba's part-of-speech tags of names: places, people, transliterated names, other proper
#: nouns, organisations, abbreviations
NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j"})
#: a city this large keeps a name the dictionary files as a common word ("大连", Dalian)
COMMON_WORD_CITY = 2_000_000
#: the Chinese names kept, by where the town is and how many live there
REGION_MIN_POPULATION = 1_000
CHINA_MIN_POPULATION = 100_000
WORLD_MIN_POPULATION = 1_000_000

#: words right after a name that make it something else: Beijing time, the Shanghai
#: Cooperation Organisation (and its short form), a dateline's "6月17日电"
_NOT_A_PLACE_AFTER = re.compile(
    r"时间|時間|合作组|合作組|讯|訊|\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电電]|\s*\d{1,2}\s*日\s*[电電]"
    # ... the SCO in Japanese ("上海協力機構", held-out set 423)
    r"|協力機構|协力机构"
)
#: a reading or a gloss in brackets that some pages put after characters ("布哈拉【lā】州")
_GLOSS = re.compile(r"[【\[(（][^】\])）\n]{0,12}[】\])）]")


def is_han_name(name: str) -> bool:
    """Whether ``name`` is written in Han characters only, two or more."""
    return _HAN_NAME.fullmatch(name) is not None


def kept_population(country: str, in_region: bool, population: int) -> bool:
    """Whether a town's Chinese names are kept (see the module's docstring)."""
    if in_region:
        return population >= REGION_MIN_POPULATION
    if country == "CHN":
        return population >= CHINA_MIN_POPULATION
    return population >= WORLD_MIN_POPULATION


#: a name with a county's, a prefecture's or a banner's word is the unit's: GeoNames lists
#: "霍城縣" (Huocheng county) and "伊犁哈薩克自治州" (the Ili prefecture) as names of towns
#: (held-out set 359)
_UNIT_ENDINGS = ("县", "縣", "自治州", "地区", "地區", "盟", "旗", "省")


def names_of_city(alternates: Iterable[str], population: int) -> list[str]:
    """The Chinese names of a town (whose population ``kept_population`` admits) that the
    gazetteer keeps: not a common word of jieba's dictionary, unless long or a large city."""
    tags = _dictionary_tags()
    out = []
    # GeoNames often has a name in one script only (Almaty: "阿拉木圖", traditional): each in
    # both, converted by OpenCC
    written = [n for n in alternates if is_han_name(n)]
    for name in dict.fromkeys(v for n in written for v in (n, *_other_scripts(n))):
        if not is_han_name(name) or name.endswith(_UNIT_ENDINGS):
            continue
        # (the dictionary is in simplified characters: "聯合" is its "联合")
        tag = tags.get(name) or tags.get(_other_scripts(name)[0])
        if tag is None or tag in NAME_TAGS or len(name) >= 3 or population >= COMMON_WORD_CITY:
            out.append(name)
    return out


def _other_scripts(name: str) -> tuple[str, str]:
    """The name in simplified and in traditional characters."""
    to_simplified, to_traditional = _converters()
    return to_simplified.convert(name), to_traditional.convert(name)


@cache
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


@cache
def _dictionary_tags() -> dict[str, str]:
    """jieba's dictionary: each word's part-of-speech tag."""
    import jieba.posseg

    _quiet()
    return dict(jieba.posseg.dt.word_tag_tab)


@cache
def country_names() -> dict[str, list[str]]:
    """Each country's names in simplified and traditional Chinese, by ISO3 code, from the
    Unicode CLDR (through Babel), each also converted to the other script: "哈萨克斯坦",
    "哈薩克斯坦", "哈薩克"."""
    from babel import Locale

    from etl.countries import iso3_by_iso2

    iso3_of = iso3_by_iso2()
    out: dict[str, list[str]] = {}
    for locale in (Locale.parse("zh"), Locale.parse("zh_Hant")):
        for iso2, name in locale.territories.items():
            iso3 = iso3_of.get(str(iso2))
            # ... each in both scripts: CLDR's traditional name is often a short one ("哈薩克"),
            # and pages write the long one ("哈薩克斯坦", held-out set 354)
            for written in (name, *_other_scripts(name)):
                if iso3 and is_han_name(written) and written not in out.get(iso3, []):
                    out.setdefault(iso3, []).append(written)
    return out


def sourced_names(path: Path) -> list[tuple[str, list[str]]]:
    """``geodata/han_names.csv``: (gazetteer key, Chinese names) per town, each name also in
    the other script ("阿特劳", "阿特勞"). A row names its town by gazetteer key (``gn:<GeoNames
    id>``, ``sup:<supplement row>``) and has a ``source``; one without is refused."""
    import csv

    if not path.exists():
        return []
    by_key: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            name = (row.get("zh_name") or "").strip()
            if not (row.get("source") or "").strip():
                msg = f"{path.name}, line {n}: {name or '?'} has no source"
                raise ValueError(msg)
            if not is_han_name(name):
                msg = f"{path.name}, line {n}: {name!r} is not a name in Chinese characters"
                raise ValueError(msg)
            names = by_key.setdefault(row["place"].strip(), [])
            for written in (name, *_other_scripts(name)):
                if is_han_name(written) and written not in names:
                    names.append(written)
    return sorted(by_key.items())


@dataclass(frozen=True)
class HanWords:
    """``not_places.yaml``'s word lists for names in Chinese characters."""

    words: frozenset[str]
    firm_words: tuple[str, ...]
    function_characters: frozenset[str]
    #: a unit's or a landform's word right after the name
    unit_after: tuple[str, ...]
    #: single characters that may stand right before a name
    neighbours: frozenset[str]
    #: words of an address or copyright line before a name
    address_words: tuple[str, ...]


@cache
def load_words(path: Path = settings.NOT_PLACES) -> HanWords:
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}

    def words(key: str) -> list[str]:
        return [str(w) for w in data.get(key) or []]

    return HanWords(
        frozenset(words("han_words")),
        tuple(sorted(words("han_firm_words"), key=len, reverse=True)),
        frozenset(words("han_function_characters")),
        tuple(sorted(words("han_unit_after") + words("han_landform_after"), key=len, reverse=True)),
        frozenset(words("han_neighbours")),
        tuple(words("han_address_words")),
    )


#: how many characters may stand between a town's name and a firm's word in one name
#: ("乌鲁木齐局集团": the bureau's group; "霍尔果斯伊凡进出口贸易有限公司", an import-export
#: trader, held-out set 375: seven)
_FIRM_GAP = 8
#: how far after a name a person's name's middle dot says the name is a person's first name
_DOT_REACH = 3
#: the middle dot of a transliterated person's name ("索菲亚·乌买尔江"), as written
_NAME_DOTS = "\u00b7\u30fb\u2022\u2027"


#: the character before 长 ("head") in a title: 署长, 局长, 部长, 市长, 行长, 科长, 董事长...
_HEAD_OF = "署局部市行州省县縣区區科处處厅廳院校社会會团團事书書"


class HanMatcher:
    """Finds the gazetteer's Chinese names in a text's runs of Han characters."""

    def __init__(self, names: Iterable[str], words: HanWords | None = None) -> None:
        import jieba

        _quiet()
        self.words = words or load_words()
        self.names = frozenset(names) - self.words.words
        self._tokenizer = jieba.Tokenizer()
        for name in sorted(self.names):
            # each name a word of the dictionary, so that the segmenter cuts it out whole
            # ("阿克套", Aktau, is no word of its own)
            self._tokenizer.add_word(name)
        for word in sorted(self.words.words - self.names):
            # ... and each listed word too, so that a phrase holding a name is cut out whole
            # ("新疆大庆", a Daqing in Xinjiang, a slogan: not Daqing)
            self._tokenizer.add_word(word)

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Every (start, end, name) of a known Chinese name that the segmenter cuts out as a
        word of ``text``, unless the words after it make it something else."""
        for run in HAN_RUN.finditer(text):
            pos = run.start()
            before = ""
            for word in self._tokenizer.cut(run.group(), HMM=False):
                start, pos = pos, pos + len(word)
                if (
                    word in self.names
                    and (len(before) != 1 or before in self.words.neighbours)
                    and self._a_place(text, start, pos)
                ):
                    yield start, pos, word
                before = word

    def _a_place(self, text: str, start: int, end: int) -> bool:
        """Whether the name at ``start:end`` is a place of the story (see the module)."""
        line = text[text.rfind("\n", 0, start) + 1 : start]
        if any(w in line for w in self.words.address_words):
            return False  # a site's address or copyright line
        gloss = _GLOSS.match(text, end)
        if gloss is not None:
            end = gloss.end()  # "布哈拉【lā】州": the region
        if _NOT_A_PLACE_AFTER.match(text, end):
            return False
        if (text[start - 1 : start] or "-") in _NAME_DOTS or any(
            c in _NAME_DOTS for c in text[end : end + _DOT_REACH]
        ):
            return False  # in a person's transliterated name ("卡利然·奥斯帕诺夫")
        if text[start : start + 1] in "长長" and text[start - 1 : start] in _HEAD_OF:
            return False  # "副署长沙瓦哈波": a deputy head's name, not Changsha (set 348)
        if text.startswith(self.words.unit_after, end):
            return False  # the unit or the landform named like the town
        # a firm's name: its words after the name, perhaps after a closing bracket
        after = text[end : end + 1 + _FIRM_GAP + 4]
        if after[:1] in ")）":
            after = after[1:]
        for i in range(min(_FIRM_GAP, len(after)) + 1):
            if after.startswith(self.words.firm_words, i):
                return False
            if i < len(after) and (
                after[i] in self.words.function_characters or not HAN_RUN.match(after[i])
            ):
                break
        return True


def _quiet() -> None:
    """jieba logs its dictionary's loading at INFO: not the build's business."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
