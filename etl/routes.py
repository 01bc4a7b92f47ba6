"""Routes named by their places ("the Kashgar-Osh-Andijan railway"): inferred, or refused.

The registry is asked first (a registry route under a new phrasing is the registry route);
only what it does not know is built from the named places, ``precision: inferred``.
Implausible chains go to ``unresolved.csv`` with the reason: a part that does not
resolve, a hop far longer than any such route, a province and a country on different
continents (garbled text), or countries alone with no registry entry.

The phrasings: chains ("the A-B-C railway", "the A - B line", "China's C - D railway"),
routes described by their ends ("the 300 km double-track line from A to B", "the route
begins in the port of A ... ends in B", "by rail from A to B, then to the port of C"),
pairs ("a road tying together the towns of A and B", "the road runs between A and B"),
chains after their noun ("the motor roads A-B-C and D-E"), stops listed after the ends
("from A to B through C and D": C and D are waypoints), a bare "the line" that takes its
kind from a route noun just before it ("This rail link ... The line would start in A") and
sections of registry projects ("the A-B section of <project>", drawn along the project's own
line). The words are data: ``geodata/lexicon/routes.yaml``.
"""

from __future__ import annotations

import functools
import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
from shapely.geometry import LineString, Point
from shapely.ops import substring

from etl import settings, yamldata
from etl.cuewords import CueWords
from etl.geo import km
from etl.places.gazetteer import Gazetteer
from etl.read.boilerplate import month_names
from etl.schema import (
    CORRIDORS,
    R_AMBIGUOUS,
    R_GARBLED,
    R_IMPLAUSIBLE,
    R_UNKNOWN,
    Place,
)
from etl.text import finditer_at, has_cyrillic, lower_same_length

#: no route hop is longer than this between two named places (Chongqing-Duisburg is ~6,000)
MAX_HOP_KM = 7000.0
#: a place named as an end of a section lies at most this far from its project's line
SECTION_MAX_OFF_KM = 30.0
#: the type of a chain that names a part of a registry project ("the A-B section")
SECTION = "section"
#: the type of a chain named only "line": a registry name, or of no knowable layer
LINE = "line"
#: where the route phrasing words live (see the file's comments)
LEXICON = settings.GEODATA / "lexicon" / "routes.yaml"


@dataclass(frozen=True)
class Lexicon:
    """The words of route phrasing, read from ``geodata/lexicon/routes.yaml``."""

    nouns: dict[str, tuple[str, str]]
    #: Russian route nouns, read only before a chain (``_noun_before_chains``)
    russian_nouns: dict[str, tuple[str, str]]
    #: Kazakh, Kyrgyz, Uzbek and Turkmen nouns after a chain ("Baqty – Aıagóz temirjoly")
    turkic_nouns: dict[str, tuple[str, str]]
    #: German, Polish, French, Spanish, Italian and Portuguese nouns before a chain
    #: ("die Eisenbahnstrecke A – B"), read as ``russian_nouns`` are (``_noun_before_chains``)
    european_nouns: dict[str, tuple[str, str]]
    described_nouns: dict[str, tuple[str, str]]
    #: Russian nouns of described routes ("поезд ... от станции A до станции B"): looked for
    #: only in text with Cyrillic letters, without the ASCII cue-word gate
    russian_described_nouns: dict[str, tuple[str, str]]
    section_words: tuple[str, ...]
    line_words: tuple[str, ...]
    from_cues: tuple[str, ...]
    to_cues: tuple[str, ...]
    then_cues: tuple[str, ...]
    via_cues: tuple[str, ...]
    enter_verbs: tuple[str, ...]
    link_verbs: tuple[str, ...]
    pair_joiners: tuple[str, ...]
    between_verbs: tuple[str, ...]
    place_kinds: tuple[str, ...]
    #: Russian kinds before a name, no "of" ("от станции «Назарбек»", "до города Ош")
    russian_place_kinds: tuple[str, ...]
    lead_words: frozenset[str]
    #: words between a chain and its noun ("the A-B double-track railway", "the
    #: "A-B" 500kV power transmission line")
    chain_modifiers: tuple[str, ...]
    name_words: frozenset[str]
    #: a straight line between two named ends with no stop between them is drawn only up
    #: to this length (km): longer, it crosses deserts and mountains the text never named
    max_bare_km: float = 3000.0
    #: types that cross water: both ends must be on a coast ("the ferry from Baku to Xi'an"
    #: is a multimodal service, not a ferry line across Asia)
    sea_types: frozenset[str] = frozenset()
    #: (pattern, spelling) pairs applied in order to names compared with registry aliases
    spelling_folds: tuple[tuple[str, str], ...] = ()
    #: words of position before a place kind ("the eastern town of")
    place_adjectives: tuple[str, ...] = ()
    #: "The line would start in A": a bare noun that takes its kind from a route noun of
    #: the sentences just before (at most ``anaphora_window`` back)
    anaphora_words: tuple[str, ...] = ()
    anaphora_window: int = 0
    #: Russian verbs of linking before a chain ("дорога соединит A-B-C")
    russian_link_verbs: tuple[str, ...] = ()
    #: the longest case ending read after a Turkic noun ("dəmir yolunun", "temir yo‘liga")
    turkic_endings: int = 0
    #: Chinese route nouns after a chain of names in Chinese characters ("安格连-帕普铁路")
    han_nouns: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: what joins two names of such a chain: dashes, 至 ("to"), 到, 经 ("via")
    han_links: tuple[str, ...] = ()
    #: what may stand right after a name of such a chain: "巴克特口岸至阿亚古兹铁路" (port)
    han_name_suffixes: tuple[str, ...] = ()
    #: route nouns in the Arabic script (Persian, Dari), before the chain they name
    arabic_nouns: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: what joins two names of such a chain ("-", "تا", "به")
    arabic_links: tuple[str, ...] = ()
    #: route nouns in the Arabic script after the chain they name (Urdu)
    arabic_nouns_after: dict[str, tuple[str, str]] = field(default_factory=dict)


@functools.cache
def lexicon(path: Path = LEXICON) -> Lexicon:
    """The route lexicon, loaded once per path."""
    with path.open(encoding="utf-8") as f:
        raw = yamldata.load(f)

    def pairs(key: str) -> dict[str, tuple[str, str]]:
        return {k.lower(): (v[0], v[1]) for k, v in (raw.get(key) or {}).items()}

    nouns = pairs("nouns")
    return Lexicon(
        nouns=nouns,
        russian_nouns=pairs("russian_nouns"),
        turkic_nouns=pairs("turkic_nouns"),
        european_nouns=pairs("european_nouns"),
        described_nouns={**nouns, **pairs("described_only_nouns"), **pairs("modes")},
        russian_described_nouns={
            **pairs("russian_nouns"),
            **pairs("russian_described_only_nouns"),
        },
        section_words=tuple(raw["section_words"]),
        line_words=tuple(raw.get("line_words") or ()),
        from_cues=tuple(raw["from_cues"]),
        to_cues=tuple(raw["to_cues"]),
        then_cues=tuple(raw["then_cues"]),
        via_cues=tuple(raw["via_cues"]),
        enter_verbs=tuple(raw["enter_verbs"]),
        link_verbs=tuple(raw["link_verbs"]),
        pair_joiners=tuple(raw["pair_joiners"]),
        russian_link_verbs=tuple(raw.get("russian_link_verbs") or ()),
        between_verbs=tuple(raw.get("between_verbs") or ()),
        place_kinds=tuple(raw["place_kinds"]),
        russian_place_kinds=tuple(raw.get("russian_place_kinds") or ()),
        lead_words=frozenset(raw.get("lead_words") or ()),
        chain_modifiers=tuple(raw.get("chain_modifiers") or ()),
        name_words=frozenset(w.lower() for w in raw.get("name_words") or ()),
        max_bare_km=float(raw.get("max_bare_km", 3000.0)),
        sea_types=frozenset(raw.get("sea_types") or ()),
        spelling_folds=tuple((f["from"], f["to"]) for f in raw.get("spelling_folds") or ()),
        place_adjectives=tuple(raw.get("place_adjectives") or ()),
        anaphora_words=tuple((raw.get("anaphora") or {}).get("words") or ()),
        anaphora_window=int((raw.get("anaphora") or {}).get("window", 0)),
        turkic_endings=int(raw.get("turkic_endings", 0)),
        han_nouns=pairs("han_nouns"),
        han_links=tuple(raw.get("han_links") or ()),
        han_name_suffixes=tuple(raw.get("han_name_suffixes") or ()),
        arabic_nouns=pairs("arabic_nouns"),
        arabic_links=tuple(raw.get("arabic_links") or ()),
        arabic_nouns_after=pairs("arabic_nouns_after"),
    )


def _alternation(words) -> str:
    """A regex alternation of the words, longest first, spaces matching any blank."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return "|".join(escaped)


#: the first letter of a chain's place: a capital of Latin (with the accented capitals of
#: Latin-1 and Latin Extended-A, "Ürümqi", "Şymkent", "Łódź") or Cyrillic (with the letters
#: of Kazakh, Kyrgyz, Tajik and Uzbek, "Қалъаихумб", held-out set 244). Latin Extended-A
#: and the Cyrillic extensions mix capitals and small letters; a chain's other rules (a
#: dash, a route noun, places that resolve) keep a small letter there from mattering.
_INITIAL = r"[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0400-\u042f\u0490-\u04ff]"
#: a letter of a place's name after the first: a word character, an apostrophe, or the
#: Uzbek o‘ and g‘ ("O‘sh", "Qoshg‘ar", held-out set 218)
_LETTER = r"[\w'\u2018\u02bb]"
_LETTERS = rf"{_LETTER}+"
#: a capitalised word of a chain's place, Latin or Cyrillic ("дорогу Бишкек - Торугарт"),
#: with a particle between hyphens ('"Termez - Mazar-e-Sharif - Kabul" railway line',
#: held-out set 73)
_WORD = rf"{_INITIAL}{_LETTERS}(?:-(?:e|i|ul|ur|al|el|o|u)-[A-Z]{_LETTERS})?"
_NAME = rf"{_WORD}(?:\s{_WORD})?"


@functools.cache
def _noun_after() -> str:
    """What follows a chain of names up to its route noun, as a regex: the noun is group
    ``noun``, a Turkic noun (which may carry a case ending, "dəmir yolunun", "avtomobil
    yo‘liga") group ``turkic``."""
    lex = lexicon()
    words = _alternation([*lex.nouns, *lex.section_words, *lex.line_words])
    turkic = _alternation(lex.turkic_nouns)
    ending = rf"{_LETTER}{{0,{lex.turkic_endings}}}"
    # the chain may be quoted as a name ('the "Barskoon-Uch-Turfan-Aksu" road'), and words
    # may stand between it and its noun ("the A-B double-track railway", '"A-B" 500kV power
    # line')
    mods = _alternation(lex.chain_modifiers) if lex.chain_modifiers else r"(?!)"
    between = rf"(?:\s+(?i:{mods}|\d{{2,4}}\s?-?(?:kv|kilovolt)))*"
    # an acronym in brackets may stand there too: "the China-Kyrgyzstan-Uzbekistan (CKU)
    # railway" (held-out set 274)
    return (
        rf"[\"”»]?(?:\s*\([A-Z]{{2,6}}\))?{between}\s+"
        rf"(?:(?P<noun>(?i:{words}))s?|(?P<turkic>(?i:{turkic})){ending})\b"
    )


@functools.cache
def _chain_pattern() -> re.Pattern[str]:
    # "A-B", "A - B" (spaced dashes, en dashes already folded to "-"), then its noun
    return re.compile(rf"\b({_NAME}(?:\s?-\s?{_NAME})+){_noun_after()}")


@functools.cache
def _noun_after_pattern() -> re.Pattern[str]:
    return re.compile(_noun_after())


def route_noun_after(text: str, end: int) -> bool:
    """Whether a route noun follows a name ending at ``end`` ("Lianyungang-Korgas| railway
    line", "Xi'an-Khorgos| container route"): the name is then a chain of a route's places."""
    return _noun_after_pattern().match(text, end) is not None


_DASHED = rf"{_NAME}(?:\s?-\s?{_NAME})+"


@functools.cache
def _noun_first_pattern() -> re.Pattern[str]:
    """ "the motor roads A-B-C and D-E", "the highway A-B", "the railway line from A-B",
    "1,390 km of the road (Kyzylorda - Turkestan - Shymkent)" (in brackets, held-out set
    13): the noun before the chain(s)."""
    words = _alternation(lexicon().nouns)
    more = rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+){_DASHED}"
    # "railways such as A-B, C-D and E-F" (held-out set 26): a list after the noun
    # 'the new multimodal route "Langfang - Kashgar - Osh"' (held-out set 265): in quotes
    lead = r"(?:from\s+|\(\s*|such\s+as\s+|including\s+|[\"“«„]\s*)?"
    # "two new railways, Zhezkazgan-Beineu and Arkalyk-Shubarkol" (held-out set 77): after a
    # plural noun, a comma or a colon may stand before the list (checked in the caller)
    return re.compile(rf"\b((?i:{words}))(s?)(\s*[,:])?\s+{lead}({_DASHED}(?:{more})*)(?![\w-])")


#: "... -Uzbek border": a chain that ends at a country's border, not at a place
_BORDER_AFTER = re.compile(r"\s+border\b")


def _noun_first_chains(text: str, taken: list[Chain]) -> list[Chain]:
    """Chains written after their noun, one or several ("highways A-B and C-D").

    The first chain's text starts at the noun (as "<A-B> <noun>" ends with it); a chain
    overlapping one written noun-last is that chain and is not read twice.
    """
    lex = lexicon()
    out = []
    # the pattern opens with a route noun: it is tried only where one begins
    starts = _cue_words().starts(text, "chain_noun")
    for m in finditer_at(_noun_first_pattern(), text, starts):
        noun = " ".join(m.group(1).lower().split())
        if m.group(3) and not (m.group(2) or noun.endswith("s")):
            continue  # "the railway, Almaty-..." : a comma after one line's noun ends it
        layer, kind = lex.nouns[noun]
        for i, c in enumerate(re.finditer(_DASHED, m.group(4))):
            a, b = m.start(4) + c.start(), m.start(4) + c.end()
            if any(t.start < b and a < t.end for t in taken):
                continue
            parts = split_chain(c.group(0))
            if parts[0] in lex.lead_words:
                continue
            border = _BORDER_AFTER.match(text, b)
            if border and len(parts) > 2 and len(parts[-1].split()) == 1:
                # "the road Dushanbe-Khujand-Uzbek border": its last end is a border the
                # text does not place; the road is drawn between the towns it names
                parts, b = parts[:-1], border.end()
            start = m.start() if i == 0 else a
            # the registry names a route "<A-B> <noun>", with any noun of its layer, by the
            # places it names ("the road A-B-Uzbek border" is its "A-B road")
            names = tuple(
                f"{'-'.join(parts)} {n}" for n, (lay, _) in lex.nouns.items() if lay == layer
            )
            out.append(Chain(start, b, text[start:b], parts, layer, kind, names))
    return out


@dataclass(frozen=True)
class Chain:
    start: int
    end: int
    text: str
    parts: tuple[str, ...]
    layer: str
    type: str
    #: the chain as a registry would name it, when its words are in another order:
    #: "the railroad Angren-Pap" is the registry's "Angren-Pap railway"
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class InferredRoute:
    chain: Chain
    places: tuple[Place, ...]
    geometry: LineString
    #: stops between the ends that no place resolution placed ("Karshi-Tashguzar-Boysun"):
    #: the line is drawn without them, and they are reported
    skipped: tuple[str, ...] = ()
    #: a section of a registry project: the project's id (the line follows its geometry)
    section_of: str | None = None


@dataclass(frozen=True)
class RefusedRoute:
    chain: Chain
    reason: str
    detail: str
    #: a name that only looks like a chain ("the South-North Highway", "the Trans-Afghan
    #: corridor"): not a route of places, so not reported in ``unresolved.csv``
    quiet: bool = False
    #: the countries (ISO3) of a chain refused for naming countries alone, in its order:
    #: ``etl.assemble`` asks the registry for the project of its kind crossing them all
    countries: tuple[str, ...] = ()


def find_chains(text: str) -> list[Chain]:
    """Every "<A-B...> <noun>" in the text; a section chain has type ``SECTION`` and no layer.

    Words before the first name that are not part of it ("The", "China's") are dropped,
    so the chain's text and offsets start at the first place.
    """
    lex = lexicon()
    out = []
    for m in _chain_pattern().finditer(text):
        noun = " ".join((m.group("noun") or m.group("turkic")).lower().split())
        if noun in lex.section_words:
            layer, kind = "", SECTION
        elif noun in lex.line_words:
            layer, kind = "", LINE
        else:
            layer, kind = lex.nouns.get(noun) or lex.turkic_nouns[noun]
        led = _without_lead_words(text, m.start(), m.group(1), lex)
        if led is None:
            continue
        start, parts = led
        out.append(Chain(start, m.end(), text[start : m.end()], parts, layer, kind))
        if layer and m.group("noun") and m.group(0).endswith("s") and not noun.endswith("s"):
            out += _listed_before(text, start, layer, kind, lex)
    out += _noun_first_chains(text, out)
    out += _noun_before_chains(text, out)
    out += _linked_chains(text, out)
    return sorted(out, key=lambda c: c.start)


#: what may stand between a Chinese chain and its noun ("间的": "between ... 's"), longest first
_HAN_POSSESSIVES = ("間的", "间的", "的")


def han_chains(text: str, names: list[tuple[int, int]]) -> list[Chain]:
    """Chains of names in Chinese characters, which the word patterns above cannot cut
    (Chinese writes no spaces): "巴克图至阿亚古兹铁路" (Bakhty to Ayagoz railway),
    "安格连-帕普铁路" (held-out sets 375 and 377). ``names`` are the spans of the document's
    names in Chinese characters, in order: two or more of them joined only by a link word or
    a dash, then a route noun (perhaps after 的, "乌鲁木齐至伊宁的公路"), are a chain. A section
    ("精河至阿拉山口段") is not read."""
    lex = lexicon()
    if not names or not lex.han_nouns:
        return []
    links = frozenset(lex.han_links)
    nouns = sorted(lex.han_nouns, key=len, reverse=True)

    def joined(end: int, start: int) -> bool:
        gap = text[end:start].strip()
        suffix = next((x for x in lex.han_name_suffixes if gap.startswith(x)), "")
        return gap.removeprefix(suffix).strip() in links

    out = []
    for run in _joined_runs(names, joined):
        end = run[-1][1]
        # "乌鲁木齐至伊宁的公路": the possessive 的 may stand before the noun
        possessive = next((p for p in _HAN_POSSESSIVES if text.startswith(p, end)), "")
        at = end + len(possessive)
        noun = next((n for n in nouns if text.startswith(n, at)), None)
        if len(run) < 2 or noun is None:
            continue
        layer, kind = lex.han_nouns[noun]
        parts = tuple(text[a:b] for a, b in run)
        start = run[0][0]
        stop = at + len(noun)
        out.append(Chain(start, stop, text[start:stop], parts, layer, kind))
    return out


def arabic_chains(text: str, names: list[tuple[int, int]]) -> list[Chain]:
    """Chains of names in the Arabic script (Persian, Dari), whose route noun comes first:
    "خط آهن حیرتان - مزار شریف" (the Hairatan - Mazar-i-Sharif railway), "راه آهن خواف به
    هرات", "خط آهن از ترمذ تا کابل" (held-out set 407). ``names`` are the spans of the
    document's names in that script, in order: two or more of them joined only by a link
    word or a dash, right after a route noun (and perhaps "از", from), are a chain."""
    lex = lexicon()
    if not names or not (lex.arabic_nouns or lex.arabic_nouns_after):
        return []
    links = frozenset(lex.arabic_links)
    out = []
    for run in _joined_runs(names, lambda end, start: _arabic_words(text[end:start]) in links):
        if len(run) < 2:
            continue
        lead = max(0, run[0][0] - 40)
        parts = tuple(text[a:b] for a, b in run)
        found = _arabic_noun_before().search(text, lead, run[0][0])
        if found is not None:
            layer, kind = lex.arabic_nouns[_arabic_words(found.group("noun"))]
            start = found.start("noun")
            out.append(Chain(start, run[-1][1], text[start : run[-1][1]], parts, layer, kind))
            continue
        # Urdu puts the noun after the chain: '"مزار شریف۔ کابل۔پشاور" ریلوے لائن'
        after = _arabic_noun_after().match(text, run[-1][1])
        if after is not None:
            layer, kind = lex.arabic_nouns_after[_arabic_words(after.group("noun"))]
            out.append(
                Chain(run[0][0], after.end(), text[run[0][0] : after.end()], parts, layer, kind)
            )
    return out


def _joined_runs(
    names: list[tuple[int, int]], joined: Callable[[int, int], bool]
) -> Iterator[list[tuple[int, int]]]:
    """The longest runs of consecutive name spans whose every gap ``joined(end, start)``
    accepts, one name alone included."""
    i = 0
    while i < len(names):
        run = [names[i]]
        while i + 1 < len(names) and joined(run[-1][1], names[i + 1][0]):
            run.append(names[i + 1])
            i += 1
        i += 1
        yield run


#: what stands between the words of a phrase in the Arabic script: spaces or the zero-width
#: non-joiner Persian writes inside words ("راه‌آهن")
_ARABIC_GAP = "[\\s\u200c]+"


def _arabic_words(written: str) -> str:
    """A phrase in the Arabic script with its words apart by one space (as the lexicon
    lists it), the zero-width non-joiner read as a space."""
    return " ".join(written.replace("\u200c", " ").split())


def _arabic_nouns(nouns) -> str:
    """An alternation of route nouns in the Arabic script, longest first, any gap between
    their words."""
    ordered = sorted(nouns, key=len, reverse=True) or ["(?!)"]
    return "|".join(_ARABIC_GAP.join(re.escape(w) for w in n.split()) for n in ordered)


@functools.cache
def _arabic_noun_after() -> re.Pattern[str]:
    """A route noun of ``arabic_nouns_after`` right after a chain, perhaps after a closing
    quotation mark or "تک" (up to)."""
    gap, nouns = _ARABIC_GAP, _arabic_nouns(lexicon().arabic_nouns_after)
    return re.compile(rf"[\"\u201d\u00bb']?{gap}(?:تک{gap})?(?P<noun>{nouns})(?!\w)")


@functools.cache
def _arabic_noun_before() -> re.Pattern[str]:
    """A route noun of ``arabic_nouns`` right before a chain, perhaps with "از" (from)
    between."""
    gap, nouns = _ARABIC_GAP, _arabic_nouns(lexicon().arabic_nouns)
    return re.compile(rf"(?<!\w)(?P<noun>{nouns}){gap}(?:از{gap})?$")


@functools.cache
def _linked_pattern(russian: bool) -> re.Pattern[str]:
    """ "the new road will connect A-B-C", "дорога соединит Душанбе-Куляб-Хорог": a route
    noun, a verb of linking, then the chain (held-out set 76)."""
    lex = lexicon()
    nouns = _alternation(lex.russian_nouns if russian else lex.nouns)
    verbs = _alternation(lex.russian_link_verbs if russian else lex.link_verbs)
    helpers = r"(?:(?:will|would|shall|is\s+to|are\s+to|to|that\s+will|which\s+will)\s+)?"
    return re.compile(
        rf"(?<![\w-])((?i:{nouns}))s?\s+{helpers}(?i:{verbs})\s+[\"«\u201c]?({_DASHED})(?![\w-])"
    )


def _linked_chains(text: str, taken: list[Chain]) -> list[Chain]:
    """Chains after a route noun and a verb of linking; one already read is not read twice.
    The English pattern is tried only where a route noun begins, the Russian one only in a
    text with Cyrillic letters."""
    lex = lexicon()
    found = list(finditer_at(_linked_pattern(False), text, _cue_words().starts(text, "chain_noun")))
    if has_cyrillic(text):
        found += _linked_pattern(True).finditer(text)
    out = []
    for m in found:
        a, b = m.start(2), m.end(2)
        if any(t.start < b and a < t.end for t in taken):
            continue
        noun = " ".join(m.group(1).lower().split())
        layer, kind = lex.nouns.get(noun) or lex.russian_nouns[noun]
        parts = split_chain(m.group(2))
        if parts[0] in lex.lead_words:
            continue
        out.append(Chain(m.start(), b, text[m.start() : b], parts, layer, kind))
    return out


@functools.cache
def _noun_before_pattern(group: str) -> re.Pattern[str] | None:
    """ "дорогу Бишкек - Нарын - Торугарт", "линии электропередачи 220 кВ Датка - Узловая",
    "die Eisenbahnstrecke Kurgan-Tjube – Kuljab": a route noun of the lexicon's ``group``
    (``russian_nouns``, ``european_nouns``), a voltage perhaps, then the chain."""
    nouns = getattr(lexicon(), group)
    if not nouns:
        return None
    return re.compile(
        rf"(?<![\w-])((?i:{_alternation(nouns)}))\s+(?:\d+\s*(?i:кв|kv)\s+)?"
        # the chain may be quoted as a name ('ЛЭП «Гузар — Регар»', held-out set 70)
        rf"[«\"\u201c\u201e]?({_DASHED})(?![\w-])"
    )


@functools.cache
def _noun_automaton(group: str) -> ahocorasick.Automaton:
    """The first words of the nouns of ``group``, lower-cased, in one automaton: a pass over
    the lower-cased text finds every place ``_noun_before_pattern`` may match, so that pattern
    is tried there only (its case-blind alternation tried at every character took 0.44 ms per
    1.6 KB page for the European nouns; the whole step now takes about 0.15 ms)."""
    auto = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for noun in getattr(lexicon(), group):
        auto.add_word(noun.split()[0].lower())
    auto.make_automaton()
    return auto


def _noun_starts(group: str, lowered: str) -> list[int]:
    """Where a first word of a noun of ``group`` begins in the lower-cased text, in order."""
    return sorted({end - n + 1 for end, n in _noun_automaton(group).iter(lowered)})


def _noun_before_chains(text: str, taken: list[Chain]) -> list[Chain]:
    """Chains after a Russian (or Tajik) route noun, only in text with Cyrillic letters, and
    after a route noun of a western European language."""
    lex = lexicon()
    out = []
    lowered = None
    for group in ("russian_nouns", "european_nouns"):
        pattern = _noun_before_pattern(group)
        if pattern is None or (group == "russian_nouns" and not has_cyrillic(text)):
            continue
        nouns = getattr(lex, group)
        lowered = lowered if lowered is not None else lower_same_length(text)
        starts = _noun_starts(group, lowered)
        for m in finditer_at(pattern, text, starts):
            a, b = m.start(2), m.end(2)
            if any(t.start < b and a < t.end for t in [*taken, *out]):
                continue
            layer, kind = nouns[" ".join(m.group(1).lower().split())]
            parts = split_chain(m.group(2))
            out.append(Chain(m.start(), b, text[m.start() : b], parts, layer, kind))
    return out


#: a dash with a space on at least one side: where a chain written with spaced dashes splits
_SPACED_DASH = re.compile(r"\s+-\s*|\s*-\s+")


def split_chain(chain: str) -> tuple[str, ...]:
    """A chain's names: at every dash, or, where the chain sets its names apart with spaced
    dashes, only there ("Ак-Кыя - Нарын - Торугарт": the hyphen is inside Ak-Kyya's name,
    held-out set 78)."""
    dash = _SPACED_DASH if _SPACED_DASH.search(chain) else _TIGHT_DASH
    return tuple(p.strip() for p in dash.split(chain))


_TIGHT_DASH = re.compile(r"\s?-\s?")


def _without_lead_words(
    text: str, start: int, chain: str, lex: Lexicon
) -> tuple[int, tuple[str, ...]] | None:
    """A chain's parts and where its first place starts, words before the first name that
    are not part of it ("The", "China's") dropped; None when nothing but such words is left."""
    parts = list(split_chain(chain))
    words = parts[0].split()
    while len(words) > 1 and (words[0] in lex.lead_words or words[0].endswith("'s")):
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
    parts[0] = " ".join(words)
    if parts[0] in lex.lead_words or parts[0].endswith("'s"):
        return None
    return start, tuple(parts)


#: "A-B and " or "A-B, " right before another chain: an earlier item of the same list, its
#: names quoted perhaps ('the "Taldykorgan - Ust-Kamenogorsk" and "Karaganda - Balkhash"
#: highways', held-out set 62)
_LISTED_BEFORE = re.compile(
    rf"({_DASHED})[\"\u201d\u00bb]?(?:\s*,\s*(?:and\s+)?|\s+and\s+)[\"\u201c\u00ab]?$"
)


def _listed_before(text: str, start: int, layer: str, kind: str, lex) -> list[Chain]:
    """ "Taldykorgan-Ust-Kamenogorsk and Usharal-Dostyk roads" (held-out set 49): the chains
    listed before a plural noun's own chain are of its kind too."""
    out = []
    while True:
        m = _LISTED_BEFORE.search(text, max(0, start - 120), start)
        if m is None:
            return out
        led = _without_lead_words(text, m.start(1), m.group(1), lex)
        if led is None:
            return out
        at, parts = led
        out.append(Chain(at, m.end(1), text[at : m.end(1)], parts, layer, kind))
        start = at


def part_spans(chain: Chain) -> list[tuple[int, int]]:
    """Where each of the chain's parts stands in the text (offsets of the document)."""
    spans = []
    pos = 0
    for part in chain.parts:
        # a part's words may stand apart by a line break or several spaces in the text
        # ("News\nKazakhstan-China"), while the part itself was joined with one space
        found = re.compile(r"\s+".join(map(re.escape, part.split()))).search(chain.text, pos)
        if found is None:
            msg = f"part {part!r} of the chain {chain.text!r} is not in its text"
            raise ValueError(msg)
        spans.append((chain.start + found.start(), chain.start + found.end()))
        pos = found.end()
    return spans


def judge(
    chain: Chain,
    place_at: Callable[[int, int], Place | tuple[str, str] | None],
    continent_of: dict[str, str],
) -> InferredRoute | RefusedRoute:
    """Decide from the chain's parts: an inferred route, or a refusal with the reason.

    ``place_at(start, end)`` is what the document's place resolution made of the name at
    that span: the place, ``(reason, candidates)`` when it was refused (ambiguous, outside
    a qualifier's area...), or None when the words were not read as a place at all (an
    adjective, a person, a company). A route's ends obey the same rules as any place: the
    gazetteer's most populous namesake is never taken behind the resolver's back ("Kazak"
    is not Gazakh in Azerbaijan), and a part that did not resolve refuses the route.
    """
    places: list[Place] = []
    skipped: list[str] = []
    parts = list(chain.parts)
    spans = part_spans(chain)
    i = 0
    while i < len(parts):
        # hyphenated names ("Jalal-Abad") first: the longest run of parts that is a place
        refusal = None
        for j in range(len(parts), i, -1):
            verdict = place_at(spans[i][0], spans[j - 1][1])
            if isinstance(verdict, Place):
                places.append(verdict)
                i = j
                break
            if verdict is not None and refusal is None:
                refusal = verdict
        else:
            if i == 0 and len(parts[0].split()) == 2:
                # "Hazırda Moyıntı – Kızıljar dəmir yolunun" (held-out set 243): a capitalised
                # word before the first name ("Now", in a language the lead words do not
                # list) is not part of it when the name alone is a place
                last = parts[0].split()[1]
                verdict = place_at(spans[0][1] - len(last), spans[0][1])
                if isinstance(verdict, Place):
                    places.append(verdict)
                    i = 1
                    continue
            if places and i < len(parts) - 1 and _last_part_placed(spans, place_at):
                # "Karshi-Tashguzar-Boysun-Kumkurgan-Termez" (held-out set 56): a stop between
                # placed ends that nothing places is left out of the line, and reported
                skipped.append(parts[i])
                i += 1
                continue
            if refusal is not None:
                reason, candidates = refusal
                detail = f"{parts[i]!r} is not placed with confidence"
                return RefusedRoute(
                    chain, reason, f"{detail} ({candidates})" if candidates else detail
                )
            quiet = parts[i].split()[0].lower() in lexicon().name_words
            detail = f"{parts[i]!r} is not read as a place here"
            return RefusedRoute(chain, R_UNKNOWN, detail, quiet=quiet)
    kinds = {p.kind for p in places}
    if kinds <= {"country"}:
        return RefusedRoute(
            chain,
            R_IMPLAUSIBLE,
            "names only countries and matches no registry entry",
            countries=tuple(p.country for p in places) if all(p.country for p in places) else (),
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
    # "Torugart - Torugart line": a place named twice in a row is one stop, and a line from a
    # place to itself is no line (a zero-length geometry is invalid)
    points = [p for i, p in enumerate(points) if i == 0 or p.key != points[i - 1].key]
    if len(points) < 2:
        return RefusedRoute(chain, R_IMPLAUSIBLE, "fewer than two places to draw between")
    for a, b in itertools.pairwise(points):
        if km(a, b) > MAX_HOP_KM:
            return RefusedRoute(chain, R_IMPLAUSIBLE, f"{a.name} to {b.name} is {km(a, b):,.0f} km")
    bare = bare_line(points)
    if bare:
        return RefusedRoute(chain, R_IMPLAUSIBLE, bare)
    geometry = LineString([(p.lon, p.lat) for p in points])
    return InferredRoute(chain, tuple(places), geometry, tuple(skipped))


def _last_part_placed(spans, place_at) -> bool:
    """Whether the chain's last part is a place (so that a stop before it may be skipped)."""
    return isinstance(place_at(spans[-1][0], spans[-1][1]), Place)


# --- routes described by their ends: "from A through B and C to D" -----------------------------

#: the words before a place that say what it is in a route (searched in this many characters)
_WINDOW = 60
#: registry facilities a route may start or end at ("from the port of A to the port of B")
PORT_TYPES = frozenset({"seaport", "dry_port"})
_END_KINDS = frozenset({"city", "border_crossing", "water_body", *PORT_TYPES})


@dataclass(frozen=True)
class _Cues:
    """The lexicon's cue words as patterns that end where a place name begins."""

    noun: re.Pattern[str]
    anaphor: re.Pattern[str]
    frm: re.Pattern[str]
    to: re.Pattern[str]
    then: re.Pattern[str]
    passing: re.Pattern[str]
    link: re.Pattern[str]
    lead: re.Pattern[str]
    joiner: re.Pattern[str]
    named: re.Pattern[str]
    listed: re.Pattern[str]
    between: re.Pattern[str]
    ru_noun: re.Pattern[str] = re.compile(r"(?!)")


@functools.cache
def _adj() -> str:
    """What may stand before a place kind: a country's adjective or possessive and a word
    of position ("the Chinese city of Kashi", "Uzbekistan's eastern town of Pap", "southwest
    China's city of Chengdu")."""
    position = _alternation(lexicon().place_adjectives)
    return rf"(?:(?i:{position})\s+)?(?:[A-Z][a-z]+(?:['’]s)?\s+)?(?:(?i:{position})\s+)?"


@functools.cache
def _cues() -> _Cues:
    lex = lexicon()
    # "the port of", "the towns of": what kind of place the name is, between cue and name
    # "the Uzbek city of", "the Kazakh port of": a capitalised word may stand before the kind
    # "from Xinjiang's Hami", "to Kazakhstan's Aktau" (held-out set 47): a region's or a
    # country's possessive may stand before the name
    # "от станции «Назарбек»", "до города Ош": a Russian kind, no "of", and a quotation mark
    ru_kinds = _alternation(lex.russian_place_kinds) if lex.russian_place_kinds else "(?!)"
    kind = (
        # ("between the town Balykchy and Karakeche", held-out set 217: no "of" either)
        rf"(?:the\s+)?(?:{_adj()}(?:{_alternation(lex.place_kinds)})\s+(?:of\s+)?)?(?:the\s+)?"
        r"(?:[A-Z][\w-]*(?:\s[A-Z][\w-]*)?['\u2019]s\s+)?"
        rf"(?:(?:{ru_kinds})\s+)?[\"\u00ab\u201c\u201e]?"
    )

    def before(words, tail: str = "") -> re.Pattern[str]:
        return re.compile(rf"\b(?:{_alternation(words)})\s+{kind}{tail}$", re.IGNORECASE)

    enter = _alternation(lex.enter_verbs)
    cue_words = [*lex.from_cues, *lex.to_cues, *lex.then_cues, *lex.via_cues]
    return _Cues(
        noun=re.compile(rf"\b({_alternation(lex.described_nouns)})s?\b", re.IGNORECASE),
        ru_noun=re.compile(
            rf"(?<![\w-])({_alternation(lex.russian_described_nouns) or '(?!)'})(?![\w-])",
            re.IGNORECASE,
        ),
        # "The line would start in A": "the" or "this" and the bare noun, the sentence's subject
        anaphor=re.compile(
            rf"(?:^|[.;:]\s+)\s*(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:new\s+|planned\s+|proposed\s+)?"
            rf"({_alternation(lex.anaphora_words) or '(?!)'})\b"
        ),
        # "from Dongchuan, Lanzhou to Kashgar" (held-out set 71): a part of a city before
        # the city, the part not placed; the city is where the route starts
        frm=before(lex.from_cues, r"(?:(?-i:[A-Z])[\w'-]+(?:\s(?-i:[A-Z])[\w'-]+)?,\s+)?"),
        to=before(lex.to_cues),
        then=before(lex.then_cues),
        # "enters Kazakhstan at Dostyk", "crosses into China at Alashankou", "via Khorgos"
        passing=re.compile(
            rf"(?:\b(?i:{enter})\s+(?:into\s+)?[A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?\s+at"
            rf"|\b(?i:{_alternation(lex.via_cues)}))\s+{kind}$"
        ),
        link=re.compile(rf"\b(?:{_alternation(lex.link_verbs)})\b", re.IGNORECASE),
        lead=re.compile(rf"^\s*(?:together\s+)?{kind}$", re.IGNORECASE),
        joiner=re.compile(
            rf"^\s*,?\s*(?:{_alternation(lex.pair_joiners)})\s+{kind}$", re.IGNORECASE
        ),
        # "through Khorgos and Aktau", "via Dostyk, Almaty and Shymkent": the next of a list
        listed=re.compile(rf"^\s*(?:,\s*(?:and\s+)?|and\s+){kind}$", re.IGNORECASE),
        # "the road runs between", "a railway running between", "the line between"
        between=re.compile(
            rf"\b((?i:{_alternation([*lex.described_nouns, *lex.line_words, *lex.section_words])}))"
            r"s?\s+"
            rf"(?i:(?:(?:{_alternation(lex.between_verbs)})\s+)?between\s+{kind})"
            rf"([A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)"
        ),
        # a capitalised name right after a cue: a route's place the gazetteer may not know
        named=re.compile(
            rf"\b(?i:{_alternation([*cue_words, *lex.link_verbs])})\s+(?:together\s+)?{kind}"
            r"([A-Z\u0410-\u042f\u0401][\w'-]+(?:\s[A-Z\u0410-\u042f\u0401][\w'-]+)?)"
        ),
    )


@functools.cache
def _cue_words() -> CueWords:
    """The words without one of which a sentence cannot match a route cue pattern.

    Each pattern is an alternation of the lexicon's words and phrases (case-blind; a
    phrase's blanks match any blank), so every match holds the first word of one of them:
    ``noun`` and ``link`` name those words, ``between`` the word its pattern spells out,
    ``anaphor`` the anaphora words. ``find_described`` runs a pattern only on the
    sentences holding one of its words (``tests/test_cue_words.py`` checks each group
    against its pattern).
    """
    lex = lexicon()

    def first_words(phrases) -> set[str]:
        return {p.split()[0] for p in phrases if p.split()}

    return CueWords(
        {
            "noun": first_words(lex.described_nouns),
            "anaphor": first_words(lex.anaphora_words),
            "between": {"between"},
            "link": first_words(lex.link_verbs),
            # ``_noun_first_pattern`` opens with one of these nouns
            "chain_noun": first_words(lex.nouns),
        }
    )


@dataclass(frozen=True)
class Described:
    """A route a sentence describes by its places, in order."""

    layer: str
    type: str
    places: tuple[Place, ...]
    start: int  # the words from the route noun to the last place
    end: int
    noun: str


@dataclass(frozen=True)
class Refusal:
    """A route-like sentence the atlas does not draw, and why (for ``unresolved.csv``)."""

    text: str
    start: int
    end: int
    reason: str
    detail: str


def _coastal_stand_in(here, water, frm, coastal):
    """A town of the same sentence on that sea's shore, where the route meets the water."""
    for p in here:
        if p is frm or p.place.kind != "city" or km(p.place, water.place) > 600:
            continue
        if coastal(p.place.lon, p.place.lat):
            return p
    return None


def _preceded(pattern: re.Pattern[str], sentence: str, s: int, p) -> bool:
    """Whether the words just before a place mention match a cue pattern."""
    at = p.mention.start - s
    return pattern.search(sentence[max(0, at - _WINDOW) : at]) is not None


def find_described(
    text: str,
    sentences: list[tuple[int, int]],
    places,
    coastal=lambda lon, lat: False,
    *,
    known: list[tuple[int, int]] | None = None,
    refused: list[Refusal] | None = None,
) -> list[Described]:
    """Routes written as "<noun> ... from A [through B, C] to D [, then to E]", or as a pair
    ("<noun> tying together the towns of A and B"); places already resolved.

    ``known`` are the spans of every name the gazetteer or the registry matched (resolved
    or not); a name right after a route cue that is none of them is an unknown place, and
    when the sentence's route is not drawn it goes to ``refused`` with that reason, so
    that no route-like sentence is dropped without a word.
    """
    cues = _cues()
    lex = lexicon()
    out = []
    # the places in text order once (a stable sort: equal starts keep their order), so each
    # sentence takes its own by bisection instead of a pass over the document's places
    ordered = sorted(places, key=lambda p: p.mention.start)
    starts = [p.mention.start for p in ordered]
    # which sentences can match which cue pattern, from one pass over the document
    cue = _cue_words().find(text, sentences)
    #: the last route noun of a kind (sentence index, layer, type): what "the line" is
    earlier: tuple[int, str, str] | None = None
    cyrillic = bool(lex.russian_described_nouns) and has_cyrillic(text)
    for i, (s, e) in enumerate(sentences):
        sentence = text[s:e]
        here = [
            p
            for p in ordered[bisect_left(starts, s) : bisect_left(starts, e)]
            if p.place.kind in _END_KINDS
        ]
        noun = _main_noun(cues.noun, sentence, lex) if cue.has(i, "noun") else None
        if noun is None and cyrillic:
            noun = cues.ru_noun.search(sentence)
        between: list[Described] = []
        if cue.has(i, "between"):
            # "the stretch between Dostyk and Moyynty": a section or a bare line takes its
            # kind from a route noun of this sentence or of the sentences just before
            if noun is not None:
                context = _noun_kind(noun.group(1))
            elif earlier is not None and i - earlier[0] <= lex.anaphora_window:
                context = earlier[1:]
            else:
                context = None
            between = _between(sentence, s, here, cues, known or [], refused, context)
        if between:
            out.extend(between)
            continue
        if noun is not None:
            word = " ".join(noun.group(1).lower().split())
            layer, kind = _noun_kind(word)
            if (
                word in lex.anaphora_words
                and earlier is not None
                and i - earlier[0] <= lex.anaphora_window
                and _SUBJECT_ANAPHOR.match(sentence)
            ):
                # "... the road connecting Batken and Osh. The route begins in A and
                # stretches to B" (held-out set 63): the route is that road
                _, layer, kind = earlier
            elif word in lex.nouns:
                earlier = (i, layer, kind)
        else:
            # "This rail link ... The line would start in A": the line is that rail link
            noun = cues.anaphor.search(sentence) if cue.has(i, "anaphor") else None
            if noun is None or earlier is None or i - earlier[0] > lex.anaphora_window:
                continue
            _, layer, kind = earlier
        route = _from_to(sentence, s, here, cues, coastal, places)
        if route is None and cue.has(i, "link"):
            route = _pair(sentence, s, here, cues)
        if route is None:
            if refused is not None:
                refused.extend(_unknown_ends(sentence, s, noun, cues, known or []))
            continue
        chain, first, last = route
        unique = [p for i, p in enumerate(chain) if i == 0 or p.key != chain[i - 1].key]
        if len(unique) < 2:
            continue
        start = min(s + noun.start(), first)
        out.append(Described(layer, kind, tuple(unique), start, last, noun.group(0)))
    return out


def _main_noun(pattern: re.Pattern[str], sentence: str, lex) -> re.Match[str] | None:
    """The sentence's route noun: the first, unless it is a train's ("the block train
    coming from Lanzhou has reached Aktau, and its boxes will be shipped on to Baku on a cargo
    vessel") and a ship's follows: the train only brought the goods to the sea leg told."""
    first = pattern.search(sentence)
    if first is None or not _is_train(first.group(1), lex):
        return first
    for later in pattern.finditer(sentence, first.end()):
        if _noun_kind(" ".join(later.group(1).lower().split()))[1] == "ferry":
            return later
    return first


def _is_train(noun: str, lex) -> bool:
    word = " ".join(noun.lower().split())
    return word not in lex.nouns and "train" in word


def _noun_kind(noun: str) -> tuple[str, str]:
    """The layer and type a described route's noun gives, English or Russian."""
    lex = lexicon()
    word = " ".join(noun.lower().split())
    return lex.described_nouns.get(word) or lex.russian_described_nouns[word]


#: a sentence that opens on "The route" or "This line": its subject is the route named before
_SUBJECT_ANAPHOR = re.compile(r"\s*(?:The|This)\s+(?:route|line)\b")


def _from_to(sentence: str, s: int, here, cues: _Cues, coastal, places=()):
    """ "from A [via B] to C [, then to D]": the places in route order and the end offset."""
    frm = next((p for p in here if _preceded(cues.frm, sentence, s, p)), None)
    if frm is None:
        return None
    to = next(
        (
            p
            for p in here
            if p.mention.start > frm.mention.start and _preceded(cues.to, sentence, s, p)
        ),
        None,
    )
    if to is None:
        return None
    middle = [
        p
        for p in here
        if p.place.kind != "water_body"
        and p is not to
        and (
            frm.mention.end <= p.mention.start < to.mention.start
            or (p.mention.start > to.mention.end and _preceded(cues.passing, sentence, s, p))
        )
    ]
    # the rest of a list of passing points: "through Khorgos and Aktau"
    for p, q in itertools.pairwise(here):
        if (
            p in middle
            and p.mention.start > to.mention.end
            and q not in middle
            and q.place.kind != "water_body"
            and cues.listed.match(sentence[p.mention.end - s : q.mention.start - s])
        ):
            middle.append(q)
    onward = [
        p
        for p in here
        if p.mention.start > to.mention.end
        and p not in middle
        and _preceded(cues.then, sentence, s, p)
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
    chain += [p.place for p in onward]
    last = max([to, *onward], key=lambda p: p.mention.end).mention.end
    return chain, frm.mention.start, last


#: an aside in brackets after a name, or nothing: "Darbaza (Turkmenistan)"
_ASIDE = re.compile(r"(?:\s*\([^()]{1,40}\))?")


def _between(
    sentence: str, s: int, here, cues: _Cues, known, refused, context=None
) -> list[Described]:
    """ "the road runs between A and B", "a railway running between A and B": its two ends.

    The noun must stand right before "between" (or its verb): in "trade between A and B"
    nothing is a route. A bare "line between A and B" or "the section between A and B" takes
    ``context``, the ``(layer, type)`` of a route noun of the sentence or of the sentences
    just before ("China will upgrade the section between Jinghe and Alashankou", held-out
    set 13); with none it says no kind of line, and a name after "between" that is no place
    cannot be drawn: both go to ``refused`` with why.
    """
    lex = lexicon()
    found: list[Described] = []
    for m in cues.between.finditer(sentence):
        noun = " ".join(m.group(1).lower().split())
        section = noun in lex.section_words or noun in lex.line_words
        after = [p for p in here if p.mention.start - s >= m.start(2)]
        ends = None
        if len(after) >= 2 and after[0].mention.start - s == m.start(2):
            a = after[0]
            # "between Darbaza (Turkmenistan) and Maktaaral (South Kazakhstan)" (held-out
            # set 269): a place in brackets after an end says where that end is
            aside = _ASIDE.match(sentence, a.mention.end - s)
            rest = [p for p in after[1:] if p.mention.start - s >= aside.end()]
            b = rest[0] if rest else None
            gap = sentence[aside.end() : b.mention.start - s] if b is not None else ""
            if b is not None and re.match(rf"^\s*and\s+{_kind_words()}$", gap, re.IGNORECASE):
                ends = (a, b)
        kind_of = lex.described_nouns.get(noun) or (context if section else None)
        if ends is not None and kind_of is not None:
            layer, kind = kind_of
            a, b = ends
            if a.place.key != b.place.key:
                found.append(
                    Described(
                        layer, kind, (a.place, b.place), s + m.start(), b.mention.end, m.group(1)
                    )
                )
            continue
        if refused is None:
            continue
        if ends is not None:  # "the line between A and B": a line of which kind?
            why = "a line of which kind? the sentence names no railway, road or pipeline"
            refused.append(
                Refusal(
                    sentence[m.start() : ends[1].mention.end - s],
                    s + m.start(),
                    ends[1].mention.end,
                    R_AMBIGUOUS,
                    why,
                )
            )
            continue
        first = (s + m.start(2), s + m.end(2))
        other = re.match(
            r"\s+and\s+(?:the\s+)?([A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)", sentence[m.end(2) :]
        )
        if other is None or (len(m.group(2).split()) == 1 and len(other.group(1).split()) == 2):
            continue  # no second end, or a shared noun: "between Central and East Asia"
        second = (s + m.end(2) + other.start(1), s + m.end(2) + other.end(1))
        for name, (a, b) in ((m.group(2), first), (other.group(1), second)):
            if not any(ks < b and a < ke for ks, ke in known):
                refused.append(
                    Refusal(
                        sentence[m.start() : b - s],
                        s + m.start(),
                        b,
                        R_UNKNOWN,
                        f"{name!r} is not a known place",
                    )
                )
                break
    return found


@functools.cache
def _kind_words() -> str:
    """The optional "the port of" between a joiner and a name, as a regex."""
    kinds = _alternation(lexicon().place_kinds)
    return rf"(?:the\s+)?(?:{_adj()}(?:{kinds})\s+of\s+)?(?:the\s+)?"


def _pair(sentence: str, s: int, here, cues: _Cues):
    """ "linking A and B", "tying together the towns of A and B": two places joined."""
    for verb in cues.link.finditer(sentence):
        # "linking southwest China's city of Chengdu with Alma Ata": the possessive country
        # describes the first place, it is not one of the two
        after = [
            p
            for p in here
            if p.mention.start - s >= verb.end()
            and not (
                p.place.kind == "country"
                and sentence[p.mention.end - s :].startswith(("'s ", "\u2019s "))
            )
        ]
        if len(after) < 2:
            continue
        a, b = after[0], after[1]
        if not cues.lead.match(sentence[verb.end() : a.mention.start - s]):
            continue
        if not cues.joiner.match(sentence[a.mention.end - s : b.mention.start - s]):
            continue
        return [a.place, b.place], a.mention.start, b.mention.end
    return None


#: month and day names after "from" and "to" say when, never where (held-out set 15:
#: "... from the first month to January" was reported as a route to an unknown "January";
#: set 39: "from Oct. 30 to Nov.3"): weekdays here, months from the lexicon (``month_names``)
_WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


def _unknown_ends(sentence: str, s: int, noun, cues: _Cues, known) -> list[Refusal]:
    """The names after route cues in a route-like sentence that is not drawn, if not places.

    Route-like: a name after a "from" cue and one after a "to" cue, or a linking verb with
    a name after it. A cue name that no gazetteer or registry match covers is unknown.
    """
    found: dict[str, list[re.Match[str]]] = {}
    for m in cues.named.finditer(sentence):
        cue = " ".join(sentence[m.start() : m.start(1)].lower().split())
        if cues.frm.search(sentence[m.start() : m.start(1)]):
            found.setdefault("from", []).append(m)
        elif cues.link.match(cue):
            found.setdefault("link", []).append(m)
        else:
            found.setdefault("to", []).append(m)
    if not (("from" in found and "to" in found) or "link" in found):
        return []
    out = []
    for m in sorted((m for ms in found.values() for m in ms), key=lambda m: m.start()):
        a, b = s + m.start(1), s + m.end(1)
        if any(ks < b and a < ke for ks, ke in known):
            continue
        first = m.group(1).split()[0].lower()
        if first in _WEEKDAYS or first in month_names():
            continue  # "from July to January": a time, not a route's end
        first = min(noun.start(), m.start())
        out.append(
            Refusal(
                sentence[first : m.end(1)],
                s + first,
                b,
                R_UNKNOWN,
                f"{m.group(1)!r} is not a known place",
            )
        )
    return out


def bare_line(places) -> str | None:
    """Why two ends with no stop between them are too far apart to join straight, or None."""
    if len(places) == 2 and km(places[0], places[1]) > lexicon().max_bare_km:
        a, b = places
        return (
            f"{a.name} to {b.name} is {km(a, b):,.0f} km with no stop named between them;"
            " a straight line would invent its path"
        )
    return None


def inland_sea_route(route: Described, coastal) -> str | None:
    """Why a sea crossing (a ferry) cannot run between these ends, or None."""
    if route.type not in lexicon().sea_types:
        return None
    inland = [p.name for p in route.places if p.kind != "water_body" and not coastal(p.lon, p.lat)]
    if inland:
        return f"a {route.type} to or from {', '.join(inland)}, which lies inland"
    return None


#: two stops of a voyage closer than this (km) are one (a town and its port)
_SAME_SPOT_KM = 30.0


def sea_leg(route: Described, coastal) -> Described | None:
    """The part of a sea route between two coastal places in a row, if any.

    "The train from Xi'an reached the port of Aktau and goes on to the port of Alat by
    vessel": the ship sails Aktau-Alat; the inland start came by rail, not by sea.
    """
    best: list[Place] = []
    run: list[Place] = []
    for p in route.places:
        if p.kind != "water_body" and coastal(p.lon, p.lat):
            if run and km(run[-1], p) < _SAME_SPOT_KM:
                continue  # the town and its port ("the port of Aktau", Aktau): one stop
            run.append(p)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    if len(best) < 2:
        return None
    return Described(route.layer, route.type, tuple(best), route.start, route.end, route.noun)


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
    bare = bare_line(route.places)
    if bare:
        return None, bare
    return LineString(coords), None


# --- sections of registry projects: "the Kashgar-Torugart section of ..." -------------------------


def section(
    chain: Chain, gazetteer: Gazetteer, lines: list[tuple[str, str, LineString]]
) -> InferredRoute | RefusedRoute:
    """The part of a registry line between the chain's two places, or why not.

    ``lines`` are the candidate projects as ``(entry id, layer, geometry)``: those the
    sentence names, or else every registry line. The section is drawn along the project's
    own geometry (so it has the project's bends), from the point nearest the first place
    to the point nearest the second. Both places must lie near the line; when several
    projects fit, the section is ambiguous and refused with their ids.
    """
    if len(chain.parts) != 2:
        return RefusedRoute(chain, R_IMPLAUSIBLE, "a section needs exactly two places")
    options = []
    for part in chain.parts:
        hits = [h.place for h in gazetteer.candidates(part) if h.place.kind != "country"]
        if not hits:
            return RefusedRoute(chain, R_UNKNOWN, f"{part!r} is not a known place")
        options.append(hits)
    fits = []
    for entry_id, layer, line in lines:
        # of same-named places, the one on the project's line ("Aktogay" the rail junction,
        # not the village of the same name 400 km away)
        ends = [min(hits, key=lambda p, line=line: _nearest_km(line, p)) for hits in options]
        if all(_nearest_km(line, p) <= SECTION_MAX_OFF_KM for p in ends):
            fits.append((entry_id, layer, line, ends))
    if not fits:
        a, b = (hits[0] for hits in options)
        return RefusedRoute(
            chain, R_IMPLAUSIBLE, f"no registry project here runs by {a.name} and {b.name}"
        )
    if len(fits) > 1:
        # a section is of built infrastructure: a corridor drawn over the same line is not it
        built = [f for f in fits if f[1] != CORRIDORS]
        if len(built) == 1:
            fits = built
    if len(fits) > 1:
        ids = ", ".join(f[0] for f in fits)
        return RefusedRoute(chain, R_AMBIGUOUS, f"a section of which project? {ids}")
    entry_id, layer, line, (a, b) = fits[0]
    return part_of(chain, entry_id, layer, line, a, b)


def part_of(
    chain: Chain, entry_id: str, layer: str, line: LineString, a: Place, b: Place
) -> InferredRoute | RefusedRoute:
    """The part of a registry line from the point nearest ``a`` to the point nearest ``b``,
    drawn along the line and linked to its project."""
    da = line.project(Point(a.lon, a.lat))
    db = line.project(Point(b.lon, b.lat))
    if abs(da - db) < 1e-9:
        return RefusedRoute(chain, R_IMPLAUSIBLE, f"{a.name} and {b.name} are the same point")
    part = substring(line, min(da, db), max(da, db))
    if da > db:
        part = LineString(list(part.coords)[::-1])
    sec = Chain(chain.start, chain.end, chain.text, chain.parts, layer, chain.type)
    return InferredRoute(sec, (a, b), part, section_of=entry_id)


def alias_key(name: str) -> str:
    """A name as registry aliases and chains are compared: lower case, dashes unspaced,
    one spelling for the sounds reporters romanise several ways.

    "Bishkek — Kara-Balta road" (an em dash, folded to "-", with spaces) is the registry's
    "Bishkek-Kara-Balta road"; "Dushanbe-Khudjand-Chanak road" is its
    "Dushanbe-Khujand-Chanak road" (``spelling_folds`` in the route lexicon).
    """
    key = re.sub(r"\s*-\s*", "-", " ".join(name.lower().split()))
    for pattern, spelling in _spelling_folds():
        key = pattern.sub(spelling, key)
    return key


@functools.cache
def _spelling_folds() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(a), b) for a, b in lexicon().spelling_folds)


def _nearest_km(line: LineString, place: Place) -> float:
    """Distance from a place to the nearest point of a line, in km."""
    q = line.interpolate(line.project(Point(place.lon, place.lat)))
    return km(place, Place(key="", name="", lat=q.y, lon=q.x, kind="city"))
