"""A document the atlas cannot read costs that document, never the whole build.

Found on a real news page: a section label on its own line ("Energy") just above a
headline that starts with a dashed route name made the route reader look for "Energy
Kazakhstan" with a space, while the text has a line break, and the whole build stopped
with ``ValueError: substring not found``. The article below reproduces that shape.
"""

from __future__ import annotations

import json
from pathlib import Path

from etl import run
from etl.build import RunOptions, build

#: a section label line above a headline whose first words are a dashed route name
LABEL_ABOVE_ROUTE = """Energy
Kazakhstan-China Gas Pipeline raises its deliveries

ALMATY -- The operator of the pipeline said shipments through Shymkent grew this year.
"""

PLAIN = "Workers finished the new terminal at Aktau port on the Caspian coast this spring.\n"


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _place_names(out: Path) -> set[str]:
    layer = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["name"] for f in layer["features"]}


def test_a_route_name_below_a_label_line_is_read(tmp_path, knowledge):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "label.txt").write_text(LABEL_ABOVE_ROUTE, encoding="utf-8")
    out = tmp_path / "build"
    build(corpus, out, knowledge=knowledge, options=RunOptions(workers=1))
    manifest = _manifest(out)
    assert manifest["skipped"] == []
    assert [d["path"] for d in manifest["documents"]] == ["label.txt"]
    assert "Shymkent" in _place_names(out)


def test_a_fault_on_one_document_skips_it_and_the_build_goes_on(tmp_path, knowledge, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fine.txt").write_text(PLAIN, encoding="utf-8")
    (corpus / "faulty.txt").write_text(PLAIN.replace("Aktau", "Kuryk"), encoding="utf-8")
    real_extract = run.extract

    def extract(doc, knowledge):
        if doc.path == "faulty.txt":
            msg = "a fault of the atlas on this text"
            raise ValueError(msg)
        return real_extract(doc, knowledge)

    monkeypatch.setattr(run, "extract", extract)
    out = tmp_path / "build"
    build(corpus, out, knowledge=knowledge, options=RunOptions(workers=1))
    manifest = _manifest(out)
    assert [d["path"] for d in manifest["documents"]] == ["fine.txt"]
    [skipped] = manifest["skipped"]
    assert skipped["path"] == "faulty.txt"
    assert "extraction failed" in skipped["reason"]
    assert "a fault of the atlas on this text" in skipped["reason"]
    assert "Aktau" in _place_names(out)
