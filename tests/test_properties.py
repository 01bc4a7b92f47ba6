"""Property tests: the readers and extractors never raise, and every offset slices its quote."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.assemble import extract
from etl.documents import parse_document
from etl.schema import Document, Skipped

# words that drive the extractors: places, projects, units, currencies, dates, event words
TOKENS = [
    "Almaty",
    "Kashgar",
    "Osh",
    "Xi'an",
    "Mary",
    "Moscow, Idaho",
    "Caspian Sea",
    "Dostyk",
    "China",
    "Kazakhstan",
    "the five Central Asian countries",
    "President",
    "Xi Jinping",
    "said",
    "from",
    "to",
    "through",
    "via",
    "and",
    "railway",
    "highway",
    "pipeline",
    "route",
    "ferry",
    "Lines A, B, and C",
    "Central Asia-China gas pipeline",
    "China-Jiangxi-Ukraine railway",
    "Kashgar-Osh-Andijan railway",
    "$",
    "US$",
    "1,500",
    "MW",
    "3.5",
    "billion",
    "yuan",
    "(about",
    "$490 million)",
    "tenge",
    "percent",
    "%",
    "bcm",
    "cubic metres",
    "a year",
    "km",
    "TEU",
    "in 2023",
    "last year",
    "May 18 to 19",
    "12-13 September 2024",
    "on Monday",
    "Summit",
    "Forum",
    "sister city",
    "friendly city agreement between",
    ".",
    ",",
    "\n",
    "—",
    "’",
    "\u00a0",
]
text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=60).map(" ".join),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=text_strategy, date=st.sampled_from([None, "2024-03-10", "2023-05"]))
def test_extract_never_raises_and_offsets_slice_quotes(knowledge, body, date):
    doc = parse_document(body.encode("utf-8"), "fuzz.txt", {"date": date} if date else None)
    if isinstance(doc, Skipped):
        return
    found = extract(
        doc, knowledge.matcher, knowledge.resolver, knowledge.registry, knowledge.continent_of
    )
    sources = [src for _, src, _, _ in found.places]
    sources += [src for _, src, _ in found.entries]
    sources += [src for _, src in found.routes]
    sources += [u.source for u in found.unresolved]
    sources += [f.source for f in found.facts]
    for src in sources:
        assert doc.text[src.start : src.end] == src.quote
    for f in found.facts:
        assert f.original and f.original in f.source.quote
    for ev in found.events:
        s, e = ev.span
        assert 0 <= s < e <= len(doc.text)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.txt", "b.html", "c.md"]))
def test_reading_arbitrary_bytes_never_raises(data, name):
    result = parse_document(data, name)
    assert isinstance(result, Document | Skipped)
    if isinstance(result, Document):
        assert result.text.strip()
        assert "\x00" not in result.text
