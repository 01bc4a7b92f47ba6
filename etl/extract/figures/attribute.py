"""What each figure is about: its kind (metric), its subject, its year, its value in USD.

``quantities.parse`` finds the numbers; this module reads the sentence around each one. The
words it relies on (cue words per kind, comparison words, distance words, section words)
live in ``geodata/lexicon/figures.yaml``. A figure of no known kind is kept as
``UNCLASSIFIED``: the build counts it in the manifest and leaves it out of ``facts.csv``.

The rules, in the order a sentence is read:

- **Comparisons.** In "rose to $X in 2024, up from $Y in 2023" (also "compared with",
  "against", "versus", "from $Y to $X", "to $X from $Y") the figure after the comparison
  word is the *baseline*: it takes the year said right after it, or the year before the main
  figure's when the text says "a year earlier", or none. The main figure never takes a
  baseline's year, nor a baseline the main figure's.
- **Lists.** "..., with Kazakhstan accounting for $A, Uzbekistan $B" gives each figure the
  partner (or the five states) named last before it in its clause, with no other sum between.
- **Said once.** A trade figure with no year takes the year of the document's last dated
  trade figure ("In 2024 trade reached $X. ... - Kyrgyzstan: $Y"); a sum with no cue word
  and a partner named before it takes the kind of money of the sentences just before.
- **Kinds.** The noun right after a sum names it ("the $700 million pipeline" is a cost,
  "$350 million worth loan" a loan); else cue words of the figure's clause decide (surplus,
  saving, loan, aid, fine, contribution, agreements signed at a forum, trade with the world,
  targets, exports, trade, investment, cost, and last "worth"); a change ("an increase of
  $5 billion", "trade grew with Kyrgyzstan ($2.9 billion)") is ``turnover_change`` or
  ``investment_change``.
- **Not figures of the project.** A distance ("40 km north of"), a width, a shortening ("by
  600 km"), a speed ("1,200 km a day") and a unit price ("$80 a barrel") are left out.
- **Features.** A section's figure ("the 390 km Tajik section", "Tajikistan (391 km)",
  "410 km of the 966 km line") is the part's, not the line's; a figure said of "each" of
  several lines is checked against each line.
- **Currency.** Converted at the rate of the figure's year, else of the document's year.
"""

from __future__ import annotations

import csv
import itertools
import re
import statistics
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from etl import settings, yamldata
from etl.extract.figures.quantities import MONEY, Quantity, Units, load_units, parse
from etl.schema import CENTRAL_ASIA, CHINA_CENTRAL_ASIA, LINE_LAYERS, PARTNERSHIPS, Source

LEXICON_YAML = settings.GEODATA / "lexicon" / "figures.yaml"
#: the metric of a money figure no cue word explains; never written to facts.csv
UNCLASSIFIED = "unclassified"
#: a cue word further than this from its figure (characters) does not decide its kind
CUE_REACH = 60
#: an unlabelled figure takes the kind of money of a sentence at most this many sentences back
CONTEXT_REACH = 6
#: a partner named this far before a trade figure (characters) is its subject
SUBJECT_REACH = 90
#: a cue after the figure counts as this many times as far as one before it
AFTER_WEIGHT = 3
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
#: where a clause ends: "GDP nears $500 billion, with intraregional trade above $10 billion"
#: speaks of two things, one per clause
_CLAUSE_BREAK = re.compile(
    r";|,\s*(?:while|whereas|but|and|although|with)\b|\bwhile\b|\bwhereas\b", re.IGNORECASE
)
#: a word that can name a part: "Tajik", "Beineu–Bozoi", "first", "2nd"
_PART_NAME = re.compile(
    r"^(?:[A-Z][\w–-]*(?<!['’]s)|\d+(?:st|nd|rd|th)|first|second|third|fourth|final|western|"
    r"eastern|northern|southern|central)$"
)
_NOT_NAMES = frozenset({"The", "A", "An", "Its", "This", "That", "Their", "Each"})
_ABOUT_TRADE = frozenset(
    {
        "trade_volume",
        "trade_volume_partial",
        "turnover_change",
        "investment",
        "investment_change",
        "growth_pct",
    }
)
#: the name of a change in trade or investment ("an increase of $5 billion")
_CHANGE = {"trade_volume": "turnover_change", "investment": "investment_change"}
#: a trade figure with no year of its own takes the year of the document's last one
_CARRY_YEAR = frozenset({"trade_volume", "trade_volume_partial", "turnover_change"})
_OF_A_PROJECT = frozenset({"cost", "length", "capacity", "volume", "cumulative_volume"})
_OF_A_PROJECT |= {"loan", "aid", "contribution"}
#: the layers a length may belong to (not partnerships: a sister-city pair has no length)
_LINES = LINE_LAYERS - {PARTNERSHIPS}


@dataclass(frozen=True)
class Fact:
    """One figure: what it measures, about what, for which year, in a normalised unit."""

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
    part: str = ""  # "Tajik section": the part of the feature the figure is about
    each: bool = False  # stated for each of several lines, not for their total
    alt_value: float | None = None  # the value read with a decimal comma

    def row(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "subject": self.subject,
            "year": self.year,
            "value": plain(self.value),
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


def plain(value: float | None) -> float | int | None:
    """A value as it is written: 4 decimals at most, integers without ``.0``."""
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
    """Convert at the average rate of ``year`` (the nearest year the table has), or None.

    Without a year the latest rate is used; callers pass the document's year when the
    figure has none.
    """
    if currency == "USD":
        return amount
    table = rates.get(currency)
    if not table:
        return None
    when = year if year is not None else max(table)
    nearest = min(table, key=lambda y: (abs(y - when), -y))
    return amount / table[nearest]


@dataclass(frozen=True)
class _Kind:
    metric: str
    cue: re.Pattern[str]
    strong: bool = False
    tier: int = 1
    unless: re.Pattern[str] | None = None
    also: re.Pattern[str] | None = None
    #: like ``unless``, read on the whole sentence ("contributing" in a sentence on trade)
    unless_sentence: re.Pattern[str] | None = None


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The compiled word lists of ``geodata/lexicon/figures.yaml``."""

    specific: tuple[_Kind, ...]
    general: tuple[_Kind, ...]
    patterns: dict[str, re.Pattern[str]]
    relative_years: tuple[tuple[re.Pattern[str], int, bool], ...]
    named_after: tuple[tuple[str, re.Pattern[str]], ...]

    def __getattr__(self, name: str) -> re.Pattern[str]:
        try:
            return self.patterns[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _rx(text: str | None) -> re.Pattern[str] | None:
    return re.compile(text, re.IGNORECASE) if text else None


@cache
def load_vocabulary(path: Path = LEXICON_YAML) -> Vocabulary:
    data: dict[str, Any] = yamldata.load(path.read_text(encoding="utf-8"))

    def kinds(items):
        return tuple(
            _Kind(
                metric=k["metric"],
                cue=_rx(k["cue"]),
                strong=bool(k.get("strong")),
                tier=int(k.get("tier", 1)),
                unless=_rx(k.get("unless")),
                also=_rx(k.get("also")),
                unless_sentence=_rx(k.get("unless_sentence")),
            )
            for k in items
        )

    patterns = {}
    for key, value in data.items():
        if isinstance(value, str):
            patterns[key] = _rx(value)
    patterns["not_length_before"] = _rx(data["not_length"]["before"])
    patterns["not_length_after"] = _rx(data["not_length"]["after"])
    patterns["part_length_before"] = _rx(data["not_length"]["parts"])
    # the tickers' pairs are upper case by definition ("USD/KZT")
    patterns["ticker_pair"] = re.compile(data["ticker_pair"])
    patterns["trade_partner"] = re.compile(data["trade_partner"])
    relative = tuple(
        (_rx(r["pattern"]), int(r["delta"]), bool(r.get("previous")))
        for r in data["relative_years"]
    )
    return Vocabulary(
        specific=kinds(data["money"]["specific"]),
        general=kinds(data["money"]["general"]),
        patterns=patterns,
        relative_years=relative,
        named_after=tuple((k["metric"], _rx(k["after"])) for k in data["named_after"]),
    )


def extract_facts(
    text: str,
    sentences: list[tuple[int, int]],
    doc: str,
    doc_date: str | None,
    things: list[Mentioned],
    rates: dict[str, dict[int, float]],
    *,
    vocabulary: Vocabulary | None = None,
    units: Units | None = None,
) -> list[Fact]:
    """Every figure in ``text``, sentence by sentence; never raises on odd text.

    Unclassified money figures come back with metric ``UNCLASSIFIED`` so that the build
    can count them; they are not facts of any kind.
    """
    vocab = vocabulary or load_vocabulary()
    units = units or load_units()
    doc_year = int(doc_date[:4]) if doc_date and doc_date[:4].isdigit() else None
    masks = (vocab.url, vocab.ticker_pair)
    facts: list[Fact] = []
    trade_year: int | None = None
    context: str | None = None  # the kind of money the last sentences spoke of
    since = 0
    for s, e in sentences:
        sentence = text[s:e]
        src = Source(doc, doc_date, sentence, s, e)
        quantities = parse(sentence, units, masks=masks)
        if not quantities:
            # most sentences state no figure: only the kind of money they speak of counts
            found = []
            kind = _context_kind(sentence, vocab)
        else:
            inside = [t for t in things if s <= t.start < e]
            reader = _Sentence(
                sentence, s, src, inside, quantities, doc_year, rates, vocab, units, context
            )
            found = list(reader.facts())
            kind = reader.context_kind()
        context, since = (kind, 0) if kind else (context, since + 1)
        if since > CONTEXT_REACH:
            context = None
        # "In 2024 trade reached $X. ... Kazakhstan accounted for $Y": the year said once
        for j, f in enumerate(found):
            if f.metric in _CARRY_YEAR and f.year is None and trade_year is not None:
                found[j] = replace(f, year=trade_year)
        said = [f.year for f in found if f.metric == "trade_volume" and f.year is not None]
        if said:
            trade_year = max(said)
        facts.extend(found)
    return _decimal_commas(facts, units)


def _length_commas(quantities: list[Quantity], units: Units) -> list[Quantity]:
    """ "123,100 km, including 19,100 km of tunnel": a length longer than the equator has a
    decimal comma, and so have the other comma lengths of its sentence."""
    lengths = [q for q in quantities if q.kind == "length" and q.comma_value is not None]
    if not any(q.value > units.earth_circumference_km for q in lengths):
        return quantities
    return [
        replace(q, value=q.comma_value, comma_value=None) if q in lengths else q for q in quantities
    ]


def _decimal_commas(facts: list[Fact], units: Units) -> list[Fact]:
    """ "$18,342 billion" is $18.342 billion when the comma reading is absurd: more than the
    world's GDP, or a thousand times the document's other money figures."""
    money = [f for f in facts if f.unit == "USD" and f.value]
    out = []
    for f in facts:
        if f.alt_value is None or f.value is None:
            out.append(f)
            continue
        others = [o.value for o in money if o is not f and o.alt_value is None]
        absurd = f.value > units.world_gdp_usd or (
            others and f.value >= units.times_the_others * statistics.median(others)
        )
        out.append(replace(f, value=f.alt_value, alt_value=None) if absurd else f)
    return out


class _Sentence:
    """One sentence's figures, read together (a comparison needs both of its figures)."""

    def __init__(
        self,
        sentence: str,
        offset: int,
        src: Source,
        inside: list[Mentioned],
        quantities: list[Quantity],
        doc_year: int | None,
        rates: dict[str, dict[int, float]],
        vocab: Vocabulary,
        units: Units,
        context: str | None,
    ) -> None:
        self.s = sentence
        self.context = context
        quantities = _length_commas(quantities, units)
        self.offset = offset
        self.src = src
        self.inside = inside
        self.qs: list[Quantity] = quantities
        self.doc_year = doc_year
        self.rates = rates
        self.v: Vocabulary = vocab
        self.clauses = self._clauses()
        self.baseline = self._baselines()
        self.windows = [self._after(i) for i in sorted(self.baseline)]
        self.years = self._years()

    # ---- structure -------------------------------------------------------------------
    def _clauses(self) -> list[tuple[int, int]]:
        cuts = [0] + [m.start() for m in _CLAUSE_BREAK.finditer(self.s)] + [len(self.s)]
        return list(itertools.pairwise(cuts))

    def clause(self, pos: int) -> tuple[int, int]:
        for a, b in self.clauses:
            if a <= pos < b:
                return a, b
        return 0, len(self.s)

    def _baselines(self) -> set[int]:
        """Indices of the figures a comparison measures against ("up from $Y")."""
        out = set()
        for i, q in enumerate(self.qs):
            before = self.s[max(0, q.start - 40) : q.start]
            m = self.v.baseline_before.search(before)
            if not m:
                continue
            same = [j for j, o in enumerate(self.qs) if j != i and o.kind == q.kind]
            if not same:
                continue
            if re.match(r"from\b", m.group(), re.IGNORECASE):
                # "from $Y to $X", "to $X from $Y": a baseline only when another figure
                # follows "to" ("drawn from $10 billion of reserves" compares nothing)
                to = [
                    j
                    for j in same
                    if self.v.baseline_to.search(
                        self.s, max(0, self.qs[j].start - 30), self.qs[j].start
                    )
                ]
                if not to:
                    continue
            out.add(i)
        return out

    def _after(self, i: int) -> tuple[int, int]:
        """The words after figure ``i`` that can hold its own year: to the next figure."""
        q = self.qs[i]
        stop = min([o.start for o in self.qs if o.start >= q.end] + [q.end + 45, len(self.s)])
        return q.end, stop

    def _years(self) -> list[tuple[int, int, int]]:
        """(start, end, year) of the years a main figure can take: not a baseline's year,
        not a starting point ("since 2009"), not part of a range or a date."""
        out = []
        for m in _YEAR.finditer(self.s):
            if self.v.baseline_year_before.search(self.s[max(0, m.start() - 40) : m.start()]):
                continue
            if re.search(r"\bsince\b[^,.;]*$", self.s[: m.start()], re.IGNORECASE):
                continue
            if re.match(r"\s*[-/–]\s*\d", self.s[m.end() : m.end() + 3]) or re.search(
                r"\d\s*[-/–]\s*$", self.s[max(0, m.start() - 3) : m.start()]
            ):
                continue
            if any(a <= m.start() < b for a, b in self.windows):
                continue
            if any(q.start <= m.start() < q.end for q in self.qs):
                continue  # "$2024" or "2024 km": the number itself
            out.append((m.start(), m.end(), int(m.group())))
        return out

    # ---- years -----------------------------------------------------------------------
    def main_year(self, pos: int) -> int | None:
        """The nearest year that is no baseline's, else a relative year ("last year")."""
        if self.years:
            return min(self.years, key=lambda y: (abs(y[0] - pos), y[0]))[2]
        if self.doc_year is None:
            return None
        relative = sorted(
            (abs(m.start() - pos), m.start(), delta, previous)
            for pattern, delta, previous in self.v.relative_years
            for m in pattern.finditer(self.s)
            if not any(a <= m.start() < b for a, b in self.windows)
        )
        if not relative:
            return None
        _, _, delta, previous = relative[0]
        if previous:
            # "the previous year" counts back from the sentence's other year, if it has one
            others = [d for _, _, d, p in relative[1:] if not p]
            return self.doc_year + (others[0] if others else 0) - 1
        return self.doc_year + delta

    def year_of(self, i: int) -> int | None:
        q = self.qs[i]
        if i not in self.baseline:
            return self.main_year(q.start)
        a, b = self._after(i)
        said = _YEAR.search(self.s, a, b)
        if said:
            return int(said.group())
        mains = [j for j, o in enumerate(self.qs) if o.kind == q.kind and j not in self.baseline]
        if mains and self.v.previous_year.search(self.s):
            main = self.main_year(self.qs[mains[0]].start)
            return None if main is None else main - 1
        return None

    # ---- facts -----------------------------------------------------------------------
    def facts(self):
        for i, q in enumerate(self.qs):
            fact = self._fact(i, q)
            if fact is not None:
                yield fact

    def _fact(self, i: int, q: Quantity) -> Fact | None:
        if q.kind == MONEY:
            return self._money(i, q)
        if q.rate == "other":
            return None  # a speed, or tonnes a day: not a length or a yearly volume
        if q.kind == "length":
            if self.v.part_length_before.search(self.s[max(0, q.start - 60) : q.start]):
                # "48 bridges with a total length of 16 km": the parts' length, kept under its
                # own name so that it never stands for the line's
                return self._make("parts_length", q.value, "km", q, None)
            if self._not_a_length(q):
                return None
            return self._make("length", q.value, "km", q, None)
        if q.kind == "power":
            return self._make("capacity", q.value, "MW", q, self.year_of(i))
        if q.kind == "percent":
            metric, sign = self._growth(q)
            return self._make(metric, sign * q.value, "%", q, self.year_of(i))
        return self._volume(i, q)

    def _not_a_length(self, q: Quantity) -> bool:
        before = self.s[max(0, q.start - 60) : q.start]
        after = self.s[q.end : q.end + 40]
        if self.v.extent_before.search(before):
            return False  # "will run about 520 kilometres from Kashgar over the pass"
        return bool(self.v.not_length_before.search(before) or self.v.not_length_after.match(after))

    def _volume(self, i: int, q: Quantity) -> Fact:
        head = self.s[: q.start]
        unit = q.unit
        if q.rate == "year" or self.v.capacity_cue.search(head):
            metric, unit = "capacity", f"{q.unit}/y"
        elif self.v.cumulative_cue.search(self.s):
            metric = "cumulative_volume"
        else:
            metric = "volume"
        end = q.rate_end if q.rate == "year" else q.end
        return self._make(metric, q.value, unit, q, self.year_of(i), end=end)

    def _money(self, i: int, q: Quantity) -> Fact | None:
        if q.rate == "other":
            return None  # "$80 a barrel": a unit price, not a cost
        metric = self._money_metric(i, q)
        year = self.year_of(i)
        value = (
            q.usd
            if q.usd is not None
            else to_usd(q.value, q.unit, year if year is not None else self.doc_year, self.rates)
        )
        alt = None
        if q.comma_value is not None and q.usd is None:
            alt = to_usd(
                q.comma_value, q.unit, year if year is not None else self.doc_year, self.rates
            )
        fact = self._make(metric, value, "USD", q, year)
        return replace(fact, alt_value=alt) if alt is not None else fact

    def _money_metric(self, i: int, q: Quantity) -> str:
        a, b = self.clause(q.start)
        before = self.s[max(0, q.start - 50) : q.start]
        after = self.s[q.end : q.end + 30]
        change = bool(self.v.change_before.search(before) or self.v.change_after.match(after))

        def distance(m: re.Match[str]) -> int:
            if m.end() <= q.start:
                return q.start - m.end()
            if m.start() >= q.end:
                return (m.start() - q.end) * AFTER_WEIGHT
            return 0

        clause_text = self.s[a:b]
        specific_spans = []
        strong, weak = [], []
        for order, kind in enumerate(self.v.specific):
            if kind.unless_sentence is not None and kind.unless_sentence.search(self.s):
                continue
            if kind.metric == "target" and i in self.baseline:
                # "targeting $40 billion of trade by 2030, up from $31 billion in 2022": what
                # a target is measured against is what was reached, not another aim
                continue
            for m in kind.cue.finditer(self.s):
                if kind.unless is None or not kind.unless.search(self.s):
                    # words of a kind the sentence rules out count as plain words: the
                    # "trade" of "foreign trade" in "China accounted for 40% of its foreign trade"
                    specific_spans.append((m.start(), m.end()))
                if not a <= m.start() < b or distance(m) > CUE_REACH:
                    continue
                if kind.unless is not None and kind.unless.search(clause_text):
                    continue
                if kind.also is not None and not kind.also.search(self.s):
                    continue
                (strong if kind.strong else weak).append((distance(m), order, kind.metric))
        following = self.s[q.end : q.end + 60]
        for metric, pattern in self.v.named_after:
            if pattern.match(following):
                return metric  # "the $700 million pipeline", "$350 million worth loan"
        if strong:
            return min(strong)[2]
        general = []
        for order, kind in enumerate(self.v.general):
            for m in kind.cue.finditer(self.s):
                if any(s <= m.start() < e for s, e in specific_spans):
                    continue  # "trade" in "trade surplus" or "foreign trade"
                in_clause = a <= m.start() < b
                general.append((not in_clause, kind.tier, distance(m), order, kind.metric))
        tier1 = [(d, 100 + o, m) for c, t, d, o, m in general if not c and t == 1]
        tier2 = [(d, 100 + o, m) for c, t, d, o, m in general if not c and t == 2]
        # trade and investment words outrank cost words; a loan, aid or exports word competes
        # with either by its distance ("estimated at $850 million, with part of the loan")
        tier3 = [(d, 100 + o, m) for c, t, d, o, m in general if not c and t == 3]
        near = weak + (tier1 or tier2) or tier3
        if near:
            metric = min(near)[2]
        elif general:
            metric = min(general)[4]
        elif self.context and self._partner_before(q):
            # "- Kyrgyzstan: $22.7 billion" under a sentence about trade: that trade
            metric = self.context
        else:
            return UNCLASSIFIED
        if metric in _CHANGE and (
            change or (i not in self.baseline and self._after_change_verb(q))
        ):
            return _CHANGE[metric]
        if metric == "trade_volume" and self.v.part_year.search(self.s, a, b):
            return "trade_volume_partial"  # "in the first five months of 2025"
        return metric

    def _partner_before(self, q: Quantity) -> bool:
        """A Central Asian state (or the five) is named shortly before the figure."""
        lo = self.offset + max(0, q.start - SUBJECT_REACH)
        hi = self.offset + q.start
        if any(lo <= t.start < hi and t.key in CENTRAL_ASIA for t in self.inside):
            return True
        return bool(self.v.central_asia.search(self.s, max(0, q.start - SUBJECT_REACH), q.start))

    def context_kind(self) -> str | None:
        """The kind of money this sentence speaks of, for the unlabelled lines after it."""
        return _context_kind(self.s, self.v)

    def _after_change_verb(self, q: Quantity) -> bool:
        """ "trade increased with Kazakhstan ($2.8 billion)": a verb of change leads to the
        figure, and no word of a level ("to", "reached", "at") stands between them."""
        # from the sentence's start: a list after the verb runs over clause breaks
        verbs = list(self.v.change_verb.finditer(self.s, 0, q.start))
        if not verbs:
            return False
        between = self.s[verbs[-1].end() : q.start]
        return not self.v.level_link.search(between)

    def _growth(self, q: Quantity) -> tuple[str, float]:
        """A percentage is growth when a verb of change is near; its sign from the nearest."""
        lo = max(0, q.start - 60)
        window = self.s[lo : q.end + 40]
        near: list[tuple[int, float]] = []
        for pattern, sign in ((self.v.growth_up, 1.0), (self.v.growth_down, -1.0)):
            for w in pattern.finditer(window):
                at = lo + w.start()
                near.append((q.start - at if at < q.start else at - q.end, sign))
        if not near:
            return "share_pct", 1.0
        return "growth_pct", min(near)[1]

    def _make(self, metric, value, unit, q: Quantity, year, end=None) -> Fact:
        end = q.end if end is None else end
        original = self.s[q.start : end]
        start, stop = self.offset + q.start, self.offset + end
        subject, features, part, each = self._subject(metric, q)
        return Fact(
            metric,
            subject,
            year,
            value,
            unit,
            original,
            self.src,
            start,
            stop,
            features,
            part=part,
            each=each,
        )

    # ---- subjects --------------------------------------------------------------------
    def _subject(self, metric: str, q: Quantity) -> tuple[str | None, tuple[str, ...], str, bool]:
        """What a figure is about: (subject, features it fills, part of them, said of each)."""
        pos = self.offset + q.start
        countries = [t for t in self.inside if "/" not in t.key and t.key in CENTRAL_ASIA]
        features = [t for t in self.inside if "/" in t.key]
        if metric in _ABOUT_TRADE:
            return self._trade_subject(metric, q, pos, countries), (), "", False
        if metric in ("world_turnover", "balance"):
            a, _ = self.clause(q.start)
            before = [
                t for t in self.inside if "/" not in t.key and self.offset + a <= t.start < pos
            ]
            key = max(before, key=lambda t: t.end).key if before else None
            return key, (), "", False
        if metric == "length":
            # a length is a line's: "the 962 km pipeline ... to the Alataw Pass" is not the
            # border crossing's length, whatever stands nearest the figure
            features = [f for f in features if f.key.split("/", 1)[0] in _LINES]
            if self.v.structure_after.match(self.s[q.end : q.end + 80]):
                return None, (), "", False  # "the 5,252-meter Shahriston Tunnel"
        if not features or metric not in _OF_A_PROJECT:
            return None, (), "", False
        each = self._said_of_each(q)
        systems = {f.system for f in features}
        ids = tuple(sorted({f.key for f in features}))
        part = self._section(q)
        if len(ids) > 1 and len(systems) == 1 and None not in systems and not part:
            return "+".join(ids), ids, "", each
        # the subject usually comes first ("the road will cost"): a mention after the figure
        # counts only when it is much closer
        nearest = min(features, key=lambda f: pos - f.end if f.end <= pos else f.start - pos + 20)
        if part:
            return f"{nearest.key}#{_slug(part)}", (nearest.key,), part, False
        return nearest.key, (nearest.key,), "", False

    def _trade_subject(self, metric, q: Quantity, pos: int, countries) -> str | None:
        # "..., with Kazakhstan accounting for $A, Uzbekistan $B": the partner (or the region)
        # named last before the figure, in its clause, with no other sum between them
        a, _ = self.clause(q.start)
        named = [(t.end - self.offset, t.key) for t in countries if t.end <= pos]
        named += [
            (m.end(), CHINA_CENTRAL_ASIA)
            for m in self.v.central_asia.finditer(self.s, 0, q.start)
            if not self._as_place(m)
        ]
        sums = [o.end for o in self.qs if o.kind == MONEY and o.end <= q.start]
        lead = [
            (end, key)
            for end, key in named
            if a <= end <= q.start
            and q.start - end <= SUBJECT_REACH
            and not any(end <= e for e in sums)
        ]
        if lead:
            return max(lead)[1]
        if any(not self._as_place(m) for m in self.v.central_asia.finditer(self.s)):
            return CHINA_CENTRAL_ASIA
        if metric == "growth_pct" and not self.v.trade_or_investment.search(self.s):
            return None  # "maintenance costs rose 5 percent" is nobody's trade
        # "trade with Kyrgyzstan reached ...", "China-Uzbekistan trade reached ...": the
        # partner named nearest before the figure
        starts = {
            self.offset + (m.start(1) if m.group(1) else m.start(2))
            for m in self.v.trade_partner.finditer(self.s)
        }
        named = [t for t in countries if t.start in starts and t.start < pos]
        if named:
            return max(named, key=lambda t: t.start).key
        if len({t.key for t in countries}) == 1:
            return countries[0].key
        before = [t for t in countries if t.end <= pos]
        if before:
            return max(before, key=lambda t: t.end).key
        return None

    def _as_place(self, region: re.Match[str]) -> bool:
        """ "among China's partners in Central Asia": the region as a place, not a partner.

        The locative pattern ends at the region's name, so it is searched in all the words
        before it (a window of a fixed width would cut "throughout the" short).
        """
        return bool(self.v.locative.search(self.s, 0, region.start()))

    def _said_of_each(self, q: Quantity) -> bool:
        """ "Lines A, B and C, each about 1,833 km long": "each" in the figure's own phrase."""
        a, b = self.clause(q.start)
        lo = max(a, self.s.rfind(",", 0, q.start) + 1, q.start - 40)
        comma = self.s.find(",", q.end)
        hi = min(b, comma if comma != -1 else len(self.s), q.end + 30)
        return bool(self.v.each.search(self.s, lo, hi))

    def _section(self, q: Quantity) -> str:
        """ "the 390 km Tajik section": the words naming the part a figure is about."""
        a, b = self.clause(q.start)
        if self.v.part_of.match(self.s[q.end : q.end + 20]):
            return "part"  # "410 km of the 1,000 km line"
        named = self.v.part_country.search(self.s, max(a, q.start - 40), q.start)
        countries = {t.start - self.offset for t in self.inside if "/" not in t.key}
        if named and named.start(1) in countries:
            return f"{named.group(1)} section"  # "Tajikistan (391 km)"
        spans = []
        for m in self.v.section.finditer(self.s, a, b):
            if q.end <= m.start() <= q.end + 40 or m.end() <= q.start:
                spans.append(m)
        if not spans:
            return ""
        m = min(spans, key=lambda m: abs(m.start() - q.end))
        words = []
        for token in reversed(self.s[max(a, m.start() - 40) : m.start()].split()):
            if token in _NOT_NAMES or not _PART_NAME.match(token):
                break
            words.insert(0, token)
        return " ".join([*words[-3:], m.group().split()[0].lower()])


def _context_kind(sentence: str, vocab: Vocabulary) -> str | None:
    """The kind of money a sentence speaks of (its last tier-1 cue), or None."""
    found = [
        (m.start(), k.metric)
        for k in vocab.general
        if k.tier == 1
        for m in k.cue.finditer(sentence)
    ]
    return max(found)[1] if found else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
