"""The view a user has chosen (layers, filters, overlays, selection) and its URL form.

``ViewState`` is what the map, the table and the exports all follow. It round-trips through
the page's query string (``to_query``/``from_query``, pure functions), so a copied link
reproduces the view; ``sidebar`` draws the widgets and keeps the URL in step with them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import styles
from dashboard.mapview import BASEMAPS, LAYER_TITLES
from etl.export import UNKNOWN_STATUS, Filters
from etl.schema import (
    CAPACITY_UNITS,
    LAYERS,
    P_CAPACITY_UNIT,
    P_COUNTRIES,
    P_FIRST_SEEN,
    P_ID,
    P_TYPE,
    STATUSES,
)

# query-string keys
Q_LAYERS = "layer"
Q_TYPES = "type"
Q_STATUSES = "status"
Q_COUNTRIES = "country"
Q_FROM = "from"
Q_TO = "to"
Q_DOCS = "doc"
Q_MIN_CAPACITY = "min_capacity"
Q_UNIT = "unit"
Q_TEXT = "q"
Q_INFERRED = "inferred"
Q_BASEMAP = "basemap"
Q_CAPACITY = "capacity"
Q_TRADE = "trade"
Q_SELECTED = "feature"
#: the map's centre and zoom: ``lat,lon,zoom``
Q_VIEW = "view"
QUERY_KEYS = (
    Q_LAYERS,
    Q_TYPES,
    Q_STATUSES,
    Q_COUNTRIES,
    Q_FROM,
    Q_TO,
    Q_DOCS,
    Q_MIN_CAPACITY,
    Q_UNIT,
    Q_TEXT,
    Q_INFERRED,
    Q_BASEMAP,
    Q_CAPACITY,
    Q_TRADE,
    Q_SELECTED,
    Q_VIEW,
)

# widget keys (Streamlit session state)
W_LAYERS = "w_layers"
W_TYPES = "w_types"
W_STATUSES = "w_statuses"
W_COUNTRIES = "w_countries"
W_FROM = "w_from"
W_TO = "w_to"
W_DOCS = "w_docs"
W_MIN_CAPACITY = "w_min_capacity"
W_UNIT = "w_unit"
W_TEXT = "w_text"
W_INFERRED = "w_inferred"
W_BASEMAP = "w_basemap"
W_CAPACITY = "w_capacity"
W_TRADE_ON = "w_trade_on"
W_TRADE_YEAR = "w_trade_year"
SELECTED = "selected_feature"
#: the map's (lat, lon, zoom), as the map last reported it
MAP_VIEW = "map_view"
_LOADED = "_view_from_url"
#: a copy of the view outside the widgets: Streamlit forgets a widget's state when a run of
#: another page does not draw it, and the map page must come back as the user left it
_LAST_VIEW = "_last_view"

_WIDGET_KEYS = (
    W_LAYERS,
    W_TYPES,
    W_STATUSES,
    W_COUNTRIES,
    W_FROM,
    W_TO,
    W_DOCS,
    W_MIN_CAPACITY,
    W_UNIT,
    W_TEXT,
    W_INFERRED,
    W_BASEMAP,
    W_CAPACITY,
    W_TRADE_ON,
    W_TRADE_YEAR,
)
ANY_UNIT = ""


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the map page shows."""

    layers: tuple[str, ...] = LAYERS
    filters: Filters = field(default_factory=Filters)
    basemap: str = "none"
    capacity: bool = False
    trade_year: int | None = None
    selected: str | None = None
    #: the map's centre and zoom (lat, lon, zoom); None: fitted to what is shown
    map_view: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Choices:
    """What the build offers to choose from; values outside these are dropped from a URL."""

    layers: tuple[str, ...] = LAYERS
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = (*STATUSES, UNKNOWN_STATUS)
    countries: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    units: tuple[str, ...] = CAPACITY_UNITS
    years: tuple[int, ...] = ()
    ids: frozenset[str] = frozenset()
    first_date: str | None = None
    last_date: str | None = None


def choices_of(
    features: Mapping[str, list[dict[str, Any]]], docs: Iterable[str], years: Iterable[int]
) -> Choices:
    """The choices a build offers: the types, countries and units its features use."""
    types, countries, units, ids, dates = set(), set(), set(), set(), set()
    for fs in features.values():
        for f in fs:
            p = f["properties"]
            types.add(p.get(P_TYPE) or "")
            countries.update(p.get(P_COUNTRIES) or ())
            if p.get(P_CAPACITY_UNIT):
                units.add(p[P_CAPACITY_UNIT])
            ids.add(p.get(P_ID))
            if p.get(P_FIRST_SEEN):
                dates.add(p[P_FIRST_SEEN])
    types.discard("")
    order = {u: i for i, u in enumerate(CAPACITY_UNITS)}
    return Choices(
        layers=tuple(features) if features else LAYERS,
        types=tuple(sorted(types)),
        countries=tuple(sorted(countries)),
        docs=tuple(sorted(docs)),
        units=tuple(sorted(units, key=lambda u: (order.get(u, 99), u))),
        years=tuple(sorted(set(years))),
        ids=frozenset(ids),
        first_date=min(dates, default=None),
        last_date=max(dates, default=None),
    )


# --- the URL -------------------------------------------------------------------------------------


def to_query(view: ViewState) -> dict[str, str | list[str]]:
    """The view as query parameters; defaults are left out so links stay short."""
    f = view.filters
    q: dict[str, str | list[str]] = {}
    if tuple(view.layers) != LAYERS:
        q[Q_LAYERS] = list(view.layers) or ["none"]
    for key, values in (
        (Q_TYPES, f.types),
        (Q_STATUSES, f.statuses),
        (Q_COUNTRIES, f.countries),
        (Q_DOCS, f.docs),
    ):
        if values:
            q[key] = list(values)
    if f.date_from:
        q[Q_FROM] = f.date_from
    if f.date_to:
        q[Q_TO] = f.date_to
    if f.min_capacity is not None:
        q[Q_MIN_CAPACITY] = f"{f.min_capacity:g}"
    if f.capacity_unit:
        q[Q_UNIT] = f.capacity_unit
    if f.text:
        q[Q_TEXT] = f.text
    if not f.inferred:
        q[Q_INFERRED] = "0"
    if view.basemap != "none":
        q[Q_BASEMAP] = view.basemap
    if view.capacity:
        q[Q_CAPACITY] = "1"
    if view.trade_year is not None:
        q[Q_TRADE] = str(view.trade_year)
    if view.selected:
        q[Q_SELECTED] = view.selected
    if view.map_view is not None:
        q[Q_VIEW] = format_map_view(view.map_view)
    return q


def format_map_view(v: tuple[float, float, float]) -> str:
    """``lat,lon,zoom`` with 3 decimals (about 100 m: a link needs no more)."""
    return f"{v[0]:.3f},{v[1]:.3f},{float(v[2]):g}"


def parse_map_view(value: str | None) -> tuple[float, float, float] | None:
    """The (lat, lon, zoom) of a ``view=`` value, or None when it is not one."""
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), round(float(parts[2]) * 4) / 4
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 2 <= zoom <= 18):
        return None
    return (lat, lon, zoom)


def from_query(params: Mapping[str, Sequence[str] | str], choices: Choices) -> ViewState:
    """The view a query string asks for, keeping only what the build can show."""

    def many(key: str, allowed: Iterable[str]) -> tuple[str, ...]:
        raw = params.get(key) or ()
        values = [raw] if isinstance(raw, str) else list(raw)
        ok = set(allowed)
        return tuple(dict.fromkeys(v for v in values if v in ok))

    def one(key: str) -> str | None:
        raw = params.get(key)
        if raw is None:
            return None
        value = raw if isinstance(raw, str) else (raw[-1] if raw else None)
        return value.strip() if value and value.strip() else None

    layers_raw = params.get(Q_LAYERS)
    layers = many(Q_LAYERS, choices.layers) if layers_raw else LAYERS
    raw_list = [layers_raw] if isinstance(layers_raw, str) else list(layers_raw or ())
    if not layers and "none" not in raw_list:
        layers = LAYERS  # an unknown layer name is ignored, not taken as "no layer"
    countries = many(Q_COUNTRIES, {c.upper() for c in choices.countries} | set(choices.countries))
    unit = one(Q_UNIT)
    filters = Filters(
        types=many(Q_TYPES, choices.types),
        countries=countries,
        statuses=many(Q_STATUSES, choices.statuses),
        date_from=_iso_date(one(Q_FROM)),
        date_to=_iso_date(one(Q_TO)),
        docs=many(Q_DOCS, choices.docs),
        min_capacity=_number(one(Q_MIN_CAPACITY)),
        capacity_unit=unit if unit in choices.units else None,
        text=(one(Q_TEXT) or None),
        inferred=one(Q_INFERRED) not in ("0", "false", "no"),
    )
    basemap = one(Q_BASEMAP)
    year = _number(one(Q_TRADE))
    selected = one(Q_SELECTED)
    return ViewState(
        layers=layers,
        filters=filters,
        basemap=basemap if basemap in BASEMAPS else "none",
        capacity=one(Q_CAPACITY) in ("1", "true", "yes"),
        trade_year=int(year) if year is not None and int(year) in choices.years else None,
        selected=selected if selected in choices.ids else None,
        map_view=parse_map_view(one(Q_VIEW)),
    )


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except ValueError:
        return None
    return v if math.isfinite(v) and v >= 0 else None


# --- widgets -------------------------------------------------------------------------------------


def _widget_values(view: ViewState, choices: Choices) -> dict[str, Any]:
    f = view.filters
    default_year = choices.years[-1] if choices.years else None
    return {
        W_LAYERS: list(view.layers),
        W_TYPES: list(f.types),
        W_STATUSES: list(f.statuses),
        W_COUNTRIES: list(f.countries),
        W_FROM: dt.date.fromisoformat(f.date_from) if f.date_from else None,
        W_TO: dt.date.fromisoformat(f.date_to) if f.date_to else None,
        W_DOCS: list(f.docs),
        W_MIN_CAPACITY: f.min_capacity,
        W_UNIT: f.capacity_unit or ANY_UNIT,
        W_TEXT: f.text or "",
        W_INFERRED: f.inferred,
        W_BASEMAP: view.basemap,
        W_CAPACITY: view.capacity,
        W_TRADE_ON: view.trade_year is not None,
        W_TRADE_YEAR: view.trade_year if view.trade_year is not None else default_year,
    }


def _reset(choices: Choices) -> None:
    for key, value in _widget_values(ViewState(), choices).items():
        st.session_state[key] = value
    st.session_state[SELECTED] = None
    st.session_state[MAP_VIEW] = None


def current_view(choices: Choices) -> ViewState:
    """The view the sidebar's widgets describe, put in the URL too.

    On a session's first run the widgets start from the URL; afterwards the widgets lead
    and the URL follows them. It reads the widgets' state, so the page can draw the map
    before the sidebar (the browser then starts loading the map sooner).
    """
    ss = st.session_state
    if not ss.get(_LOADED):
        params = {k: st.query_params.get_all(k) for k in QUERY_KEYS if k in st.query_params}
        view = from_query(params, choices)
        for key, value in _widget_values(view, choices).items():
            ss[key] = value
        ss[SELECTED] = view.selected
        ss[MAP_VIEW] = view.map_view
        ss[_LOADED] = True
    elif any(key not in ss for key in _WIDGET_KEYS):
        for key, value in _widget_values(ss.get(_LAST_VIEW) or ViewState(), choices).items():
            ss.setdefault(key, value)
    if choices.years and ss.get(W_TRADE_YEAR) not in choices.years:
        ss[W_TRADE_YEAR] = choices.years[-1]
    view = _view_from_widgets(choices)
    ss[_LAST_VIEW] = view
    query = to_query(view)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if _normal(current) != _normal(query):
        st.query_params.from_dict(query)
    return view


def sidebar(choices: Choices, *, names: Mapping[str, str], titles: Mapping[str, str]) -> None:
    """Draw the filters in the sidebar (their state is read by ``current_view``)."""
    ss = st.session_state
    sb = st.sidebar
    sb.header("Filters")
    sb.multiselect(
        "Layers",
        choices.layers,
        key=W_LAYERS,
        format_func=lambda layer: LAYER_TITLES.get(layer, layer),
    )
    sb.multiselect(
        "Project type",
        choices.types,
        key=W_TYPES,
        format_func=styles.label,
        placeholder="all types",
    )
    sb.multiselect(
        "Status",
        choices.statuses,
        key=W_STATUSES,
        format_func=styles.label,
        placeholder="any status",
    )
    sb.multiselect(
        "Country",
        choices.countries,
        key=W_COUNTRIES,
        format_func=lambda iso: f"{names.get(iso, iso)} ({iso})",
        placeholder="any country",
    )
    low, high = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
    c1, c2 = sb.columns(2)
    c1.date_input("First seen from", key=W_FROM, min_value=low, max_value=high, format="YYYY-MM-DD")
    c2.date_input("to", key=W_TO, min_value=low, max_value=high, format="YYYY-MM-DD")
    sb.multiselect(
        "Source document",
        choices.docs,
        key=W_DOCS,
        format_func=lambda d: f"{titles[d]} ({d})" if d in titles else d,
        placeholder="any document",
    )
    c1, c2 = sb.columns([3, 2])
    c1.number_input(
        "Minimum capacity", key=W_MIN_CAPACITY, min_value=0.0, step=1.0, placeholder="none"
    )
    c2.selectbox(
        "Unit",
        (ANY_UNIT, *choices.units),
        key=W_UNIT,
        format_func=lambda u: u or "any unit",
    )
    sb.text_input("Search names and quotes", key=W_TEXT, placeholder="e.g. Khorgos")
    sb.checkbox(
        "Show inferred routes",
        key=W_INFERRED,
        help="Routes built from the place names in one sentence",
    )

    sb.header("Map")
    sb.radio("Basemap", tuple(BASEMAPS), key=W_BASEMAP, format_func=BASEMAPS.__getitem__)
    sb.toggle("Capacity overlay", key=W_CAPACITY, help="Line width and marker size by capacity")
    if choices.years:
        sb.toggle(
            "Trade overlay", key=W_TRADE_ON, help="China's trade with each Central Asian state"
        )
        if ss.get(W_TRADE_YEAR) not in choices.years:
            ss[W_TRADE_YEAR] = choices.years[-1]
        sb.selectbox("Trade year", choices.years, key=W_TRADE_YEAR, disabled=not ss.get(W_TRADE_ON))
    sb.button("Reset the view", on_click=_reset, args=(choices,))


def _view_from_widgets(choices: Choices) -> ViewState:
    ss = st.session_state
    unit = ss.get(W_UNIT) or None
    min_cap = ss.get(W_MIN_CAPACITY)
    date_from, date_to = ss.get(W_FROM), ss.get(W_TO)
    text = (ss.get(W_TEXT) or "").strip()
    filters = Filters(
        types=tuple(ss.get(W_TYPES) or ()),
        countries=tuple(ss.get(W_COUNTRIES) or ()),
        statuses=tuple(ss.get(W_STATUSES) or ()),
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        docs=tuple(ss.get(W_DOCS) or ()),
        min_capacity=float(min_cap) if min_cap is not None else None,
        capacity_unit=unit,
        text=text or None,
        inferred=bool(ss.get(W_INFERRED, True)),
    )
    year = ss.get(W_TRADE_YEAR) if ss.get(W_TRADE_ON) and choices.years else None
    selected = ss.get(SELECTED)
    return ViewState(
        layers=tuple(layer for layer in LAYERS if layer in (ss.get(W_LAYERS) or ())),
        filters=filters,
        basemap=ss.get(W_BASEMAP) or "none",
        capacity=bool(ss.get(W_CAPACITY)),
        trade_year=int(year) if year is not None else None,
        selected=selected if selected in choices.ids else None,
        map_view=ss.get(MAP_VIEW),
    )


def select(feature_id: str | None) -> None:
    """Make ``feature_id`` the selected feature (its sources are shown)."""
    st.session_state[SELECTED] = feature_id


def _normal(q: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {
        k: (v,) if isinstance(v, str) else tuple(v) for k, v in q.items() if v not in (None, [], "")
    }
