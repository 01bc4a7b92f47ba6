"""One parser for every quantity a news sentence states: money, lengths, power, gas, tonnes,
containers and percentages.

The words it knows (currencies, scale words, units and their factors) are data:
``geodata/currencies.csv`` and ``geodata/units.yaml``. ``parse`` turns a text into
``Quantity`` records with their character spans; it never raises on odd text and every span
slices the text it was given. It decides only what a figure *is* (its number, unit and
currency); what it is *about* (kind, subject, year) is ``attribute``'s job.

Why not ``pint`` or ``quantulum3``: the conversions we need are a dozen fixed factors, while
the hard part is news phrasing ("US$2.3bn", "tenge 150 billion", "KZT 150bn", "800 km
(497 miles)", "$18,342 billion" with a decimal comma, currency tickers, numbers in links).
quantulum3 has no tenge, som or "bln", treats "USD 480.10 EUR 521.30" as figures and
carries a classifier and a large entity file; pint parses unit expressions, not sentences.
Both would add a dependency without removing any of the rules below.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl import settings, yamldata
from etl.text import caseless_ascii, finditer_at

CURRENCIES_CSV = settings.GEODATA / "currencies.csv"
UNITS_YAML = settings.GEODATA / "units.yaml"

MONEY = "money"
_PERCENT = "percent"  # the kind of "+0.5%" (geodata/units.yaml)
#: a number: "1,234,567.89", "18,342", "2.5", "300"
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![,\d])|\d+,\d{1,2}(?![,\d])|\d+(?:\.\d+)?"
#: a decimal comma beyond doubt: one or two digits after it ("a 19,2 km tunnel")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
#: an exact three-digit comma group: the shape a decimal comma can take ("18,342")
_COMMA_GROUP = re.compile(r"^\d{1,3},\d{3}$")
_NO_DIGIT_BEFORE = r"(?<![\w.,])"
_ASIDE_LEAD = re.compile(
    r"\s*\(\s*(?:(?:about|around|approximately|approx\.?|roughly|some|nearly|almost|or|"
    r"equivalent\s+to|i\.e\.|~|≈)\s*)*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as the text states it.

    ``value`` is in ``unit``: the kind's normalised unit (km, MW, bcm, Mt, TEU, %) or, for
    money, the ISO code of the currency the text uses (conversion needs the year, which
    is attribution's business). ``usd`` is the text's own dollar figure for a foreign
    amount ("3.5 billion yuan (about $490 million)"); ``comma_value`` the value when the
    comma is a decimal comma ("$18,342 billion"), for the document-level decision.
    """

    kind: str
    value: float
    unit: str
    start: int
    end: int
    text: str
    rate: str = ""  # "year" ("55 bcm a year"), "other" ("$80 a barrel", "1,200 km a day")
    usd: float | None = None
    comma_value: float | None = None
    code_prefix: bool = False  # "USD 480.10": a currency code before a bare number
    rate_end: int = 0  # where "a year" ends, for a yearly rate


@dataclass(frozen=True, eq=False)
class Units:
    """The parser's vocabulary, loaded from ``geodata`` once."""

    scales: dict[str, float]
    attached: dict[str, float]
    kinds: dict[str, tuple[str, dict[str, float]]]
    currencies: dict[str, str]  # word -> ISO code
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    per_year: tuple[str, ...]
    per_other: tuple[str, ...]
    case_sensitive: frozenset[str]
    world_gdp_usd: float
    times_the_others: float
    earth_circumference_km: float
    number_words: dict[str, float]
    scaled_prefixes: dict[str, str]  # "US" -> USD: a currency only before a scale word

    def scale(self, word: str | None) -> float:
        if not word:
            return 1.0
        w = word.lower()
        return self.scales.get(w) or self.attached.get(w) or 1.0


@cache
def load_units(units_path: Path = UNITS_YAML, currencies_path: Path = CURRENCIES_CSV) -> Units:
    data = yamldata.load(units_path.read_text(encoding="utf-8"))
    currencies: dict[str, str] = {}
    prefixes: list[str] = []
    suffixes: list[str] = []
    with currencies_path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            word = row["word"].strip().lower()
            currencies[word] = row["code"].strip().upper()
            if row["position"] in ("prefix", "both"):
                prefixes.append(word)
            if row["position"] in ("suffix", "both"):
                suffixes.append(word)
    kinds = {
        name: (spec["unit"], {str(w): float(v) for w, v in spec["words"].items()})
        for name, spec in data["kinds"].items()
    }
    comma = data["decimal_comma"]
    return Units(
        scales={k.lower(): float(v) for k, v in data["scales"].items()},
        attached={k.lower(): float(v) for k, v in data["attached_scales"].items()},
        kinds=kinds,
        currencies=currencies,
        prefixes=tuple(prefixes),
        suffixes=tuple(suffixes),
        per_year=tuple(w.lower() for w in data["per_year"]),
        per_other=tuple(w.lower() for w in data["per_other"]),
        case_sensitive=frozenset(data.get("case_sensitive") or ()),
        world_gdp_usd=float(comma["world_gdp_usd"]),
        times_the_others=float(comma["times_the_others"]),
        earth_circumference_km=float(comma["earth_circumference_km"]),
        number_words={k.lower(): float(v) for k, v in data["number_words"].items()},
        scaled_prefixes={
            str(k): str(v).upper() for k, v in (data.get("scaled_prefixes") or {}).items()
        },
    )


def _alternation(words, *, case_sensitive=frozenset()) -> str:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(p) for p in w.split())
        parts.append(f"(?-i:{pattern})" if w in case_sensitive else pattern)
    return "|".join(parts)


@dataclass(frozen=True)
class _Patterns:
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    units: dict[str, re.Pattern[str]]
    rate_year: re.Pattern[str]
    rate_other: re.Pattern[str]
    scaled: re.Pattern[str] | None
    #: lower-case first letters of the number words ("ten billion dollars")
    number_word_initials: frozenset[str]
    #: the scale words' first words, lower-cased: a number word counts only before one
    scale_words: tuple[str, ...] = ()


@cache
def _patterns(units: Units) -> _Patterns:
    scale = _alternation(units.scales)
    attached = _alternation(units.attached)
    words = _alternation(units.number_words)
    amount = (
        rf"(?P<num>{NUM}|(?:{words})(?=\s+(?:{scale})\b))"
        # (not "\b" after the scale word or the currency: "mln." and "долл." end in a period)
        rf"(?:(?P<att>{attached})(?![\w])|\s*(?P<scale>{scale})(?![\w]))?"
    )
    # an alphabetic prefix ("usd", "tenge") must stand alone; a symbol may touch a letter
    # before it only when it is part of the word ("US$")
    prefix = re.compile(
        rf"(?<![A-Za-z$€£¥₸₽])(?P<cur>{_alternation(units.prefixes)})\s{{0,2}}{amount}"
        rf"(?:\s*(?P<cur2>{_alternation(units.suffixes)})(?![\w]))?",
        re.IGNORECASE,
    )
    suffix = re.compile(
        rf"{_NO_DIGIT_BEFORE}{amount}\s*(?:of\s+)?(?P<cur>{_alternation(units.suffixes)})(?![\w])",
        re.IGNORECASE,
    )
    # "US 95 billion": case-sensitive letters, then a number and a scale word it cannot lack
    scaled = None
    if units.scaled_prefixes:
        letters = "|".join(
            re.escape(w) for w in sorted(units.scaled_prefixes, key=len, reverse=True)
        )
        scaled = re.compile(
            rf"(?<![\w$€£¥₸₽.])(?-i:(?P<cur>{letters}))\s{{1,2}}(?P<num>{NUM})"
            rf"(?:(?P<att>{attached})(?![\w])|\s*(?P<scale>{scale})(?![\w]))",
            re.IGNORECASE,
        )
    kinds = {}
    for name, (_, words) in units.kinds.items():
        alts = _alternation(words, case_sensitive=units.case_sensitive)
        kinds[name] = re.compile(
            rf"{_NO_DIGIT_BEFORE}(?P<num>{NUM})(?:[\s-]*(?P<scale>{scale})\b)?[\s-]*"
            rf"(?P<unit>{alts})(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
    return _Patterns(
        prefix=prefix,
        suffix=suffix,
        units=kinds,
        rate_year=re.compile(rf"^\s*(?:{_alternation(units.per_year)})(?![a-z])", re.IGNORECASE),
        rate_other=re.compile(rf"^\s*(?:{_alternation(units.per_other)})(?![a-z])", re.IGNORECASE),
        scaled=scaled,
        number_word_initials=frozenset(w[:1].lower() for w in units.number_words),
        scale_words=tuple(sorted({w.split()[0].lower() for w in units.scales if w.split()})),
    )


def number(text: str, units: Units | None = None) -> float:
    """``"1,234.5"`` -> 1234.5 (commas of thousands); ``"19,2"`` -> 19.2; ``"ten"`` -> 10."""
    if _DECIMAL_COMMA.match(text):
        return float(text.replace(",", "."))
    if text[:1].isalpha():
        return (units or load_units()).number_words[text.lower()]
    return float(text.replace(",", ""))


def parse(
    text: str, units: Units | None = None, *, masks: tuple[re.Pattern[str], ...] = ()
) -> list[Quantity]:
    """Every quantity in ``text``, left to right, without overlaps.

    Parameters
    ----------
    text
        Any text; offsets in the result index into it.
    units
        The vocabulary (``load_units()`` by default).
    masks
        Patterns whose matches hold no figure of the story (links, ``USD/KZT`` pairs): a
        quantity that overlaps one is dropped.
    """
    units = units or load_units()
    pats = _patterns(units)
    if not _ANY_DIGIT.search(text):
        # every pattern reads a number: digits, or a number word before a scale word
        # ("ten billion dollars"); most sentences have neither
        folded = caseless_ascii(text)
        if not any(w in folded for w in pats.scale_words):
            return []
    found: list[Quantity] = []
    pos = 0
    while (m := pats.prefix.search(text, pos)) is not None:
        q = _money(text, m, units, prefix=True)
        found.append(q)
        pos = max(q.end if q is not None else m.end(), m.start() + 1)
    # the other patterns open with "no word character before": they can match only where a
    # run of word characters starts, and the unit patterns only where that run is a number
    # (a number word's first letter, or any non-ASCII letter a case-blind match could fold)
    word_starts = [w.start() for w in _WORD_RUN.finditer(text)]
    number_starts = [i for i in word_starts if text[i].isdecimal()]
    initials = pats.number_word_initials
    amount_starts = [
        i
        for i in word_starts
        if text[i].isdecimal() or not text[i].isascii() or text[i].lower() in initials
    ]
    for m in finditer_at(pats.suffix, text, amount_starts):
        found.append(_money(text, m, units, prefix=False))
    if pats.scaled is not None:
        for m in pats.scaled.finditer(text):
            found.append(_scaled_money(text, m, units))
    for name, pattern in pats.units.items() if number_starts else ():
        unit, words = units.kinds[name]
        for m in finditer_at(pattern, text, number_starts):
            factor = _factor(words, m.group("unit"))
            num = m.group("num")
            value = number(num) * units.scale(m.group("scale")) * factor
            comma = None
            if _COMMA_GROUP.match(num) and not m.group("scale"):
                comma = float(num.replace(",", ".")) * factor  # "123,100 km" may be 123.1 km
            found.append(
                Quantity(name, value, unit, m.start(), m.end(), m.group(), comma_value=comma)
            )
    found = [q for q in found if q is not None]
    if found and masks:
        blocked = [(m.start(), m.end()) for p in masks for m in p.finditer(text)]
        found = [q for q in found if not _inside(q, blocked)]
    found = _without_overlaps(found)
    found = _merge_asides(text, found)
    found = _without_tickers(text, found)
    out = []
    for q in found:
        after = text[q.end : q.end + 30]
        yearly = pats.rate_year.match(after)
        if yearly:
            out.append(_with(q, rate="year", rate_end=q.end + yearly.end()))
        elif pats.rate_other.match(after):
            out.append(_with(q, rate="other"))
        else:
            out.append(q)
    return out


_WORD_RUN = re.compile(r"\w+")
#: any decimal digit, as ``NUM``'s ``\d`` reads one
_ANY_DIGIT = re.compile(r"\d")


def _factor(words: dict[str, float], said: str) -> float:
    key = " ".join(said.split())
    for w, f in words.items():
        if w.lower() == key.lower():
            return f
    return 1.0


def _money(text: str, m: re.Match[str], units: Units, *, prefix: bool) -> Quantity | None:
    num = m.group("num")
    scale_word = m.group("scale") or m.group("att")
    cur = m.group("cur").lower()
    code = units.currencies.get(" ".join(cur.split()), "USD")
    end = m.end()
    if prefix and m.group("cur2"):
        code2 = units.currencies.get(" ".join(m.group("cur2").lower().split()))
        if code2 and code2 != code:
            # "USD 480.10 EUR 521.30": the next word starts another quote
            end = max(m.end(g) for g in ("num", "att", "scale") if m.group(g))
        else:
            code = code2 or code
    if not scale_word and _year_like(num) and cur in ("$", "us$"):
        return None  # "$2024" is a typo for a year far more often than a price
    scale = units.scale(scale_word)
    value = number(num, units) * scale
    comma = None
    if _COMMA_GROUP.match(num) and scale >= 1e6:
        comma = float(num.replace(",", ".")) * scale
    return Quantity(
        MONEY,
        value,
        code,
        m.start(),
        end,
        text[m.start() : end],
        comma_value=comma,
        code_prefix=prefix and cur.isalpha() and len(cur) == 3 and not scale_word,
    )


def _scaled_money(text: str, m: re.Match[str], units: Units) -> Quantity:
    """ "US 95 billion": the dollar said by its country letters alone."""
    scale = units.scale(m.group("scale") or m.group("att"))
    num = m.group("num")
    comma = (
        float(num.replace(",", ".")) * scale if _COMMA_GROUP.match(num) and scale >= 1e6 else None
    )
    code = units.scaled_prefixes[m.group("cur")]
    value = number(num, units) * scale
    return Quantity(MONEY, value, code, m.start(), m.end(), m.group(), comma_value=comma)


def _year_like(num: str) -> bool:
    return len(num) == 4 and num.isdigit() and num.startswith(("19", "20"))


def _inside(q: Quantity, blocked: list[tuple[int, int]]) -> bool:
    return any(a < q.end and q.start < b for a, b in blocked)


def _without_overlaps(found: list[Quantity]) -> list[Quantity]:
    """The longest reading wins where two overlap (money before units on a tie)."""
    found.sort(key=lambda q: (-(q.end - q.start), q.kind != MONEY, q.start))
    kept: list[Quantity] = []
    for q in found:
        if not any(k.start < q.end and q.start < k.end for k in kept):
            kept.append(q)
    return sorted(kept, key=lambda q: q.start)


def _merge_asides(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "800 km (497 miles)" is one length; "3.5 billion yuan (about $490 million)" is one
    sum whose dollar value the text gives."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        lead = _ASIDE_LEAD.match(text, q.end)
        if nxt is not None and nxt.kind == q.kind and lead and lead.end() == nxt.start:
            close = text.find(")", nxt.end)
            if close != -1 and close - nxt.end <= 40 and "(" not in text[nxt.end : close]:
                usd = q.usd
                if q.kind == MONEY and q.unit != "USD" and nxt.unit == "USD":
                    usd = nxt.value
                out.append(_with(q, end=close + 1, text=text[q.start : close + 1], usd=usd))
                i += 2
                continue
        out.append(q)
        i += 1
    return out


_TICKER_GAP = re.compile(r"^[\s,;|/·•]*(?:[+\-−]?\d+(?:\.\d+)?%?[\s,;|/·•]*)?$")


def _without_tickers(text: str, found: list[Quantity]) -> list[Quantity]:
    """A run of bare currency quotes ("USD 480.10 EUR 521.30 RUB 5.12") is a ticker.

    The quotes' changes between them ("USD 480.10 +0.5% EUR 521.30") are the ticker's too:
    read as percentages they would otherwise break the run and stay as figures.
    """
    drop: set[int] = set()
    run: list[int] = []
    changes: list[int] = []
    last_end = 0
    for i, q in enumerate(found):
        if q.code_prefix and (not run or _TICKER_GAP.match(text[last_end : q.start])):
            run.append(i)
            last_end = q.end
            continue
        if run and q.kind == _PERCENT and _TICKER_GAP.match(text[last_end : q.end]):
            changes.append(i)
            last_end = q.end
            continue
        if len(run) >= 2:
            drop.update(run, changes)
        run = [i] if q.code_prefix else []
        changes = []
        last_end = q.end
    if len(run) >= 2:
        drop.update(run, changes)
    return [q for i, q in enumerate(found) if i not in drop]


def _with(q: Quantity, **changes) -> Quantity:
    from dataclasses import replace

    return replace(q, **changes)
