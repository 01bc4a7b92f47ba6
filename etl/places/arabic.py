"""Place names written in the Arabic script: Persian, Dari, Pashto, Urdu, Uyghur, Arabic.

The region's news is also written in Persian and Dari (Iranian and Afghan outlets on the
railways to China through Turkmenistan, Uzbekistan and Afghanistan): held-out set 407,
twenty such pages, gave 1 point of 76, as the gazetteer kept names in Latin, Cyrillic and
Chinese letters only. GeoNames lists the Arabic-script names of most towns of note (Tehran
"تهران", Kabul "کابل", Mazar-i-Sharif "مزار شریف", Kashgar "قەشقەر" in Uyghur); the index
keeps them, as alternate names, for:

- the region's towns (the five Central Asian states and Xinjiang) of ``region_min_population``
  people or more;
- the towns of its neighbours and of the routes (``REGION_COUNTRIES``: Afghanistan, Iran,
  Pakistan, Russia, Turkey...) of ``neighbour_min_population`` or more;
- the world's cities of ``world_min_population`` or more.

A name shorter than ``min_length`` letters is left out, and so is a town's name that is a
common Persian word (wordfreq's Zipf frequency of ``common_word_max_zipf`` or more) unless
the town is one of the region's or its neighbours' with ``big_city_population`` people: a
village named like a word of every sentence would come up in every Persian page, and "باری"
(freight) is no Bari. The names of the days and months (``not_names``) are
never towns' names here ("دوشنبه", Monday, is also Dushanbe's name: ``not_places.yaml``'s
``word_phrases`` say when it is the day).

Arabic and Persian write two letters two ways (Arabic yeh and kaf, Persian yeh and keheh);
each name is kept in both, so a page in either spelling finds it. The script has no capital
letters: the resolver takes such a name as a name (``is_arabic_name``).

The numbers are in ``transliteration.yaml`` (``arabic_script``), which the index's cache key
hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata

#: a name in the Arabic script: its letters (the Arabic block and its supplement), with
#: spaces and the zero-width non-joiner Persian writes inside words
_ARABIC_NAME = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee-\u06ff\u0750-\u077f]"
    r"[\u0620-\u065f\u066e-\u06d3\u06d5\u06ee-\u06ff\u0750-\u077f \u200c]*"
)
#: a letter of the Arabic script
ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee-\u06ff\u0750-\u077f]")
#: Arabic letters and their Persian forms, both ways (same length: offsets stay)
_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
_TO_ARABIC = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})


@dataclass(frozen=True)
class ArabicRules:
    region_min_population: int = 1_000
    neighbour_min_population: int = 20_000
    world_min_population: int = 200_000
    big_city_population: int = 100_000
    common_word_max_zipf: float = 3.0
    min_length: int = 3
    not_names: frozenset[str] = frozenset()


@cache
def load_rules(path: Path = settings.TRANSLITERATION_YAML) -> ArabicRules:
    with path.open(encoding="utf-8") as f:
        data = (yamldata.load(f) or {}).get("arabic_script") or {}
    defaults = ArabicRules()
    return ArabicRules(
        region_min_population=int(
            data.get("region_min_population", defaults.region_min_population)
        ),
        neighbour_min_population=int(
            data.get("neighbour_min_population", defaults.neighbour_min_population)
        ),
        world_min_population=int(data.get("world_min_population", defaults.world_min_population)),
        big_city_population=int(data.get("big_city_population", defaults.big_city_population)),
        common_word_max_zipf=float(data.get("common_word_max_zipf", defaults.common_word_max_zipf)),
        min_length=int(data.get("min_length", defaults.min_length)),
        not_names=frozenset(str(n).translate(_TO_PERSIAN) for n in data.get("not_names") or ()),
    )


def is_arabic_name(name: str) -> bool:
    """Whether ``name`` is written in the Arabic script only."""
    return _ARABIC_NAME.fullmatch(name) is not None


def kept_population(in_region: bool, neighbour: bool, population: int, rules: ArabicRules) -> bool:
    """Whether a town's Arabic-script names are kept (see the module's docstring)."""
    if in_region:
        return population >= rules.region_min_population
    if neighbour:
        return population >= rules.neighbour_min_population
    return population >= rules.world_min_population


def names_of_city(
    alternates: Iterable[str], population: int, local: bool, rules: ArabicRules | None = None
) -> list[str]:
    """The Arabic-script names of a town (whose population ``kept_population`` admits) that
    the index keeps, each in its Persian and its Arabic letters. A town of the region or of
    its neighbours (``local``) as large as ``big_city_population`` keeps a name that is a
    common word ("هرات", Herat); a city elsewhere does not ("باری", freight: not Bari)."""
    rules = rules or load_rules()
    out: list[str] = []
    for name in alternates:
        if not is_arabic_name(name):
            continue
        persian = " ".join(name.translate(_TO_PERSIAN).replace("\u200c", " ").split())
        letters = persian.replace(" ", "")
        if len(letters) < rules.min_length or persian in rules.not_names:
            continue
        big = local and population >= rules.big_city_population
        if not big and _common_word(persian, rules):
            continue
        for spelling in (persian, persian.translate(_TO_ARABIC), name):
            if spelling not in out:
                out.append(spelling)
    return out


def _common_word(name: str, rules: ArabicRules) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(name, "fa") >= rules.common_word_max_zipf
