"""When two figures disagree: one rule and one tolerance for the whole atlas.

Two rows conflict when they have the same metric, subject and year, come from different
documents, and their values differ by more than ``TOLERANCE`` of the larger one. Within one
document two values for the same key are a comparison or a correction the text makes
itself, not a disagreement between sources. The ETL writes the verdict to ``facts.csv``'s
``conflict`` column; the features' stated figures and the dashboard use ``differs`` and
read that column, they do not keep tolerances of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from etl.extract.figures.attribute import Fact

#: two values further apart than this share of the larger one disagree (rounding in news
#: copy, "about $41 billion" for 41.6, stays inside it)
TOLERANCE = 0.02
#: a conflict note names this many of the other values, then counts the rest
CONFLICT_LISTED = 3

T = TypeVar("T")


def differs(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    """True when ``a`` and ``b`` are further apart than ``tolerance`` of the larger."""
    return abs(a - b) > tolerance * max(abs(a), abs(b))


def conflicting(
    rows: Sequence[T],
    key: Callable[[T], tuple | None],
    value: Callable[[T], float],
    doc: Callable[[T], str],
) -> dict[int, list[T]]:
    """For each row (by index), the rows it conflicts with, nearest value first.

    ``key`` gives (metric, subject, year, unit), or None for a row that cannot conflict
    (no subject, no year or no value).
    """
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        k = key(r)
        if k is not None:
            groups.setdefault(k, []).append(i)
    out: dict[int, list[T]] = {}
    for members in groups.values():
        for i in members:
            mine = rows[i]
            others = [
                rows[j]
                for j in members
                if doc(rows[j]) != doc(mine) and differs(value(rows[j]), value(mine))
            ]
            if others:
                others.sort(key=lambda o: abs(value(o) - value(mine)))
                out[i] = others
    return out


def mark_conflicts(facts: list[Fact]) -> list[Fact]:
    """Rows with the same metric, subject and year but different values name each other.

    A row's note lists the ``CONFLICT_LISTED`` other values nearest to its own (from other
    documents) and counts the rest, so thousands of rows on one subject stay small.
    """
    from etl.extract.figures.attribute import plain

    def key(f: Fact) -> tuple | None:
        if f.subject and f.year is not None and f.value is not None:
            return (f.metric, f.subject, f.year, f.unit)
        return None

    found = conflicting(
        [
            *facts,
        ],
        key,
        lambda f: f.value,
        lambda f: f.source.doc,
    )
    out = list(facts)
    for i, others in found.items():
        mine = facts[i]
        others = sorted(others, key=lambda o: (abs(o.value - mine.value), o.source.doc, o.start))
        note = "; ".join(
            f"{plain(o.value):,} {o.unit} in {o.source.doc} ({o.original})"
            for o in others[:CONFLICT_LISTED]
        )
        if len(others) > CONFLICT_LISTED:
            more = len(others) - CONFLICT_LISTED
            note += f"; and {more} more row{'s' if more > 1 else ''}"
        out[i] = replace(mine, conflict=f"differs from {note}")
    return out
