"""The figures page: trade over time (corpus beside the reference table), and the facts table."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, state, trade

REGION_NAME = "Central Asia (the five)"


def _name(partner: str) -> str:
    return REGION_NAME if partner == trade.REGION else data.country_names().get(partner, partner)


def figures_page() -> None:
    build = data.require_build()
    st.markdown("### Trade between China and Central Asia")
    table = data.load_trade_table(build)
    if table.empty:
        st.info(
            "No trade figures yet: the corpus has no `trade_volume` facts and the reference "
            "table is missing."
        )
    else:
        _trade_chart(table)
        _trade_table(table)

    st.markdown("### Facts read from the texts")
    _facts(build.facts)


def _trade_chart(table: pd.DataFrame) -> None:
    frame = table.assign(
        **{
            "partner name": table[trade.PARTNER].map(_name),
            "bn USD": table[trade.VALUE] / 1e9,
            "figure": table[trade.ORIGIN].map(
                {trade.REFERENCE: "reference (China customs)", trade.CORPUS: "corpus (news texts)"}
            ),
            "conflict": table[trade.CONFLICT].map({True: "⚠ sources disagree", False: ""}),
        }
    )
    partners = sorted(frame["partner name"].unique())
    chosen = st.multiselect(
        "Partners", partners, default=partners, key="fig_partners", **state.PICKER
    )
    frame = frame[frame["partner name"].isin(chosen)]
    base = alt.Chart(frame).encode(
        # quantitative, so 2013 and 2022 stand nine years apart (an ordinal axis evens gaps out)
        x=alt.X(
            f"{trade.YEAR}:Q",
            title="year",
            axis=alt.Axis(format="d", tickMinStep=1),
            scale=alt.Scale(zero=False),
        ),
        y=alt.Y("bn USD:Q", title="trade with China (bn USD)"),
        color=alt.Color("partner name:N", title="partner"),
        tooltip=[
            alt.Tooltip("partner name:N", title="partner"),
            alt.Tooltip(f"{trade.YEAR}:Q", title="year", format="d"),
            alt.Tooltip("bn USD:Q", format=",.2f"),
            alt.Tooltip("figure:N", title="from"),
            alt.Tooltip(f"{trade.SOURCE}:N", title="source"),
            alt.Tooltip("conflict:N"),
        ],
    )
    reference = base.transform_filter(alt.datum.figure == "reference (China customs)")
    corpus = base.transform_filter(alt.datum.figure == "corpus (news texts)")
    rings = (
        alt.Chart(frame[frame["conflict"] != ""])
        .mark_point(shape="circle", size=360, color="#d7301f", strokeWidth=2)
        .encode(x=alt.X(f"{trade.YEAR}:Q", scale=alt.Scale(zero=False)), y="bn USD:Q")
    )
    chart = (
        reference.mark_line(point=True)
        + corpus.mark_point(shape="diamond", size=110, filled=True)
        + rings
    )
    st.altair_chart(chart, width="stretch")
    st.caption(
        "Lines: China's customs figures from the reference table "
        "(`geodata/trade_china_central_asia.csv`). Diamonds: figures read from the news texts. "
        "Red rings: the sources disagree for that partner and year."
    )


def _trade_table(table: pd.DataFrame) -> None:
    shown = pd.DataFrame(
        {
            "year": table[trade.YEAR],
            "partner": table[trade.PARTNER].map(_name),
            "value": table[trade.VALUE].map(trade.format_usd),
            "from": table[trade.ORIGIN],
            "conflict": [
                f"⚠ {w or ''}".strip() if c else ""
                for c, w in zip(table[trade.CONFLICT], table[trade.CONFLICT_WITH], strict=True)
            ],
            "source": table[trade.SOURCE],
            "quote": table[trade.QUOTE],
        }
    )
    only = st.toggle("Only figures whose sources disagree", key="fig_conflicts_only")
    if only:
        shown = shown[shown["conflict"] != ""]
    st.dataframe(shown, hide_index=True)


#: numbers as a reader reads them (70,200,000,000, not 70200000000)
FACT_COLUMNS = {
    "value": st.column_config.NumberColumn("value", format="localized"),
    "value_usd": st.column_config.NumberColumn("value (USD)", format="localized"),
}


def _facts(facts: pd.DataFrame) -> None:
    if facts.empty:
        st.info("The build has no facts yet (facts.csv is empty).")
        return
    frame = facts.copy()
    frame.insert(
        0,
        "⚠",
        ["⚠ conflict" if isinstance(c, str) and c.strip() else "" for c in frame[trade.F_CONFLICT]],
    )
    metrics = sorted(frame[trade.F_METRIC].dropna().unique())
    c1, c2, c3 = st.columns([2, 2, 1])
    chosen = c1.multiselect(
        "Metric", metrics, key="facts_metric", placeholder="all metrics", **state.PICKER
    )
    search = c2.text_input("Search subjects and quotes", key="facts_search")
    only = c3.toggle("Conflicts only", key="facts_conflicts")
    if chosen:
        frame = frame[frame[trade.F_METRIC].isin(chosen)]
    if search:
        needle = search.lower()
        hay = frame[trade.F_SUBJECT].fillna("") + " " + frame[trade.F_QUOTE].fillna("")
        frame = frame[hay.str.lower().str.contains(needle, regex=False)]
    if only:
        frame = frame[frame["⚠"] != ""]
    st.caption(f"{len(frame)} of {len(facts)} facts. ⚠ marks figures another source contradicts.")
    st.dataframe(frame, hide_index=True, column_config=FACT_COLUMNS)
