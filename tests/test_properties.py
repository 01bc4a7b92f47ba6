"""Property tests: the readers and extractors never raise, and every offset slices its quote."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.assemble import extract
from etl.documents import parse_document
from etl.read.boilerplate import strip_boilerplate
from etl.schema import Document, Skipped
from etl.text import normalise, unwrap

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


DATES = st.sampled_from([None, "2024-03-10", "2023-05"])
NAMES = st.sampled_from(["a.txt", "b.html", "c.md"])
#: how scrapes store text: the encodings the contract names, with and without a BOM
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "cp1252"]
CYRILLIC = ["Алматы", "Бишкек", "Ош", "Ташкент", "Железная дорога", "пройдёт через", "и"]
TAGS = ["div", "p", "article", "nav", "script", "style", "span", "li", "td", "h1", "footer"]


@st.composite
def damaged_bytes(draw) -> bytes:
    """Text encoded as a scrape might be, then damaged: stray bytes and NULs, bytes lost, cut."""
    words = st.one_of(st.sampled_from(TOKENS + CYRILLIC), st.text(max_size=8))
    text = draw(st.one_of(st.text(max_size=300), st.lists(words, max_size=60).map(" ".join)))
    data = bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace"))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        damage = draw(st.sampled_from(["byte", "nul", "drop"]))
        if damage == "byte":
            data[at:at] = bytes([draw(st.integers(0x80, 0xFF))])
        elif damage == "nul":
            data[at:at] = b"\x00"
        else:
            del data[at : at + 1]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _element(tag_and_children: tuple[str, list[str]]) -> str:
    tag, children = tag_and_children
    return f"<{tag}>{''.join(children)}</{tag}>"


#: HTML pages: nested tags around news words, sometimes with raw, unescaped text
html_pages = st.recursive(
    st.one_of(
        st.lists(st.sampled_from(TOKENS + CYRILLIC), max_size=12).map(" ".join).map(html.escape),
        st.text(max_size=20),
    ),
    lambda children: st.tuples(st.sampled_from(TAGS), st.lists(children, max_size=4)).map(_element),
    max_leaves=30,
).map(lambda body: f"<html><head><title>News</title></head><body>{body}</body></html>")


def check_offsets(doc: Document, knowledge) -> None:
    """Every quote the extractors give is the slice of the document's text at its offsets."""
    found = extract(doc, knowledge)
    sources = [p.source for p in found.places]
    sources += [e.source for e in found.entries]
    sources += [r.source for r in found.routes]
    sources += [u.source for u in found.unresolved]
    sources += [f.source for f in found.facts]
    sources += [ev.source for ev in found.events]
    sources += [pa.source for pa in found.partnerships]
    for src in sources:
        assert doc.text[src.start : src.end] == src.quote
    for f in found.facts:
        assert f.original and f.original in f.source.quote
    for pa in found.partnerships:
        assert pa.surface in pa.source.quote


def check_readable(result: Document | Skipped) -> None:
    """A document read is text safe to show: no NULs, no control characters but newlines."""
    assert isinstance(result, Document | Skipped)
    if isinstance(result, Document):
        assert result.text.strip()
        assert not any(c < " " and c != "\n" for c in result.text), repr(result.text)


def check_extract(knowledge, body: str, date: str | None) -> None:
    doc = parse_document(body.encode("utf-8"), "fuzz.txt", {"date": date} if date else None)
    if isinstance(doc, Document):
        check_offsets(doc, knowledge)


def check_arbitrary_bytes(data: bytes, name: str) -> None:
    check_readable(parse_document(data, name))


def check_utf8_read_as_written(body: str) -> None:
    text = "News. " + body  # not a header line, not HTML
    doc = parse_document(text.encode("utf-8"), "a.txt")
    # as written, but with page boilerplate blanked and hard-wrapped lines joined (each
    # one character for one: same length, same offsets)
    cleaned = unwrap(strip_boilerplate(normalise(text)).text)
    if cleaned.strip():
        assert isinstance(doc, Document)
        assert doc.text == cleaned
        assert len(doc.text) == len(normalise(text))


def check_damaged(knowledge, data: bytes, name: str) -> None:
    result = parse_document(data, name)
    check_readable(result)
    if isinstance(result, Document):
        check_offsets(result, knowledge)


def check_html(knowledge, page: str) -> None:
    result = parse_document(page.encode("utf-8"), "page.html")
    check_readable(result)
    if isinstance(result, Document):
        check_offsets(result, knowledge)


#: every property here, with its strategies: ``benchmarks/fuzz_long.py`` runs them for longer
PROPERTIES = {
    "extract": (check_extract, {"body": text_strategy, "date": DATES}),
    "arbitrary_bytes": (check_arbitrary_bytes, {"data": st.binary(max_size=2000), "name": NAMES}),
    "utf8_read_as_written": (
        check_utf8_read_as_written,
        {"body": st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300)},
    ),
    "damaged_bytes": (check_damaged, {"data": damaged_bytes(), "name": NAMES}),
    "html": (check_html, {"page": html_pages}),
}
_FIXTURE = {"suppress_health_check": [HealthCheck.function_scoped_fixture], "deadline": None}


@settings(max_examples=150, **_FIXTURE)
@given(body=text_strategy, date=DATES)
def test_extract_never_raises_and_offsets_slice_quotes(knowledge, body, date):
    check_extract(knowledge, body, date)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), name=NAMES)
def test_reading_arbitrary_bytes_never_raises(data, name):
    check_arbitrary_bytes(data, name)


@settings(max_examples=200, deadline=None)
@given(body=PROPERTIES["utf8_read_as_written"][1]["body"])
def test_utf8_text_is_read_as_written(body):
    check_utf8_read_as_written(body)


@settings(max_examples=150, **_FIXTURE)
@given(data=damaged_bytes(), name=NAMES)
def test_damaged_text_in_any_encoding_is_read_safely_and_offsets_hold(knowledge, data, name):
    check_damaged(knowledge, data, name)


@settings(max_examples=100, **_FIXTURE)
@given(page=html_pages)
def test_html_of_any_shape_is_read_safely_and_offsets_hold(knowledge, page):
    check_html(knowledge, page)
