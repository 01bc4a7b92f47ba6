"""The conflict rule at its edges: the cases the mutation run of ``conflicts.py`` found
unguarded (see the README's *Development* section).

Each expected note is written from the rule as ``conflicts.py``'s docstring states it
(nearest values first, three named, the rest counted), for values chosen by hand.
"""

from __future__ import annotations

from etl.extract.figures import Fact, differs, mark_conflicts
from etl.schema import Source


def _fact(value, doc, *, subject="KAZ", year=2024):
    return Fact(
        "trade_volume",
        subject,
        year,
        value,
        "USD",
        f"v{value:g}",
        Source(doc, None, "q", 0, 5),
        0,
        5,
    )


def test_two_values_exactly_the_tolerance_apart_agree():
    # 98 is 2 % below 100: "further apart than 2 %" is not met
    assert not differs(100.0, 98.0)
    assert not any(f.conflict for f in mark_conflicts([_fact(100.0, "a"), _fact(98.0, "b")]))


def test_a_figure_without_subject_or_year_conflicts_with_nothing():
    no_subject = [_fact(40e9, "a", subject=None), _fact(50e9, "b", subject=None)]
    no_year = [_fact(40e9, "a", year=None), _fact(50e9, "b", year=None)]
    assert [f.conflict for f in mark_conflicts(no_subject)] == ["", ""]
    assert [f.conflict for f in mark_conflicts(no_year)] == ["", ""]


def test_the_note_names_the_nearest_values_first():
    # around 100: 110 is 10 away, 70 is 30, 50 is 50, 200 is 100
    rows = [_fact(100.0, "mine"), _fact(50.0, "d50"), _fact(200.0, "d200"), _fact(110.0, "d110")]
    rows.append(_fact(70.0, "d70"))
    note = mark_conflicts(rows)[0].conflict
    assert note == (
        "differs from 110 USD in d110 (v110); 70 USD in d70 (v70); 50 USD in d50 (v50); "
        "and 1 more row"
    )


def test_three_others_are_all_named_and_none_counted():
    rows = [_fact(100.0, "mine"), _fact(150.0, "b"), _fact(200.0, "c"), _fact(300.0, "d")]
    note = mark_conflicts(rows)[0].conflict
    assert note.split("; ") == [
        "differs from 150 USD in b (v150)",
        "200 USD in c (v200)",
        "300 USD in d (v300)",
    ]
    assert "more" not in note


def test_two_more_rows_are_counted_in_the_plural():
    rows = [_fact(100.0, "mine"), *(_fact(100.0 + 10 * i, f"d{i}") for i in range(1, 6))]
    assert mark_conflicts(rows)[0].conflict.endswith("; and 2 more rows")
