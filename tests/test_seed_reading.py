"""Issue 3's checks on the seed corpus: routes from sentences, figures, events, partnerships."""

from __future__ import annotations

import csv
import re

import pytest

from .conftest import km

URUMQI = (43.83, 87.62)
XIAN = (34.27, 108.95)
ASTANA = (51.17, 71.45)
SHANGHAI = (31.23, 121.47)
ALMATY = (43.24, 76.89)
CASPIAN_BOX = (36.5, 47.5, 46.5, 55.0)  # lat min, lat max, lon min, lon max


def _facts(out):
    with (out / "facts.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _latlon(coords):
    return (coords[1], coords[0])


def test_urumqi_to_caspian_route_is_an_inferred_corridor_ending_on_the_shore(seed_build):
    _, layers = seed_build
    routes = [
        f
        for f in layers["corridors"]
        if f["properties"]["precision"] == "inferred"
        and km(_latlon(f["geometry"]["coordinates"][0]), URUMQI) < 25
    ]
    assert len(routes) == 1
    lat, lon = _latlon(routes[0]["geometry"]["coordinates"][-1])
    lat0, lat1, lon0, lon1 = CASPIAN_BOX
    assert lat0 < lat < lat1 and lon0 < lon < lon1
    assert routes[0]["properties"]["countries"], "the shore point is on land, in a country"
    assert "Urumqi to the Caspian Sea" in routes[0]["properties"]["sources"][0]["quote"]


def test_shanghai_almaty_partnership_is_a_line_between_them(seed_build):
    _, layers = seed_build
    (pair,) = layers["partnerships"]
    ends = [_latlon(c) for c in pair["geometry"]["coordinates"]]
    assert min(km(e, SHANGHAI) for e in ends) < 25 and min(km(e, ALMATY) for e in ends) < 25
    assert pair["properties"]["type"] == "sister_cities"
    assert sorted(pair["properties"]["countries"]) == ["CHN", "KAZ"]


@pytest.mark.parametrize(
    ("where", "month", "ordinal"),
    [(XIAN, "2023-05", None), (ASTANA, "2025-06", "Second")],
)
def test_both_summits_are_events_with_place_and_dates(seed_build, where, month, ordinal):
    _, layers = seed_build
    summits = [
        f
        for f in layers["events"]
        if f["properties"]["type"] == "summit"
        and "Central Asia" in f["properties"]["name"]
        and km(_latlon(f["geometry"]["coordinates"]), where) < 25
    ]
    assert len(summits) == 1
    p = summits[0]["properties"]
    assert p["start_date"].startswith(month)
    if ordinal:
        assert p["name"].startswith(ordinal)


def test_trade_2022_conflict_is_flagged_on_both_rows(seed_build):
    out, _ = seed_build
    rows = [
        r
        for r in _facts(out)
        if r["metric"] == "trade_volume"
        and r["subject"] == "CHN-CENTRAL_ASIA"
        and r["year"] == "2022"
    ]
    assert sorted(float(r["value"]) for r in rows) == [70.2e9, 94.8e9]
    assert all(r["conflict"] for r in rows)
    assert len({r["doc"] for r in rows}) == 2


def test_yuan_figure_keeps_its_words_and_the_texts_own_dollars(seed_build):
    out, _ = seed_build
    (row,) = [r for r in _facts(out) if "yuan" in r["original"]]
    assert row["unit"] == "USD" and float(row["value"]) == pytest.approx(94e9)
    assert row["original"].startswith("674.15 billion yuan")
    assert row["metric"] == "trade_volume"


def test_growth_against_2013_is_not_a_2013_figure(seed_build):
    out, _ = seed_build
    (row,) = [r for r in _facts(out) if r["original"] == "116 percent"]
    assert row["metric"] == "growth_pct" and row["year"] != "2013"


def test_lines_abc_capacity_and_length_are_tied_to_the_pipelines(seed_build):
    _, layers = seed_build
    lines = [f for f in layers["pipelines"] if re.search(r"gas-line-[abc]$", f["properties"]["id"])]
    assert len(lines) == 3
    for f in lines:
        figs = {(g["metric"], g["value"], g["unit"]) for g in f["properties"]["figures"]}
        assert ("capacity", 55, "bcm/y") in figs
        assert ("length", 3666, "km") in figs
        capacity = next(g for g in f["properties"]["figures"] if g["metric"] == "capacity")
        assert capacity["agrees"] is True  # 15 + 15 + 25 in the registry


def test_a_figure_that_disagrees_with_the_registry_is_recorded_not_overwritten(seed_build):
    _, layers = seed_build
    rail = next(
        f
        for f in layers["railways"]
        if f["properties"]["id"] == "railways/china-kyrgyzstan-uzbekistan-railway"
    )
    p = rail["properties"]
    stated = [g for g in p["figures"] if g["metric"] == "cost"]
    assert stated and stated[0]["value"] == 6e9 and stated[0]["agrees"] is False
    assert p["cost_usd"] == stated[0]["registry_value"] != 6e9


def test_stated_status_confirms_the_registry(seed_build):
    _, layers = seed_build
    rail = next(
        f
        for f in layers["railways"]
        if f["properties"]["id"] == "railways/china-kyrgyzstan-uzbekistan-railway"
    )
    stated = [g for g in rail["properties"]["figures"] if g["metric"] == "status"]
    assert [(g["value"], g["agrees"]) for g in stated] == [("construction", True)]


def test_stated_status_that_disagrees_is_recorded_not_applied(knowledge, tmp_path):
    from etl.build import build
    from etl.io import read_features

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Title: Dam\nDate: 2025-02-01\n\nThe Kambarata-1 hydropower plant is now under construction, "
        "officials in Bishkek said.\n",
        encoding="utf-8",
    )
    build(corpus, tmp_path / "out", knowledge=knowledge)
    (dam,) = [
        f for f in read_features(tmp_path / "out" / "facilities.geojson") if "kambarata" in f["id"]
    ]
    registry_status = knowledge.registry.entries[dam["id"]].status
    assert registry_status != "construction"
    assert dam["properties"]["status"] == registry_status
    (stated,) = [g for g in dam["properties"]["figures"] if g["metric"] == "status"]
    assert (stated["value"], stated["agrees"], stated["registry_value"]) == (
        "construction",
        False,
        registry_status,
    )
