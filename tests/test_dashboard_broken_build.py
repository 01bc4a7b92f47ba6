"""A build file that is cut short, hand-edited or gone: every page says which file is broken and
the command that rebuilds it, instead of a traceback.

(``test_dashboard_app.py`` covers a missing build and a truncated ``pipelines.geojson``, and
the rebuild button.)
"""

from __future__ import annotations

import json
import shlex
import shutil

import pytest

from dashboard import data
from etl.cli import main as atlas
from etl.schema import FACTS_CSV, MANIFEST, P_ID

from .test_dashboard_app import run

BUILD_PAGES = ("map", "figures", "build")


def _truncate(path):
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _edit_first_feature(path, edit):
    collection = json.loads(path.read_text(encoding="utf-8"))
    feature = collection["features"][0]
    fid = feature["properties"][P_ID]
    edit(feature)
    path.write_text(json.dumps(collection), encoding="utf-8")
    return fid


def _set_coordinates(value):
    def edit(feature):
        feature["geometry"]["coordinates"] = value

    return edit


def _set_first_position(value):
    def edit(feature):
        coords = feature["geometry"]["coordinates"]
        while isinstance(coords[0], list):
            coords = coords[0]
        coords[0] = value

    return edit


# (file, how it is broken, words the message must hold besides the file's name)
CASES = {
    "places cut short": ("places.geojson", _truncate, ["not valid JSON"]),
    "manifest garbage": (
        MANIFEST,
        lambda p: p.write_bytes(b"\x00\xff\xfe garbage <html>"),
        ["not UTF-8"],
    ),
    "manifest not an object": (
        MANIFEST,
        lambda p: p.write_text('["documents"]', encoding="utf-8"),
        ["not a JSON object"],
    ),
    "facts deleted": (FACTS_CSV, lambda p: p.unlink(), ["is missing"]),
    "non-numeric coordinate": (
        "pipelines.geojson",
        lambda p: _edit_first_feature(p, _set_first_position("69.2E")),
        ["bad coordinate", "not a pair of numbers", "{id}"],
    ),
    "latitude out of range": (
        "places.geojson",
        lambda p: _edit_first_feature(p, _set_coordinates([71.4, 95.0])),
        ["bad coordinate", "outside", "{id}"],
    ),
    "feature without properties": (
        "railways.geojson",
        lambda p: _edit_first_feature(p, lambda f: f.pop("properties")),
        ["no properties"],
    ),
}


@pytest.fixture
def seed_copy(seed_build, tmp_path, monkeypatch):
    """A copy of the seed build the app reads, and an empty corpus."""
    out, _ = seed_build
    build = tmp_path / "build"
    shutil.copytree(out, build)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    monkeypatch.setenv(data.BUILD_ENV, str(build))
    monkeypatch.setenv(data.CORPUS_ENV, str(corpus))
    return build, corpus


@pytest.mark.parametrize("case", list(CASES))
def test_each_page_names_the_broken_file_and_the_command_that_rebuilds_it(seed_copy, case):
    build, corpus = seed_copy
    name, breaks, words = CASES[case]
    fid = breaks(build / name)
    command = f"atlas build --corpus {corpus} --out {build}"
    for page in BUILD_PAGES:
        at = run(page)
        assert not at.exception, (page, at.exception)
        (error,) = at.error
        text = error.value
        assert f"The build in {build} is incomplete or corrupt: {name} " in text, (page, text)
        for word in words:
            assert word.format(id=fid) in text, (page, text)
        assert f"`{command}`" in text
        assert at.button(key="rebuild_missing").label == "Build the atlas now"
    # adding articles rebuilds the atlas, so that page still works, with a warning
    at = run("articles")
    assert not at.exception and not at.error
    assert name in at.warning[0].value and command in at.warning[0].value
    assert at.file_uploader


def test_the_command_in_the_message_mends_the_build(seed_copy, knowledge, monkeypatch):
    build, corpus = seed_copy
    (corpus / "a.txt").write_text("Trains run from Kashgar to Osh.\n", encoding="utf-8")
    _truncate(build / "places.geojson")
    text = run("map").error[0].value
    command = text[text.index("`atlas build") + 1 : text.index("` in a terminal")]
    monkeypatch.setattr("etl.build.load_knowledge", lambda *a, **k: knowledge)
    argv = shlex.split(command)
    assert argv[:2] == ["atlas", "build"]
    assert atlas(argv[1:]) == 0
    at = run("map")
    assert not at.exception and not at.error
    assert {"places/kashgar-chn", "places/osh-kgz"} <= set(at.dataframe[0].value[P_ID])


def test_at_the_default_paths_the_command_is_plain_atlas_build(monkeypatch):
    monkeypatch.delenv(data.BUILD_ENV, raising=False)
    monkeypatch.delenv(data.CORPUS_ENV, raising=False)
    assert data.rebuild_command() == "atlas build"
