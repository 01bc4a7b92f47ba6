"""Finding a project or a place by name: its aliases count, accents and case do not.

A pure index over the build's features (name and aliases) and the map's named places
(countries and cities from the basemap's labels), so "Qorgas", "khorgos" and "Khorgos"
all find the same feature.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from etl.schema import P_ALIASES, P_ID, P_NAME

#: letters that carry no combining mark to strip (Turkic dotless i, Nordic o, ...)
_PLAIN = str.maketrans(
    {"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ß": "ss", "ʻ": "", "ʼ": "", "'": "", "’": ""}
)


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: what a search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("–", "-").replace("—", "-").split())


@dataclass(frozen=True)
class Hit:
    """A match: the name shown, the feature id (None for a place of the basemap), where."""

    label: str
    feature_id: str | None
    lat: float
    lon: float
    rank: int


@dataclass(frozen=True)
class _Entry:
    key: str
    label: str
    feature_id: str | None
    lat: float
    lon: float


class SearchIndex:
    """Names and aliases of features and places, folded once."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries

    @classmethod
    def of(
        cls,
        features: Mapping[str, list[dict[str, Any]]],
        places: Iterable[Any] = (),
        centroid: Any = None,
    ) -> SearchIndex:
        """``features`` by layer; ``places`` are ``labels.Label``s; ``centroid(feature)``
        gives (lat, lon) of a feature."""
        entries = []
        for fs in features.values():
            for f in fs:
                p = f["properties"]
                lat, lon = centroid(f) if centroid else (0.0, 0.0)
                name = str(p.get(P_NAME) or "")
                for n in [name, *(p.get(P_ALIASES) or [])]:
                    if n:
                        label = name if n == name else f"{name} (also {n})"
                        entries.append(_Entry(fold(str(n)), label, p.get(P_ID), lat, lon))
        for lb in places:
            entries.append(_Entry(fold(lb.text), lb.text, None, lb.lat, lb.lon))
        return cls(entries)

    def find(self, query: str, limit: int = 12) -> list[Hit]:
        """Best matches first: whole name, then start of the name, start of a word, anywhere;
        features before places; one hit per feature."""
        q = fold(query)
        if not q:
            return []
        hits: dict[Any, Hit] = {}
        for en in self._entries:
            if en.key == q:
                rank = 0
            elif en.key.startswith(q):
                rank = 1
            elif f" {q}" in f" {en.key}" or f"-{q}" in en.key:
                rank = 2
            elif q in en.key:
                rank = 3
            else:
                continue
            rank = rank * 2 + (en.feature_id is None)
            key = en.feature_id or (en.label, en.lat, en.lon)
            old = hits.get(key)
            if old is None or rank < old.rank:
                hits[key] = Hit(en.label, en.feature_id, en.lat, en.lon, rank)
        return sorted(hits.values(), key=lambda h: (h.rank, len(h.label), h.label))[:limit]
