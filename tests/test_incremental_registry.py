"""A registry edit invalidates exactly what it must, and the bytes stay those of a full build.

Dossier fields (status, cost, stated length, notes, sources...) are applied by the merge:
editing them re-extracts no document. Names, aliases and waypoints decide what extraction
finds: editing them re-extracts every document, and the output follows the edit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from etl import settings
from etl.build import RunOptions, build, load_knowledge
from etl.knowledge import extraction_registry, knowledge_version, registry_digest
from tests.test_scale import OUTPUTS, _corpus

ENTRY = "pipelines/kazakhstan-china-oil-pipeline"  # named in 02_oil_pipeline_atasu_alashankou
NEW_NAME = "Steppe Crude Line"
ARTICLE = (
    "Title: Pumps for the steppe\nDate: 2024-03-04\n\n"
    f"Engineers in Atasu said the {NEW_NAME} would get two new pumping stations this year.\n"
)


def _edit(registry: Path, change) -> None:
    """Apply ``change`` to the entry's mapping and write its file back (reformatted)."""
    path = registry / "pipelines.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["id"] == ENTRY:
            change(entry)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), "utf-8")


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (*OUTPUTS, "pipelines.parquet")}


def _feature(out: Path) -> dict:
    layer = json.loads((out / "pipelines.geojson").read_text(encoding="utf-8"))
    return next(f["properties"] for f in layer["features"] if f["id"] == ENTRY)


def _registry(tmp_path: Path) -> Path:
    registry = tmp_path / "registry"
    shutil.copytree(settings.REGISTRY_DIR, registry)
    return registry


def test_a_dossier_edit_reuses_every_finding(tmp_path):
    corpus = _corpus(tmp_path)
    registry = _registry(tmp_path)
    cache = tmp_path / "cache"
    first = build(
        corpus,
        tmp_path / "a" / "build",
        knowledge=load_knowledge(registry),
        options=RunOptions(cache_dir=cache, workers=1),
    )
    assert first.extracted == first.documents

    def dossier(entry: dict) -> None:
        entry["status"] = "construction"
        entry["cost_usd"] = 3_500_000_000
        entry["stated_length_km"] = 2300
        entry["notes"] = "Edited by a test: the dossier, not what the texts name."
        entry["sources"].append({"title": "A test", "url": "https://example.org/test"})

    _edit(registry, dossier)
    edited = load_knowledge(registry)
    inc = build(
        corpus,
        tmp_path / "inc" / "build",
        knowledge=edited,
        options=RunOptions(cache_dir=cache, workers=1),
    )
    assert (inc.extracted, inc.reused) == (0, inc.documents)
    full = build(
        corpus,
        tmp_path / "full" / "build",
        knowledge=edited,
        options=RunOptions(cache=False, workers=1),
    )
    assert _outputs(tmp_path / "inc" / "build") == _outputs(tmp_path / "full" / "build")
    props = _feature(tmp_path / "inc" / "build")
    assert (props["status"], props["cost_usd"], props["stated_length_km"]) == (
        "construction",
        3_500_000_000,
        2300,
    )
    assert props["notes"].startswith("Edited by a test")
    assert props != _feature(tmp_path / "a" / "build")
    assert full.documents == inc.documents


def test_an_alias_edit_re_extracts_and_the_output_follows(tmp_path):
    corpus = _corpus(tmp_path)
    (corpus / "zz_steppe.txt").write_text(ARTICLE, encoding="utf-8")
    registry = _registry(tmp_path)
    cache = tmp_path / "cache"
    before = build(
        corpus,
        tmp_path / "a" / "build",
        knowledge=load_knowledge(registry),
        options=RunOptions(cache_dir=cache, workers=1),
    )
    assert "zz_steppe.txt" not in {s["doc"] for s in _feature(tmp_path / "a" / "build")["sources"]}

    _edit(registry, lambda entry: entry["aliases"].append(NEW_NAME))
    edited = load_knowledge(registry)
    inc = build(
        corpus,
        tmp_path / "inc" / "build",
        knowledge=edited,
        options=RunOptions(cache_dir=cache, workers=1),
    )
    assert (inc.extracted, inc.reused) == (before.documents, 0)
    props = _feature(tmp_path / "inc" / "build")
    assert "zz_steppe.txt" in {s["doc"] for s in props["sources"]}
    assert NEW_NAME in props["aliases"]
    build(
        corpus,
        tmp_path / "full" / "build",
        knowledge=edited,
        options=RunOptions(cache=False, workers=1),
    )
    assert _outputs(tmp_path / "inc" / "build") == _outputs(tmp_path / "full" / "build")


def test_what_extraction_sees_of_the_registry(knowledge, tmp_path):
    """The version follows names, aliases, waypoints, organisations and order, not dossiers."""
    reg = knowledge.registry
    view = extraction_registry(reg)
    digest = registry_digest(view)
    entry = reg.entries[ENTRY]
    assert view.entries[ENTRY].status is None and view.entries[ENTRY].notes is None
    assert view.entries[ENTRY].aliases == entry.aliases
    assert view.entries[ENTRY].geometry.equals_exact(entry.geometry, 0)
    assert list(view.entries) == list(reg.entries)  # the first entry that fits a route wins
    organisations = [e for e in reg.entries.values() if e.organisations()]
    assert organisations and all(
        view.entries[e.id].organisations() == e.organisations() for e in organisations
    )

    from dataclasses import replace

    def changed(**kw) -> str:
        entries = dict(reg.entries)
        entries[ENTRY] = replace(entry, **kw)
        return registry_digest(extraction_registry(type(reg)(entries=entries, systems=reg.systems)))

    assert changed(status="shelved", cost_usd=1.0, notes="x", year_opened=1999) == digest
    assert changed(aliases=(*entry.aliases, NEW_NAME)) != digest
    assert changed(waypoints=entry.waypoints[:-1]) != digest
    assert changed(dossier={**entry.dossier, "owner": "Another Company"}) != digest
    assert changed(capacity=21.0) != digest
    reordered = dict(reversed(list(reg.entries.items())))
    assert registry_digest(extraction_registry(type(reg)(entries=reordered))) != digest

    # the files stand for themselves only through the view: a comment or a new layout of a
    # file changes nothing, and the version follows the view it is given
    index = tmp_path / "no-index"
    registry = _registry(tmp_path)
    before = knowledge_version(registry, index, digest)
    pipelines = registry / "pipelines.yaml"
    pipelines.write_text(pipelines.read_text(encoding="utf-8") + "\n# edited\n")
    assert knowledge_version(registry, index, digest) == before
    assert knowledge_version(registry, index, "another view") != before
    (registry / "README.md").write_text("edited", encoding="utf-8")  # not read, still hashed
    assert knowledge_version(registry, index, digest) != before
