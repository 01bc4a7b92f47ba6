"""What one document contributes to the atlas: a frozen, typed record that serialises compactly.

``etl.assemble.extract`` makes a ``DocumentFindings``; ``etl.merge`` folds them into
features. The record crosses process and machine boundaries (``etl.run``) and is cached on
disk (``etl.run.cache``), so it has a byte form of its own: zlib-compressed JSON, sentences
written once and referred to by number. JSON runs no code when it is read back; a record
that does not have the expected shape raises ``ValueError`` and is re-extracted.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, fields
from typing import Any

from etl.extract.figures import Fact
from etl.schema import Document, Place, Skipped, Source, Unresolved

#: bump when the byte form changes (the code version covers it too; this names it)
FORMAT = 2


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A document's metadata, for the manifest and ``first_seen``: everything but its text."""

    path: str
    sha256: str
    encoding: str
    title: str | None
    date: str | None
    date_precision: str | None
    source: str | None
    url: str | None
    characters: int
    boilerplate_chars: int = 0  # page boilerplate blanked in the text (etl.read.boilerplate)
    dateline: str | None = None  # where the reporter filed from

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        return cls(
            doc.path,
            doc.sha256,
            doc.encoding,
            doc.title,
            doc.date,
            doc.date_precision,
            doc.source,
            doc.url,
            len(doc.text),
            doc.boilerplate_chars,
            doc.dateline,
        )


@dataclass(frozen=True, slots=True)
class PlaceFinding:
    place: Place
    source: Source
    surface: str
    confidence: float


@dataclass(frozen=True, slots=True)
class EntryFinding:
    """A registry project the text names (by name, by context or by description)."""

    entry_id: str
    source: Source
    surface: str


@dataclass(frozen=True, slots=True)
class RouteFinding:
    """A route drawn from the place names of one sentence alone (``precision: inferred``)."""

    layer: str
    type: str
    parts: tuple[str, ...]
    text: str
    places: tuple[Place, ...]
    coords: tuple[tuple[float, float], ...]
    source: Source
    #: a section of a registry project: the project's id (the line follows its geometry)
    section_of: str | None = None
    #: the countries the line crosses, in order (found here, in parallel, and cached)
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventFinding:
    name: str
    type: str
    ordinal: str | None
    place: Place
    confidence: float
    start_date: str | None
    end_date: str | None
    source: Source


@dataclass(frozen=True, slots=True)
class PartnershipFinding:
    type: str
    places: tuple[Place, Place]
    confidence: float
    surface: str
    source: Source


@dataclass(frozen=True, slots=True)
class StatusFinding:
    entry_id: str
    status: str
    source: Source


@dataclass(frozen=True, slots=True)
class DocumentFindings:
    """Everything one document names, or why not; no reference to the corpus around it."""

    doc: DocInfo
    places: tuple[PlaceFinding, ...] = ()
    entries: tuple[EntryFinding, ...] = ()
    routes: tuple[RouteFinding, ...] = ()
    events: tuple[EventFinding, ...] = ()
    partnerships: tuple[PartnershipFinding, ...] = ()
    statuses: tuple[StatusFinding, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    facts: tuple[Fact, ...] = ()


#: one document's outcome: its findings, or why it was skipped
Outcome = DocumentFindings | Skipped


# ---- byte form ------------------------------------------------------------------------------


class _Tables:
    """Sentences and places written once per document, referred to by their number."""

    def __init__(self, doc: DocInfo) -> None:
        self.doc = doc
        self.sources: dict[Source, int] = {}
        self.places: dict[Place, int] = {}

    def src(self, s: Source) -> int | list:
        if s.doc != self.doc.path or s.date != self.doc.date:  # never today; kept whole if so
            return [s.doc, s.date, s.quote, s.start, s.end]
        i = self.sources.get(s)
        if i is None:
            i = self.sources[s] = len(self.sources)
        return i

    def place(self, p: Place) -> int:
        i = self.places.get(p)
        if i is None:
            i = self.places[p] = len(self.places)
        return i


def to_bytes(outcome: Outcome) -> bytes:
    """The compact byte form of one document's outcome (zlib-compressed JSON)."""
    if isinstance(outcome, Skipped):
        data: dict[str, Any] = {
            "f": FORMAT,
            "skipped": [outcome.path, outcome.reason, outcome.sha256],
        }
    else:
        f = outcome
        t = _Tables(f.doc)
        data = {
            "f": FORMAT,
            "doc": [getattr(f.doc, x.name) for x in fields(DocInfo)],
            "pl": [[t.place(x.place), t.src(x.source), x.surface, x.confidence] for x in f.places],
            "en": [[x.entry_id, t.src(x.source), x.surface] for x in f.entries],
            "ro": [
                [
                    x.layer,
                    x.type,
                    list(x.parts),
                    x.text,
                    [t.place(p) for p in x.places],
                    [list(c) for c in x.coords],
                    t.src(x.source),
                    x.section_of,
                    list(x.countries),
                ]
                for x in f.routes
            ],
            "ev": [
                [
                    x.name,
                    x.type,
                    x.ordinal,
                    t.place(x.place),
                    x.confidence,
                    x.start_date,
                    x.end_date,
                    t.src(x.source),
                ]
                for x in f.events
            ],
            "pa": [
                [x.type, [t.place(p) for p in x.places], x.confidence, x.surface, t.src(x.source)]
                for x in f.partnerships
            ],
            "st": [[x.entry_id, x.status, t.src(x.source)] for x in f.statuses],
            "un": [
                [x.mention, x.kind, x.reason, t.src(x.source), x.candidates] for x in f.unresolved
            ],
            "fa": [
                [
                    x.metric,
                    x.subject,
                    x.year,
                    x.value,
                    x.unit,
                    x.original,
                    t.src(x.source),
                    x.start,
                    x.end,
                    list(x.features),
                    x.conflict,
                    x.part,
                    x.each,
                    x.alt_value,
                ]
                for x in f.facts
            ],
        }
        data["src"] = [[s.quote, s.start, s.end] for s in t.sources]
        data["places"] = [
            [
                p.key,
                p.name,
                p.lat,
                p.lon,
                p.kind,
                p.country,
                p.population,
                p.admin1,
                p.feature_type,
            ]
            for p in t.places
        ]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(raw.encode("utf-8"), 6)


def _typed(value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        msg = f"expected {kind}, found {type(value).__name__}"
        raise ValueError(msg)
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _typed(value, str)


def _num(value: Any) -> float:
    return _typed(value, (int, float))


def from_bytes(data: bytes) -> Outcome:
    """Read back ``to_bytes``; anything of another shape raises ``ValueError``."""
    try:
        obj = json.loads(zlib.decompress(data).decode("utf-8"))
        return _decode(obj)
    except (zlib.error, UnicodeDecodeError, KeyError, IndexError, TypeError) as exc:
        msg = f"not a findings record ({type(exc).__name__}: {exc})"
        raise ValueError(msg) from exc


def _decode(obj: dict[str, Any]) -> Outcome:
    if _typed(obj, dict).get("f") != FORMAT:
        msg = "findings record of another format"
        raise ValueError(msg)
    if "skipped" in obj:
        path, reason, sha = obj["skipped"]
        return Skipped(_typed(path, str), _typed(reason, str), _opt_str(sha))
    d = obj["doc"]
    if len(d) != len(fields(DocInfo)):
        msg = "document metadata of another shape"
        raise ValueError(msg)
    doc = DocInfo(
        _typed(d[0], str),
        _typed(d[1], str),
        _typed(d[2], str),
        *(_opt_str(v) for v in d[3:8]),
        _typed(d[8], int),
        _typed(d[9], int),
        _opt_str(d[10]),
    )
    sources = [
        Source(doc.path, doc.date, _typed(q, str), _typed(s, int), _typed(e, int))
        for q, s, e in obj["src"]
    ]
    places = [
        Place(
            _typed(k, str),
            _typed(n, str),
            _num(la),
            _num(lo),
            _typed(kind, str),
            _typed(c, str),
            _typed(pop, int),
            _typed(a1, str),
            _typed(ft, str),
        )
        for k, n, la, lo, kind, c, pop, a1, ft in obj["places"]
    ]

    def src(ref: Any) -> Source:
        if isinstance(ref, list):
            doc_, date, q, s, e = ref
            return Source(
                _typed(doc_, str), _opt_str(date), _typed(q, str), _typed(s, int), _typed(e, int)
            )
        return sources[_typed(ref, int)]

    def place(ref: Any) -> Place:
        return places[_typed(ref, int)]

    return DocumentFindings(
        doc=doc,
        places=tuple(
            PlaceFinding(place(p), src(s), _typed(surf, str), _num(c))
            for p, s, surf, c in obj["pl"]
        ),
        entries=tuple(
            EntryFinding(_typed(e, str), src(s), _typed(surf, str)) for e, s, surf in obj["en"]
        ),
        routes=tuple(
            RouteFinding(
                _typed(layer, str),
                _typed(kind, str),
                tuple(_typed(x, str) for x in parts),
                _typed(text, str),
                tuple(place(p) for p in pl),
                tuple((_num(x), _num(y)) for x, y in coords),
                src(s),
                _opt_str(sec),
                tuple(_typed(c, str) for c in iso),
            )
            for layer, kind, parts, text, pl, coords, s, sec, iso in obj["ro"]
        ),
        events=tuple(
            EventFinding(
                _typed(name, str),
                _typed(kind, str),
                _opt_str(ordinal),
                place(p),
                _num(c),
                _opt_str(sd),
                _opt_str(ed),
                src(s),
            )
            for name, kind, ordinal, p, c, sd, ed, s in obj["ev"]
        ),
        partnerships=tuple(
            PartnershipFinding(
                _typed(kind, str),
                (place(a), place(b)),
                _num(c),
                _typed(surf, str),
                src(s),
            )
            for kind, (a, b), c, surf, s in obj["pa"]
        ),
        statuses=tuple(
            StatusFinding(_typed(e, str), _typed(st, str), src(s)) for e, st, s in obj["st"]
        ),
        unresolved=tuple(
            Unresolved(_typed(m, str), _typed(k, str), _typed(r, str), src(s), _typed(c, str))
            for m, k, r, s, c in obj["un"]
        ),
        facts=tuple(
            Fact(
                _typed(metric, str),
                _opt_str(subject),
                None if year is None else _typed(year, int),
                None if value is None else _num(value),
                _typed(unit, str),
                _typed(original, str),
                src(s),
                _typed(start, int),
                _typed(end, int),
                tuple(_typed(x, str) for x in feats),
                _typed(conflict, str),
                _typed(part, str),
                _typed(each, bool),
                None if alt is None else _num(alt),
            )
            for (
                metric,
                subject,
                year,
                value,
                unit,
                original,
                s,
                start,
                end,
                feats,
                conflict,
                part,
                each,
                alt,
            ) in obj["fa"]
        ),
    )
