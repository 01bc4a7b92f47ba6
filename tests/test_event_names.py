"""An event's name is the gathering's, not the words that open its sentence (held-out sets 12
and 14: "When meeting with the ambassador ...", "During the ... Meeting of June 14"). Our own
sentences; the venues are GeoNames cities."""

from __future__ import annotations

from etl.assemble import extract
from etl.documents import parse_document
from etl.schema import Document


def _events(knowledge, body: str):
    doc = parse_document(("Date: 2014-05-05\n\n" + body).encode("utf-8"), "page.txt")
    assert isinstance(doc, Document)
    return extract(doc, knowledge).events


def test_a_sentence_opening_is_not_part_of_the_name(knowledge):
    events = _events(
        knowledge,
        "During the Shanghai Economic Cooperation Meeting in Shanghai, the two sides signed "
        "a loan agreement for a power line.",
    )
    assert [e.name for e in events] == ["Shanghai Economic Cooperation Meeting"]


def test_a_plain_noun_after_a_sentence_opening_is_no_event(knowledge):
    events = _events(
        knowledge,
        "When meeting with the Chinese ambassador in Bishkek on Monday, the minister thanked "
        "him for the new school.",
    )
    assert events == ()


def test_a_named_summit_keeps_its_name(knowledge):
    events = _events(knowledge, "The China-Central Asia Summit opened in Xi'an on Friday.")
    assert [e.name for e in events] == ["China-Central Asia Summit"]
