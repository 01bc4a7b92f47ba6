"""Figures in text: one quantity parser, attribution (kind, subject, year), conflicts.

``quantities`` finds numbers with their units and currencies; ``attribute`` decides what
each is about; ``conflicts`` holds the one rule for disagreeing sources. The word lists are
data: ``geodata/units.yaml``, ``geodata/currencies.csv``, ``geodata/lexicon/figures.yaml``.
"""

from __future__ import annotations

from etl.extract.figures.attribute import (
    UNCLASSIFIED,
    Fact,
    Mentioned,
    extract_facts,
    load_rates,
    plain,
    to_usd,
)
from etl.extract.figures.conflicts import CONFLICT_LISTED, TOLERANCE, differs, mark_conflicts

__all__ = [
    "CONFLICT_LISTED",
    "TOLERANCE",
    "UNCLASSIFIED",
    "Fact",
    "Mentioned",
    "differs",
    "extract_facts",
    "load_rates",
    "mark_conflicts",
    "plain",
    "to_usd",
]
