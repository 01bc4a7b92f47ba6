"""Which cue words each sentence holds, from one Aho-Corasick pass over a document.

Rules that read a sentence with a pattern built from a lexicon's words ("railway",
"between", "linking") need not run on a sentence holding none of those words. Looking for
each word in each sentence costs a pass per word; the automaton finds every word of every
rule in one pass over the document, and a rule asks whether its sentence holds one of its
words. The answer is exact in one direction, which is all a guard needs: a sentence a
case-blind pattern matches holds one of the words every match contains (each rule names
those words; ``tests/test_cue_words.py`` holds each rule's words to its pattern), so a
sentence without any of them is skipped without changing what the rule finds.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from etl.text import caseless_ascii


@dataclass(frozen=True)
class SentenceCues:
    """The cue-word groups found in each sentence of one document (by sentence index)."""

    groups: tuple[frozenset[str], ...]

    def has(self, sentence: int, group: str) -> bool:
        """Whether sentence number ``sentence`` holds a word of ``group``."""
        return group in self.groups[sentence]


class CueWords:
    """Named groups of ASCII cue words, looked for case-blind in one pass per document.

    Parameters
    ----------
    groups
        Group name -> words. A word may belong to several groups. Words are lower-cased;
        they must be ASCII, the letters ``etl.text.caseless_ascii`` makes exact.
    """

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        of_word: dict[str, set[str]] = {}
        for name, words in groups.items():
            for word in words:
                word = word.lower()
                if not word or not word.isascii():
                    msg = f"cue word {word!r} of {name!r}: give a non-empty ASCII word"
                    raise ValueError(msg)
                of_word.setdefault(word, set()).add(name)
        self._words = sorted(of_word)
        self._groups = [frozenset(of_word[w]) for w in self._words]
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, word in enumerate(self._words):
            self._automaton.add_word(word, i)
        if self._words:
            self._automaton.make_automaton()

    def starts(self, text: str, group: str) -> list[int]:
        """Where a word of ``group`` begins in ``text``, in order, found case-blind.

        A pattern that opens with an alternation of those words ("\\b(?i:railway|road)")
        can only match at one of these offsets: ``etl.text.finditer_at`` tries it there
        instead of at every character.
        """
        out = set()
        words, groups = self._words, self._groups
        for end, i in self._automaton.iter(caseless_ascii(text)) if words else ():
            if group in groups[i]:
                out.add(end - len(words[i]) + 1)
        return sorted(out)

    def find(self, text: str, sentences: list[tuple[int, int]]) -> SentenceCues:
        """The groups each sentence ``text[s:e]`` holds a word of (sentences sorted, apart).

        A word counts for a sentence only when it lies wholly inside it, as ``in`` on the
        sentence's own ``caseless_ascii`` would find it.
        """
        found: list[set[str]] = [set() for _ in sentences]
        if not self._words or not sentences:
            return SentenceCues(tuple(frozenset(g) for g in found))
        folded = caseless_ascii(text)
        if any(b[0] < a[1] for a, b in itertools.pairwise(sentences)):
            # spans out of order or overlapping (not ``sentence_spans``'): word by word
            for k, (s, e) in enumerate(sentences):
                part = folded[s:e]
                for word, names in zip(self._words, self._groups, strict=True):
                    if word in part:
                        found[k] |= names
            return SentenceCues(tuple(frozenset(g) for g in found))
        starts = [s for s, _ in sentences]
        words, groups = self._words, self._groups
        for end, i in self._automaton.iter(folded):
            first = end - len(words[i]) + 1
            k = bisect_right(starts, first) - 1
            if k >= 0 and end < sentences[k][1]:
                found[k] |= groups[i]
        return SentenceCues(tuple(frozenset(g) for g in found))
