"""Property tests for route phrasing: the route readers never raise on any text, and every
offset they give slices the cleaned text to exactly the words they report."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from etl import routes
from etl.assemble import extract
from etl.documents import parse_document
from etl.schema import Document
from etl.text import normalise

#: the words of every route phrasing, places the gazetteer knows, a registry project, noise
ROUTE_TOKENS = [
    "the",
    "The",
    "China's",
    "Kashgar",
    "Hotan",
    "Osh",
    "Irkeshtam",
    "Torugart",
    "Almaty",
    "Khorgos",
    "Aktau",
    "Astana",
    "Beyneu",
    "Jalal-Abad",
    "Caspian Sea",
    "Karaqoymas",
    "-",
    " – ",
    "–",
    "—",
    "railway",
    "double-track line",
    "road",
    "highway",
    "route",
    "transmission line",
    "section",
    "stretch",
    "of the China–Kyrgyzstan–Uzbekistan railway",
    "from",
    "to",
    "then to",
    "the port of",
    "begins in",
    "ends in",
    "tying together the towns of",
    "linking",
    "and",
    "with",
    "via",
    "by rail",
    "will connect end-on with",
    ",",
    ".",
    "\n",
    "'s",
]
route_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(ROUTE_TOKENS), st.text(max_size=6)), max_size=40).map(
        " ".join
    ),
)
_FIXTURE = {
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
    "deadline": None,
    "max_examples": 150,
}


@settings(**_FIXTURE)
@given(text=route_text)
def test_chains_never_raise_and_slice_the_text(text):
    clean = normalise(text)
    for chain in routes.find_chains(clean):
        assert clean[chain.start : chain.end] == chain.text
        assert len(chain.parts) >= 2 and all(chain.parts)


@settings(**_FIXTURE)
@given(body=route_text)
def test_route_findings_slice_the_cleaned_text(knowledge, body):
    doc = parse_document(("News. " + body).encode("utf-8"), "routes.txt")
    if not isinstance(doc, Document):
        return
    found = extract(doc, knowledge)
    for route in found.routes:
        src = route.source
        assert doc.text[src.start : src.end] == src.quote
        assert route.text in src.quote  # the route's words lie in the sentence it cites
        assert len(route.places) >= 2
        line = LineString(route.coords)
        assert line.is_valid and not line.is_empty
    for u in found.unresolved:
        assert doc.text[u.source.start : u.source.end] == u.source.quote
        if u.kind == "route":
            assert u.reason and u.mention


@settings(**_FIXTURE)
@given(text=route_text)
def test_described_routes_never_raise_without_places(text):
    """With no places resolved, no route is described, and nothing raises."""
    clean = normalise(text)
    refused: list[routes.Refusal] = []
    spans = [(0, len(clean))] if clean else []
    assert routes.find_described(clean, spans, [], refused=refused, known=[]) == []
    for r in refused:
        assert clean[r.start : r.end] == r.text
