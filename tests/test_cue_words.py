"""The cue-word guards in front of per-sentence patterns lose no match.

Extraction skips a sentence for a rule when the sentence holds none of the rule's cue
words (``etl.cuewords``, and the word tuples beside some patterns). A word list that
missed one way of writing a cue would drop findings silently, so each list is held to its
pattern here: on strings generated from the pattern itself (every alternative, random
case, the characters a case-blind pattern folds to ASCII letters, random blanks) and on
every sentence of the bundled and test corpora, whatever the pattern matches must pass
the guard. The automaton itself is held to ``in`` on each sentence's ``caseless_ascii``.
"""

from __future__ import annotations

import random
import re
import re._constants as sre
import re._parser as sre_parse
import sys
from pathlib import Path

import pytest

from etl import documents, events, mentions, projects, routes
from etl.cuewords import CueWords
from etl.places import resolve
from etl.schema import Skipped
from etl.text import caseless_ascii, finditer_at, sentence_spans

ROOT = Path(__file__).resolve().parent.parent

#: letters a case-blind pattern folds together and the four beyond ASCII that it matches
#: to ASCII letters (dotted capital I, dotless i, long s, Kelvin sign)
_ODD = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}
_FILLER = ["the", "a", "Almaty", "Urumqi", "of", "and", "to", "2024", ",", "in", "Osh"]


def _sample(items, rng: random.Random) -> str:
    """A random string the parsed pattern ``items`` may match (checked by the caller)."""
    out = []
    for op, arg in items:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append("x" if arg != ord("x") else "y")
        elif op is sre.ANY:
            out.append(rng.choice("ab ."))
        elif op is sre.IN:
            out.append(_one_of(arg, rng))
        elif op is sre.BRANCH:
            out.append(_sample(rng.choice(arg[1]), rng))
        elif op is sre.SUBPATTERN:
            out.append(_sample(arg[3], rng))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = arg
            count = rng.randint(low, min(high, low + 2))
            out.extend(_sample(body, rng) for _ in range(count))
        elif op is sre.CATEGORY:
            out.append(_category(arg, rng))
        # AT (anchors, boundaries), ASSERT, ASSERT_NOT: nothing to write; the caller keeps
        # only the samples the pattern really matches
    return "".join(out)


def _one_of(arg, rng: random.Random) -> str:
    if arg and arg[0][0] is sre.NEGATE:
        return "x"
    op, value = rng.choice(arg)
    if op is sre.LITERAL:
        return chr(value)
    if op is sre.RANGE:
        return chr(rng.randint(*value))
    return _category(value, rng)


def _category(category, rng: random.Random) -> str:
    if category is sre.CATEGORY_SPACE:
        return rng.choice(" \n\t")
    if category is sre.CATEGORY_DIGIT:
        return rng.choice("0123456789")
    if category is sre.CATEGORY_WORD:
        return rng.choice("abZ9_")
    return "x"


def _scramble(text: str, rng: random.Random) -> str:
    """Random case, and now and then a character beyond ASCII that folds to the letter."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _ODD and rng.random() < 0.1:
            out.append(rng.choice(_ODD[low]))
        elif rng.random() < 0.3:
            out.append(ch.swapcase())
        else:
            out.append(ch)
    return "".join(out)


def _matching(pattern: re.Pattern[str], n: int = 600, seed: int = 11) -> list[str]:
    """Strings that ``pattern`` matches, generated from its own parse, amid other words."""
    rng = random.Random(seed)
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    found = []
    for _ in range(n * 4):
        core = _sample(parsed, rng)
        if rng.random() < 0.5:
            core = _scramble(core, rng)
        before = " ".join(rng.choices(_FILLER, k=rng.randint(0, 3)))
        after = " ".join(rng.choices(_FILLER, k=rng.randint(0, 3)))
        text = f"{before} {core} {after}".strip() if rng.random() < 0.8 else core
        if pattern.search(text):
            found.append(text)
        if len(found) >= n:
            break
    assert len(found) >= n // 10, f"the sampler made too few matches of {pattern.pattern[:60]}"
    return found


def _corpus_texts() -> list[str]:
    """The cleaned text of every document of the bundled corpus and of the test articles,
    as extraction reads it: real-shaped text."""
    out = []
    for folder in [ROOT / "corpus", *sorted((ROOT / "tests" / "data").glob("articles*"))]:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".txt", ".md", ".html", ".htm"}:
                doc = documents.parse_document(path.read_bytes(), path.name, None)
                if not isinstance(doc, Skipped):
                    out.append(doc.text)
    assert len(out) > 50
    return out


TEXTS = _corpus_texts()
SENTENCES = [text[s:e] for text in TEXTS for s, e in sentence_spans(text)]


def _held(words: tuple[str, ...] | set[str], text: str) -> bool:
    folded = caseless_ascii(text)
    return any(w in folded for w in words)


def _cue(cue_words: CueWords, group: str, text: str) -> bool:
    return cue_words.find(text, [(0, len(text))]).has(0, group)


def _route_groups():
    cues = routes._cues()
    return [
        ("noun", cues.noun),
        ("anaphor", cues.anaphor),
        ("between", cues.between),
        ("link", cues.link),
        ("chain_noun", routes._noun_first_pattern()),
    ]


# --- the guards against their patterns ----------------------------------------------------


@pytest.mark.parametrize("group", ["noun", "anaphor", "between", "link", "chain_noun"])
def test_every_route_cue_match_passes_its_guard(group):
    pattern = dict(_route_groups())[group]
    guard = routes._cue_words()
    for text in [*_matching(pattern), *SENTENCES]:
        if pattern.search(text):
            assert _cue(guard, group, text), (group, text)


@pytest.mark.parametrize(
    ("group", "pattern"),
    [("partnership", events.PARTNERSHIP), ("agreement", events.REGIONAL_AGREEMENT)],
)
def test_every_partnership_match_passes_its_guard(group, pattern):
    for text in [*_matching(pattern), *SENTENCES]:
        if pattern.search(text):
            assert _cue(events._PARTNERSHIP_CUES, group, text), (group, text)


@pytest.mark.parametrize("status", [s for s, _ in projects._STATUS_RE])
def test_every_status_phrase_passes_its_guard(status):
    pattern = dict(projects._STATUS_RE)[status]
    for text in [*_matching(pattern), *SENTENCES]:
        if pattern.search(text):
            assert _held(projects._STATUS_WORDS[status], text), (status, text)


def test_every_power_figure_passes_its_guard():
    pattern = projects._POWER_FIGURE
    for text in [*_matching(pattern), *SENTENCES]:
        if pattern.search(text):
            assert _held(projects._POWER_WORDS, text), text


def test_every_enumeration_and_coordination_passes_its_guard():
    for text in [*_matching(mentions._ENUMERATION), *SENTENCES]:
        if mentions._ENUMERATION.search(text):
            assert _held(mentions._ENUMERATION_WORDS, text), text
    for text in [*_matching(mentions._COORDINATION), *SENTENCES]:
        if mentions._COORDINATION.search(text):
            assert mentions._COORDINATION_WORD in text, text


def test_every_qualifier_hint_match_passes_its_guard():
    pattern = resolve._QUALIFIER_HINT
    for text in [*_matching(pattern), *SENTENCES]:
        found = pattern.search(text) is not None
        if found:
            assert _held(resolve._QUALIFIER_WORDS, text), text
        assert resolve._may_be_qualified(text) is found, text


def test_noun_first_chains_are_read_where_the_whole_scan_reads_them():
    """Tried only where a route noun begins, the pattern finds what a scan of every
    character finds: the same matches, with the same groups, in the same order."""
    pattern = routes._noun_first_pattern()
    guard = routes._cue_words()
    rng = random.Random(3)
    samples = _matching(pattern)
    made = [" ".join(rng.choices([*samples, *_FILLER, "pipeline", "-"], k=12)) for _ in range(300)]
    for text in [*made, *TEXTS]:
        fast = finditer_at(pattern, text, guard.starts(text, "chain_noun"))
        assert [(m.span(), m.groups()) for m in fast] == [
            (m.span(), m.groups()) for m in pattern.finditer(text)
        ], text


# --- the automaton against ``in`` ----------------------------------------------------------


def test_folding_keeps_every_offset():
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert len(caseless_ascii(ch)) == 1, hex(code)


def test_the_automaton_says_what_in_says_on_every_sentence():
    rng = random.Random(5)
    groups = {"a": ("in", "is", "sk"), "b": ("kin", "s-k", "between"), "c": ("k",)}
    cue_words = CueWords(groups)
    alphabet = "aAiIsSkKnN-/ .\n\u0130\u0131\u017f\u212a\u00e9"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 6)))
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
        if rng.random() < 0.2 and spans:
            spans = [*spans, spans[0]]  # out of order and overlapping: the slow path
        found = cue_words.find(text, spans)
        for k, (s, e) in enumerate(spans):
            folded = caseless_ascii(text[s:e])
            for name, words in groups.items():
                assert found.has(k, name) is any(w in folded for w in words), (text, s, e, name)


def test_the_automaton_says_what_in_says_on_real_text():
    cue_words = routes._cue_words()
    groups = {
        "noun": {p.split()[0] for p in routes.lexicon().described_nouns},
        "between": {"between"},
    }
    for text in TEXTS:
        spans = sentence_spans(text)
        found = cue_words.find(text, spans)
        for k, (s, e) in enumerate(spans):
            for name, words in groups.items():
                assert found.has(k, name) is _held(words, text[s:e]), (text[s:e], name)


def test_starts_are_where_a_word_of_the_group_begins():
    rng = random.Random(9)
    cue_words = CueWords({"a": ("in", "sk"), "b": ("kin",)})
    for _ in range(3000):
        text = "".join(rng.choice("aAiIsSkKnN .\u0130\u0131\u017f\u212a") for _ in range(20))
        folded = caseless_ascii(text)
        for name, words in (("a", ("in", "sk")), ("b", ("kin",))):
            expected = sorted(
                {i for w in words for i in range(len(text)) if folded.startswith(w, i)}
            )
            assert cue_words.starts(text, name) == expected, (text, name)


def test_cue_words_must_be_ascii():
    with pytest.raises(ValueError, match="ASCII"):
        CueWords({"g": ("ſtan",)})
