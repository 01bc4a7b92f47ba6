"""Reading documents: encodings, HTML, headers, metadata, and files that must be skipped."""

from __future__ import annotations

import codecs

import pytest

from etl.documents import MAX_BYTES, parse_document, read_document
from etl.schema import Document, Skipped

BODY = "The Kashgar\u2013Andijan railway will pass Jalal-Abad, officials in Bishkek said."


@pytest.mark.parametrize(
    "data",
    [
        BODY.encode("utf-8"),
        codecs.BOM_UTF8 + BODY.encode("utf-8"),
        BODY.encode("utf-16"),  # with BOM
        BODY.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1252"],
)
def test_encodings_read_to_the_same_clean_text(data):
    doc = parse_document(data, "a.txt")
    assert isinstance(doc, Document)
    assert (
        doc.text == "The Kashgar-Andijan railway will pass Jalal-Abad, officials in Bishkek said."
    )


def test_cp1251_russian_is_read():
    text = "Железная дорога Китай — Кыргызстан — Узбекистан пройдёт через Ош и Андижан. " * 3
    doc = parse_document(text.encode("cp1251"), "ru.txt")
    assert isinstance(doc, Document)
    assert "Кыргызстан" in doc.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary"),
    ],
    ids=["empty", "blank", "random-bytes", "png"],
)
def test_unreadable_documents_are_skipped_with_a_reason(data, reason):
    result = parse_document(data, "bad.txt")
    assert isinstance(result, Skipped)
    assert reason in result.reason


def test_oversized_file_is_skipped_without_reading_it(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    result = read_document(path, "big.txt")
    assert isinstance(result, Skipped)
    assert "too large" in result.reason


def test_header_block_gives_metadata_and_is_not_text():
    raw = (
        "Title: Dry port grows\nDate: 2024-02-29\nSource: Example Times\n\nKhorgos handled more.\n"
    )
    doc = parse_document(raw.encode(), "x.txt")
    assert (doc.title, doc.date, doc.date_precision, doc.source) == (
        "Dry port grows",
        "2024-02-29",
        "day",
        "Example Times",
    )
    assert doc.text.strip() == "Khorgos handled more."


def test_metadata_csv_row_fills_what_the_file_lacks():
    doc = parse_document(b"Almaty and Shanghai signed.", "y.txt", {"title": "T", "date": "2025-06"})
    assert (doc.title, doc.date, doc.date_precision) == ("T", "2025-06-01", "month")


def test_iso_date_in_text_is_the_last_resort():
    doc = parse_document(b" date 2023-05-19 19.05.2023\n\nSummit in Xi'an.", "z.txt")
    assert doc.date == "2023-05-19"


def test_html_article_text_without_navigation_scripts_or_footer():
    html = """<html><head><title>Rail link</title>
    <meta property="article:published_time" content="2024-04-02T08:00:00Z"></head>
    <body><nav><a href="/">Home</a> | <a>Paris office</a></nav>
    <script>var city = "London";</script>
    <article><h1>Rail link</h1><p>The new line will run from Kashgar to Osh, the ministry said on Tuesday,
    and crews have started work near the Torugart pass on the border.</p>
    <p>Officials in Bishkek expect the first freight trains within five years.</p></article>
    <footer>Offices in New York and Berlin</footer></body></html>"""
    doc = parse_document(html.encode(), "a.html")
    assert isinstance(doc, Document)
    assert "Kashgar to Osh" in doc.text
    for noise in ("Paris office", "London", "New York", "Berlin"):
        assert noise not in doc.text
    assert doc.title == "Rail link"
    assert doc.date == "2024-04-02"


def test_html_of_only_scripts_and_navigation_is_skipped():
    html = "<html><body><nav><a>Home</a><a>World</a></nav><script>alert(1)</script></body></html>"
    result = parse_document(html.encode(), "nav.html")
    assert isinstance(result, Skipped)
    assert "HTML" in result.reason
