"""Spelling variants of the region's place names, made by rules kept as data.

A reporter writes Shu or Chu, Zhetysu or Jetisu, Kyzylorda or Qyzylorda. The rules live in
``geodata/lexicon/transliteration.yaml``; this module only applies them. Callers decide which
variants to keep (see ``etl.places.gazetteer``: never one that is already another place's name).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.text import has_cyrillic


@dataclass(frozen=True)
class Rules:
    """Letter foldings that always apply, and optional rewrites tried in combinations."""

    letters: tuple[tuple[str, str], ...]
    rules: tuple[tuple[re.Pattern[str], str], ...]
    max_rules: int = 2
    max_variants: int = 24
    min_length: int = 4
    #: Russian case endings by the class of a name's last letter ("consonant", "а", ...)
    russian_cases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    russian_velars: str = ""
    russian_adjective_endings: tuple[str, ...] = ()
    #: Cyrillic letter -> Latin spelling, for names the index lacks in Cyrillic
    romanise: tuple[tuple[str, str], ...] = ()
    romanise_max_zipf: float = 3.0
    romanise_case_endings: tuple[str, ...] = ()
    #: Kazakh, Kyrgyz and Uzbek case endings, with the placeholders ``turkic_case_forms`` fills
    turkic_cases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_turkic_form: int = 5
    #: Kazakh Cyrillic letter -> Latin, one table per official Latin alphabet
    kazakh_latin: tuple[tuple[tuple[str, str], ...], ...] = ()
    #: case endings a hyphenated name may carry glued to it ("Nur-Soltandaky")
    hyphenated_name_endings: frozenset[str] = frozenset()
    #: Uzbek Cyrillic letter -> the Latin alphabet of 1995
    uzbek_latin: tuple[tuple[str, str], ...] = ()
    #: a national letter also read another way (GeoNames' Uzbek ŭ, Uzbek Latin's o')
    letter_alternatives: tuple[tuple[str, str], ...] = ()
    #: words of a town's GeoNames name that reporters drop ("Olot Shahri", "Gorod Kitab")
    settlement_suffixes: frozenset[str] = frozenset()
    settlement_prefixes: frozenset[str] = frozenset()


@cache
def load_rules(path: Path = settings.TRANSLITERATION_YAML) -> Rules:
    """The rules file, compiled once."""
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}
    return Rules(
        letters=tuple((str(k), str(v)) for k, v in (data.get("letters") or {}).items()),
        rules=tuple((re.compile(r["from"]), str(r["to"])) for r in data.get("rules") or []),
        max_rules=int(data.get("max_rules", 2)),
        max_variants=int(data.get("max_variants", 24)),
        min_length=int(data.get("min_length", 4)),
        russian_cases=tuple(
            (str(k), tuple(str(e) for e in v)) for k, v in (data.get("russian_cases") or {}).items()
        ),
        russian_velars=str(data.get("russian_velars") or ""),
        russian_adjective_endings=tuple(
            str(e) for e in data.get("russian_adjective_endings") or ()
        ),
        romanise=tuple((str(k), str(v)) for k, v in (data.get("romanise") or {}).items()),
        romanise_max_zipf=float(data.get("romanise_max_zipf", 3.0)),
        romanise_case_endings=tuple(str(e) for e in data.get("romanise_case_endings") or ()),
        turkic_cases=tuple(
            (str(k), tuple(str(e) for e in v)) for k, v in (data.get("turkic_cases") or {}).items()
        ),
        min_turkic_form=int(data.get("min_turkic_form", 5)),
        kazakh_latin=tuple(
            tuple((str(k), str(v)) for k, v in table.items())
            for table in data.get("kazakh_latin") or ()
        ),
        hyphenated_name_endings=frozenset(
            str(e).lower() for e in data.get("hyphenated_name_endings") or ()
        ),
        uzbek_latin=tuple((str(k), str(v)) for k, v in (data.get("uzbek_latin") or {}).items()),
        letter_alternatives=tuple(
            (str(k), str(v)) for k, v in (data.get("letter_alternatives") or {}).items()
        ),
        settlement_suffixes=frozenset(
            str(w).lower() for w in data.get("settlement_suffixes") or ()
        ),
        settlement_prefixes=frozenset(
            str(w).lower() for w in data.get("settlement_prefixes") or ()
        ),
    )


def romanised(word: str, rules: Rules | None = None) -> list[str]:
    """Latin spellings of a Cyrillic name to look up: the word letter by letter, then the
    word without each Russian case ending it may carry ("Хороге" -> Khorog), lower-cased.
    Empty for a word more common in Russian than a name (``romanise_max_zipf``)."""
    from wordfreq import zipf_frequency

    rules = rules or load_rules()
    lower = word.lower()
    if zipf_frequency(lower, "ru") >= rules.romanise_max_zipf:
        return []
    table = _romanise_table(rules)
    stems = [lower] + [
        lower[: -len(e)]
        for e in rules.romanise_case_endings
        if lower.endswith(e) and len(lower) - len(e) >= 3
    ]
    return list(dict.fromkeys(stem.translate(table) for stem in stems))


_TURKIC_VOWELS = "аәеёиоөуұүыіэюяaeiouáóúýıäöüū"
_VOICELESS = "кқпстфхцчшщkqpstfhcx"
_FRONT = "әеиөүіэ"
#: the Kyrgyz low and high vowel after each last vowel
_KYRGYZ_LOW = {
    **dict.fromkeys("аыя", "а"),
    **dict.fromkeys("еиэ", "е"),
    **dict.fromkeys("оуёю", "о"),
}
_KYRGYZ_HIGH = {
    **dict.fromkeys("аыя", "ы"),
    **dict.fromkeys("еиэ", "и"),
    **dict.fromkeys("оуёю", "у"),
}


def turkic_case_forms(name: str, language: str, rules: Rules | None = None) -> list[str]:
    """A town's name declined as Kazakh, Kyrgyz or Uzbek copy declines it, lower-cased:
    "Бишкек" (Kyrgyz) -> бишкекте, бишкектен, бишкекке, бишкектин; "Алматы" (Kazakh) ->
    алматыда, алматыдан, алматыға, алматының; "Toshkent" (Uzbek) -> toshkentda, ...
    Kazakh and Kyrgyz endings follow the name's last vowel and last sound; Uzbek ones do
    not change (but "-ga" is "-ka" after k and "-qa" after q)."""
    rules = rules or load_rules()
    endings = dict(rules.turkic_cases).get(language, ())
    own = " ".join(name.lower().split())
    if not endings or len(own) < 3 or not own[-1].isalpha():
        return []
    last = own[-1]
    vowels = [c for c in own if c in _TURKIC_VOWELS]
    if not vowels:
        return []
    front = vowels[-1] in _FRONT
    voiceless = last in _VOICELESS
    vowel_end = last in _TURKIC_VOWELS
    out = []
    cyrillic = has_cyrillic(own)
    for ending in endings:
        # a written ending (Uzbek's) in the name's own letters; placeholders (in capitals)
        # stand for Cyrillic suffixes and are only given Cyrillic names
        if ending.islower() and has_cyrillic(ending) != cyrillic:
            continue
        if language == "uzbek":
            if ending in ("га", "ga") and last in "кқkq":
                ending = {"к": "ка", "қ": "қа", "k": "ka", "q": "qa"}[last]
        else:
            if language == "kyrgyz":
                low = "ө" if vowels[-1] in "өү" else _KYRGYZ_LOW.get(vowels[-1], "а")
                high = "ү" if vowels[-1] in "өү" else _KYRGYZ_HIGH.get(vowels[-1], "ы")
            else:
                low, high = ("е", "і") if front else ("а", "ы")
            d = "т" if voiceless else "д"
            nasal = language == "kazakh" and last in "мнң"
            n = "н" if vowel_end or nasal else d
            if language == "kazakh":
                g = ("к" if front else "қ") if voiceless else ("г" if front else "ғ")
            else:
                g = "к" if voiceless else "г"
            if language == "kazakh" and ending == ("DAн" if nasal else "NAн"):
                continue  # Kazakh "-нан" after м, н, ң; "-дан"/"-тан" elsewhere
            ending = (
                ending.replace("NA", "н" + low)
                .replace("NY", n + high)
                .replace("DA", d + low)
                .replace("GA", g + low)
            )
        form = own + ending
        if len(form) >= rules.min_turkic_form:
            out.append(form)
    return list(dict.fromkeys(out))


def kazakh_latin(name: str, rules: Rules | None = None) -> list[str]:
    """A Cyrillic name in each official Kazakh Latin alphabet, lower-cased: "Ақтау" ->
    aqtaý (2018), aqtau (2021); "Аягөз" -> aıagóz, aiagöz. Empty for a name with a letter
    no table spells."""
    rules = rules or load_rules()
    lower = " ".join(name.lower().split())
    out = []
    for table in _kazakh_tables(rules):
        spelled = lower.translate(table)
        if not has_cyrillic(spelled):
            out.append(spelled)
    return list(dict.fromkeys(out))


def uzbek_latin(name: str, rules: Rules | None = None) -> str:
    """A name in Uzbek Cyrillic in the Uzbek Latin alphabet, lower-cased: "Фарғона" ->
    farg'ona, "Қашқадарё" -> qashqadaryo. Letters the table has no row for stay as they are."""
    return name.lower().translate(_uzbek_table(rules or load_rules()))


@cache
def _uzbek_table(rules: Rules) -> dict[int, str]:
    return {ord(k): v for k, v in rules.uzbek_latin}


@cache
def _kazakh_tables(rules: Rules) -> tuple[dict[int, str], ...]:
    return tuple({ord(k): v for k, v in table} for table in rules.kazakh_latin)


def romanise_letters(text: str, rules: Rules | None = None) -> str:
    """``text`` lower-cased and spelled in Latin letter by letter (a feature id's words)."""
    return text.lower().translate(_romanise_table(rules or load_rules()))


def cyrillic_stems(word: str, rules: Rules | None = None) -> list[str]:
    """A Cyrillic name without each Russian case ending it may carry, lower-cased, and
    with the soft sign a name may end in ("Каракуля" -> каракул, каракуль)."""
    rules = rules or load_rules()
    lower = word.lower()
    out: list[str] = []
    for e in rules.romanise_case_endings:
        if lower.endswith(e) and len(lower) - len(e) >= 3:
            stem = lower[: -len(e)]
            out += [stem, stem + "ь"]
    return list(dict.fromkeys(out))


@cache
def _romanise_table(rules: Rules) -> dict[int, str]:
    return {ord(k): v for k, v in rules.romanise}


def fold_letters(name: str, rules: Rules) -> str:
    """Lower-case ``name`` and spell each national Latin letter the English way."""
    out = name.lower()
    for letter, spelling in rules.letters:
        out = out.replace(letter, spelling)
    return " ".join(out.split())


def variants(name: str, rules: Rules | None = None) -> list[str]:
    """Lower-case spellings of ``name`` other than its own, in a stable order.

    Every combination of at most ``max_rules`` rules is applied to the letter-folded name;
    results shorter than ``min_length`` or not made of letters, spaces and hyphens are
    dropped, and at most ``max_variants`` are returned (the simplest first).
    """
    rules = rules or load_rules()
    own = " ".join(name.lower().split())
    seen: dict[str, None] = {}
    # the name's letters folded, then (when it has one) read with a letter's other reading
    bases = [fold_letters(name, rules)]
    bases += [
        fold_letters(own.replace(letter, other), rules)
        for letter, other in rules.letter_alternatives
        if letter in own
    ]
    for base in bases:
        if base != own:
            seen.setdefault(base, None)
        applicable = [r for r in rules.rules if r[0].search(base)]
        for n in range(1, rules.max_rules + 1):
            for combo in itertools.combinations(applicable, n):
                v = base
                for pattern, repl in combo:
                    v = pattern.sub(repl, v)
                v = " ".join(v.split())
                if v != own:
                    seen.setdefault(v, None)
                if len(seen) >= rules.max_variants:
                    break
    return [
        v
        for v in seen
        if len(v) >= rules.min_length and all(c.isalpha() or c in " -" for c in v) and v != own
    ][: rules.max_variants]


_RUSSIAN_VOWELS = "аеёиоуыэюя"
_RUSSIAN_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя -")


def russian_case_forms(name: str, rules: Rules | None = None) -> list[str]:
    """The case forms of a Cyrillic town name, lower-cased: "Бишкек" -> бишкека, бишкеку,
    бишкеком, бишкеке; "Астана" -> астаны, астане, астану, астаной. A name that ends in
    another vowel (Алматы, Душанбе) or an adjective's ending (Московский) does not decline
    here; a form that is a more common Russian word than the name is left out (``какой``
    from Кака)."""
    rules = rules or load_rules()
    own = " ".join(name.lower().split())
    if len(own) < 2 or not set(own) <= _RUSSIAN_LETTERS:
        return []
    if any(own.endswith(e) for e in rules.russian_adjective_endings):
        return []
    endings = dict(rules.russian_cases)
    last = own[-1]
    if last in endings:
        stem, forms = own[:-1], endings[last]
    elif last not in _RUSSIAN_VOWELS and last.isalpha() and "consonant" in endings:
        stem, forms = own, endings["consonant"]
    else:
        return []
    out = []
    for ending in forms:
        if ending == "ы" and stem[-1:] in tuple(rules.russian_velars):
            ending = "и"
        if ending == "ом" and stem.endswith("ск"):
            continue
        out.append(stem + ending)
    from wordfreq import zipf_frequency

    own_frequency = zipf_frequency(own, "ru")
    return [
        f for f in dict.fromkeys(out) if f != own and zipf_frequency(f, "ru") <= own_frequency + 0.3
    ]


def adjective_names(stem: str, suffix: str) -> list[str]:
    """The names a Russian adjective's stem may come from: "Хромтау" (Хромтау-ский),
    "Кызылорда" (Кызылорд-инский), "Навои" (Навоий-ский), "Согд" (Согдий-ский)."""
    names = [stem + suffix, stem]
    if stem.endswith("ин"):
        names += [stem[:-2] + end for end in ("а", "ы", "и", "я", "")]
    if stem.endswith("ь"):
        names.append(stem[:-1])
    if stem.endswith("ий"):
        names.append(stem[:-2])
    if stem.endswith("й"):
        names.append(stem[:-1])
    names += [stem + end for end in ("а", "ы", "и", "я")]
    return names
