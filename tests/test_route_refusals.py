"""What unresolved.csv says about a route-like sentence it cannot draw: the names after "from"
and "to" that are no places, but never a month or a day ("freight grew from July to
January" is a time; held-out set 15 reported a route to an unknown "January"). Our own
sentences."""

from __future__ import annotations

from etl.assemble import extract
from etl.documents import parse_document
from etl.schema import Document


def _unresolved(knowledge, body: str):
    doc = parse_document(("Date: 2023-02-01\n\n" + body).encode("utf-8"), "page.txt")
    assert isinstance(doc, Document)
    return [(u.mention, u.reason) for u in extract(doc, knowledge).unresolved]


def test_months_after_from_and_to_are_no_route_ends(knowledge):
    rows = _unresolved(
        knowledge, "Freight on the railway grew from July to January, the operator said."
    )
    assert not any("January" in m or "July" in m for m, _ in rows), rows


def test_an_unknown_end_is_still_reported(knowledge):
    rows = _unresolved(
        knowledge, "A new railway will run from Karaqoymas to Almaty by the end of next year."
    )
    assert any("Karaqoymas" in m and r.startswith("unknown name") for m, r in rows), rows


def test_a_place_named_twice_in_a_chain_is_no_line(knowledge):
    """ "the Torugart - Torugart line" (found by the Hypothesis property in
    tests/test_routes_properties.py): no zero-length route is drawn; the chain is reported."""
    doc = parse_document(
        b"Date: 2023-02-01\n\nWork began on the Torugart - Torugart transmission line.", "x.txt"
    )
    assert isinstance(doc, Document)
    found = extract(doc, knowledge)
    assert not any(len(set(r.coords)) < 2 for r in found.routes), found.routes
    assert any("Torugart" in u.mention and u.kind == "route" for u in found.unresolved)
