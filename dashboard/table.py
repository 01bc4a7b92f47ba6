"""The features table below the map, sent one page of rows at a time.

Sent whole, the table was most of the WebSocket's bytes on every rerun of a large view
(about 1 MB at 5,000 features, 4 MB at 20,000), while a person reads ten rows at a time.
Up to ``PAGE_ROWS`` rows it is sent whole, as before (its header sorts and its search box
finds over every row). Above that the page sends ``PAGE_ROWS`` rows, and sorting, finding
and paging run on the server over every row: "Sort by", "Find in the table" and "Page".
The table is a fragment: paging, sorting and finding rerun it alone, not the map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, provenance, state
from etl.schema import (
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_CONFIDENCE,
    P_COUNTRIES,
    P_FIRST_SEEN,
    P_ID,
    P_LAYER,
    P_LENGTH_KM,
    P_MENTIONS,
    P_NAME,
    P_PRECISION,
    P_STATUS,
    P_TYPE,
    PLACES,
)

#: rows sent at once; a larger table is paged
PAGE_ROWS = 250
TABLE_KEY = "feature_table"
#: the ids of the rows sent, in their order (a selected row's position names its feature)
TABLE_IDS = "_table_ids"
SORT_KEY = "w_table_sort"
DESCENDING_KEY = "w_table_desc"
FIND_KEY = "w_table_find"
PAGE_KEY = "w_table_page"
_SELECTED_NOW = "_table_selected_now"
#: the order of the filtered view (projects first, then places)
AS_LISTED = "as listed"
#: what "Find in the table" looks in
FIND_COLUMNS = (P_NAME, P_ID, P_LAYER, P_TYPE, P_STATUS, P_COUNTRIES)

COLUMNS = {
    P_NAME: st.column_config.TextColumn("Name", width="large"),
    P_LAYER: "Layer",
    P_TYPE: "Type",
    P_STATUS: "Status",
    P_COUNTRIES: "Countries",
    P_CAPACITY: st.column_config.NumberColumn("Capacity", format="%g"),
    P_CAPACITY_UNIT: "Unit",
    P_LENGTH_KM: st.column_config.NumberColumn("Length (km)", format="%.0f"),
    P_PRECISION: "Location",
    P_CONFIDENCE: st.column_config.NumberColumn("Confidence", format="%.2f"),
    P_MENTIONS: "Mentions",
    P_FIRST_SEEN: "First seen",
    P_ID: "Id",
}
_TITLES = {
    column: (spec if isinstance(spec, str) else spec["label"]) for column, spec in COLUMNS.items()
}


@st.cache_resource(show_spinner=False, max_entries=2)
def _full_table(path: str, stamp: str, _build: data.Build) -> pd.DataFrame:
    """Every feature of the build as a table row, in the build's layer order."""
    return provenance.feature_table(_build.features)


def listed_rows(build: data.Build, shown: Mapping[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """The rows of the features shown: projects first (the places are many and mostly
    context); the build's table (made once per build) picked out, not remade per rerun."""
    full = _full_table(build.path, build.stamp, build)
    ids = {f["properties"][P_ID] for fs in shown.values() for f in fs}
    layer_rank = {k: i for i, k in enumerate(sorted(shown, key=lambda k: k == PLACES))}
    table = full[full[P_ID].isin(ids) & full[P_LAYER].isin(layer_rank)]
    table = table.sort_values(P_LAYER, key=lambda c: c.map(layer_rank), kind="stable")
    return table.reset_index(drop=True)


def found(table: pd.DataFrame, words: str) -> pd.DataFrame:
    """The rows where every word is in one of ``FIND_COLUMNS`` (case ignored)."""
    keep = pd.Series(True, index=table.index)
    for word in words.lower().split():
        hit = pd.Series(False, index=table.index)
        for column in FIND_COLUMNS:
            text = table[column].astype("string").str.lower()
            hit |= text.str.contains(word, regex=False, na=False)
        keep &= hit
    return table[keep]


def sorted_rows(table: pd.DataFrame, column: str, *, descending: bool) -> pd.DataFrame:
    """``table`` sorted by ``column`` (empty cells last), or as listed."""
    if column not in table.columns:
        return table
    return table.sort_values(column, ascending=not descending, kind="stable", na_position="last")


def page_of(table: pd.DataFrame, page: int, rows: int) -> pd.DataFrame:
    """Rows of page ``page`` (from 1; held within the pages there are) of ``rows`` rows."""
    pages = max(1, math.ceil(len(table) / rows))
    page = min(max(1, page), pages)
    return table.iloc[(page - 1) * rows : page * rows]


@st.fragment
def feature_table(build: data.Build, shown: Mapping[str, list[dict[str, Any]]]) -> None:
    """The table of the features shown; a selected row selects its feature."""
    if st.session_state.pop(_SELECTED_NOW, False):
        st.rerun()  # the whole page: the map and the panel show the selection
    table = listed_rows(build, shown)
    st.caption("Select a row (or click a feature on the map) to read all its sources.")
    if len(table) > PAGE_ROWS:
        table = _paged(table)
    st.session_state[TABLE_IDS] = list(table[P_ID])
    st.dataframe(
        table,
        key=TABLE_KEY,
        on_select=_on_select,
        selection_mode="single-row",
        hide_index=True,
        height=min(38 + 35 * max(len(table), 1), 420),
        column_config=COLUMNS,
    )


def _paged(table: pd.DataFrame) -> pd.DataFrame:
    """The controls of a paged table, and the page they choose."""
    sort_col, desc_col, find_col, page_col = st.columns([3, 2, 4, 2], vertical_alignment="bottom")
    column = sort_col.selectbox(
        "Sort by",
        [AS_LISTED, *COLUMNS],
        format_func=lambda c: _TITLES.get(c, c),
        key=SORT_KEY,
        on_change=_first_page,
    )
    descending = desc_col.toggle("Descending", key=DESCENDING_KEY, on_change=_first_page)
    words = find_col.text_input(
        "Find in the table",
        key=FIND_KEY,
        placeholder="name, id, type, status, country",
        on_change=_first_page,
    )
    rows = sorted_rows(found(table, words or ""), column, descending=descending)
    pages = max(1, math.ceil(len(rows) / PAGE_ROWS))
    if st.session_state.get(PAGE_KEY, 1) > pages:
        st.session_state[PAGE_KEY] = pages
    page = page_col.number_input("Page", min_value=1, max_value=pages, step=1, key=PAGE_KEY)
    shown = page_of(rows, int(page), PAGE_ROWS)
    first = (int(page) - 1) * PAGE_ROWS
    st.caption(
        f"Rows {first + 1 if len(shown) else 0}–{first + len(shown)} of {len(rows)}"
        + (f" (of {len(table)} listed)" if len(rows) != len(table) else "")
        + f", page {int(page)} of {pages}. A column's header sorts this page only."
    )
    return shown.reset_index(drop=True)


def _first_page() -> None:
    st.session_state[PAGE_KEY] = 1


def _on_select() -> None:
    event = st.session_state.get(TABLE_KEY)
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    if not rows and isinstance(event, dict):
        rows = list((event.get("selection") or {}).get("rows") or [])
    ids = st.session_state.get(TABLE_IDS) or []
    if rows and rows[0] < len(ids):
        state.select(ids[rows[0]])
        st.session_state[_SELECTED_NOW] = True
