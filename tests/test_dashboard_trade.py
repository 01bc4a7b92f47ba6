"""Trade figures: corpus facts beside the reference table, each with its source and conflicts."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import trade
from etl import settings
from etl.schema import FACT_COLUMNS

FACT_ROWS = [
    # metric, subject, year, value, unit, doc, quote, conflict
    (
        "trade_volume",
        "CHN-CENTRAL_ASIA",
        "2024",
        "94820000000",
        "USD",
        "a.txt",
        "Trade: $94.82bn.",
        "",
    ),
    ("trade_volume", "KAZ", "2024", "40000000000", "USD", "b.txt", "Kazakhstan: $40bn.", ""),
    ("trade_volume", "CHN-KGZ", "2024", "22700000000", "USD", "b.txt", "Kyrgyzstan: $22.7bn.", ""),
    (
        "trade_volume",
        "UZB",
        "2023",
        "14000000000",
        "USD",
        "c.txt",
        "Uzbekistan: $14bn.",
        "9 bn in d",
    ),
    ("trade_volume", "TKM", "", "10000000000", "USD", "c.txt", "No year here.", ""),
    ("trade_volume", "RUS", "2024", "1000000000", "USD", "c.txt", "Not Central Asia.", ""),
    ("investment", "KAZ", "2024", "5000000000", "USD", "c.txt", "Investment, not trade.", ""),
    ("trade_volume", "TJK", "2024", "3", "bcm", "c.txt", "Wrong unit.", ""),
]


def facts_frame() -> pd.DataFrame:
    """The rows above as ``facts.csv`` text, read back as the dashboard reads it."""
    m, subj, year, value, unit, original, doc, quote, start, end, conflict = FACT_COLUMNS
    rows = [
        {
            m: r[0],
            subj: r[1],
            year: r[2],
            value: r[3],
            unit: r[4],
            original: r[3],
            doc: r[5],
            quote: r[6],
            start: 0,
            end: len(r[6]),
            conflict: r[7],
        }
        for r in FACT_ROWS
    ]
    text = pd.DataFrame(rows, columns=list(FACT_COLUMNS)).to_csv(index=False)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])


REFERENCE_CSV = """year,partner_iso3,trade_usd_bn,reporter,source
2024,KAZ,43.82,China customs (GACC),Astana Times citing GACC
2024,KGZ,22.71,China customs (GACC),Astana Times citing GACC
2024,CENTRAL_ASIA,94.82,China customs (GACC),Astana Times citing GACC
2023,UZB,14.0,China customs (GACC),bne IntelliNews
"""

DATES = {"a.txt": "2025-01-10", "b.txt": "2025-02-01", "c.txt": None}


@pytest.fixture
def table():
    facts = facts_frame()
    reference = pd.read_csv(io.StringIO(REFERENCE_CSV))
    return trade.trade_table(facts, reference, DATES)


@pytest.mark.parametrize(
    ("subject", "partner"),
    [
        ("KAZ", "KAZ"),
        ("CHN-KAZ", "KAZ"),
        ("KAZ-CHN", "KAZ"),
        ("CHN-CENTRAL_ASIA", trade.REGION),
        ("CENTRAL_ASIA", trade.REGION),
        ("RUS", None),
        ("CHN", None),
        ("pipelines/central-asia-china-gas-line-a", None),
        (None, None),
    ],
)
def test_partner_of_a_subject(subject, partner):
    assert trade.partner_of(subject) == partner


def test_only_trade_volumes_in_usd_with_a_year_and_a_partner(table):
    corpus = table[table[trade.ORIGIN] == trade.CORPUS]
    assert sorted(zip(corpus[trade.YEAR], corpus[trade.PARTNER], strict=True)) == [
        (2023, "UZB"),
        (2024, "CENTRAL_ASIA"),
        (2024, "KAZ"),
        (2024, "KGZ"),
    ]


def test_every_figure_says_where_it_came_from(table):
    for row in table.to_dict("records"):
        assert row[trade.SOURCE]
    kaz = table[(table[trade.PARTNER] == "KAZ") & (table[trade.YEAR] == 2024)]
    sources = dict(zip(kaz[trade.ORIGIN], kaz[trade.SOURCE], strict=True))
    assert sources[trade.REFERENCE] == "China customs (GACC); Astana Times citing GACC"
    assert sources[trade.CORPUS] == "b.txt (2025-02-01)"
    corpus = kaz[kaz[trade.ORIGIN] == trade.CORPUS].iloc[0]
    assert corpus[trade.QUOTE] == "Kazakhstan: $40bn."
    ref = kaz[kaz[trade.ORIGIN] == trade.REFERENCE].iloc[0]
    assert ref[trade.VALUE] == pytest.approx(43.82e9)


def test_disagreeing_sources_are_conflicts_and_agreeing_ones_are_not(table):
    def row(partner, origin, year=2024):
        r = table[
            (table[trade.PARTNER] == partner)
            & (table[trade.ORIGIN] == origin)
            & (table[trade.YEAR] == year)
        ]
        return r.iloc[0]

    kaz = row("KAZ", trade.CORPUS)
    assert kaz[trade.CONFLICT]
    assert "43.82 bn USD (reference: China customs (GACC)" in kaz[trade.CONFLICT_WITH]
    assert row("KAZ", trade.REFERENCE)[trade.CONFLICT]
    # 22.7 vs 22.71: within the tolerance
    assert not row("KGZ", trade.CORPUS)[trade.CONFLICT]
    assert not row(trade.REGION, trade.CORPUS)[trade.CONFLICT]
    # the ETL's own conflict note counts too, even when the values agree
    uzb = row("UZB", trade.CORPUS, 2023)
    assert uzb[trade.CONFLICT] and "9 bn in d" in uzb[trade.CONFLICT_WITH]


def test_year_view_prefers_customs_figures_and_flags_conflicts(table):
    view = trade.year_view(table, 2024)
    assert view.value("KAZ") == pytest.approx(43.82e9)
    assert view.shown("KAZ")[trade.ORIGIN] == trade.REFERENCE
    assert view.conflict("KAZ") and not view.conflict("KGZ")
    assert view.value("TJK") is None
    assert view.top == pytest.approx(43.82e9)
    assert trade.years(table) == [2023, 2024]


def test_corpus_only_figures_are_shown_when_there_is_no_reference():
    facts = facts_frame()
    empty = pd.DataFrame(columns=["year", "partner_iso3", "trade_usd_bn", "reporter", "source"])
    table = trade.trade_table(facts, empty, DATES)
    view = trade.year_view(table, 2024)
    assert view.value("KAZ") == pytest.approx(40e9)
    assert view.shown("KAZ")[trade.ORIGIN] == trade.CORPUS


def test_empty_facts_and_the_real_reference_table():
    facts = pd.DataFrame(columns=list(FACT_COLUMNS))
    reference = pd.read_csv(settings.TRADE_REFERENCE_CSV)
    table = trade.trade_table(facts, reference, {})
    assert len(table) == len(reference)
    assert set(table[trade.ORIGIN]) == {trade.REFERENCE}
    assert 2024 in trade.years(table)
    view = trade.year_view(table, 2024)
    assert view.value("KAZ") == pytest.approx(43.82e9)
    # one figure per partner and year in the reference table: nothing to disagree with
    assert not table[trade.CONFLICT].any()


def test_nothing_at_all():
    table = trade.trade_table(
        pd.DataFrame(columns=list(FACT_COLUMNS)),
        pd.DataFrame(columns=["year", "partner_iso3", "trade_usd_bn", "reporter", "source"]),
        {},
    )
    assert table.empty and list(table.columns) == list(trade.COLUMNS)
    assert trade.years(table) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [(43.82e9, "43.82 bn USD"), (5.4e6, "5.4 M USD"), (999.0, "999 USD"), (None, "n/a")],
)
def test_format_usd(value, text):
    assert trade.format_usd(value) == text
