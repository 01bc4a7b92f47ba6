"""Every page through Streamlit's AppTest: no exception, filters drive the table, the URL and the
exports, selection shows provenance, a missing or broken build gets a message and a rebuild,
uploads are saved and built (or refused, changing nothing)."""

from __future__ import annotations

import html as html_lib
import json
import shutil

import pandas as pd
import pyogrio
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard import data, state
from etl.cli import main as atlas
from etl.export import Filters, filter_features
from etl.schema import FACT_COLUMNS, FACTS_CSV, LAYERS, P_ID, P_SOURCES

TIMEOUT = 60
APP = str(data.settings.ROOT / "dashboard" / "app.py")

# facts of our own (the seed build's facts are another engineer's and may change)
FACTS = [
    (
        "trade_volume",
        "KAZ",
        "2024",
        "30000000000",
        "USD",
        "$30 billion",
        "k.txt",
        "Kazakh trade: $30bn.",
    ),
    (
        "trade_volume",
        "CHN-CENTRAL_ASIA",
        "2024",
        "94820000000",
        "USD",
        "$94.82bn",
        "k.txt",
        "All: $94.82bn.",
    ),
    (
        "cost",
        "pipelines/central-asia-china-gas-line-a",
        "",
        "7e9",
        "USD",
        "$7bn",
        "k.txt",
        "Line A cost $7bn.",
    ),
]


def _map_page():
    from dashboard.views.map import map_page

    map_page()


def _figures_page():
    from dashboard.views.figures import figures_page

    figures_page()


def _articles_page():
    from dashboard.views.articles import articles_page

    articles_page()


def _build_page():
    from dashboard.views.build import build_page

    build_page()


PAGES = {
    "map": _map_page,
    "figures": _figures_page,
    "articles": _articles_page,
    "build": _build_page,
}


@pytest.fixture
def dash_build(seed_build, tmp_path, monkeypatch):
    """A copy of the seed build with our own facts.csv; the app is pointed at it."""
    out, layers = seed_build
    build = tmp_path / "build"
    shutil.copytree(out, build)
    rows = [dict(zip(FACT_COLUMNS, (*r, "0", "10", ""), strict=True)) for r in FACTS]
    pd.DataFrame(rows, columns=list(FACT_COLUMNS)).to_csv(build / FACTS_CSV, index=False)
    corpus = tmp_path / "corpus"
    shutil.copytree(data.settings.DEFAULT_CORPUS, corpus)
    for p in corpus.iterdir():
        p.chmod(0o644)
    monkeypatch.setenv(data.BUILD_ENV, str(build))
    monkeypatch.setenv(data.CORPUS_ENV, str(corpus))
    return build, layers


@pytest.fixture
def downloads(monkeypatch):
    """The data callables the download buttons registered, by file name."""
    got = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        got[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return got


def run(page: str, **query) -> AppTest:
    at = AppTest.from_function(PAGES[page], default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def table_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value[P_ID])


def all_ids(layers) -> set[str]:
    return {f["properties"][P_ID] for fs in layers.values() for f in fs}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs(dash_build, page):
    at = run(page)
    assert not at.exception, at.exception
    assert not at.error


def test_the_app_opens_on_the_map(dash_build):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert set(table_ids(at)) == all_ids(dash_build[1])


def test_changing_filters_changes_the_table_and_the_url(dash_build):
    _, layers = dash_build
    at = run("map")
    assert set(table_ids(at)) == all_ids(layers)
    at.sidebar.multiselect(key=state.W_TYPES).set_value(["gas_pipeline"]).run()
    gas = {
        f["properties"][P_ID]
        for f in filter_features(layers["pipelines"], Filters(types=("gas_pipeline",)))
    }
    assert gas and set(table_ids(at)) == gas
    assert at.query_params[state.Q_TYPES] == "gas_pipeline"
    at.sidebar.text_input(key=state.W_TEXT).set_value("Line B").run()
    assert table_ids(at) == ["pipelines/central-asia-china-gas-line-b"]
    at.sidebar.multiselect(key=state.W_LAYERS).set_value(["places"]).run()
    assert table_ids(at) == []
    assert not at.exception


def test_a_link_reproduces_the_view(dash_build):
    _, layers = dash_build
    at = run("map", country="KGZ", status="operating", layer=["pipelines", "roads"])
    expected = {
        f["properties"][P_ID]
        for layer in ("pipelines", "roads")
        for f in filter_features(
            layers[layer], Filters(countries=("KGZ",), statuses=("operating",))
        )
    }
    assert expected and set(table_ids(at)) == expected
    assert at.sidebar.multiselect(key=state.W_COUNTRIES).value == ["KGZ"]
    assert at.sidebar.multiselect(key=state.W_LAYERS).value == ["pipelines", "roads"]


def test_exports_hold_exactly_the_filtered_features_and_match_atlas_export(
    dash_build, downloads, tmp_path
):
    build, layers = dash_build
    at = run("map", country="KAZ", status="operating")
    assert not at.exception
    filters = Filters(countries=("KAZ",), statuses=("operating",))
    for layer in LAYERS:
        expected = filter_features(layers[layer], filters)
        if not expected:  # an empty layer offers no download
            assert f"{layer}.geojson" not in downloads
            continue
        got = json.loads(downloads[f"{layer}.geojson"]())
        assert got["type"] == "FeatureCollection"
        assert got["features"] == expected
    for fmt in ("geojson", "csv", "gpkg"):
        out = tmp_path / f"pipelines.{fmt}"
        assert (
            atlas(
                [
                    "export",
                    "--layer",
                    "pipelines",
                    "--country",
                    "KAZ",
                    "--status",
                    "operating",
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                    "--build",
                    str(build),
                ]
            )
            == 0
        )
        if fmt != "gpkg":
            assert downloads[f"pipelines.{fmt}"]() == out.read_bytes(), fmt
    gpkg = tmp_path / "all.gpkg"
    gpkg.write_bytes(downloads["atlas-filtered.gpkg"]())
    for layer in LAYERS:
        ids = set(pyogrio.read_dataframe(gpkg, layer=layer)[P_ID])
        assert ids == {f["properties"][P_ID] for f in filter_features(layers[layer], filters)}
    # one layer's table in the GeoPackage is what `atlas export --format gpkg` writes
    single = pyogrio.read_dataframe(tmp_path / "pipelines.gpkg")
    assert set(single[P_ID]) == set(pyogrio.read_dataframe(gpkg, layer="pipelines")[P_ID])


def test_selecting_a_feature_shows_all_its_sources(dash_build):
    _, layers = dash_build
    feature = max(
        (f for fs in layers.values() for f in fs), key=lambda f: len(f["properties"][P_SOURCES])
    )
    fid = feature["properties"][P_ID]
    at = run("map", feature=fid)
    html = " ".join(h.value for h in at.get("html") if "atlas-provenance" in h.value)
    for s in feature["properties"][P_SOURCES]:
        assert html_lib.escape(s["quote"], quote=True) in html
        assert s["doc"] in html
    # the table's selection callback and the map's click both land in the same state
    at.session_state[state.SELECTED] = None
    at.run()
    assert not [h for h in at.get("html") if "atlas-provenance" in h.value]


def test_a_table_row_selects_the_feature(monkeypatch):
    import streamlit as st

    from dashboard import table
    from dashboard.views import map as map_view

    fake = {
        table.TABLE_KEY: {"selection": {"rows": [1], "columns": []}},
        table.TABLE_IDS: ["pipelines/a", "pipelines/b"],
        map_view._KNOWN_IDS: frozenset({"pipelines/a", "pipelines/b"}),
    }
    monkeypatch.setattr(st, "session_state", fake)
    table._on_select()
    assert fake[state.SELECTED] == "pipelines/b"
    # a click on the map is tested in Chromium, on a real line (tests/test_dashboard_map_browser.py)


def test_overlays_run_and_show_their_sources(dash_build):
    at = run("map", capacity="1", trade="2024", basemap="light")
    assert not at.exception
    trade_rows = at.dataframe[0].value  # the expander's table comes before the features table
    kaz = trade_rows[trade_rows["partner"] == "Kazakhstan"]
    assert set(kaz["from"]) == {"corpus", "reference"}
    assert kaz["conflict"].str.startswith("⚠").all()


def test_figures_page_marks_conflicts(dash_build):
    at = run("figures")
    assert not at.exception
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    trade_table = at.dataframe[0].value
    kaz = trade_table[(trade_table["partner"] == "Kazakhstan") & (trade_table["year"] == 2024)]
    assert len(kaz) == 2 and kaz["conflict"].str.startswith("⚠").all()
    assert "30.00 bn USD (corpus: k.txt" in " ".join(kaz["conflict"])
    facts = at.dataframe[1].value
    assert len(facts) == len(FACTS)


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_a_missing_or_broken_build_gets_a_message_and_a_rebuild(
    dash_build, knowledge, monkeypatch, broken
):
    build, layers = dash_build
    if broken == "missing":
        shutil.rmtree(build)
    else:
        (build / "pipelines.geojson").write_text(
            '{"type": "FeatureCollection", "features": [', encoding="utf-8"
        )
    monkeypatch.setattr(data, "knowledge", lambda: knowledge)
    for page in PAGES:
        if page == "articles":
            continue
        at = run(page)
        assert not at.exception
        text = at.error[0].value
        assert (
            ("no build" in text)
            if broken == "missing"
            else ("corrupt" in text and "pipelines.geojson" in text)
        )
        assert "atlas build" in text
    at = run("map")
    at.button(key="rebuild_missing").click().run()
    assert not at.exception
    assert set(table_ids(at)) == all_ids(layers)


def test_uploading_an_article_adds_it_and_its_features(dash_build, knowledge, monkeypatch):
    build, layers = dash_build
    corpus = data.corpus_dir()
    monkeypatch.setattr(data, "knowledge", lambda: knowledge)
    text = (
        "The Kambarata-1 hydropower plant on the Naryn river will be built by 2030, "
        "officials in Bishkek said. Trains now run from Kashgar to Osh.\n"
    )
    at = run("articles")
    at.file_uploader[0].set_value([("kambarata.txt", text.encode(), "text/plain")]).run()
    at.text_input(key="up_title_0_0").set_value("Kambarata news").run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    saved = corpus / "kambarata.txt"
    assert saved.read_text(encoding="utf-8").startswith("Title: Kambarata news\n")
    assert "Added 1 article(s): kambarata.txt" in at.success[0].value
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert "kambarata.txt" in {d["path"] for d in manifest["documents"]}
    new = data.load_build()
    assert all_ids(new.features) > all_ids(layers)


def test_reset_clears_filters_and_the_map_view(dash_build):
    _, layers = dash_build
    at = run("map", type="gas_pipeline", q="Line", view="45.000,80.000,7")
    assert len(table_ids(at)) == 3
    assert at.query_params["view"] == "45.000,80.000,7"
    next(b for b in at.sidebar.button if b.label == "Reset the view").click().run()
    assert set(table_ids(at)) == all_ids(layers)
    assert dict(at.query_params) == {}


def _map_or_figures():
    import streamlit as st

    from dashboard.views.figures import figures_page
    from dashboard.views.map import map_page

    figures_page() if st.session_state.get("page") == "figures" else map_page()


def test_the_view_survives_a_visit_to_another_page(dash_build):
    at = AppTest.from_function(_map_or_figures, default_timeout=TIMEOUT)
    at.query_params["type"] = "gas_pipeline"
    at.run()
    assert len(table_ids(at)) == 3
    # a run of another page: Streamlit forgets the map's widgets, and the query string goes
    at.session_state["page"] = "figures"
    at.query_params.clear()
    at.run()
    assert state.W_TYPES not in at.session_state
    at.session_state["page"] = "map"
    at.run()
    assert not at.exception
    assert len(table_ids(at)) == 3
    assert at.sidebar.multiselect(key=state.W_TYPES).value == ["gas_pipeline"]


def test_a_large_table_is_sent_a_page_at_a_time_sorted_and_found_over_every_row(
    dash_build, monkeypatch
):
    """Above ``PAGE_ROWS`` rows the page sends one page: sorting and finding work over every
    row (not the page), and a selected row names the feature of the page shown. The limit
    is lowered to 10 so the 55 features of the seed build make six pages."""
    from dashboard import table

    monkeypatch.setattr(table, "PAGE_ROWS", 10)
    _, layers = dash_build
    every = {f["properties"][P_ID]: f["properties"] for fs in layers.values() for f in fs}
    assert len(every) > 50
    at = run("map")
    first = table_ids(at)
    assert len(first) == 10 and set(first) < set(every)
    assert at.session_state[table.TABLE_IDS] == first  # a selected row names one of these
    assert any(f"Rows 1–10 of {len(every)}, page 1 of 6" in c.value for c in at.caption)
    at.number_input(key=table.PAGE_KEY).set_value(2).run()
    second = table_ids(at)
    assert len(second) == 10 and not set(second) & set(first)
    # sorted over every row: the last names in the alphabet, whatever page they were on
    at.selectbox(key=table.SORT_KEY).set_value("name").run()
    at.toggle(key=table.DESCENDING_KEY).set_value(True).run()
    names = sorted((p["name"] for p in every.values()), reverse=True)
    assert [every[i]["name"] for i in table_ids(at)] == names[:10]
    assert at.number_input(key=table.PAGE_KEY).value == 1  # a new order starts at page 1
    # found over every row: the three lines of the gas system, by their ids
    at.text_input(key=table.FIND_KEY).set_value("gas-line").run()
    lines = {i for i in every if "gas-line" in i}
    assert len(lines) == 3 and set(table_ids(at)) == lines
