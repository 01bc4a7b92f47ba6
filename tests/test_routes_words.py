"""Route wordings that must not be read as routes (issue 8 item 4, the other side).

"Between" names a route's two ends only right after a route noun, and only when both are
names: "a corridor between Central and East Asia" shares one noun between two adjectives
and is no route to draw or to report.
"""

from __future__ import annotations

import csv
import json
import re

from etl.build import build
from etl.routes import alias_key


def _route_rows(knowledge, tmp_path, body: str):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Title: T\nDate: 2025-03-01\n\n{body}\n", encoding="utf-8")
    build(corpus, tmp_path / "out", knowledge=knowledge)
    with (tmp_path / "out" / "unresolved.csv").open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["kind"] == "route"]


def test_a_corridor_between_two_adjectives_of_one_noun_is_not_reported(knowledge, tmp_path):
    rows = _route_rows(
        knowledge,
        tmp_path,
        "Officials call the planned road a transport corridor between Central and East Asia.",
    )
    assert not [r for r in rows if "Central" in r["mention"]], rows


def test_spelling_folds_make_no_two_registry_names_one(knowledge):
    """The route lexicon's ``spelling_folds`` ("Khudjand" is "Khujand") compare a chain with
    the registry's names: a fold that made two projects' names one would send a text's
    mention of one to the other."""
    entries_of: dict[str, set[str]] = {}
    plain_of: dict[str, set[str]] = {}
    for entry in knowledge.registry.entries.values():
        for name in (entry.name, *entry.aliases):
            entries_of.setdefault(alias_key(name), set()).add(entry.id)
            plain = re.sub(r"\s*-\s*", "-", " ".join(name.lower().split()))
            plain_of.setdefault(plain, set()).add(entry.id)
    merged = {k: v for k, v in entries_of.items() if len(v) > 1}
    already = {frozenset(v) for v in plain_of.values() if len(v) > 1}
    assert all(frozenset(v) in already for v in merged.values()), merged


def test_a_bare_line_with_no_route_noun_before_it_is_not_drawn(knowledge, tmp_path):
    """ "The line would start in A and run to B" says no kind of line (rail? power?) unless
    a route noun stands in the sentences just before it: alone it draws nothing."""
    body = (
        "Officials met lenders on Tuesday.\n\nThe weather was fine.\n\n"
        "The line would start in Bishkek and run along the lake to Karakol."
    )
    _route_rows(knowledge, tmp_path, body)
    for layer in ("railways", "roads", "pipelines", "power_lines", "corridors"):
        with (tmp_path / "out" / f"{layer}.geojson").open(encoding="utf-8") as f:
            assert json.load(f)["features"] == [], layer
