"""Hyphenated local names: "Kosh-Dobo", "Ala-Too", "Korgon-Tash" are one name, not two places.

The region's villages, substations and ranges are often named by two common words joined
by a hyphen, and GeoNames has towns abroad named like a part (Kosh in Armenia, Dobo in
Indonesia). A hyphen also joins a route's ends ("the Dostyk-Moyinty line"), so a compound
counts as one name only when the words say so (``geodata/lexicon/compounds.yaml``): a
generic term after the first part ("-Too", "-Tash", "-Bulak"), a leading adjective ("Ala-",
"Ak-", "Kara-"), or a site noun after it ("Kosh-Dobo substation").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.text import ascii_fold

COMPOUNDS_YAML = settings.LEXICON / "compounds.yaml"

#: words joined by hyphens without spaces ("Kosh-Dobo", "Ak-Tala"), each capitalised (checked
#: in ``local_compounds``: "Islim-\u00c7e\u015fme" opens with a capital outside A-Z)
_COMPOUND = re.compile(r"(?<![\w'-])[^\W\d_][\w']*(?:-[^\W\d_][\w']*)+(?![\w-])")


#: the word after a compound, and the one after it ("Kosh-Dobo| substation", "| border crossing")
#: (in Cyrillic letters too: "Сопу-Коргон айылынын", held-out set 364)
_WORDS_AFTER = re.compile(r"\s+([A-Za-z\u0400-\u04ff]+)(?:\s+([A-Za-z\u0400-\u04ff]+))?")


@dataclass(frozen=True)
class CompoundWords:
    generic_terms: frozenset[str]
    leading_words: frozenset[str]
    site_nouns: frozenset[str]
    #: pinyin abbreviations of Chinese provinces ("Shaan-Jing"): pieces of a line's name
    abbreviations: frozenset[str] = frozenset()
    #: Russian adjectival endings ("Иссык-Кульскую"): the compound is one name, inflected
    adjective_endings: tuple[str, ...] = ()


@cache
def load_words(path: Path = COMPOUNDS_YAML) -> CompoundWords:
    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key) or [])

    return CompoundWords(
        words("generic_terms"),
        words("leading_words"),
        words("site_nouns"),
        words("abbreviations"),
        tuple(sorted(words("adjective_endings"))),
    )


def local_compounds(text: str, known, words: CompoundWords | None = None) -> list[tuple[int, int]]:
    """Spans of hyphenated names that are one local name of the story.

    ``known(name)`` tells whether the gazetteer (or the registry) knows the whole compound:
    such a name is matched whole elsewhere and is left alone here.
    """
    words = words or load_words()
    out = []
    for m in _COMPOUND.finditer(text):
        if not all(p[0].isupper() for p in m.group().split("-")):
            continue
        # "Üch-Korgon" (Kyrgyz ü, held-out set 63): the words are compared without marks
        parts = [ascii_fold(p).lower() for p in m.group().split("-")]
        after = _WORDS_AFTER.match(text[m.end() : m.end() + 40])
        one_name = (
            parts[0] in words.leading_words
            or any(p in words.generic_terms for p in parts[1:])
            or any(p in words.abbreviations for p in parts)
            or (bool(words.adjective_endings) and parts[-1].endswith(words.adjective_endings))
            or (
                after is not None
                and (
                    after.group(1).lower() in words.site_nouns
                    or f"{after.group(1)} {after.group(2)}".lower() in words.site_nouns
                )
            )
        )
        if one_name and not known(m.group()) and not _chain_of_names(m.group(), known, words):
            out.append((m.start(), m.end()))
    return out


def _chain_of_names(compound: str, known, words: CompoundWords) -> bool:
    """Whether the hyphens join two or more names the atlas knows ("Bishkek-Kara-Balta").

    Each piece must be a known name, and a one-word piece must not be one of the compound
    words themselves: "Kosh" and "Dobo" are towns abroad, but as words of a local name they
    are what makes "Kosh-Dobo" one name.
    """
    parts = compound.split("-")
    vocabulary = words.generic_terms | words.leading_words | words.abbreviations

    def splits(i: int) -> bool:
        """Whether parts[i:] splits into known pieces (never the whole compound as one)."""
        return i == len(parts) or any(
            (i, j) != (0, len(parts))
            and not (j == i + 1 and parts[i].lower() in vocabulary)
            and known("-".join(parts[i:j]))
            and splits(j)
            for j in range(i + 1, len(parts) + 1)
        )

    return splits(0)
