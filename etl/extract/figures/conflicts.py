"""When two figures disagree: one rule and one tolerance for the whole atlas.

Two rows conflict when they have the same metric, subject and year, come from different
documents, and their values differ by more than ``TOLERANCE`` of the larger one. Within one
document two values for the same key are a comparison or a correction the text makes
itself, not a disagreement between sources. The ETL writes the verdict to ``facts.csv``'s
``conflict`` column; the features' stated figures and the dashboard use ``differs`` and
read that column, they do not keep tolerances of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from etl.extract.figures.attribute import Fact

#: two values further apart than this share of the larger one disagree (rounding in news
#: copy, "about $41 billion" for 41.6, stays inside it)
TOLERANCE = 0.02
#: a conflict note names this many of the other values, then counts the rest
CONFLICT_LISTED = 3


def differs(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    """True when ``a`` and ``b`` are further apart than ``tolerance`` of the larger."""
    return abs(a - b) > tolerance * max(abs(a), abs(b))


@dataclass(frozen=True, slots=True)
class Figure:
    """What conflict marking reads of one row of a (metric, subject, year, unit) group."""

    value: float
    doc: str
    start: int  # the figure's own offset: a tie-break after value and document
    unit: str
    original: str


def group_notes(group: Sequence[Figure]) -> dict[int, str]:
    """The conflict notes of one group of rows with the same metric, subject, year and unit.

    A row's note lists the ``CONFLICT_LISTED`` other values nearest to its own (from other
    documents: by distance, then document, then offset, then the group's order) and counts
    the rest. Rows are looked at per distinct value, with numpy doing the same arithmetic as
    ``differs``, so a group of thousands of rows with few distinct values costs
    ``O(rows + values²)``, not ``O(rows²)``; the notes are those of comparing every pair.
    """
    if len(group) < 2:
        return {}
    import numpy as np

    values = np.array([r.value for r in group], dtype=np.float64)
    distinct, which = np.unique(values, return_inverse=True)
    counts = np.bincount(which, minlength=len(distinct))
    members: list[list[int]] = [[] for _ in distinct]
    for i, d in enumerate(which.tolist()):
        members[d].append(i)
    # rows of one value are listed by document, offset and place in the group
    for rows in members:
        rows.sort(key=lambda j: (group[j].doc, group[j].start, j))
    by_doc: dict[str, list[int]] = {}
    for i, r in enumerate(group):
        by_doc.setdefault(r.doc, []).append(i)
    notes: dict[int, str] = {}
    magnitude = np.abs(distinct)
    for d, mine_value in enumerate(distinct.tolist()):
        distance = np.abs(distinct - mine_value)
        # ``differs``, value by value: |a - b| > TOLERANCE * max(|a|, |b|), in float64
        apart = distance > TOLERANCE * np.maximum(magnitude, abs(mine_value))
        if not apart.any():
            continue
        apart_rows = int(counts[apart].sum())
        nearest = np.flatnonzero(apart)
        nearest = nearest[np.argsort(distance[nearest], kind="stable")].tolist()
        near_distance = distance[nearest].tolist()
        for i in members[d]:
            mine = group[i]
            same_doc = sum(1 for j in by_doc[mine.doc] if apart[which[j]])
            total = apart_rows - same_doc
            if total <= 0:
                continue
            listed = _nearest(group, members, nearest, near_distance, mine, total)
            notes[i] = _note(group, listed, mine, total)
    return notes


def _nearest(group, members, nearest, near_distance, mine, total) -> list[int]:
    """The rows (indices) a note lists: the nearest values of other documents, in order."""
    taken: list[int] = []
    k = 0
    while k < len(nearest):
        # every value at the same distance goes in together (their order is decided below)
        level = near_distance[k]
        while k < len(nearest) and near_distance[k] == level:
            taken += itertools.islice(
                (j for j in members[nearest[k]] if group[j].doc != mine.doc), CONFLICT_LISTED
            )
            k += 1
        if len(taken) >= min(CONFLICT_LISTED, total):
            break
    taken.sort(key=lambda j: (abs(group[j].value - mine.value), group[j].doc, group[j].start, j))
    return taken[:CONFLICT_LISTED]


def _note(group, listed: list[int], mine: Figure, total: int) -> str:
    from etl.extract.figures.attribute import plain

    note = "; ".join(
        f"{plain(group[j].value):,} {group[j].unit} in {group[j].doc} ({group[j].original})"
        for j in listed
    )
    if total > CONFLICT_LISTED:
        more = total - CONFLICT_LISTED
        note += f"; and {more} more row{'s' if more > 1 else ''}"
    return f"differs from {note}"


def conflict_key(f: Fact) -> tuple | None:
    """(metric, subject, year, unit), or None for a row that cannot conflict."""
    if f.subject and f.year is not None and f.value is not None:
        return (f.metric, f.subject, f.year, f.unit)
    return None


def figure(f: Fact) -> Figure:
    return Figure(f.value, f.source.doc, f.start, f.unit, f.original)


def mark_conflicts(facts: list[Fact]) -> list[Fact]:
    """Rows with the same metric, subject and year but different values name each other.

    A row's note lists the ``CONFLICT_LISTED`` other values nearest to its own (from other
    documents) and counts the rest, so thousands of rows on one subject stay small. The
    merge does the same group by group from its spill file (``etl.merge``).
    """
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(facts):
        k = conflict_key(f)
        if k is not None:
            groups.setdefault(k, []).append(i)
    out = list(facts)
    for rows in groups.values():
        for g, note in group_notes([figure(facts[i]) for i in rows]).items():
            out[rows[g]] = replace(facts[rows[g]], conflict=note)
    return out
