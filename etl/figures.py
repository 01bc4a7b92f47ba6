"""Figures in text: money, volumes, capacities, lengths and percentages, normalised and attributed.

Each figure becomes a ``Fact``: what it measures (``metric``), what it is about
(``subject``: a feature id, an ISO3 code, or ``CHN-CENTRAL_ASIA``), the year it is for,
the value in a normalised unit (USD, bcm, Mt, MW, km, TEU, %), and the original words.
Other currencies are converted at the annual average rate in ``geodata/exchange_rates.csv``,
unless the text gives its own dollar figure ("674.15 billion yuan (about $94 billion)").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from etl import settings
from etl.schema import CENTRAL_ASIA, CHINA_CENTRAL_ASIA, Source

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALES = {
    "trillion": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
SCALE = r"trillion|billion|bn|million|mln|mn|thousand"
_PREFIX_CURRENCY = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "kzt": "KZT",
    "rub": "RUB",
    "uzs": "UZS",
    "kgs": "KGS",
}
_SUFFIX_CURRENCY = {
    "dollars": "USD",
    "us dollars": "USD",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "rubles": "RUB",
    "roubles": "RUB",
    "tenge": "KZT",
    "euros": "EUR",
    "euro": "EUR",
    "som": "KGS",
    "soms": "KGS",
    "somoni": "TJS",
    "sum": "UZS",
    "soum": "UZS",
    "manat": "TMT",
    "pounds": "GBP",
}
_PREFIX = "|".join(re.escape(k) for k in sorted(_PREFIX_CURRENCY, key=len, reverse=True))
_SUFFIX = "|".join(re.escape(k) for k in sorted(_SUFFIX_CURRENCY, key=len, reverse=True))
_MONEY_PREFIX = rf"(?P<cur>{_PREFIX})\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE}|m|k)\b)?"
_MONEY_SUFFIX = rf"(?P<num2>{NUM})\s*(?:(?P<scale2>{SCALE})\s+)?(?P<cur2>{_SUFFIX})\b"
MONEY = re.compile(rf"(?:{_MONEY_PREFIX}|{_MONEY_SUFFIX})", re.IGNORECASE)
_USD_ASIDE = re.compile(
    rf"\s*\((?:about|around|approximately|roughly|some|nearly|or|about\s+US)?\s*"
    rf"(?:US\$|\$|USD\s?)\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE}|m)\b)?[^)]*\)",
    re.IGNORECASE,
)
GAS = re.compile(
    rf"(?P<num>{NUM})\s*(?:(?P<scale>billion|million|bn)\s+)?"
    r"(?:cubic\s+met(?:er|re)s|cu\.?\s?m\b|m3\b|m³)|(?P<num2>" + NUM + r")\s*bcm\b",
    re.IGNORECASE,
)
TONNES = re.compile(
    rf"(?P<num>{NUM})\s*(?:(?P<scale>million|billion|thousand|mn)\s+)?(?:metric\s+)?(?:tonnes|tons)\b",
    re.IGNORECASE,
)
POWER = re.compile(rf"(?P<num>{NUM})[\s-]*(?P<unit>MW|GW|megawatts?|gigawatts?)\b", re.IGNORECASE)
LENGTH = re.compile(rf"(?P<num>{NUM})[\s-]*(?P<unit>kilomet(?:er|re)s?|km|miles?)\b", re.IGNORECASE)
TEU = re.compile(rf"(?P<num>{NUM})\s*(?:(?P<scale>million|thousand)\s+)?TEUs?\b", re.IGNORECASE)
PERCENT = re.compile(rf"(?P<num>{NUM})\s*(?:percent|per\s+cent|%)", re.IGNORECASE)

_PER_YEAR = re.compile(
    r"^\s*(?:a|per|each)\s+year|^\s*annually|^\s*per\s+annum|^\s*/\s*y", re.IGNORECASE
)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_BASELINE = re.compile(
    r"(?:compared\s+(?:to|with)|from|since|than|over|versus|vs\.?|against)\s+(?:the\s+)?(?:end\s+of\s+)?$",
    re.IGNORECASE,
)
_PREVIOUS = re.compile(r"\b(?:previous|preceding|prior)\s+year\b", re.IGNORECASE)
_RELATIVE_YEARS = (
    (re.compile(r"\b(?:last|past)\s+year\b", re.IGNORECASE), -1),
    (_PREVIOUS, -1),
    (re.compile(r"\bthis\s+year\b", re.IGNORECASE), 0),
    (re.compile(r"\bnext\s+year\b", re.IGNORECASE), 1),
)
_GROWTH_UP = re.compile(
    r"\b(?:increase[sd]?|rise|rose|risen|grew|grow(?:th|n)?|up|higher|jump(?:ed)?|surge[sd]?|"
    r"more\s+than)\b",
    re.IGNORECASE,
)
_GROWTH_DOWN = re.compile(
    r"\b(?:decrease[sd]?|decline[sd]?|fell|fall(?:en)?|drop(?:ped)?|down|lower)\b", re.IGNORECASE
)
_TRADE = re.compile(r"\btrade\b|\bturnover\b|\bcommerce\b", re.IGNORECASE)
_INVEST = re.compile(r"\binvest", re.IGNORECASE)
_COST = re.compile(
    r"\b(?:cost|costs|worth|valued|estimated|price|budget|loan|financ\w*|fund\w*|contract)\b",
    re.IGNORECASE,
)
_CUMULATIVE = re.compile(r"\b(?:cumulative|in\s+total|so\s+far|to\s+date|since)\b", re.IGNORECASE)
_TRADE_PARTNER = re.compile(
    r"\btrade\s+(?:between\s+China\s+and|with|of\s+China\s+with)\s+(?:the\s+)?([A-Z][\w-]+)"
    r"|\bChina-([A-Z][\w]+)\s+trade\b"
)
_CENTRAL_ASIA = re.compile(
    r"\b(?:five\s+)?Central\s+Asian?\b(?:\s+(?:countries|states|nations))?", re.IGNORECASE
)


@dataclass(frozen=True)
class Fact:
    metric: str
    subject: str | None
    year: int | None
    value: float | None
    unit: str
    original: str
    source: Source
    start: int  # the figure's own span in the cleaned text
    end: int
    features: tuple[str, ...] = ()
    conflict: str = ""

    def row(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "subject": self.subject,
            "year": self.year,
            "value": _plain(self.value),
            "unit": self.unit,
            "original": self.original,
            "doc": self.source.doc,
            "quote": self.source.quote,
            "start": self.source.start,
            "end": self.source.end,
            "conflict": self.conflict,
        }


@dataclass(frozen=True)
class Mentioned:
    """Something a sentence names that a figure can be about."""

    key: str  # feature id or ISO3
    start: int
    end: int
    system: str | None = None


def _plain(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


@cache
def load_rates(path: Path = settings.RATES_CSV) -> dict[str, dict[int, float]]:
    """Currency -> year -> units per US dollar (annual averages, with sources in the file)."""
    rates: dict[str, dict[int, float]] = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                rates.setdefault(row["currency"].strip().upper(), {})[int(row["year"])] = float(
                    row["units_per_usd"]
                )
    return rates


def to_usd(
    amount: float, currency: str, year: int | None, rates: dict[str, dict[int, float]]
) -> float | None:
    """Convert at the year's average rate (the nearest year the table has), or None."""
    if currency == "USD":
        return amount
    table = rates.get(currency)
    if not table:
        return None
    when = year if year is not None else max(table)
    nearest = min(table, key=lambda y: (abs(y - when), -y))
    return amount / table[nearest]


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def extract_facts(
    text: str,
    sentences: list[tuple[int, int]],
    doc: str,
    doc_date: str | None,
    things: list[Mentioned],
    rates: dict[str, dict[int, float]],
) -> list[Fact]:
    """Every figure in ``text``, sentence by sentence; never raises on odd text."""
    doc_year = int(doc_date[:4]) if doc_date else None
    facts: list[Fact] = []
    for s, e in sentences:
        sentence = text[s:e]
        src = Source(doc, doc_date, sentence, s, e)
        inside = [t for t in things if s <= t.start < e]
        taken: list[tuple[int, int]] = []
        for fact in _sentence_facts(sentence, s, src, inside, doc_year, rates):
            if any(a < fact.end and fact.start < b for a, b in taken):
                continue
            taken.append((fact.start, fact.end))
            facts.append(fact)
    return facts


def _sentence_facts(sentence, offset, src, inside, doc_year, rates):
    def fact(metric, value, unit, m, year, end=None):
        """The figure matched by ``m`` (its words up to ``end``, in sentence offsets)."""
        end = m.end() if end is None else end
        original = sentence[m.start() : end]
        start, stop = offset + m.start(), offset + end
        return _fact(metric, value, unit, original, src, start, stop, sentence, inside, year)

    for m in MONEY.finditer(sentence):
        num = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        cur_raw = (m.group("cur") or m.group("cur2") or "").lower()
        currency = _PREFIX_CURRENCY.get(cur_raw) or _SUFFIX_CURRENCY.get(cur_raw, "USD")
        if currency == "USD" and cur_raw == "$" and _year_like(num, scale):
            continue
        amount = _number(num) * _SCALES.get(scale, 1.0)
        end = m.end()
        year = _year_for(sentence, m.start(), doc_year)
        value = None
        if currency != "USD":
            aside = _USD_ASIDE.match(sentence, end)
            if aside:
                value = _number(aside.group("num")) * _SCALES.get(
                    (aside.group("scale") or "").lower(), 1.0
                )
                end = aside.end()
            else:
                value = to_usd(amount, currency, year, rates)
        else:
            value = amount
        yield fact(_money_metric(sentence, m.start(), end), value, "USD", m, year, end)
    for m in GAS.finditer(sentence):
        if m.group("num2"):  # "55 bcm"
            bcm = _number(m.group("num2"))
        else:  # "55 billion cubic metres"; plain cubic metres are tiny
            scale = (m.group("scale") or "").lower()
            bcm = _number(m.group("num")) * {"billion": 1.0, "bn": 1.0, "million": 1e-3}.get(
                scale, 1e-9
            )
        yield _volume_fact(sentence, m, bcm, "bcm", src, offset, inside, doc_year)
    for m in TONNES.finditer(sentence):
        scale = (m.group("scale") or "").lower()
        mt = _number(m.group("num")) * {
            "million": 1.0,
            "mn": 1.0,
            "billion": 1e3,
            "thousand": 1e-3,
        }.get(scale, 1e-6)
        yield _volume_fact(sentence, m, mt, "Mt", src, offset, inside, doc_year)
    for m in TEU.finditer(sentence):
        scale = (m.group("scale") or "").lower()
        teu = _number(m.group("num")) * {"million": 1e6, "thousand": 1e3}.get(scale, 1.0)
        yield _volume_fact(sentence, m, teu, "TEU", src, offset, inside, doc_year)
    for m in POWER.finditer(sentence):
        mw = _number(m.group("num")) * (1000.0 if m.group("unit").lower().startswith("g") else 1.0)
        yield fact("capacity", mw, "MW", m, _year_for(sentence, m.start(), doc_year))
    for m in LENGTH.finditer(sentence):
        km = _number(m.group("num")) * (
            1.609344 if m.group("unit").lower().startswith("mile") else 1.0
        )
        yield fact("length", km, "km", m, None)
    for m in PERCENT.finditer(sentence):
        metric, sign = _growth(sentence, m.start(), m.end())
        year = _year_for(sentence, m.start(), doc_year)
        yield fact(metric, sign * _number(m.group("num")), "%", m, year)


def _growth(sentence: str, start: int, end: int) -> tuple[str, float]:
    """A percentage is growth when a verb of change is near; its sign from the nearest one."""
    lo = max(0, start - 60)
    window = sentence[lo : end + 40]
    near: list[tuple[int, float]] = []
    for pattern, sign in ((_GROWTH_UP, 1.0), (_GROWTH_DOWN, -1.0)):
        for w in pattern.finditer(window):
            at = lo + w.start()
            near.append((start - at if at < start else at - end, sign))
    if not near:
        return "share_pct", 1.0
    return "growth_pct", min(near)[1]


def _year_like(num: str, scale: str) -> bool:
    return (
        not scale
        and "," not in num
        and "." not in num
        and len(num) == 4
        and num.startswith(("19", "20"))
    )


def _volume_fact(sentence, m, value, unit, src, offset, inside, doc_year):
    per_year = _PER_YEAR.search(sentence[m.end() : m.end() + 20])
    head = sentence[: m.start()]
    end = m.end() + (per_year.end() if per_year else 0)
    if per_year or re.search(r"\bcapacity\b", head, re.IGNORECASE):
        metric = "capacity"
        unit_out = {"bcm": "bcm/y", "Mt": "Mt/y", "TEU": "TEU/y"}[unit]
    elif _CUMULATIVE.search(sentence):
        metric, unit_out = "cumulative_volume", unit
    else:
        metric, unit_out = "volume", unit
    year = _year_for(sentence, m.start(), doc_year)
    original = sentence[m.start() : end]
    start, stop = offset + m.start(), offset + end
    return _fact(metric, value, unit_out, original, src, start, stop, sentence, inside, year)


def _money_metric(sentence: str, start: int, end: int) -> str:
    before = sentence[:start]
    after = sentence[end : end + 30]
    if _TRADE.search(before) or _TRADE.search(after):
        if re.match(r"^\s*(?:increase|rise|jump|growth|more)", after, re.IGNORECASE):
            return "trade_volume_change"
        return "trade_volume"
    if _INVEST.search(sentence):
        return "investment"
    if _COST.search(sentence):
        return "cost"
    return "amount"


def _year_for(sentence: str, pos: int, doc_year: int | None) -> int | None:
    """The year a figure at ``pos`` is for: the nearest stated year that is not a baseline,
    else a relative year ("last year") against the document's date."""
    best: tuple[int, int] | None = None
    for m in _YEAR.finditer(sentence):
        if _BASELINE.search(sentence[max(0, m.start() - 30) : m.start()]):
            continue
        if re.search(r"\bsince\b[^,.;]*$", sentence[: m.start()], re.IGNORECASE):
            continue  # "since the first line opened in December 2009": a starting point
        if re.match(r"\s*[-/]\s*\d", sentence[m.end() : m.end() + 3]) or re.search(
            r"\d\s*[-/]\s*$", sentence[max(0, m.start() - 3) : m.start()]
        ):
            continue  # a range ("2025-2026") or a date ("19.05.2023")
        distance = abs(m.start() - pos)
        if best is None or distance < best[0]:
            best = (distance, int(m.group()))
    if best is not None:
        return best[1]
    if doc_year is None:
        return None
    relative = sorted(
        (abs(m.start() - pos), m.start(), delta, pattern is _PREVIOUS)
        for pattern, delta in _RELATIVE_YEARS
        for m in pattern.finditer(sentence)
    )
    if not relative:
        return None
    _, _, delta, previous = relative[0]
    if previous:
        # "the previous year" counts back from the sentence's other year, if it has one
        others = [d for _, _, d, p in relative[1:] if not p]
        return doc_year + (others[0] if others else 0) - 1
    return doc_year + delta


def _fact(metric, value, unit, original, src, start, end, sentence, inside, year) -> Fact:
    subject, features = _subject(metric, sentence, src.start, start, inside)
    return Fact(metric, subject, year, value, unit, original, src, start, end, features)


_ABOUT_TRADE = frozenset({"trade_volume", "trade_volume_change", "investment", "growth_pct"})


def _subject(
    metric: str, sentence: str, offset: int, pos: int, inside: list[Mentioned]
) -> tuple[str | None, tuple[str, ...]]:
    """What a figure at absolute offset ``pos`` is about.

    Trade, investment and growth: China with the five states, or the Central Asian
    partner the sentence trades with. Costs, capacities, lengths: the project named
    beside the figure (lines of one system together).
    """
    countries = [t for t in inside if "/" not in t.key and t.key in CENTRAL_ASIA]
    features = [t for t in inside if "/" in t.key]
    if metric in _ABOUT_TRADE:
        if _CENTRAL_ASIA.search(sentence):
            return CHINA_CENTRAL_ASIA, ()
        if metric == "growth_pct" and not (_TRADE.search(sentence) or _INVEST.search(sentence)):
            return None, ()  # "maintenance costs rose 5 percent" is nobody's trade
        # "trade with Kyrgyzstan reached ...", "China-Uzbekistan trade reached ...": the
        # partner named nearest before the figure
        starts = {
            offset + (m.start(1) if m.group(1) else m.start(2))
            for m in _TRADE_PARTNER.finditer(sentence)
        }
        named = [t for t in countries if t.start in starts and t.start < pos]
        if named:
            return max(named, key=lambda t: t.start).key, ()
        if len({t.key for t in countries}) == 1:
            return countries[0].key, ()
        before = [t for t in countries if t.end <= pos]
        if before:
            return max(before, key=lambda t: t.end).key, ()
        if metric != "growth_pct":
            return None, ()
    if not features or metric in {"share_pct", "amount"} | _ABOUT_TRADE:
        return None, ()
    systems = {f.system for f in features}
    ids = tuple(sorted({f.key for f in features}))
    if len(ids) > 1 and len(systems) == 1 and None not in systems:
        return "+".join(ids), ids
    # the subject usually comes first ("the road will cost"): a mention after the figure
    # counts only when it is much closer
    nearest = min(features, key=lambda f: pos - f.end if f.end <= pos else f.start - pos + 20)
    return nearest.key, (nearest.key,)


#: a conflict note names this many of the other values, then counts the rest
CONFLICT_LISTED = 3


def mark_conflicts(facts: list[Fact], tolerance: float = 0.01) -> list[Fact]:
    """Rows with the same metric, subject and year but different values name each other.

    A row's note lists the ``CONFLICT_LISTED`` other values nearest to its own (from other
    documents) and counts the rest, so thousands of rows on one subject stay small.
    """
    groups: dict[tuple, list[Fact]] = {}
    for f in facts:
        if f.subject and f.year is not None and f.value is not None:
            groups.setdefault((f.metric, f.subject, f.year, f.unit), []).append(f)
    notes: dict[int, str] = {}
    for rows in groups.values():
        for mine in rows:
            others = [
                o
                for o in rows
                if o.source.doc != mine.source.doc
                and abs(o.value - mine.value) > tolerance * max(abs(mine.value), abs(o.value))
            ]
            if not others:
                continue
            others.sort(key=lambda o: (abs(o.value - mine.value), o.source.doc, o.start))
            note = "; ".join(
                f"{_plain(o.value):,} {o.unit} in {o.source.doc} ({o.original})"
                for o in others[:CONFLICT_LISTED]
            )
            if len(others) > CONFLICT_LISTED:
                more = len(others) - CONFLICT_LISTED
                note += f"; and {more} more row{'s' if more > 1 else ''}"
            notes[id(mine)] = f"differs from {note}"
    return [replace(f, conflict=notes[id(f)]) if id(f) in notes else f for f in facts]
