"""Page boilerplate (issue 8, item 3): related-story lists, notices, tickers, captions and
datelines are blanked, so nothing they name reaches the map or facts.csv, and every offset
still slices the cleaned text. Expectations come from tests/data/articles_boilerplate
(our own articles; see its README), written from the texts and GeoNames."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.assemble import extract
from etl.build import build
from etl.documents import parse_document, read_document
from etl.read.boilerplate import load_markers, strip_boilerplate
from etl.schema import Document
from etl.text import normalise

from .conftest import DATA, _layers, km

ARTICLES = DATA / "articles_boilerplate"
EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("boilerplate-corpus")
    for path in ARTICLES.iterdir():
        if path.suffix in {".txt", ".html"}:
            shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("boilerplate") / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "facts.csv").open(encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return _layers(out), facts, manifest


def _points_from(layers, doc):
    for layer in ("places", "facilities", "events"):
        for f in layers.get(layer, []):
            if f["geometry"]["type"] == "Point" and any(
                s["doc"] == doc for s in f["properties"]["sources"]
            ):
                lon, lat = f["geometry"]["coordinates"]
                yield f["properties"]["name"], lat, lon


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_places_named_only_in_boilerplate_are_not_on_the_map(built, case):
    layers, _, _ = built
    points = list(_points_from(layers, case["file"]))
    for want in case["places"]:
        assert any(km((lat, lon), (want["lat"], want["lon"])) < 25 for _, lat, lon in points), (
            f"{want['name']} missing"
        )
    for bad in case["not_near"]:
        near = [n for n, lat, lon in points if km((lat, lon), (bad["lat"], bad["lon"])) < 25]
        assert not near, f"{bad['name']} drawn from boilerplate: {near}"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_figures_of_boilerplate_are_not_facts(built, case):
    _, facts, _ = built
    originals = [r["original"] for r in facts if r["doc"] == case["file"]]
    for want in case["facts"]:
        assert any(want in o for o in originals), f"{want!r} missing"
    for bad in case["no_facts"]:
        assert not any(bad in o for o in originals), f"{bad!r} read from a ticker"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_blanked_text_keeps_offsets_and_the_manifest_counts_it(built, case):
    _, _, manifest = built
    doc = read_document(ARTICLES / case["file"], case["file"])
    assert isinstance(doc, Document)
    raw = (ARTICLES / case["file"]).read_text(encoding="utf-8")
    for gone in case["dropped"]:
        assert gone in raw and gone not in doc.text, gone
    for stays in case["kept"]:
        assert stays in doc.text, stays
    entry = next(d for d in manifest["documents"] if d["path"] == case["file"])
    assert entry["dateline"] == case["dateline"]
    assert entry["boilerplate_chars_dropped"] >= sum(len(s) for s in case["dropped"]) - sum(
        s.count(" ") for s in case["dropped"]
    )
    assert entry["characters"] == len(doc.text)


def test_the_article_text_is_unchanged_where_nothing_was_dropped():
    page = normalise((ARTICLES / "05_datelines.txt").read_text(encoding="utf-8"))
    out = strip_boilerplate(page)
    assert len(out.text) == len(page)
    assert out.text.count("\n") == page.count("\n")
    body = page.index("Kazakhstan's national shipping company")
    assert out.text[body:] == page[body:]
    assert out.dateline == "Tbilisi"


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        # a "CITY -" dateline needs a capital after the dash; an acronym is not a city
        ("ASTANA - Kazakhstan signed the deal.", "ASTANA - ", "Kazakhstan signed"),
        ("CNPC - the operator - said so.", None, "CNPC - the operator"),
        ("THE RAILWAY - It was built in 2016.", None, "THE RAILWAY - It was"),
        ("KASHGAR - OSH RAILWAY OPENS\nThe line opened.", None, "KASHGAR - OSH RAILWAY"),
        ("MOSCOW, Jan. 5 /TASS/. Russia said so.", "5 /TASS/", "Russia said so."),
        # a caption that is the whole story keeps its text and loses the credit
        ("A" * 800 + " built the road. EPA/JOHN SMITH", "EPA/JOHN SMITH", "built the road."),
        # an early list header drops only the list-like lines after it
        (
            "Read more:\n- Storm in Lima\nThe railway from Kashgar will open in 2030, the ministry "
            "said on Monday after a long review of its costs.\n" + "x " * 400,
            "Storm in Lima",
            "The railway from Kashgar",
        ),
        # a project's fields at the end of a page are the story's, not links after a list
        (
            "The plant was built by a Chinese firm near the capital. "
            * 5
            + "\nProject Details\nSponsor: State power company\nDeveloper: A Chinese firm\n"
            "Location: Dushanbe, Tajikistan\nStatus: Operating\nCapacity: 400 MW in two units",
            None,
            "Status: Operating\nCapacity: 400 MW in two units",
        ),
        # a bar of links and a tag line go; the story stays
        (
            "News | Business | Almaty | Contact\nTags: Tbilisi, rail\nThe Aktau port grew.",
            "Almaty | Contact",
            "The Aktau port grew.",
        ),
        # a short advert line just above the closing boilerplate goes with it
        (
            "The Aktau port handled more containers this year than last, the operator said. " * 3
            + "\n\nBuy Cheap Flights To Dubai\n\nLeave a Reply\n",
            "Dubai",
            "the operator said.",
        ),
        # icon texts, a language switcher, a site credit, an image source, a time stamp
        (
            "mail-icon\nEN RU KZ\n12.03.2024 10:15\nImage source: Port of Aktau\n"
            "The Aktau port grew.\nPORTNEWS.KZ",
            "Image source: Port of Aktau",
            "The Aktau port grew.",
        ),
        # datelines in their real shapes go ("CITY:", "CITY. AGENCY - A ...", with a page prefix)
        ("BEIJING: Chinese officials said so.", "BEIJING:", "Chinese officials said so."),
        (
            "date 2016-08-09 ASTANA. NORTHWIRE - A new ferry terminal opened in Kuryk.",
            "NORTHWIRE",
            "A new ferry terminal opened in Kuryk.",
        ),
        # ... but a sentence or heading that only starts with a place is not a dateline
        ("Beijing said on Monday that the line would open.", None, "Beijing said"),
        ("Astana: a city of contrasts, and the capital.", None, "Astana: a city"),
        ("ASTANA: a city of contrasts.", None, "ASTANA: a city"),
        # a heading in title case after the colon: a few words, no whole sentence
        ("Astana: The City of Contrasts\nIt grew fast.", None, "Astana: The City"),
        ("Astana: The city grew fast.", None, "Astana: The city"),
        # a sentence after a title-case dateline's colon counts only when it begins a line
        # ("The pipeline to Kashgar: The line carries gas ..." is a sentence, not a dateline)
        (
            "Work on the line near Kashgar: The first rails were laid across the river "
            "valley this week, officials said.",
            None,
            "Work on the line near Kashgar: The",
        ),
        ("NOTE: The figures are estimates.", None, "NOTE: The"),
        ("Khorgos (Kazakhstan) - the port grew.", None, "Khorgos (Kazakhstan) - the"),
        ("Khorgos (Kazakhstan) said the port grew.", None, "Khorgos (Kazakhstan) said"),
        # a place before a hyphen is not a dateline; a word after the date is the story's
        ("Kyrgyzstan-China railway talks resume in June.", None, "Kyrgyzstan-China"),
        ("President Kassym-Jomart Tokayev opened the line.", None, "President Kassym-"),
        (
            "DUSHANBE, Tajikistan, February 6. Construction of the road began.",
            "DUSHANBE",
            "Construction of the road began.",
        ),
        # a language menu on one line goes; a language named alone on a line stays
        ("English Русский Қазақша O'zbek\nThe Aktau port grew.", "Қазақша", "The Aktau port grew."),
        ("Kazakh\nThe Aktau port grew.", None, "Kazakh\nThe Aktau"),
        # an agency reporting is not an author's bio
        (
            "The Aktau port grew fast this year, the operator said. " * 6
            + "\nXinhua reports that its correspondent saw the new berth at Aktau.",
            None,
            "its correspondent saw the new berth at Aktau.",
        ),
        # a list the article introduces with a colon at its end stays
        (
            "The Aktau port grew fast this year, the operator said. "
            * 6
            + "\nThe trains will stop at three points:\nKhorgos Gateway yard on the border\n"
            "Altynkol station next to it\nZharkent freight terminal further west",
            None,
            "Zharkent freight terminal further west",
        ),
        # a press-release wire after a double dash is a dateline; a heading with one is not
        ("LONDON--(BUSINESS WIRE)--Acme Gold said so.", "BUSINESS WIRE", "Acme Gold said so."),
        ("KASHGAR--OSH RAILWAY OPENS\nThe line opened.", None, "KASHGAR--OSH RAILWAY"),
        # a contacts block goes up to the release's next paragraph, which stays
        (
            "Media contacts:\nJane Roe, Dublin Partners\nTel: +44 20 1234 5678\n"
            "The port of Aktau handled more grain this year, the operator said.",
            "Dublin Partners",
            "The port of Aktau handled more grain",
        ),
        # a related list indented like the story is not a nested box: the story goes on
        (
            "  Related readings:\n  - Storm in Lima\n  The railway from Kashgar will open in "
            "2030, the ministry said on Monday after a long review.\n" + "x " * 400,
            "Storm in Lima",
            "The railway from Kashgar",
        ),
        # words of a notice inside a long article sentence do not make it a notice
        (
            "The ministry said it would accept cookies and biscuits as samples at the border "
            "post in Khorgos, a rule that traders from Almaty and Urumqi had asked for. " * 4,
            None,
            "accept cookies",
        ),
    ],
)
def test_markers_do_not_eat_the_story(text, gone, kept):
    out = strip_boilerplate(normalise(text))
    assert len(out.text) == len(text)
    if gone:
        assert gone not in out.text
    assert kept in out.text


def test_markers_are_data():
    markers = load_markers()
    assert markers.list_header.fullmatch("You might also like")
    assert any(k == "navigation" for k, _ in markers.line)


# --- properties -----------------------------------------------------------------------------

PAGE_BITS = [
    "Latest news",
    "Read next:",
    "- Flooding in Lima",
    "Chinese firms win a port deal in Accra ... more",
    "Photo: Xinhua",
    "(AFP / Jan Novak)",
    "USD 480.10 EUR 521.30 RUB 5.12",
    "KZT/USD = 0.0021 0.5%",
    "ALMATY, Kazakhstan, July 1.",
    "BEIJING, March 3 (Xinhua) --",
    "NEW YORK -",
    "date 2024-02-06",
    "By continuing to use this website you agree to our use of cookies.",
    "Share",
    "Home > News",
    "Leave a Reply",
    "The railway from Kashgar to Osh will cost $4.1 billion.",
    "Trade reached $94.8 billion in 2024.",
    "Almaty",
    "Dostyk",
    "\n",
    "\n\n",
    " ",
    "-",
    ".",
]
pages = st.lists(st.one_of(st.sampled_from(PAGE_BITS), st.text(max_size=10)), max_size=40).map(
    " ".join
)


@given(st.one_of(st.text(max_size=400), pages))
def test_stripping_never_raises_and_keeps_every_offset(text):
    page = normalise(text)
    out = strip_boilerplate(page)
    assert len(out.text) == len(page)
    last = 0
    for s, e, kind in out.spans:
        assert last <= s < e <= len(page) and kind
        assert out.text[s:e].strip() == ""
        last = e
    kept = [i for i, (a, b) in enumerate(zip(page, out.text, strict=True)) if a != b]
    assert all(page[i] != "\n" and out.text[i] == " " for i in kept)
    assert out.dropped_chars >= len(kept) - sum(page[i] == " " for i in kept)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=pages)
def test_quotes_slice_the_cleaned_text_of_pages_with_boilerplate(knowledge, body):
    doc = parse_document(("Date: 2024-05-01\n\n" + body).encode("utf-8"), "page.txt")
    if not isinstance(doc, Document):
        return
    found = extract(doc, knowledge)
    sources = [p.source for p in found.places] + [f.source for f in found.facts]
    sources += [u.source for u in found.unresolved] + [r.source for r in found.routes]
    for src in sources:
        assert doc.text[src.start : src.end] == src.quote
