"""Shared fixtures: the real knowledge (gazetteer, registry) and builds of test corpora, once per session."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from etl import settings
from etl.build import build, load_knowledge

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "articles"


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between (lat, lon) pairs: the tests' own, not the code under test."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()


@pytest.fixture(autouse=True)
def _own_findings_cache(tmp_path_factory, monkeypatch):
    """Each test's in-process builds cache findings in a folder of their own.

    The cache is keyed by the documents and the code on disk, not by what a test has
    monkeypatched: a test that switches a filter off must not leave findings that a later
    build of the same article would reuse.
    """
    monkeypatch.setattr(settings, "FINDINGS_DIR", tmp_path_factory.mktemp("findings"))


def _layers(out: Path) -> dict[str, list[dict]]:
    layers = {}
    for path in sorted(out.glob("*.geojson")):
        with path.open(encoding="utf-8") as f:
            layers[path.stem] = json.load(f)["features"]
    return layers


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory, knowledge):
    """The bundled seed corpus, built once into a temporary directory."""
    out = tmp_path_factory.mktemp("seed") / "build"
    build(settings.DEFAULT_CORPUS, out, knowledge=knowledge)
    return out, _layers(out)


@pytest.fixture(scope="session")
def articles_build(tmp_path_factory, knowledge):
    """Our own hand-written articles (tests/data/articles), built once."""
    corpus = tmp_path_factory.mktemp("articles-corpus")
    for path in ARTICLES.iterdir():
        if path.suffix in {".txt", ".html", ".htm", ".md"} and path.name != "README.md":
            shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("articles") / "build"
    build(corpus, out, knowledge=knowledge)
    return out, _layers(out)
