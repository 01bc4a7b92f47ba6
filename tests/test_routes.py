"""Routes from sentences we wrote: passes as waypoints, the registry asked first."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import shape

from etl.build import build
from etl.io import read_features

from .conftest import km

TORUGART = (40.593, 75.427)  # the pass (Wikipedia)
KASHGAR = (39.47, 75.99)
NARYN = (41.43, 76.0)


@pytest.fixture
def built(knowledge, tmp_path):
    def run(body: str):
        corpus = tmp_path / "c"
        corpus.mkdir(exist_ok=True)
        (corpus / "a.txt").write_text(f"Title: T\nDate: 2025-03-01\n\n{body}\n", encoding="utf-8")
        build(corpus, tmp_path / "out", knowledge=knowledge)
        return {
            layer: read_features(tmp_path / "out" / f"{layer}.geojson")
            for layer in ("roads", "places", "railways")
        }

    return run


def _vertices(f):
    return [(y, x) for x, y in shapely.get_coordinates(shape(f["geometry"]))]


def test_a_pass_is_a_waypoint_of_a_route_described_by_its_places(built):
    layers = built(
        "Trucks will use a new road from Kashgar via the Torugart pass to Naryn, officials said."
    )
    (road,) = [f for f in layers["roads"] if f["properties"]["precision"] == "inferred"]
    pts = _vertices(road)
    assert km(pts[0], KASHGAR) < 25 and km(pts[-1], NARYN) < 25
    assert min(km(p, TORUGART) for p in pts) < 5
    # the pass itself is the registry's crossing, cited from this sentence
    (crossing,) = [f for f in layers["places"] if f["properties"]["type"] == "border_crossing"]
    assert crossing["properties"]["precision"] != "inferred"
    assert "Torugart pass" in crossing["properties"]["sources"][0]["quote"]


def test_a_registry_route_under_a_new_phrasing_is_the_registry_route(built):
    layers = built(
        "A railway from Kashgar through Torugart to Andijan is being built with Chinese loans."
    )
    assert not [f for f in layers["railways"] if f["properties"]["precision"] == "inferred"]
    ids = {f["properties"]["id"] for f in layers["railways"]}
    assert "railways/china-kyrgyzstan-uzbekistan-railway" in ids


def test_spaced_dashes_keep_a_hyphenated_name_whole():
    """ "ЛЭП Ак-Кыя - Нарын - Торугарт" (held-out set 78): where a chain sets its names apart
    with spaced dashes, a hyphen without spaces is inside a name; a chain written tight
    splits at every dash."""
    from etl.routes import split_chain

    assert split_chain("Ак-Кыя - Нарын - Торугарт") == ("Ак-Кыя", "Нарын", "Торугарт")
    assert split_chain("Bishkek -Kara-Balta") == ("Bishkek", "Kara-Balta")
    assert split_chain("Angren-Pap") == ("Angren", "Pap")


def test_routes_named_in_cyrillic_are_features_of_their_own(built):
    """Two roads named only in Russian were one feature: their ids were the empty slug of a
    Cyrillic chain, so the second route's line and sources vanished into the first."""
    layers = built(
        "Строится автодорога Бохтар-Дангара-Куляб. Строится автодорога Ош-Баткен-Исфана."
    )
    roads = {f["properties"]["id"]: f for f in layers["roads"]}
    assert len(roads) == 2, sorted(roads)
    assert all(not i.startswith("roads/-") for i in roads), sorted(roads)
    osh = (40.52828, 72.7985)  # GeoNames 1527534
    assert any(min(km(v, osh) for v in _vertices(f)) < 5 for f in roads.values())
