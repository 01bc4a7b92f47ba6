"""The map page: filtered layers on a map, the same features in a table, their sources, exports."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, mapview, provenance, state, trade
from dashboard.state import ViewState
from etl.export import FORMATS, Filters, render, render_geopackage
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

MAP_KEY = "atlas_map"
TABLE_KEY = "feature_table"
_TABLE_IDS = "_table_ids"
_KNOWN_IDS = "_known_ids"
MAP_HEIGHT = 680
_MIME = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}


def map_page() -> None:
    build = data.require_build()
    frames = data.load_frames(build)
    basemap = data.load_basemap()
    trade_table = data.load_trade_table(build)
    choices = state.choices_of(build.features, build.documents, trade.years(trade_table))
    names = data.country_names()
    view = state.current_view(choices)
    st.session_state[_KNOWN_IDS] = choices.ids

    shown = data.filtered(build, list(view.layers), view.filters)
    n_shown, n_all = sum(len(fs) for fs in shown.values()), build.count
    st.markdown("### China–Central Asia Atlas")
    message = st.session_state.pop("build_message", None)
    if message:
        st.success(message)
    st.caption(
        f"{n_shown} of {n_all} features · {len(build.documents)} documents · "
        "the link in the address bar reproduces this view"
    )
    if n_all == 0:
        st.info("The build has no features yet. Add articles on the **Add articles** page.")
    elif not view.layers:
        st.warning("No layer is chosen: pick at least one under **Layers** in the sidebar.")
    elif n_shown == 0:
        st.info(
            "No feature matches these filters. Loosen them in the sidebar, or **Reset the view**."
        )

    year_view = trade.year_view(trade_table, view.trade_year) if view.trade_year else None
    options = mapview.MapOptions(
        basemap=view.basemap,
        capacity=view.capacity,
        capacity_scale=_capacity_scale(build) if view.capacity else None,
        trade=year_view,
        assets=mapview.APP_ASSETS
        if st.get_option("server.enableStaticServing")
        else mapview.CDN_ASSETS,
        legend_inside=False,
        titles=build.titles,
    )
    layers = {layer: _rows(frames[layer], shown[layer]) for layer in view.layers}
    m = mapview.build_map(layers, basemap=basemap, options=options)
    map_col, legend_col = st.columns([4, 1], gap="small")
    with map_col:
        st_folium(
            m,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_object_clicked_tooltip"],
            on_change=_on_map_click,
            render=False,  # st_folium renders the map itself once more; twice is twice the time
        )
    with legend_col:
        legend = mapview.map_legend(layers, basemap=basemap is not None, options=options, columns=1)
        st.html(
            f"<style>{mapview.LEGEND_CSS}</style>"
            f'<div style="max-height:{MAP_HEIGHT}px;overflow-y:auto">{legend}</div>'
        )
    if year_view is not None:
        _trade_notes(year_view, names)

    st.markdown("#### Features")
    _table(shown)
    _provenance(build, view, shown)
    _exports(shown, view.filters)
    # last, so the map reaches the browser first; the widgets' state was read above
    state.sidebar(choices, names=names, titles=build.titles)


def _rows(gdf: Any, features: list[dict[str, Any]]) -> Any:
    """The GeoDataFrame rows of the filtered features (filtering stays in ``etl.export``)."""
    if len(features) == len(gdf):
        return gdf
    ids = {f["properties"][P_ID] for f in features}
    return gdf[gdf[P_ID].isin(ids)]


def _capacity_scale(build: data.Build) -> dict[str, float]:
    """Capacity scales over the whole build, so widths do not jump when filters change."""
    from dashboard.styles import capacity_scale

    return capacity_scale(f["properties"] for fs in build.features.values() for f in fs)


# --- selection -----------------------------------------------------------------------------------


def _on_map_click() -> None:
    """A click on a feature selects it (its tooltip carries its id)."""
    value = st.session_state.get(MAP_KEY) or {}
    text = value.get("last_object_clicked_tooltip") or ""
    found = mapview.feature_id_from_tooltip(text, st.session_state.get(_KNOWN_IDS) or frozenset())
    if found:
        state.select(found)


def _on_table_select() -> None:
    event = st.session_state.get(TABLE_KEY)
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    if not rows and isinstance(event, dict):
        rows = list((event.get("selection") or {}).get("rows") or [])
    ids = st.session_state.get(_TABLE_IDS) or []
    if rows and rows[0] < len(ids):
        state.select(ids[rows[0]])


def _table(shown: dict[str, list[dict[str, Any]]]) -> None:
    # projects first: the places are many and mostly context
    table = provenance.feature_table(
        {k: shown[k] for k in sorted(shown, key=lambda k: k == PLACES)}
    )
    st.session_state[_TABLE_IDS] = list(table[P_ID])
    st.caption("Select a row (or click a feature on the map) to read all its sources.")
    st.dataframe(
        table,
        key=TABLE_KEY,
        on_select=_on_table_select,
        selection_mode="single-row",
        hide_index=True,
        height=min(38 + 35 * max(len(table), 1), 420),
        column_config=_COLUMNS,
    )


_COLUMNS = {
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


def _provenance(build: data.Build, view: ViewState, shown: dict[str, list[dict[str, Any]]]) -> None:
    feature = build.feature(view.selected)
    if feature is None:
        return
    in_view = any(f["properties"][P_ID] == view.selected for fs in shown.values() for f in fs)
    st.markdown("#### Sources of the selected feature")
    st.html(provenance.provenance_html(feature, build.documents, in_view=in_view))
    about = provenance.facts_about(build.facts, view.selected)
    if not about.empty:
        st.markdown("Figures about it in the corpus")
        st.dataframe(about, hide_index=True)
    if st.button("Clear the selection", key="clear_selection"):
        state.select(None)
        st.rerun()


# --- trade ---------------------------------------------------------------------------------------


def _trade_notes(view: trade.YearView, names: dict[str, str]) -> None:
    """The figures behind the trade overlay, each with its source; conflicts flagged."""
    rows = []
    for partner in trade.PARTNERS:
        for r in view.figures.get(partner) or []:
            rows.append(
                {
                    "partner": "Central Asia (the five)"
                    if partner == trade.REGION
                    else names.get(partner, partner),
                    "value": trade.format_usd(r[trade.VALUE]),
                    "from": r[trade.ORIGIN],
                    "source": r[trade.SOURCE],
                    "quote": r[trade.QUOTE],
                    "on the map": r is view.shown(partner),
                    "conflict": ("⚠ " + (r[trade.CONFLICT_WITH] or ""))
                    if r[trade.CONFLICT]
                    else "",
                }
            )
    with st.expander(f"Trade figures for {view.year}, with their sources", expanded=False):
        st.dataframe(rows, hide_index=True)


# --- exports -------------------------------------------------------------------------------------


def _exports(shown: dict[str, list[dict[str, Any]]], filters: Filters) -> None:
    """Downloads of exactly the filtered features; the files are made when a button is clicked."""
    st.markdown("#### Export the filtered view")
    if not shown:
        st.caption("Choose a layer to export.")
        return
    for layer, features in shown.items():
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{mapview.LAYER_TITLES.get(layer, layer)}** · {len(features)} features")
        for col, fmt in zip(cols[1:], ("geojson", "csv"), strict=True):
            col.download_button(
                f"{fmt.upper() if fmt == 'csv' else 'GeoJSON'}",
                data=functools.partial(render, layer, features, fmt),
                file_name=f"{layer}.{fmt}",
                mime=_MIME[fmt],
                key=f"dl_{layer}_{fmt}",
                on_click="ignore",
            )
    st.download_button(
        "All chosen layers as one GeoPackage",
        data=functools.partial(render_geopackage, dict(shown)),
        file_name="atlas-filtered.gpkg",
        mime=_MIME["gpkg"],
        key="dl_all_gpkg",
        on_click="ignore",
        type="primary",
    )
    st.caption(_cli_note(filters))


def _cli_note(filters: Filters) -> str:
    """The ``atlas export`` command that writes the same bytes, when the CLI can say it."""
    cli = Filters(types=filters.types, countries=filters.countries, statuses=filters.statuses)
    if cli != filters:
        return (
            "Files are made by the same code as `atlas export`; its command line takes type, "
            "country and status filters only."
        )
    args = [
        "atlas export --layer LAYER",
        *(f"--type {t}" for t in filters.types),
        *(f"--country {c}" for c in filters.countries),
        *(f"--status {s}" for s in filters.statuses),
        f"--format {'|'.join(FORMATS)} --out FILE",
    ]
    return f"Same bytes as `{' '.join(args)}`."
