"""The one filters table: the URL, the command line and the captions all come from it, the
export command it prints writes the dashboard's bytes, and the registry's dossier fields
and the time slider filter what a user would expect."""

from __future__ import annotations

import shlex

from shapely.geometry import LineString

from dashboard import filters as ft
from dashboard import state
from dashboard.filters import Extra
from dashboard.map.popups import P_FINANCIERS, P_OWNER, P_START_YEAR
from dashboard.state import Choices, ViewState
from etl import cli
from etl.export import Filters, filter_features, render
from etl.schema import P_CAPACITY, P_CAPACITY_UNIT, P_COUNTRIES, P_FIRST_SEEN, P_ID
from tests.test_dashboard_mapview import feature

FULL = Filters(
    types=("gas_pipeline", "dry_port"),
    countries=("KAZ", "CHN"),
    statuses=("operating", "unknown"),
    date_from="2023-01-01",
    date_to="2025-06-30",
    docs=("b b.txt",),
    min_capacity=12.5,
    capacity_unit="bcm/y",
    text="Khorgos's gate",
    inferred=False,
)


def _parse(command: str):
    argv = shlex.split(command)
    assert argv[:2] == ["atlas", "export"]
    return cli._parser().parse_args(argv[1:])


def test_every_flag_of_the_table_is_one_the_command_line_takes():
    args = _parse(ft.cli_command(FULL, layer="pipelines", fmt="csv"))
    assert args.layer == "pipelines" and args.format == "csv"
    assert tuple(args.types) == FULL.types
    assert tuple(args.countries) == FULL.countries
    assert tuple(args.statuses) == FULL.statuses
    assert (args.date_from, args.date_to) == (FULL.date_from, FULL.date_to)
    assert tuple(args.docs) == FULL.docs
    assert (args.min_capacity, args.capacity_unit) == (12.5, "bcm/y")
    assert args.text == FULL.text
    assert args.no_inferred is True
    # every Filters field has a row in the table, with a flag
    assert {f.field for f in ft.FILTERS if f.cli} == set(Filters.__dataclass_fields__)


def test_the_printed_command_writes_the_dashboard_download(seed_build, tmp_path, capsys):
    out, layers = seed_build
    chosen = Filters(countries=("KAZ",), capacity_unit="bcm/y", min_capacity=20, text="Line")
    features = filter_features(layers["pipelines"], chosen)
    assert [f["properties"][P_ID] for f in features] == ["pipelines/central-asia-china-gas-line-c"]
    command = ft.cli_command(chosen, layer="pipelines", fmt="geojson")
    target = tmp_path / "x.geojson"
    argv = shlex.split(command)[1:]
    argv[argv.index("--out") + 1] = str(target)
    assert cli.main([*argv, "--build", str(out)]) == 0
    assert target.read_bytes() == render("pipelines", features, "geojson")
    capsys.readouterr()


def test_captions_say_what_the_command_line_cannot_do():
    assert ft.caption(Filters(types=("railway",)), Extra()).startswith("Same bytes as `atlas")
    note = ft.caption(Filters(), Extra(owners=("CNPC",)))
    assert "cannot filter by owner or operator" in note
    # the old caption's claim is gone: the command line takes every filter of the sidebar
    assert "type, country and status filters only" not in ft.caption(FULL, Extra())


def test_a_minimum_capacity_needs_a_unit():
    """'any unit' with a minimum would compare MW with Mt/y: the minimum is dropped."""
    params = {"min_capacity": ["20"]}
    view = state.from_query(params, Choices(units=("MW", "Mt/y")))
    assert view.filters.min_capacity is None
    view = state.from_query({**params, "unit": ["MW"]}, Choices(units=("MW", "Mt/y")))
    assert (view.filters.min_capacity, view.filters.capacity_unit) == (20.0, "MW")


def test_an_unknown_layer_is_ignored_not_an_empty_map():
    choices = Choices()
    assert state.from_query({"layer": ["railwayz"]}, choices).layers == state.LAYERS
    assert state.from_query({"layer": ["none"]}, choices).layers == ()
    assert state.from_query({"layer": ["railways", "x"]}, choices).layers == ("railways",)


def _project(fid, owner=None, financiers=None, start=None, first_seen=None):
    f = feature(fid, "pipelines", "gas_pipeline", LineString([(60, 40), (70, 42)]))
    p = f["properties"]
    p.update({P_OWNER: owner, P_FINANCIERS: financiers, P_START_YEAR: start})
    p[P_FIRST_SEEN] = first_seen
    return f


PROJECTS = [
    _project("pipelines/a", "Owner Á", ["Bank One", "Bank Two"], 2006, "2023-05-01"),
    _project("pipelines/b", "Owner B", ["Bank Two"], 2011, "2024-02-10"),
    _project("pipelines/c", None, None, None, "2025-01-01"),
]


def _ids(features):
    return [f["properties"][P_ID] for f in features]


def test_dossier_filters_owner_financier_and_start_years():
    assert _ids(ft.filter_extra(PROJECTS, Extra(owners=("Owner Á",)))) == ["pipelines/a"]
    both = ft.filter_extra(PROJECTS, Extra(financiers=("Bank Two",)))
    assert _ids(both) == ["pipelines/a", "pipelines/b"]
    assert _ids(ft.filter_extra(PROJECTS, Extra(start_years=(2010, 2015)))) == ["pipelines/b"]
    choices = state.choices_of({"pipelines": PROJECTS}, [], [])
    assert choices.owners == ("Owner B", "Owner Á")
    assert choices.financiers == ("Bank One", "Bank Two")
    assert choices.start_years == (2006, 2011)


def test_the_time_slider_shows_what_existed_by_a_year():
    by_news = Extra(time_field=P_FIRST_SEEN, time_year=2024)
    assert _ids(ft.filter_extra(PROJECTS, by_news)) == ["pipelines/a", "pipelines/b"]
    by_start = Extra(time_field=P_START_YEAR, time_year=2010)
    assert _ids(ft.filter_extra(PROJECTS, by_start)) == ["pipelines/a"]


def test_dossier_and_time_filters_round_trip_through_the_url():
    choices = state.choices_of({"pipelines": PROJECTS}, [], [])
    view = ViewState(
        extra=Extra(
            owners=("Owner Á",),
            financiers=("Bank Two",),
            start_years=(2006, 2010),
            time_field=P_FIRST_SEEN,
            time_year=2024,
        )
    )
    query = state.to_query(view)
    assert query["owner"] == ["Owner Á"] and query["start"] == "2006-2010"
    params = {k: [v] if isinstance(v, str) else v for k, v in query.items()}
    assert state.from_query(params, choices) == view


def test_capacity_units_never_mix_in_the_filter():
    mw = _project("facilities/p")
    mw["properties"].update({P_CAPACITY: 900.0, P_CAPACITY_UNIT: "MW", P_COUNTRIES: ["KAZ"]})
    mt = _project("pipelines/o")
    mt["properties"].update({P_CAPACITY: 20.0, P_CAPACITY_UNIT: "Mt/y"})
    view = state.from_query({"min_capacity": ["25"]}, Choices(units=("MW", "Mt/y")))
    # without a unit no minimum applies (the Mt/y line is not dropped for being "under 25")
    assert _ids(filter_features([mw, mt], view.filters)) == ["facilities/p", "pipelines/o"]
