"""The quick tests in front of slow patterns say the same as the patterns.

Extraction looks for a word with ``in`` before it runs a pattern that is tried at every
position of a text (``etl.text.caseless_ascii``, the organisation cues' hints, the facility
nouns' hints). A hint that missed a match would drop a finding silently, so these tests
hold each hint to the pattern it stands in front of.
"""

from __future__ import annotations

import random
import re

import pytest

from etl import projects
from etl.places import people
from etl.text import caseless_ascii

#: letters a case-blind pattern folds together, the four non-ASCII ones that match ASCII
#: letters (dotted capital I, dotless i, long s, Kelvin sign) and two that only look alike
_ALPHABET = "aAiIsSkKnN-/ \u0130\u0131\u017f\u212a\u00e9\u0307"
_WORDS = ["in", "is", "ski", "kin", "s-k", "sink", "k/n"]


def test_caseless_ascii_finds_a_word_exactly_when_a_case_blind_pattern_does():
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 8)))
        for word in _WORDS:
            expected = re.search(f"(?i:{re.escape(word)})", text) is not None
            assert (word in caseless_ascii(text)) is expected, (text, word)


@pytest.mark.parametrize(
    "text",
    ["the \u0131n", "ba\u017fed", "\u212aazakh", "\u0130N"],
)
def test_the_characters_lower_misses_are_folded(text):
    word = text.replace("\u0131", "i").replace("\u017f", "s").replace("\u212a", "k").lower()
    word = word.replace("\u0130".lower(), "i")
    assert word in caseless_ascii(text)


def test_every_organisation_hint_admits_every_text_its_pattern_matches():
    cues = people.load_organisation_cues()
    hinted = people._org_patterns(cues)
    samples = [
        "It has its headquarters in Dongcheng District, Beijing.",
        "The Chinese embassy in Bishkek said so.",
        "Official Tashkent said it would.",
        "the ferry Berkarar left",
        "the Ro-Pax Berkarar and Bagtyyar ferries",
        "the \u201cTurkistan\u201d vessel",
        "a MOTOR  SHIP Aktau sailed",
        "a Hong Kong-based company",
        "South Korea's automotive group Daewoo",
    ]
    for h in [
        *hinted.based,
        hinted.seats,
        hinted.metonyms,
        hinted.nationality,
        hinted.vessel_before,
        hinted.vessel_after,
    ]:
        for text in samples:
            if h.pattern.search(text):
                assert h.may_match(text), (h.pattern.pattern[:60], text)


_FACILITY_PHRASES = [
    "power plant",
    "coal-fired power station",
    "TPP",
    "the tps",
    "CCGT",
    "hydropower plant",
    "hydroelectric power station",
    "oil refinery",
    "Refinery",
    "dry port",
    "waterless port",
    "inland ports",
    "wind farm",
    "wind power plant",
    "solar park",
    "solar power plant",
    "gas field",
    "Oil Fields",
]


@pytest.mark.parametrize("phrase", _FACILITY_PHRASES)
def test_every_facility_noun_carries_its_kinds_hint(phrase):
    kinds = [k for k, p in projects._FACILITY_RE.items() if p.search(phrase)]
    assert kinds, phrase
    for kind in kinds:
        assert any(h in caseless_ascii(phrase) for h in projects._FACILITY_HINTS[kind]), kind
