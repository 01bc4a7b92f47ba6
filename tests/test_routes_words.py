"""Route wordings that must not be read as routes (issue 8 item 4, the other side).

"Between" names a route's two ends only right after a route noun, and only when both are
names: "a corridor between Central and East Asia" shares one noun between two adjectives
and is no route to draw or to report.
"""

from __future__ import annotations

import csv

from etl.build import build


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
