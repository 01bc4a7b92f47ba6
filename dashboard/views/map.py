"""The map page: filtered layers on a map, the same features in a table, their sources, exports."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from dashboard import data, filters, mapview, provenance, state, table, trade
from dashboard.filters import Extra
from dashboard.map import popups
from dashboard.map.build import build_parts
from dashboard.search import SearchIndex
from dashboard.state import ViewState
from etl.export import FORMATS, Filters, render, render_geopackage
from etl.schema import (
    P_ID,
    PLACES,
)

MAP_KEY = "atlas_map"
_KNOWN_IDS = "_known_ids"
MAP_HEIGHT = 720
_TARGET = "_map_target"
_TARGET_KEY = "_map_target_key"
#: how many times the map was asked to move: names the view (``MapOptions.view_key``)
_TARGET_N = "_map_target_n"
_FLY_TO = "_fly_to"
#: the map's (west, south, east, north), as the map last reported it
MAP_BOUNDS = "_map_bounds"
IN_VIEW_KEY = "w_in_view"
SEARCH_KEY = "w_find"
_HITS = "_find_hits"
_HIT_CHOICE = "w_find_choice"
#: the zoom a place found by name is shown at
PLACE_ZOOM = 9
_MIME = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}


def map_page() -> None:
    build = data.require_build()
    frames = data.load_frames(build)
    basemap = data.load_basemap()
    places = data.load_place_labels()
    trade_table = data.load_trade_table(build)
    choices = data.load_choices(build, tuple(trade.years(trade_table)))
    names = data.country_names()
    view = state.current_view(choices)
    st.session_state[_KNOWN_IDS] = choices.ids

    shown = {
        layer: filters.filter_extra(fs, view.extra)
        for layer, fs in data.filtered(build, list(view.layers), view.filters).items()
    }
    n_shown, n_all = sum(len(fs) for fs in shown.values()), build.count
    st.markdown("### China–Central Asia Atlas")
    message = st.session_state.pop("build_message", None)
    if message:
        st.success(message)
    st.caption(
        f"{_count(n_shown, 'feature')} shown of {n_all} · "
        f"{_count(len(build.documents), 'document')} · "
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
    layers = {layer: _rows(frames[layer], shown[layer]) for layer in view.layers}
    target = _target(build, view, layers)
    options = mapview.MapOptions(
        basemap=view.basemap,
        capacity=view.capacity,
        capacity_scale=_capacity_scale(build) if view.capacity else None,
        trade=year_view,
        assets=mapview.APP_ASSETS
        if st.get_option("server.enableStaticServing")
        else mapview.CDN_ASSETS,
        legend_inside=True,
        titles=build.titles,
        selected=view.selected,
        center=target.center,
        zoom=target.zoom,
        fit=target.fit,
        labels=places,
        # layers as cached static files, not inlined on every rerun (when Streamlit serves them)
        data_url=data.static_url if st.get_option("server.enableStaticServing") else None,
        cache_key=build.stamp or build.path,
        view_key=str(st.session_state.get(_TARGET_N, 0)),
    )
    parts = build_parts(layers, basemap=basemap, options=options)
    map_col, panel_col = st.columns([7, 3], gap="small")
    with map_col:
        # the base map is the same for every filter, so the component keeps its iframe (it
        # is keyed by the base map's script); a filter change only swaps the groups
        st_folium(
            parts.base,
            feature_group_to_add=parts.groups,
            layer_control=parts.control,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_active_drawing", "center", "zoom", "bounds"],
            on_change=_on_map_change,
            render=False,  # st_folium renders the map itself once more; twice is twice the time
        )
    with panel_col:
        _search(build, places)
        _panel(build, view, shown)
    if year_view is not None:
        _trade_notes(year_view, names)

    st.markdown("#### Features")
    listed, bbox = _in_view(build, view, shown)
    table.feature_table(build, listed)
    _exports(listed, view, in_view=bbox is not None)
    # last, so the map reaches the browser first; the widgets' state was read above
    state.sidebar(choices, names=names, titles=build.titles)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --- where the map looks -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """The view the map opens with: a centre and zoom, or bounds to fit."""

    center: tuple[float, float] | None = None
    zoom: float | None = None
    fit: tuple[tuple[float, float], tuple[float, float]] | None = None


def _target(build: data.Build, view: ViewState, layers: dict[str, Any]) -> _Target:
    """Where the map looks: it moves only when what is shown or selected changes.

    A change of filters fits the map to the features they keep; a new selection zooms to
    the feature; a search result flies to it. Panning leaves the map where the user put
    it (and in the URL), so a rerun for a pan does not move it back.
    """
    ss = st.session_state
    # the time slider's year is left out: the map holds still while the years play
    extra = dataclasses.replace(view.extra, time_year=None)
    key = (view.layers, view.filters, extra, view.selected, ss.get(_FLY_TO))
    old = ss.get(_TARGET_KEY)
    target = ss.get(_TARGET)
    if old is None:  # the session's first run: a shared link's view wins
        if view.map_view is not None:
            target = _Target(center=view.map_view[:2], zoom=view.map_view[2])
        elif view.selected:
            target = _fit(build, view, layers, selected_changed=True)
        else:
            target = _fit(build, view, layers, selected_changed=True)
    elif old != key:
        fly = ss.get(_FLY_TO)
        if fly is not None and old[4] != fly and fly[1] == "place":
            target = _Target(center=fly[2][:2], zoom=fly[2][2])
        elif fly is not None and old[4] != fly:
            feature = build.feature(fly[2])
            bounds = mapview.bounds_of_features([feature]) if feature else None
            target = _Target(fit=_box(bounds)) if bounds else target
        else:
            target = _fit(build, view, layers, selected_changed=old[3] != view.selected)
    if old != key:
        ss[_TARGET_N] = ss.get(_TARGET_N, 0) + 1
    ss[_TARGET_KEY], ss[_TARGET] = key, target
    return target


def _fit(build, view, layers, *, selected_changed: bool) -> _Target:
    if view.selected and selected_changed:
        feature = build.feature(view.selected)
        if feature is not None:
            return _Target(fit=_box(mapview.bounds_of_features([feature])))
    if view.filters == Filters() and view.extra == Extra() and view.layers == state.LAYERS:
        return _Target()  # everything: the region's default frame
    bounds = _framed_bounds(layers)
    return _Target(fit=_box(bounds)) if bounds else _Target()


#: the part of the world the atlas is about (west, south, east, north): a filter that keeps
#: Cuba or Hiroshima as context still frames the projects in and around Central Asia
REGION = (25.0, 15.0, 135.0, 60.0)


def _framed_bounds(layers: dict[str, Any]) -> Any:
    """What a fit frames: the projects shown (places only when there are none), and of
    those the ones in the region when there are any; [[south, west], [north, east]].

    Vectorised over the layers' GeoDataFrames (the rows shown): a fit to 20,000 features
    costs milliseconds.
    """
    projects = {k: g for k, g in layers.items() if k != PLACES and len(g)}
    chosen = projects or {k: g for k, g in layers.items() if len(g)}
    geoms = [g.geometry.values for g in chosen.values()]
    if not geoms:
        return None
    arr = np.concatenate([np.asarray(g) for g in geoms])
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    inside = arr[shapely.intersects(arr, shapely.box(*REGION))]
    arr = inside if len(inside) else arr
    if not len(arr):
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(arr)
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _box(bounds):
    return None if bounds is None else (tuple(bounds[0]), tuple(bounds[1]))


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


def _on_map_change() -> None:
    """A click on a feature selects it, by the id in the clicked feature's properties; a
    pan or zoom goes into the URL (``view=``)."""
    value = st.session_state.get(MAP_KEY) or {}
    drawing = value.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    fid = props.get(mapview.K_ID) if isinstance(props, dict) else None
    known = st.session_state.get(_KNOWN_IDS) or frozenset()
    if isinstance(fid, str) and fid in known and fid != st.session_state.get(state.SELECTED):
        state.select(fid)
    bounds = _bbox_of(value.get("bounds"))
    if bounds is not None:
        st.session_state[MAP_BOUNDS] = bounds
    center, zoom = value.get("center"), value.get("zoom")
    if isinstance(center, dict) and isinstance(zoom, (int, float)):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            st.session_state[state.MAP_VIEW] = (
                float(center["lat"]),
                float(center["lng"]),
                float(zoom),
            )


def _bbox_of(bounds: Any) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the bounds the map component reports, or None."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        box = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    return box if all(np.isfinite(box)) else None


def _in_view(
    build: data.Build, view: ViewState, shown: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, list[dict[str, Any]]], tuple[float, float, float, float] | None]:
    """What the table and the downloads list: the filtered features, or, with "only what is
    in the map view" ticked, those of them whose box overlaps the map's (the database
    answers that on its spatial index); and the box used."""
    on = st.checkbox(
        "Only what is in the map view",
        key=IN_VIEW_KEY,
        help="List and export only the features whose extent reaches into the map as it "
        "is now panned and zoomed",
    )
    bbox = st.session_state.get(MAP_BOUNDS) if on else None
    if bbox is None:
        return shown, None
    by_sql = data.filtered(build, list(view.layers), view.filters, bbox)
    return {layer: filters.filter_extra(fs, view.extra) for layer, fs in by_sql.items()}, bbox


def _panel(build: data.Build, view: ViewState, shown: dict[str, list[dict[str, Any]]]) -> None:
    """The selected feature beside the map: its dossier, what the news says beside what the
    registry says, and every source sentence."""
    feature = build.feature(view.selected)
    if feature is None:
        st.caption(
            "Click a line or a point on the map (or a row of the table below) to read its "
            "dossier and sources here."
        )
        return
    p = feature["properties"]
    in_view = any(f["properties"][P_ID] == view.selected for fs in shown.values() for f in fs)
    with st.container(height=MAP_HEIGHT - 90, border=False):
        dossier = popups.dossier_html(p)
        figures = popups.figures_html(p)
        st.html(f"<style>{_PANEL_CSS}</style>")
        st.html(
            provenance.provenance_html(
                feature,
                build.documents,
                in_view=in_view,
                extra=(("Dossier", dossier), ("What the news says beside the registry", figures)),
            )
        )
        about = provenance.facts_about(build.facts, view.selected)
        if not about.empty:
            st.markdown("Figures about it in the corpus")
            st.dataframe(about, hide_index=True)
    if st.button("Clear the selection", key="clear_selection"):
        state.select(None)
        st.rerun()


_PANEL_CSS = """
.atlas-dossier th { text-align: left; color: #666; font-weight: normal; padding-right: 8px;
    vertical-align: top; }
.atlas-figures { border-collapse: collapse; font-size: 0.9em; }
.atlas-figures td, .atlas-figures th { padding: 1px 6px 1px 0; text-align: left; }
.atlas-agree { color: #1a7f37; font-weight: 600; }
.atlas-conflict { color: #b30000; font-weight: 600; }
.atlas-src { color: #555; font-size: 0.85em; }
"""


# --- search --------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def _index(stamp: str, _build: data.Build, _places: list[Any]) -> SearchIndex:
    return SearchIndex.of(_build.features, _places, centroid=_centroid)


def _centroid(feature: dict[str, Any]) -> tuple[float, float]:
    import shapely

    g = shape(feature["geometry"])
    pt = (
        shapely.line_interpolate_point(g, 0.5, normalized=True)
        if g.geom_type in ("LineString", "MultiLineString")
        else g.representative_point()
    )
    return (pt.y, pt.x)


def _search(build: data.Build, places: list[Any]) -> None:
    """A box that finds projects and places by name or alias (accents ignored) and flies the
    map to the match; a project found is selected."""
    index = _index(build.stamp, build, places)
    st.text_input(
        "Find a project or place",
        key=SEARCH_KEY,
        placeholder="e.g. Qorgas, Line C, Almaty",
        on_change=_on_search,
        args=(index,),
    )
    hits = st.session_state.get(_HITS) or []
    if len(hits) > 1:
        st.selectbox(
            f"{len(hits)} matches",
            range(len(hits)),
            format_func=lambda i: hits[i].label,
            key=_HIT_CHOICE,
            on_change=lambda: _go(hits[st.session_state[_HIT_CHOICE]]),
        )
    elif st.session_state.get(SEARCH_KEY) and not hits:
        st.caption("Nothing by that name.")


def _on_search(index: SearchIndex) -> None:
    hits = index.find(st.session_state.get(SEARCH_KEY) or "")
    st.session_state[_HITS] = hits
    st.session_state[_HIT_CHOICE] = 0
    if hits:
        _go(hits[0])


def _go(hit: Any) -> None:
    """Select a project found (the map zooms to it), or fly to a place found."""
    n = (st.session_state.get(_FLY_TO) or (0,))[0] + 1
    if hit.feature_id:
        state.select(hit.feature_id)
        st.session_state[_FLY_TO] = (n, "feature", hit.feature_id)
    else:
        st.session_state[_FLY_TO] = (n, "place", (hit.lat, hit.lon, PLACE_ZOOM))


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


def _exports(
    shown: dict[str, list[dict[str, Any]]], view: ViewState, *, in_view: bool = False
) -> None:
    """Downloads of exactly the features listed; the files are made when a button is clicked."""
    st.markdown("#### Export the filtered view")
    offered = {layer: fs for layer, fs in shown.items() if fs}
    if not offered:
        st.caption("No feature to export: choose a layer, or loosen the filters.")
        return
    # in a popover, whose buttons are drawn only when it opens: nine rows of buttons are
    # not drawn on the page's first paint, beside the map (benchmarks/bench_browser.py)
    files = st.popover(f"Files per layer ({_count(len(offered), 'layer')})", width="stretch")
    for layer, features in offered.items():
        cols = files.columns([3, 2, 2])
        cols[0].markdown(
            f"**{mapview.LAYER_TITLES.get(layer, layer)}** · {_count(len(features), 'feature')}"
        )
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
        data=functools.partial(render_geopackage, dict(shown)),  # every chosen layer, empty or not
        file_name="atlas-filtered.gpkg",
        mime=_MIME["gpkg"],
        key="dl_all_gpkg",
        on_click="ignore",
        type="primary",
    )
    note = filters.caption(view.filters, view.extra).replace("FORMAT", "|".join(FORMATS))
    if in_view:
        note = (
            "Files hold the features in the map view; the command line has no map view, and "
            "writes every feature that passes the filters: " + note
        )
    st.caption(note)
