"""China's trade with the Central Asian states: the corpus's figures beside a reference table.

Two sources of numbers meet here. ``facts.csv`` rows with metric ``trade_volume`` (values in
USD, as the contract normalises them) come from the news texts; the reference table
(``geodata/trade_china_central_asia.csv``) has China's customs figures with the outlet that
reported each. Every row keeps where it came from. Whether two news figures disagree is
the build's verdict (``facts.csv``'s ``conflict`` column), read here, never recomputed; a
news figure and a reference figure for the same partner and year disagree by the ETL's one
rule (``etl.extract.figures.conflicts.differs``). Pure functions of data frames: the pages
and the map only display them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from etl.extract.figures.conflicts import differs
from etl.schema import CENTRAL_ASIA, CHINA_CENTRAL_ASIA, FACT_COLUMNS

#: the partner key for the five states together (the reference table's own spelling)
REGION = "CENTRAL_ASIA"
PARTNERS = (*CENTRAL_ASIA, REGION)
METRIC = "trade_volume"
CORPUS = "corpus"
REFERENCE = "reference"

# columns of the trade table
YEAR = "year"
PARTNER = "partner"
VALUE = "value_usd"
ORIGIN = "origin"
SOURCE = "source"
DOC = "doc"
DATE = "date"
QUOTE = "quote"
NOTE = "note"
CONFLICT = "conflict"
CONFLICT_WITH = "conflict_with"
COLUMNS = (YEAR, PARTNER, VALUE, ORIGIN, SOURCE, DOC, DATE, QUOTE, NOTE, CONFLICT, CONFLICT_WITH)

# facts.csv columns, in the contract's order
(
    F_METRIC,
    F_SUBJECT,
    F_YEAR,
    F_VALUE,
    F_UNIT,
    F_ORIGINAL,
    F_DOC,
    F_QUOTE,
    F_START,
    F_END,
    F_CONFLICT,
) = FACT_COLUMNS
# reference table columns
_R_YEAR, _R_PARTNER, _R_VALUE_BN, _R_REPORTER, _R_SOURCE = (
    "year",
    "partner_iso3",
    "trade_usd_bn",
    "reporter",
    "source",
)


def partner_of(subject: Any) -> str | None:
    """The Central Asian partner a trade figure is about, or None.

    ``KAZ``, ``CHN-KAZ`` and ``KAZ-CHN`` are Kazakhstan's trade with China;
    ``CHN-CENTRAL_ASIA`` (the contract's subject) and ``CENTRAL_ASIA`` are the five together.
    """
    if not isinstance(subject, str):
        return None
    s = subject.strip().upper()
    if s in (CHINA_CENTRAL_ASIA, REGION):
        return REGION
    if s in CENTRAL_ASIA:
        return s
    if "-" in s:
        a, b = s.split("-", 1)
        if a == "CHN" and b in PARTNERS:
            return b
        if b == "CHN" and a in CENTRAL_ASIA:
            return a
    return None


def format_usd(value: float | None) -> str:
    """``43820000000.0`` -> ``43.82 bn USD``."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.2f} bn USD"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} M USD"
    return f"{value:,.0f} USD"


def reference_table(reference: pd.DataFrame) -> pd.DataFrame:
    """The reference CSV as trade-table rows (values in USD, the reporter and outlet as source)."""
    rows = []
    for r in reference.to_dict("records"):
        partner = partner_of(r.get(_R_PARTNER))
        value = _number(r.get(_R_VALUE_BN))
        year = _year(r.get(_R_YEAR))
        if partner is None or value is None or year is None:
            continue
        reporter, outlet = _text(r.get(_R_REPORTER)), _text(r.get(_R_SOURCE))
        rows.append(
            {
                YEAR: year,
                PARTNER: partner,
                VALUE: value * 1e9,
                ORIGIN: REFERENCE,
                SOURCE: "; ".join(x for x in (reporter, outlet) if x),
                DOC: None,
                DATE: None,
                QUOTE: None,
                NOTE: None,
            }
        )
    return _frame(rows)


def corpus_table(facts: pd.DataFrame, doc_dates: Mapping[str, str | None]) -> pd.DataFrame:
    """``trade_volume`` facts about China and a Central Asian state (or all five) with a year."""
    rows = []
    if facts.empty or F_METRIC not in facts.columns:
        return _frame(rows)
    for r in facts.to_dict("records"):
        if _text(r.get(F_METRIC)) != METRIC:
            continue
        unit = _text(r.get(F_UNIT))
        if unit and unit.upper() != "USD":
            continue
        partner = partner_of(r.get(F_SUBJECT))
        value, year = _number(r.get(F_VALUE)), _year(r.get(F_YEAR))
        if partner is None or value is None or year is None:
            continue
        doc = _text(r.get(F_DOC))
        date = doc_dates.get(doc) if doc else None
        rows.append(
            {
                YEAR: year,
                PARTNER: partner,
                VALUE: value,
                ORIGIN: CORPUS,
                SOURCE: f"{doc} ({date})" if date else (doc or "corpus"),
                DOC: doc,
                DATE: date,
                QUOTE: _text(r.get(F_QUOTE)),
                NOTE: _text(r.get(F_CONFLICT)),
            }
        )
    return _frame(rows)


def trade_table(
    facts: pd.DataFrame, reference: pd.DataFrame, doc_dates: Mapping[str, str | None]
) -> pd.DataFrame:
    """Corpus and reference figures in one table, sorted, with conflicts marked."""
    table = pd.concat(
        [corpus_table(facts, doc_dates), reference_table(reference)], ignore_index=True
    )
    if table.empty:
        return _frame([])
    table = table.sort_values([YEAR, PARTNER, ORIGIN, SOURCE], kind="stable").reset_index(drop=True)
    return mark_conflicts(table)


def mark_conflicts(table: pd.DataFrame) -> pd.DataFrame:
    """Set ``conflict`` and say what each row disagrees with, per partner and year.

    Two news figures are never compared here: the build did that, and its note is in the
    row. A news figure is compared with the reference figures by the ETL's own rule.
    """
    table = table.copy()
    flags: list[bool] = []
    others: list[str | None] = []
    groups = {k: g for k, g in table.groupby([YEAR, PARTNER], sort=False)}
    for row in table.itertuples(index=True):
        group = groups[(getattr(row, YEAR), getattr(row, PARTNER))]
        mine = getattr(row, VALUE)
        clash = []
        for other in group.itertuples(index=True):
            if other.Index == row.Index or CORPUS == getattr(other, ORIGIN) == getattr(row, ORIGIN):
                continue
            theirs = getattr(other, VALUE)
            if differs(theirs, mine):
                clash.append(
                    f"{format_usd(theirs)} ({getattr(other, ORIGIN)}: {getattr(other, SOURCE)})"
                )
        note = _text(getattr(row, NOTE))
        flags.append(bool(clash) or bool(note))
        text = "; ".join(dict.fromkeys(clash))
        if note:
            text = f"{text}; {note}" if text else str(note)
        others.append(text or None)
    table[CONFLICT] = flags
    table[CONFLICT_WITH] = pd.Series(others, index=table.index, dtype=object)
    return table


def years(table: pd.DataFrame, *, countries_only: bool = True) -> list[int]:
    """Years with figures (by default, figures for single states, which the map can show)."""
    rows = table[table[PARTNER] != REGION] if countries_only else table
    return sorted({int(y) for y in rows[YEAR]})


@dataclass(frozen=True)
class YearView:
    """One year's figures, per partner: what the map shows and everything behind it."""

    year: int
    figures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def shown(self, partner: str) -> dict[str, Any] | None:
        """The figure the map draws: China's customs (reference) first, else the corpus's."""
        rows = self.figures.get(partner) or []
        for origin in (REFERENCE, CORPUS):
            for r in rows:
                if r[ORIGIN] == origin:
                    return r
        return None

    def value(self, partner: str) -> float | None:
        row = self.shown(partner)
        return None if row is None else float(row[VALUE])

    def conflict(self, partner: str) -> bool:
        return any(r[CONFLICT] for r in self.figures.get(partner) or [])

    @property
    def top(self) -> float:
        values = [v for p in CENTRAL_ASIA if (v := self.value(p)) is not None]
        return max(values, default=0.0)


def year_view(table: pd.DataFrame, year: int) -> YearView:
    rows = table[table[YEAR] == year].to_dict("records")
    figures: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        figures.setdefault(r[PARTNER], []).append(r)
    return YearView(year=year, figures=figures)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in (CONFLICT, CONFLICT_WITH)])
    frame[YEAR] = frame[YEAR].astype("int64")
    frame[VALUE] = frame[VALUE].astype("float64")
    frame[CONFLICT] = False
    frame[CONFLICT_WITH] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame


def _number(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _year(value: Any) -> int | None:
    v = _number(value)
    if v is None or v != int(v) or not 1900 <= v <= 2100:
        return None
    return int(v)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    return s or None
