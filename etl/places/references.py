"""Places named only as the point a distance is measured from.

"The deposit lies about 120 km north-east of Dushanbe", "1,000 km southeast of the capital,
Astana", "140 kilometers north of Georgia's Black Sea town of Batumi" (held-out sets 16, 30,
31 and 32): the story happens elsewhere, and a dot on the capital tells the reader that
something was built there. Such a name is reported ("distance reference"), not drawn from
that mention; it still tells which country's towns the story prefers. A route's length is
no reference ("the line runs 300 km from Atyrau to Kenkiyak"), nor is a near one ("20 km
from Navoi" places the plant roughly right). The words are data
(``geodata/lexicon/references.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.text import CYRILLIC_CAPITALS

REFERENCES_YAML = settings.LEXICON / "references.yaml"
_KM_PER_MILE = 1.609

#: a cheap look before the patterns run
_HINT = re.compile(
    r"\d\s*-?\s*(?:km|kilomet|mile|км|километр|чакырым|шақырым)|equi|equally|distance",
    re.IGNORECASE,
)
#: where the words after "of"/"from" stop naming the reference
_STOP = re.compile(
    # (a comma before a lower-case word ends it in Russian too: "от областного центра
    # Худжанда, близ города Исфара", held-out set 97)
    r"[.;:!?()\n]|,\s+(?=[a-zа-яё\d])"
    r"|\s(?:and|to|in|where|which|that|with|on|at|near|for|by)\s|\s[-\u2013\u2014]+\s"
)


#: Russian "town of", "settlement of" abbreviations before a name: "от г. Урумчи"
_RU_ABBREVIATION = r"(?:г|гор|пос|пгт|с|ст)\."
#: ... or the word written out ("в 355 км от города Бишкек", held-out set 165)
_RU_TOWN_ABBREVIATION = re.compile(
    rf"(?:{_RU_ABBREVIATION}|(?:города|поселка|посёлка|села|станции)(?=\s))\s*"
)
#: Kazakh and Kyrgyz: the town in the ablative, then the distance ("Бишкектен 355 чакырым
#: алыстыкта", held-out set 165; "Алматыдан 40 шақырым жерде")
_TURKIC_DISTANCE_FROM = re.compile(
    rf"(?P<ref>[{CYRILLIC_CAPITALS}][\w-]*"
    r"(?:дан|ден|тан|тен|нан|нен|дон|дөн|тон|төн))\s+(?P<n>\d+(?:[.,]\d+)?)\s*"
    r"(?:чакырым|шақырым|км|километр)"
)
#: "от A до B" is a route's two ends, and "протяженностью", "длиной" its length
_RU_ROUTE_FROM = re.compile(r"(?<![\w-])(?i:от)\s+[^.;:!?\n]*$")
_RU_LENGTH = re.compile(r"(?i:протяж|длин|общей)")
#: "до г. Маканчи - 60 км", "до областного центра г. Семипалатинск 700 км": the distance
#: after the name
_RU_DISTANCE_TO = re.compile(
    rf"(?<![\w-])(?i:до)\s+(?P<ref>(?:{_RU_ABBREVIATION}|[^\n.;:!?\d]){{1,60}}?)\s*[-\u2013\u2014]?\s*"
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:км|километр)",
)


@dataclass(frozen=True)
class Reference:
    """The stretch of text that names a distance's reference."""

    start: int
    end: int


@dataclass(frozen=True)
class ReferenceWords:
    distance: re.Pattern[str]
    equidistant: re.Pattern[str]
    #: "the straight-line distance from A to B": both ends are references
    between: re.Pattern[str]
    route_before: re.Pattern[str]
    min_km: float
    lead_max: int
    #: "compared to ... such as": the list after it names references
    comparison: re.Pattern[str] = re.compile(r"(?!)")
    #: "для сравнения: ..." : the rest of the clause
    comparison_direct: re.Pattern[str] = re.compile(r"(?!)")


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!)"


@cache
def load_words(path: Path = REFERENCES_YAML) -> ReferenceWords:
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}
    units = _alternatives(data.get("units") or [])
    directions = _alternatives(data.get("directions") or [])
    ru_directions = _alternatives(data.get("russian_directions") or [])
    distance = re.compile(
        r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
        rf"(?P<unit>{units})\b\s+"
        # "500 km (313 miles) east of the capital" (held-out set 47): a conversion between
        r"(?:\([^()\n]{1,30}\)\s+)?"
        rf"(?:(?:to\s+the\s+)?(?:{directions})\s+of|(?:away\s+)?from"
        # Russian: "в 70 километрах от Ташкента", "в 120 км к северо-востоку от Душанбе"
        rf"|(?:к\s+(?:{ru_directions})\s+)?от)\s+",
        re.IGNORECASE,
    )
    equidistant = re.compile(
        rf"\b(?:{_alternatives(data.get('equidistant') or [])})\s+(?:between|from)\s+",
        re.IGNORECASE,
    )
    route_before = re.compile(
        rf"\b(?:{_alternatives(data.get('route_verbs') or [])})\b[^.,;:!?\n]{{0,25}}$",
        re.IGNORECASE,
    )
    return ReferenceWords(
        distance=distance,
        equidistant=equidistant,
        between=re.compile(
            rf"\b(?:{_alternatives(data.get('distance_between') or [])})\s+(?:from|between)\s+",
            re.IGNORECASE,
        ),
        route_before=route_before,
        min_km=float(data.get("min_km", 50)),
        lead_max=int(data.get("lead_max", 6)),
        comparison=re.compile(
            rf"\b(?:{_alternatives(data.get('comparisons') or [])})\b[^.;:!?\n]{{0,80}}?"
            r"\bsuch\s+as\s+",
            re.IGNORECASE,
        ),
        comparison_direct=re.compile(
            rf"(?<!\w)(?:{_alternatives(data.get('comparisons_direct') or [])})\s*[:,]?\s*",
            re.IGNORECASE,
        ),
    )


def references(text: str, words: ReferenceWords | None = None) -> list[Reference]:
    """Stretches of ``text`` that name only where a distance is measured from.

    A stretch runs from "of"/"from" to the first stop word or punctuation; one that ends in
    "to" or a dash is a route's end ("300 km from Atyrau to Kenkiyak"), not a reference.
    """
    words = words or load_words()
    out = [Reference(m.end(), _list_end(text, m.end())) for m in words.comparison.finditer(text)]
    out += [
        Reference(m.end(), _list_end(text, m.end())) for m in words.comparison_direct.finditer(text)
    ]
    if not _HINT.search(text):
        return out
    for m in words.distance.finditer(text):
        if words.route_before.search(text, max(0, m.start() - 40), m.start()):
            continue  # "the pipeline runs 500 km from ...": a length
        n = float(m.group("n").replace(",", ""))
        if m.group("unit").lower().startswith("mile"):
            n *= _KM_PER_MILE
        if n < words.min_km:
            continue
        start = m.end()
        abbreviation = _RU_TOWN_ABBREVIATION.match(text, start)
        if abbreviation is not None:
            start = abbreviation.end()  # "621 км от г. Урумчи": "г." is "the town of"
        end = _stretch_end(text, start, words, allow_and=False)
        if end is not None:
            out.append(Reference(m.end(), end))
    for m in _RU_DISTANCE_TO.finditer(text):
        # "до г. Маканчи - 60 км, до областного центра г. Семипалатинск 700 км" (held-out set
        # 71): the name before the distance, after "до" (up to)
        if float(m.group("n").replace(",", ".")) < words.min_km:
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        if _RU_ROUTE_FROM.search(before) or _RU_LENGTH.search(m.group("ref")):
            continue  # "от Алматы до Хоргоса протяженностью 300 км": a route and its length
        out.append(Reference(m.start("ref"), m.end("ref")))
    # "Бишкектен 355 чакырым" (a town in the ablative, then the distance); "surrounded by
    # the biggest cities Tashkent (185 km)" (held-out set 157: a town with its distance in
    # brackets): where the distance is measured from or to
    for pattern in (_TURKIC_DISTANCE_FROM, _BRACKETED_DISTANCE):
        for m in pattern.finditer(text):
            if float(m.group("n").replace(",", ".")) < words.min_km:
                continue
            # "от Мойынты до Балхаша (127 километров)" (held-out set 288): a stretch of a
            # line and its length, not a distance from the town
            if pattern is _BRACKETED_DISTANCE and _ROUTE_END_BEFORE.search(
                text, max(0, m.start() - 80), m.start()
            ):
                continue
            out.append(Reference(m.start("ref"), m.end("ref")))
    for m in words.equidistant.finditer(text):
        end = _stretch_end(text, m.end(), words, allow_and=True)
        if end is not None:
            out.append(Reference(m.end(), end))
    for m in words.between.finditer(text):
        # "the straight line distance from Kashgar to Tbilisi is about 4,000 km" (held-out set
        # 52): both ends only measure a distance
        stop = _STOP.search(text, m.end(), min(len(text), m.end() + 90))
        if stop is None or stop.group().strip() not in ("to", "and"):
            continue
        far = _STOP.search(text, stop.end(), min(len(text), stop.end() + 90))
        far_end = far.start() if far is not None else min(len(text), stop.end() + 90)
        out += [Reference(m.end(), stop.start()), Reference(stop.end(), far_end)]
    return out


#: "from A to", "от А до", "between A and": the words before a stretch's second end
_ROUTE_END_BEFORE = re.compile(
    r"(?<![\w-])(?:(?i:from)\s+[^.;:!?()\n]{1,50}\s(?i:to)|(?i:between)\s+[^.;:!?()\n]{1,50}"
    r"\s(?i:and)|(?i:от)\s+[^.;:!?()\n]{1,50}\s(?i:до))\s+$"
)
#: a town and its distance in brackets: "Tashkent (185 km)", "Бухара (363 км)"
_BRACKETED_DISTANCE = re.compile(
    r"(?P<ref>[A-Z\u0410-\u042f\u0401][\w'\u2019-]+(?:\s[A-Z\u0410-\u042f\u0401][\w'\u2019-]+)?)"
    r"\s*\(\s*(?:about\s+|около\s+|~\s*)?(?P<n>\d+(?:[.,]\d+)?)\s*(?:km|kilomet\w*|км|километр\w*)\.?\s*\)"
)


#: where a list of compared places ends: a stop, or a clause about the last of them
_LIST_END = re.compile(r"[.;:!?()\n]|,?\s+(?:which|where|that|who|while|but)\s")


def _list_end(text: str, start: int) -> int:
    """The end of the list of names that begins at ``start`` (at most 150 characters)."""
    stop = _LIST_END.search(text, start, min(len(text), start + 150))
    return stop.start() if stop is not None else min(len(text), start + 150)


def _stretch_end(text: str, start: int, words: ReferenceWords, allow_and: bool) -> int | None:
    """Where the reference's words end; None when they lead on to a route's far end."""
    limit = min(len(text), start + 90)
    stop = _STOP.search(text, start, limit)
    if allow_and and stop is not None and stop.group().strip() == "and":
        stop = _STOP.search(text, stop.end(), limit)  # "equidistant from X and Y": both
    token = stop.group().strip() if stop is not None else ""
    # "230 kilometers from Navoiy - one of the country's industrial centers" (held-out set
    # 190): a dash before a lower-case word sets off what the town is, not a route's end
    aside = stop is not None and text[stop.end() : stop.end() + 1].islower()
    if token == "to" or (token and not token.strip("-–—") and not aside):
        return None  # "from Atyrau to Kenkiyak", "from Atyrau - Kenkiyak": a route
    end = stop.start() if stop is not None else limit
    if len(text[start:end].split()) > (words.lead_max + 1) * (2 if allow_and else 1):
        return None  # too far from the distance to be what it is measured from
    return end
