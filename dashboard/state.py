"""The view a user has chosen (layers, filters, overlays, selection, map view) and its URL
form.

``ViewState`` is what the map, the table and the exports all follow. It round-trips through
the page's query string (``to_query``/``from_query``, pure functions), so a copied link
reproduces the view; ``sidebar`` draws the widgets and keeps the URL in step with them.
The filters themselves (URL keys, widgets, parsing, command-line flags) come from one
table, ``dashboard.filters.FILTERS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import filters as ft
from dashboard.filters import BY_FIELD, FILTERS, TIME_FIELDS, Extra
from dashboard.map.basemap import BASEMAPS
from dashboard.map.build import LAYER_TITLES
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

# query-string keys: the filters' from the table, the rest here
Q_LAYERS = "layer"
Q_TYPES = BY_FIELD["types"].url
Q_STATUSES = BY_FIELD["statuses"].url
Q_COUNTRIES = BY_FIELD["countries"].url
Q_FROM = BY_FIELD["date_from"].url
Q_TO = BY_FIELD["date_to"].url
Q_DOCS = BY_FIELD["docs"].url
Q_MIN_CAPACITY = BY_FIELD["min_capacity"].url
Q_UNIT = BY_FIELD["capacity_unit"].url
Q_TEXT = BY_FIELD["text"].url
Q_INFERRED = BY_FIELD["inferred"].url
Q_BASEMAP = "basemap"
Q_CAPACITY = "capacity"
Q_TRADE = "trade"
Q_SELECTED = "feature"
#: the time slider: which date, and the last year shown
Q_TIME = "time"
Q_YEAR = "year"
#: the map's centre and zoom: ``lat,lon,zoom``
Q_VIEW = "view"
QUERY_KEYS = (
    Q_LAYERS,
    *(f.url for f in FILTERS),
    Q_BASEMAP,
    Q_CAPACITY,
    Q_TRADE,
    Q_TIME,
    Q_YEAR,
    Q_SELECTED,
    Q_VIEW,
)

# widget keys (Streamlit session state): one per filter of the table, and the rest
W_OF: dict[str, str] = {f.field: f"w_{f.field}" for f in FILTERS}
W_LAYERS = "w_layers"
W_TYPES = W_OF["types"]
W_STATUSES = W_OF["statuses"]
W_COUNTRIES = W_OF["countries"]
W_FROM = W_OF["date_from"]
W_TO = W_OF["date_to"]
W_DOCS = W_OF["docs"]
W_MIN_CAPACITY = W_OF["min_capacity"]
W_UNIT = W_OF["capacity_unit"]
W_TEXT = W_OF["text"]
W_INFERRED = W_OF["inferred"]
W_BASEMAP = "w_basemap"
W_CAPACITY = "w_capacity"
W_TRADE_ON = "w_trade_on"
W_TRADE_YEAR = "w_trade_year"
W_TIME_ON = "w_time_on"
W_TIME_FIELD = "w_time_field"
W_TIME_YEAR = "w_time_year"
SELECTED = "selected_feature"
#: the map's (lat, lon, zoom), as the map last reported it
MAP_VIEW = "map_view"
_LOADED = "_view_from_url"
#: a copy of the view outside the widgets: Streamlit forgets a widget's state when a run of
#: another page does not draw it, and the map page must come back as the user left it
_LAST_VIEW = "_last_view"

_WIDGET_KEYS = (
    W_LAYERS,
    *W_OF.values(),
    W_BASEMAP,
    W_CAPACITY,
    W_TRADE_ON,
    W_TRADE_YEAR,
    W_TIME_ON,
    W_TIME_FIELD,
    W_TIME_YEAR,
)
ANY_UNIT = ""
#: how the pickers match what is typed: "KAZ" + Enter picks Kazakhstan alone. Streamlit's
#: default fuzzy match also offers Kyrgyzstan and Uzbekistan (K..a..z), and puts "Select
#: N matches" first, which Enter then picks: three countries for one typed code.
PICKER: dict[str, Any] = {"filter_mode": "contains", "select_all": False}


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
    #: filters the command line does not take (dossier fields, the time slider)
    extra: Extra = field(default_factory=Extra)


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
    owners: tuple[str, ...] = ()
    financiers: tuple[str, ...] = ()
    start_years: tuple[int, ...] = ()
    #: (time field, its years) for the time slider
    time_years: tuple[tuple[str, tuple[int, ...]], ...] = ()


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
    dossier = ft.dossier_choices(f["properties"] for fs in features.values() for f in fs)
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
        **dossier,
    )


# --- the URL -------------------------------------------------------------------------------------


def to_query(view: ViewState) -> dict[str, str | list[str]]:
    """The view as query parameters; defaults are left out so links stay short."""
    q: dict[str, str | list[str]] = {}
    if tuple(view.layers) != LAYERS:
        q[Q_LAYERS] = list(view.layers) or ["none"]
    q.update(ft.to_query(view.filters, view.extra))
    if view.basemap != "none":
        q[Q_BASEMAP] = view.basemap
    if view.capacity:
        q[Q_CAPACITY] = "1"
    if view.trade_year is not None:
        q[Q_TRADE] = str(view.trade_year)
    if view.extra.time_field and view.extra.time_year is not None:
        q[Q_TIME] = view.extra.time_field
        q[Q_YEAR] = str(view.extra.time_year)
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

    def one(key: str) -> str | None:
        raw = params.get(key)
        if raw is None:
            return None
        value = raw if isinstance(raw, str) else (raw[-1] if raw else None)
        return value.strip() if value and value.strip() else None

    raw = params.get(Q_LAYERS) or ()
    raw_layers = [raw] if isinstance(raw, str) else list(raw)
    layers = tuple(dict.fromkeys(v for v in raw_layers if v in set(choices.layers)))
    if not raw_layers or (not layers and "none" not in raw_layers):
        layers = LAYERS  # no layer named, or only unknown names: ignored, not "no layer"
    filters, extra = ft.from_query(params, choices)
    time_field, time_year = one(Q_TIME), ft.number(one(Q_YEAR))
    known_time = dict(choices.time_years)
    if time_field in known_time and time_year is not None:
        extra = Extra(**{**extra.__dict__, "time_field": time_field, "time_year": int(time_year)})
    basemap = one(Q_BASEMAP)
    year = ft.number(one(Q_TRADE))
    selected = one(Q_SELECTED)
    return ViewState(
        layers=layers,
        filters=filters,
        basemap=basemap if basemap in BASEMAPS else "none",
        capacity=one(Q_CAPACITY) in ("1", "true", "yes"),
        trade_year=int(year) if year is not None and int(year) in choices.years else None,
        selected=selected if selected in choices.ids else None,
        map_view=parse_map_view(one(Q_VIEW)),
        extra=extra,
    )


# --- widgets -------------------------------------------------------------------------------------


def _widget_values(view: ViewState, choices: Choices) -> dict[str, Any]:
    values: dict[str, Any] = {W_LAYERS: list(view.layers)}
    for f in FILTERS:
        value = getattr(view.extra if f.extra else view.filters, f.field)
        if f.widget == ft.MANY:
            value = list(value)
        elif f.widget == ft.DATE:
            value = dt.date.fromisoformat(value) if value else None
        elif f.widget == ft.UNIT:
            value = value or ANY_UNIT
        elif f.widget == ft.TEXT:
            value = value or ""
        elif f.widget == ft.RANGE:
            years = getattr(choices, f.options, ()) or ()
            value = tuple(value) if value else ((years[0], years[-1]) if years else None)
        values[W_OF[f.field]] = value
    default_year = choices.years[-1] if choices.years else None
    time_years = dict(choices.time_years)
    time_field = view.extra.time_field or next(iter(time_years), None)
    values.update(
        {
            W_BASEMAP: view.basemap,
            W_CAPACITY: view.capacity,
            W_TRADE_ON: view.trade_year is not None,
            W_TRADE_YEAR: view.trade_year if view.trade_year is not None else default_year,
            W_TIME_ON: view.extra.time_year is not None,
            W_TIME_FIELD: time_field,
            W_TIME_YEAR: view.extra.time_year
            if view.extra.time_year is not None
            else (time_years[time_field][-1] if time_field in time_years else None),
        }
    )
    return values


def _reset(choices: Choices) -> None:
    for key, value in _widget_values(ViewState(), choices).items():
        st.session_state[key] = value
    st.session_state[SELECTED] = None
    st.session_state[MAP_VIEW] = None
    st.session_state[PLAYING] = False


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


def _options(f: ft.Filter, choices: Choices) -> tuple:
    return tuple(getattr(choices, f.options, ()) or ())


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
        **PICKER,
    )
    shows = {
        "countries": lambda iso: f"{names.get(iso, iso)} ({iso})",
        "docs": lambda d: f"{titles[d]} ({d})" if d in titles else d,
    }
    pending: dict[str, Any] = {}
    for f in FILTERS:
        key = W_OF[f.field]
        if f.widget == ft.MANY:
            options = _options(f, choices)
            if f.extra and not options:
                continue  # no feature of the build has this dossier field
            sb.multiselect(
                f.label,
                options,
                key=key,
                format_func=shows.get(f.field, f.show),
                placeholder=f.placeholder,
                **PICKER,
            )
        elif f.widget == ft.DATE:
            if f.field == "date_from":
                pending["dates"] = sb.columns(2)
            col = pending["dates"][0 if f.field == "date_from" else 1]
            col.date_input(
                f.label,
                key=key,
                min_value=dt.date(1990, 1, 1),
                max_value=dt.date(2100, 12, 31),
                format="YYYY-MM-DD",
            )
        elif f.widget == ft.UNIT:
            pending["capacity"] = c1, c2 = sb.columns([3, 2])
            c2.selectbox(
                f.label,
                (ANY_UNIT, *_options(f, choices)),
                key=key,
                format_func=lambda u: u or "any unit",
                help=f.help,
            )
        elif f.widget == ft.NUMBER:
            c1 = pending["capacity"][0]
            c1.number_input(
                f.label,
                key=key,
                min_value=0.0,
                step=1.0,
                placeholder=f.placeholder,
                disabled=not ss.get(W_UNIT),
            )
        elif f.widget == ft.TEXT:
            sb.text_input(f.label, key=key, placeholder=f.placeholder)
        elif f.widget == ft.FLAG:
            sb.checkbox(f.label, key=key, help=f.help)
        elif f.widget == ft.RANGE:
            years = _options(f, choices)
            if len(years) < 2:
                continue
            sb.slider(f.label, min_value=years[0], max_value=years[-1], key=key)

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
    _time_slider(choices)
    sb.button("Reset the view", on_click=_reset, args=(choices,))


def _time_slider(choices: Choices) -> None:
    """Play how the map grew: only what had started (or was done, or was in the news) by
    the year chosen; ▶ play steps through the years by itself.

    The year lives in ``W_TIME_YEAR``, plain session state that only these controls write.
    The slider is a widget keyed by the year it shows, so a value the browser sends back from
    a slider it has not redrawn yet (a "year ▶" pressed while the map's own rerun was in
    flight) names a widget that no longer exists and cannot undo the step.
    """
    ss, sb = st.session_state, st.sidebar
    time_years = dict(choices.time_years)
    if not time_years:
        return
    sb.toggle("Time slider", key=W_TIME_ON, help="Show the map as it was in a given year")
    if ss.get(W_TIME_FIELD) not in time_years:
        ss[W_TIME_FIELD] = next(iter(time_years))
    on = bool(ss.get(W_TIME_ON))
    sb.selectbox(
        "by",
        tuple(time_years),
        key=W_TIME_FIELD,
        format_func=TIME_FIELDS.__getitem__,
        disabled=not on,
    )
    years = time_years[ss[W_TIME_FIELD]]
    if ss.get(W_TIME_YEAR) is None or not years[0] <= ss[W_TIME_YEAR] <= years[-1]:
        ss[W_TIME_YEAR] = years[-1]
    year = ss[W_TIME_YEAR]
    if years[0] < years[-1]:
        key = f"{_TIME_SLIDER}{year}"
        sb.slider(
            "Year", years[0], years[-1], value=year, key=key, disabled=not on,
            on_change=_slid, args=(key, year),
        )  # fmt: skip
    c1, c2 = sb.columns(2)
    c1.button("◀ year", key="time_back", disabled=not on, on_click=_step, args=(years, -1))
    c2.button("year ▶", key="time_next", disabled=not on, on_click=_step, args=(years, 1))
    playing = bool(ss.get(PLAYING)) and on
    sb.button(
        "⏸ pause" if playing else "▶ play",
        key="time_play",
        disabled=not on or len(years) < 2,
        on_click=_play,
        args=(years,),
        help="Step through the years, one every "
        f"{PLAY_SECONDS:g} s, from the first year (or where it was paused)",
        width="stretch",
    )
    if playing:
        _player(years)


#: the slider widget's key, followed by the year it shows
_TIME_SLIDER = "w_time_slider_"
#: whether the time slider is playing
PLAYING = "time_playing"
#: seconds each year is shown while playing
PLAY_SECONDS = 2.0


def _slid(key: str, drawn: int) -> None:
    """The slider moved: its year becomes the year shown. A value equal to the year the
    slider was drawn with is no move (a slider mounted during an interrupted run reports
    its first value as a change) and must not undo a step made meanwhile."""
    value = st.session_state.get(key)
    if value is not None and int(value) != drawn:
        st.session_state[W_TIME_YEAR] = int(value)


def _step(years: tuple[int, ...], by: int) -> None:
    ss = st.session_state
    ss[W_TIME_YEAR] = min(max((ss.get(W_TIME_YEAR) or years[-1]) + by, years[0]), years[-1])
    ss[PLAYING] = False


def _play(years: tuple[int, ...]) -> None:
    """Start (from the first year, when at the last) or pause playing."""
    ss = st.session_state
    if ss.get(PLAYING):
        ss[PLAYING] = False
        return
    if (ss.get(W_TIME_YEAR) or years[-1]) >= years[-1]:
        ss[W_TIME_YEAR] = years[0]
    ss[PLAYING] = True


@st.fragment(run_every=PLAY_SECONDS)
def _player(years: tuple[int, ...]) -> None:
    """While playing: every ``PLAY_SECONDS`` the next year, and the whole page redrawn for
    it; at the last year it stops. Only the timer's own runs step (not a run of the page)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return  # drawn by a run of the whole page: the timer starts now
    ss = st.session_state
    if not ss.get(PLAYING):
        return
    year = ss.get(W_TIME_YEAR) or years[0]
    if year >= years[-1]:
        ss[PLAYING] = False
    else:
        ss[W_TIME_YEAR] = year + 1
        ss[PLAYING] = year + 1 < years[-1]
    st.rerun(scope="app")


def _view_from_widgets(choices: Choices) -> ViewState:
    ss = st.session_state
    values: dict[str, Any] = {}
    for f in FILTERS:
        value = ss.get(W_OF[f.field])
        if f.widget == ft.MANY:
            value = tuple(value or ())
        elif f.widget == ft.DATE:
            value = value.isoformat() if value else None
        elif f.widget == ft.NUMBER:
            value = float(value) if value is not None else None
        elif f.widget == ft.UNIT:
            value = value or None
        elif f.widget == ft.TEXT:
            value = (value or "").strip() or None
        elif f.widget == ft.FLAG:
            value = bool(value if value is not None else True)
        elif f.widget == ft.RANGE:
            years = _options(f, choices)
            full = (years[0], years[-1]) if years else None
            value = tuple(value) if value and tuple(value) != full else None
        values[f.field] = value
    filters, extra = ft.split(values)
    time_years = dict(choices.time_years)
    if ss.get(W_TIME_ON) and ss.get(W_TIME_FIELD) in time_years and ss.get(W_TIME_YEAR):
        extra = Extra(
            **{**extra.__dict__, "time_field": ss[W_TIME_FIELD], "time_year": int(ss[W_TIME_YEAR])}
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
        extra=extra,
    )


def select(feature_id: str | None) -> None:
    """Make ``feature_id`` the selected feature (its sources are shown)."""
    st.session_state[SELECTED] = feature_id


def _normal(q: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {
        k: (v,) if isinstance(v, str) else tuple(v) for k, v in q.items() if v not in (None, [], "")
    }
