"""The view in the URL: a link reproduces it, and a doctored link cannot ask for the impossible."""

from __future__ import annotations

from shapely.geometry import LineString, Point

from dashboard import state
from dashboard.state import Choices, ViewState
from etl.export import Filters
from etl.schema import LAYERS, P_CAPACITY, P_CAPACITY_UNIT, P_FIRST_SEEN
from tests.test_dashboard_mapview import feature

CHOICES = Choices(
    types=("gas_pipeline", "railway", "dry_port"),
    countries=("CHN", "KAZ", "UZB"),
    docs=("a.txt", "b b.txt"),
    units=("bcm/y", "MW"),
    years=(2023, 2024),
    ids=frozenset({"pipelines/x", "facilities/y"}),
)


def _as_params(query):
    return {k: [v] if isinstance(v, str) else v for k, v in query.items()}


def test_default_view_has_an_empty_query():
    assert state.to_query(ViewState()) == {}
    assert state.from_query({}, CHOICES) == ViewState()


def test_a_full_view_round_trips():
    view = ViewState(
        layers=("pipelines", "facilities"),
        filters=Filters(
            types=("gas_pipeline", "dry_port"),
            countries=("KAZ",),
            statuses=("operating", "unknown"),
            date_from="2023-01-01",
            date_to="2025-06-30",
            docs=("b b.txt",),
            min_capacity=12.5,
            capacity_unit="bcm/y",
            text="Khorgos",
            inferred=False,
        ),
        basemap="light",
        capacity=True,
        trade_year=2024,
        selected="pipelines/x",
    )
    query = state.to_query(view)
    assert query[state.Q_LAYERS] == ["pipelines", "facilities"]
    assert query[state.Q_INFERRED] == "0"
    assert state.from_query(_as_params(query), CHOICES) == view


def test_no_layer_is_not_every_layer():
    view = ViewState(layers=())
    assert state.from_query(_as_params(state.to_query(view)), CHOICES).layers == ()


def test_unknown_values_in_a_link_are_dropped():
    params = {
        state.Q_LAYERS: ["pipelines", "secret"],
        state.Q_TYPES: ["railway", "<script>"],
        state.Q_STATUSES: ["operating", "exploded"],
        state.Q_COUNTRIES: ["KAZ", "XXX"],
        state.Q_FROM: ["not-a-date"],
        state.Q_TO: ["2024-02-30"],
        state.Q_DOCS: ["../../etc/passwd"],
        state.Q_MIN_CAPACITY: ["-5"],
        state.Q_UNIT: ["furlongs"],
        state.Q_BASEMAP: ["http://evil"],
        state.Q_TRADE: ["1999"],
        state.Q_SELECTED: ["pipelines/nope"],
    }
    view = state.from_query(params, CHOICES)
    f = view.filters
    assert view.layers == ("pipelines",)
    assert f.types == ("railway",) and f.statuses == ("operating",) and f.countries == ("KAZ",)
    assert f.date_from is None and f.date_to is None and f.docs == ()
    assert f.min_capacity is None and f.capacity_unit is None
    assert view.basemap == "none" and view.trade_year is None and view.selected is None


def test_single_values_may_come_as_strings():
    view = state.from_query({state.Q_TYPES: "railway", state.Q_TEXT: "  Aktau "}, CHOICES)
    assert view.filters.types == ("railway",) and view.filters.text == "Aktau"


def test_choices_come_from_the_build():
    a = feature("pipelines/x", "pipelines", "gas_pipeline", LineString([(0, 0), (1, 1)]))
    a["properties"].update({P_CAPACITY: 5.0, P_CAPACITY_UNIT: "bcm/y", P_FIRST_SEEN: "2023-05-01"})
    b = feature("facilities/y", "facilities", "dry_port", Point(1, 1))
    b["properties"].update({P_CAPACITY: 9.0, P_CAPACITY_UNIT: "MW", P_FIRST_SEEN: "2024-01-01"})
    features = {layer: [] for layer in LAYERS}
    features.update({"pipelines": [a], "facilities": [b]})
    c = state.choices_of(features, ["b.txt", "a.txt"], [2024, 2023, 2024])
    assert c.layers == LAYERS
    assert c.types == ("dry_port", "gas_pipeline")
    assert c.countries == ("KAZ",)
    assert c.docs == ("a.txt", "b.txt")
    assert c.units == ("bcm/y", "MW")
    assert c.years == (2023, 2024)
    assert c.ids == {"pipelines/x", "facilities/y"}
    assert (c.first_date, c.last_date) == ("2023-05-01", "2024-01-01")
