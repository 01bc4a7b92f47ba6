"""The figures step now lives in ``etl.extract.figures``; this name stays for callers.

``etl.assemble`` and ``etl.features`` import ``etl.figures``; the package holds the quantity
parser (``quantities``), the attribution (``attribute``) and the conflict rule (``conflicts``).
"""

from __future__ import annotations

from etl.extract.figures import (
    CONFLICT_LISTED,
    TOLERANCE,
    UNCLASSIFIED,
    Fact,
    Mentioned,
    differs,
    extract_facts,
    load_rates,
    mark_conflicts,
    plain,
    to_usd,
)

#: the old private name, still used by etl.features
_plain = plain

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
