"""Pure text helpers: length-preserving normalisation, sentence spans, word boundaries.

Every replacement here maps one character to one character, so an offset into the
normalised text is an offset into the cleaned text that the build's quotes refer to.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

# one character in, one character out: offsets stay valid
_ONE_TO_ONE = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote / typographic apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u02bc": "'",  # modifier letter apostrophe
    "\u02bb": "'",  # modifier letter turned comma (Uzbek o')
    "\u0060": "'",  # backtick used as apostrophe
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",  # narrow no-break space
    "\u2009": " ",  # thin space
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u3000": " ",
    "\u00ad": " ",  # soft hyphen
    "\u200b": " ",  # zero-width space
    "\ufeff": " ",  # stray BOM
    "\x00": " ",
    "\r": "\n",
    "\t": " ",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u0085": "\n",
    "\u2022": " ",  # bullet
}
_TABLE = str.maketrans(_ONE_TO_ONE)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


#: Cyrillic letters drawn like Latin ones, and the Latin letter each looks like
_LOOKALIKES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
    "ј": "j", "ѕ": "s", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I",
}  # fmt: skip
_CYRILLIC_LOOKALIKE = re.compile(f"[{''.join(_LOOKALIKES)}]")
#: such a letter with a Latin letter on each side, or closing a word of Latin letters
_LOOKALIKE_IN_LATIN = re.compile(
    rf"(?<=[A-Za-z])[{''.join(_LOOKALIKES)}](?=[A-Za-z])"
    rf"|(?<=[A-Za-z]{{2}})[{''.join(_LOOKALIKES)}](?![^\W\d_])"
)


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

#: the capital letters of Russian and of the Kazakh, Kyrgyz, Uzbek and Tajik alphabets, for a
#: character class: a name of the region written in Cyrillic starts with one ("Қарағанды",
#: "Өскемен", "Ҳисор", "Ҷиргатол")
CYRILLIC_CAPITALS = "А-ЯЁӘҒҚҢӨҰҮҺІЎҲҶӮӢ"
#: a capitalised word in Latin or Cyrillic letters, for a pattern
CAPITALISED = rf"[A-Z{CYRILLIC_CAPITALS}][\w'-]*"


def has_cyrillic(text: str) -> bool:
    """Whether the text has a Cyrillic letter: where a Russian, Kazakh, Kyrgyz or Tajik
    pattern can match at all (the ones that cost a pass are skipped elsewhere)."""
    return _CYRILLIC.search(text) is not None


#: two apostrophes that open a quotation (before a word) or close one (after it)
_QUOTE_PAIR = re.compile(r"(?<!\w)''(?=\w)|(?<=[\w.!?])''(?!\w)")


def normalise(text: str) -> str:
    """Fold typographic apostrophes, dashes and exotic spaces to ASCII, one char for one.

    Control characters become spaces, so the result is safe to show and its offsets are
    the input's offsets.
    """
    text = _CONTROL.sub(" ", text.translate(_TABLE))
    if "''" in text:
        # two apostrophes for a double quote (held-out set 65: "head of ‘‘Jianhua Ceramics’’"):
        # two double quotes, so a name inside starts and ends at a word's edge
        text = _QUOTE_PAIR.sub('""', text)
    if _CYRILLIC_LOOKALIKE.search(text) is None:
        return text
    # "Hongyuan Dongshеng Stone" (held-out set 55): a Cyrillic letter that looks like a Latin
    # one inside a Latin word is the Latin letter (a scraper's or a typist's slip)
    return _LOOKALIKE_IN_LATIN.sub(lambda m: _LOOKALIKES[m.group()], text)


@lru_cache(maxsize=65_536)
def fold_name(name: str) -> str:
    """Key for comparing names: normalised, lower-cased, diacritics kept (see ``ascii_fold``).

    Memoised: resolution folds the same few names many times per document.
    """
    return " ".join(normalise(name).lower().split())


#: letters Unicode does not decompose into a base letter and a mark
_UNDECOMPOSABLE = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "ı": "i",
        "Þ": "Th",
        "þ": "th",
        "Ħ": "H",
        "ħ": "h",
    }
)


def ascii_fold(name: str) -> str:
    """Strip diacritics: ``Türkmenbaşy`` -> ``Turkmenbasy``, ``Łódź`` -> ``Lodz``."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: "İ", "ı", "ſ" and the Kelvin sign: the only characters beyond ASCII that a case-blind
#: pattern matches to ASCII letters, and the only ones ("İ", the Kelvin sign) whose
#: ``str.lower`` holds an ASCII letter
_FOLDS_TO_ASCII = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def caseless_ascii(text: str) -> str:
    """``text`` lower-cased as a case-blind pattern sees ASCII letters, for quick ``in`` tests.

    An ASCII word ``w`` is in the result exactly when ``re.search("(?i:" + re.escape(w) +
    ")", text)`` finds it: the four characters beyond ASCII that such a pattern matches to
    ASCII letters become those letters first, and no other character lower-cases to one.
    Offsets carry over: "İ" is the only character whose ``str.lower`` is longer than one
    character, and it is folded first, so a word found at ``i`` is at ``i`` in ``text``
    (``etl.cuewords`` relies on it; ``tests/test_cue_words.py`` checks every code point).
    """
    for odd, letter in _FOLDS_TO_ASCII:
        if odd in text:
            text = text.replace(odd, letter)
    return text.lower()


def finditer_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that can match only at one of ``starts``.

    The same matches, left to right and non-overlapping, from a few anchored attempts
    instead of a scan that tries the pattern at every character. ``starts`` are sorted;
    the pattern never matches the empty string, and its look-behinds and ``\b`` see the
    text before a start (``match(text, i)`` reads the whole text).
    """
    pos = 0
    for i in starts:
        if i < pos:
            continue
        m = pattern.match(text, i)
        if m is not None:
            yield m
            pos = m.end()


def phrase_alternation(phrases) -> str:
    """The phrases as a regex alternation: each escaped, any blanks between its words, the
    longest first (so that a longer phrase wins over its own first word)."""
    return "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True)
    )


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` without changing its length: ``İ`` (which lower-cases to two
    characters, an i and a combining dot) becomes a plain i, so that Turkish "İşbirliği"
    matches "işbirliği" and the offsets hold."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[0] for c in text)


# --- sentences ------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "gov",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        # Russian: "ул. Анкара" (street), "просп. Абая", "мкр. Аксай", "Чуйской обл. ",
        # "им. Ленина" (named after)
        "ул",
        "пр",
        "просп",
        "пер",
        "мкр",
        "обл",
        "им",
    ]
)
# a full stop, question or exclamation mark (with closing quotes/brackets) and then space
_END = re.compile(r"[.!?\u061f][\"')\]]*(?=\s)")
_BREAK = re.compile(r"\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences: (start, end) spans with surrounding blanks trimmed.

    Lines are always boundaries (news scrapes put headings, captions and list items on
    lines of their own); within a line a sentence ends at ``.``/``!``/``?`` (or the Arabic
    script's ``؟``) followed by white space and a capital, a letter of a script that has no
    capitals (Persian), a digit or a quote, unless the word before is a known abbreviation
    or a single initial.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line_end in [m.start() for m in _BREAK.finditer(text)] + [len(text)]:
        _split_line(text, line_start, line_end, spans)
        line_start = line_end + 1
    return spans


def _split_line(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    cut = start
    for m in _END.finditer(text, start, end):
        stop = m.end()
        nxt = _next_non_space(text, stop, end)
        if nxt is None:
            break
        follower = text[nxt]
        # (a letter of a script without capitals, as Persian's, starts a sentence too)
        caseless = follower.isalpha() and not follower.islower() and not follower.isupper()
        if not (follower.isupper() or caseless or follower.isdigit() or follower in "\"'(["):
            continue
        if text[m.start()] == "." and _is_abbreviation(text, cut, m.start()):
            continue
        _add(text, cut, stop, spans)
        cut = stop
    _add(text, cut, end, spans)


def _next_non_space(text: str, i: int, end: int) -> int | None:
    while i < end and text[i].isspace():
        i += 1
    return i if i < end else None


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    j = dot
    while j > start and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class SentenceIndex:
    """Find the sentence around an offset in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [s for s, _ in self.spans]

    def around(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The sentence span holding ``start`` (widened to hold ``end`` too)."""
        end = start if end is None else end
        i = bisect_right(self._starts, start) - 1
        if i < 0:
            return (start, max(start, end))
        s, e = self.spans[i]
        j = i
        while e < end and j + 1 < len(self.spans):
            j += 1
            e = self.spans[j][1]
        return (s, max(e, end))


def is_word_boundary(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not glued to letters or digits on either side."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


# --- hard-wrapped text -----------------------------------------------------------------------

#: a document whose longest lines are at most this long is wire copy broken at a fixed width
_WRAP_MAX_WIDTH = 100
#: ...and a line at least this share of that width was broken by the wrap, not by the writer
_WRAP_FULL_SHARE = 0.6
_LIST_MARK = re.compile(r"\s*(?:[-*•]|\d+[.)])\s")


def unwrap(text: str) -> str:
    """Join lines that a fixed-width wrap broke inside a paragraph, one character for one.

    Wire copy is often broken every 60-80 characters in mid-sentence. A line break becomes a
    space when the document's lines are short (at most ``_WRAP_MAX_WIDTH``), the line before
    fills most of that width, and the next line is text (not blank, not a list item); a break
    before a lower-case word is joined in any document. The result has the input's length,
    so offsets into it are offsets into the input.
    """
    if "\n" not in text:
        return text
    lines = text.split("\n")
    widths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if not widths:
        return text
    width = widths[-1]
    wrapped = width <= _WRAP_MAX_WIDTH and len(widths) >= 3
    out = list(text)
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[i + 1]
        body = line.rstrip()
        if body and nxt.strip() and not _LIST_MARK.match(nxt):
            first = nxt.lstrip()[:1]
            full = wrapped and len(body) >= _WRAP_FULL_SHARE * width
            if full or (first.islower() and not body.endswith((".", ":", "!", "?"))):
                out[pos] = " "
        pos += 1
    return "".join(out)
