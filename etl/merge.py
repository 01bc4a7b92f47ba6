"""The corpus-wide merge: documents' findings folded into features, in any order.

Every update is commutative: sets of aliases, the highest confidence, sums of mention
counts, the earliest date; where the texts disagree (an event's name or dates) the choice
is the best by a fixed order, never the first one read. Figures and statuses the texts
state are applied at the end in the order of (document, position). So the features, their
ids and the output bytes are the same whatever order documents arrive in: one process,
many, or a cluster.

Memory stays bounded: the source sentences of every feature, the unresolved mentions,
figures and statuses go to a SQLite file beside the build as they arrive, and are streamed
back, sorted, when the layers are written. What stays in memory is what a feature needs
(names, aliases, counts, dates). Figures come back a conflict group at a time and, sorted,
when ``facts.csv`` is written. At the end, features are built one at a time, layer by
layer in id order (``features``): the figures each one lists wait in the file, not in
memory, until it is written.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from json.encoder import encode_basestring
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, Point

from etl import ids
from etl.extract import figures
from etl.extract.figures.conflicts import Figure, group_notes
from etl.findings import DocInfo, DocumentFindings
from etl.geo import km_to_many
from etl.places.supplement import output_type
from etl.registry import NOT_SETTLEMENTS, REGISTRY_KEY, SAME_SPOT_KM, Entry, Registry
from etl.schema import EVENTS, PARTNERSHIPS, PLACES, Feature, Place, Source

_PRECISION_OF_KIND = {
    "city": "exact",
    "border_crossing": "exact",
    "country": "country",
    "region": "region",
    "water_body": "region",
    "continent": "region",
}
_PROPERTY_OF_METRIC = {"capacity": "capacity", "length": "stated_length_km", "cost": "cost_usd"}


@dataclass(slots=True)
class _Acc:
    """What the merge keeps of one feature while documents arrive.

    One per feature, hundreds of thousands at 100,000 articles: slots rather than a
    ``__dict__``; the words the texts call it by as one string until there are two (most
    routes have one, and a set is 216 bytes); the events' set of names only for events.
    """

    n: int  # its number in the spill file
    surfaces: str | set[str] | None = None  # every wording (``add_surface``, ``surface_set``)
    confidence: float = 0.0
    mentions: int = 0
    first_seen: str | None = None
    base: tuple | None = None  # the feature's own description, the least by a fixed order
    names: set[str] | None = None  # events: every name the texts give
    dates: tuple | None = None  # events: (start, end), the most precise, then the earliest

    def add_surface(self, surface: str) -> None:
        held = self.surfaces
        if held is None:
            self.surfaces = surface
        elif isinstance(held, str):
            if held != surface:
                self.surfaces = {held, surface}
        else:
            held.add(surface)

    def surface_set(self) -> set[str]:
        held = self.surfaces
        if held is None:
            return set()
        return {held} if isinstance(held, str) else held


@dataclass(slots=True)
class _State:
    """What figures and statuses read and change of a feature, while they are applied."""

    id: str
    status: str | None
    capacity: float | None
    capacity_unit: str | None
    stated_length_km: float | None
    cost_usd: float | None


#: the properties of a feature that figures and statuses fill (``_State``)
_STATED = ("status", "capacity", "capacity_unit", "stated_length_km", "cost_usd")


class Merge:
    """A fold of ``DocumentFindings`` into features; ``add`` them in any order.

    Parameters
    ----------
    registry
        The projects registry, for the features of registry entries.
    spill
        The SQLite file for sources and unresolved mentions (in memory when None).
    """

    def __init__(self, registry: Registry, spill: Path | None = None) -> None:
        self.registry = registry
        self._db = sqlite3.connect(str(spill) if spill else ":memory:", isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;
            -- sources as they come, appended; sorted into src by finish
            CREATE TABLE src_in (f INTEGER, doc TEXT, start INTEGER, "end" INTEGER, quote TEXT);
            CREATE TABLE unresolved (doc TEXT, start INTEGER, mention TEXT, seq INTEGER,
                                     row TEXT);
            -- value untyped: an int stays an int, a float a float (their notes differ)
            CREATE TABLE facts (doc TEXT, i INTEGER, metric TEXT, subject TEXT, year INTEGER,
                                unit TEXT, value, start INTEGER, original TEXT,
                                src_start INTEGER, applies INTEGER, fact TEXT,
                                PRIMARY KEY (doc, i)) WITHOUT ROWID;
            CREATE TABLE conflicts (doc TEXT, i INTEGER, note TEXT,
                                    PRIMARY KEY (doc, i)) WITHOUT ROWID;
            CREATE TABLE statuses (doc TEXT, start INTEGER, i INTEGER, entry TEXT,
                                   status TEXT, src TEXT,
                                   PRIMARY KEY (doc, start, i)) WITHOUT ROWID;
            -- every feature's id, layer and number n in the spill, filled by finish
            CREATE TABLE features (id TEXT PRIMARY KEY, layer TEXT, n INTEGER) WITHOUT ROWID;
            -- what figures and statuses say of a feature, in the order they were applied
            CREATE TABLE figures (f TEXT, seq INTEGER, entry TEXT,
                                  PRIMARY KEY (f, seq)) WITHOUT ROWID;
            """
        )
        self._db.execute("BEGIN")
        self._acc: dict[str, _Acc] = {}
        self._places: dict[str, Place] = {}
        self.docs: dict[str, str | None] = {}  # path -> date
        self.doc_infos_count = 0
        self.facts_count = 0
        self.unresolved_count = 0
        self.unclassified = 0
        self._keys: list[str] = []  # n -> key (finish)
        self._place_ids: dict[str, str] = {}
        self._stated: dict[str, _State] = {}  # features figures or statuses are about
        self._seq = 0

    # ---- adding --------------------------------------------------------------------------

    def add(self, found: DocumentFindings) -> None:
        doc = found.doc
        self.docs[doc.path] = doc.date
        notes: list[tuple[str, Source, str | None, float]] = []
        for pf in found.places:
            if pf.place.key.startswith(REGISTRY_KEY):  # a crossing: the registry's feature
                key = self._entry_key(pf.place.key.removeprefix(REGISTRY_KEY))
            elif (twin := self._registry_twin(pf.place)) is not None:
                key = self._entry_key(twin)
            else:
                key = self._place_key(pf.place)
            notes.append((key, pf.source, pf.surface, pf.confidence))
        for ef in found.entries:
            notes.append((self._entry_key(ef.entry_id), ef.source, ef.surface, 1.0))
        for rf in found.routes:
            names = tuple(p.name for p in rf.places)
            fid = ids.route_feature_id(rf.layer, rf.parts, rf.section_of, names)
            base = (
                " ".join(("–".join(p.name for p in rf.places), rf.type.replace("_", " "))),
                rf.layer,
                rf.type,
                rf.coords,
                tuple(p.name for p in rf.places),
                rf.section_of or "",
                rf.countries,
            )
            self._describe(fid, base)
            notes.append((fid, rf.source, rf.text, 0.6))
        for ev in found.events:
            self._places.setdefault(ev.place.key, ev.place)
            year = (ev.start_date or doc.date or "")[:4]
            key = f"@event\0{ev.type}\0{ev.place.key}\0{year}"
            acc = self._get(key)
            self._describe(key, (ev.type, ev.place.key))
            name = f"{ev.ordinal.capitalize()} {ev.name}" if ev.ordinal else ev.name
            if acc.names is None:
                acc.names = set()
            acc.names.add(name)
            if ev.start_date:
                dates = (-len(ev.start_date), ev.start_date, ev.end_date or "")
                if acc.dates is None or dates < acc.dates:
                    acc.dates = dates
            # "the summit" is no alias: a one-word name counts as a mention only
            notes.append((key, ev.source, name if len(name.split()) > 1 else None, ev.confidence))
        for pa in found.partnerships:
            a, b = sorted(pa.places, key=lambda p: p.name)
            self._places.setdefault(a.key, a)
            self._places.setdefault(b.key, b)
            key = f"@pa\0{a.key}\0{b.key}"
            self._describe(key, (pa.type,))
            notes.append((key, pa.source, pa.surface, pa.confidence))
        self._note(doc, notes)
        self._db.executemany(
            "INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    doc.path,
                    i,
                    f.metric,
                    f.subject,
                    f.year,
                    f.unit,
                    f.value,
                    f.start,
                    f.original,
                    f.source.start,
                    _applies(f),
                    _fact_json(f),
                )
                for i, f in enumerate(found.facts)
            ],
        )
        self._db.executemany(
            "INSERT INTO statuses VALUES (?,?,?,?,?,?)",
            [
                (doc.path, st.source.start, i, st.entry_id, st.status, _source_json(st.source))
                for i, st in enumerate(found.statuses)
            ],
        )
        rows = []
        for i, u in enumerate(found.unresolved):
            row = {
                "mention": u.mention,
                "kind": u.kind,
                "reason": u.reason,
                "doc": u.source.doc,
                "quote": u.source.quote,
                "start": u.source.start,
                "end": u.source.end,
                "candidates": u.candidates,
            }
            rows.append((u.source.doc, u.source.start, u.mention, i, json.dumps(row)))
        self._db.executemany("INSERT INTO unresolved VALUES (?,?,?,?,?)", rows)
        self.unresolved_count += len(rows)

    def _get(self, key: str) -> _Acc:
        acc = self._acc.get(key)
        if acc is None:
            acc = self._acc[key] = _Acc(len(self._acc))
        return acc

    def _describe(self, key: str, base: tuple) -> None:
        acc = self._get(key)
        if acc.base is None or base < acc.base:
            acc.base = base

    def _registry_twin(self, place: Place) -> str | None:
        """The registry's pass, crossing or station on ``place``'s spot under the id the place
        would get: "Kulma Pass", the supplement's pass, in one story and "Қулма - Қарасу",
        the registry's crossing, in another (held-out set 326) are one feature, the
        registry's, not two features sharing one id (the second lost the first's sources)."""
        if self.registry is None or place.feature_type not in NOT_SETTLEMENTS:
            return None
        entry = self.registry.entries.get(ids.place_base_id(place))
        if entry is None or entry.layer != PLACES or entry.geometry.geom_type != "Point":
            return None
        spot = np.array([entry.geometry.y]), np.array([entry.geometry.x])
        if float(km_to_many(place.lat, place.lon, *spot)[0]) > SAME_SPOT_KM:
            return None
        return entry.id

    def _place_key(self, place: Place) -> str:
        self._places.setdefault(place.key, place)
        return f"@place\0{place.key}"

    def _entry_key(self, entry_id: str) -> str:
        self._get(entry_id)
        return entry_id

    def _note(self, doc: DocInfo, notes: list[tuple[str, Source, str | None, float]]) -> None:
        """Sources, aliases, mentions (distinct words at distinct places) and confidence."""
        mentions: dict[str, set[tuple[int, str | None]]] = {}
        spans: set[tuple[int, int, int]] = set()
        for key, src, surface, conf in notes:
            acc = self._get(key)
            mentions.setdefault(key, set()).add((src.start, surface))
            if surface is not None:
                acc.add_surface(" ".join(surface.split()))
            if conf > acc.confidence:
                acc.confidence = conf
            if doc.date and (acc.first_seen is None or doc.date < acc.first_seen):
                acc.first_seen = doc.date
            spans.add((acc.n, src.start, src.end, src.quote))
        for key, seen in mentions.items():
            self._acc[key].mentions += len(seen)
        self._db.executemany(
            "INSERT INTO src_in VALUES (?,?,?,?,?)",
            [(n, doc.path, s, e, q) for n, s, e, q in spans],
        )

    # ---- finishing ----------------------------------------------------------------------

    def finish(self, gazetteer=None) -> Iterator[tuple[Feature, _Acc]]:
        """Ready the features; returns them sorted by id, each with its ``_Acc`` (``features``).

        Figures stated about a feature fill its empty properties or confirm them; a
        disagreement with the registry is recorded in ``figures``, never overwritten. They
        are applied here, in (document, position) order, to the few features they are about
        (a figure said of several lines reads every one's value); what each adds to a
        feature's ``figures`` waits in the spill until that feature is built.
        """
        self._db.execute("COMMIT")
        self._sort_sources()
        self._db.execute("CREATE INDEX unresolved_order ON unresolved (doc, start, mention, seq)")
        registry_places = frozenset(
            e
            for e, entry in (self.registry.entries if self.registry else {}).items()
            if entry.layer == PLACES
        )
        self._place_ids = ids.place_ids(self._places.values(), gazetteer, registry_places)
        self._keys = list(self._acc)  # a key's place in it is its acc.n
        self._index_features()
        # a figure no cue word explains is counted (the manifest), not kept as a fact
        ((self.unclassified,),) = self._db.execute(
            "SELECT count(*) FROM facts WHERE metric = ?", (figures.UNCLASSIFIED,)
        )
        ((self.facts_count,),) = self._db.execute(
            "SELECT count(*) FROM facts WHERE metric != ?", (figures.UNCLASSIFIED,)
        )
        self._mark_conflicts()
        self._db.execute("BEGIN")
        for (data,) in self._db.execute("SELECT fact FROM facts WHERE applies = 1 ORDER BY doc, i"):
            self._apply(_fact_from_json(data))
        for entry_id, status, src in self._db.execute(
            "SELECT entry, status, src FROM statuses ORDER BY doc, start, i"
        ):
            self._apply_status(entry_id, status, _source_from_json(src))
        self._db.execute("COMMIT")
        return self.features()

    def _sort_sources(self) -> None:
        """The sources, appended as documents came, into one table in the order they are read.

        Inserting each document's sources straight into a table keyed by feature scattered
        the writes over the whole B-tree (every feature's rows grow at once), which cost a
        third of a cached rebuild; one sort at the end writes the table in key order. A
        source is one row however often its sentence named the feature (``OR IGNORE``).
        """
        self._db.executescript(
            """
            BEGIN;
            CREATE TABLE src (f INTEGER, doc TEXT, start INTEGER, "end" INTEGER, quote TEXT,
                              PRIMARY KEY (f, doc, start, "end")) WITHOUT ROWID;
            INSERT OR IGNORE INTO src SELECT * FROM src_in ORDER BY f, doc, start, "end";
            DROP TABLE src_in;
            COMMIT;
            """
        )

    def _index_features(self) -> None:
        """Every feature's layer and id, into the spill: the order layers are written in.

        Two keys that make the same id are one feature, the one added last (as a dict of
        features by id would keep it).
        """
        self._db.execute("BEGIN")
        rows = []
        for key, acc in self._acc.items():
            feat = self._feature(key, acc)
            rows.append((feat.id, feat.layer, acc.n))
            if len(rows) >= 10_000:
                self._db.executemany("INSERT OR REPLACE INTO features VALUES (?,?,?)", rows)
                rows = []
        self._db.executemany("INSERT OR REPLACE INTO features VALUES (?,?,?)", rows)
        self._db.execute("CREATE INDEX features_order ON features (layer, id)")
        self._db.execute("COMMIT")

    def features(self, layer: str | None = None) -> Iterator[tuple[Feature, _Acc]]:
        """The features (of one layer, or all), sorted by id, built one at a time."""
        if layer is None:
            rows = self._db.execute("SELECT id, n FROM features ORDER BY id")
        else:
            rows = self._db.execute(
                "SELECT id, n FROM features WHERE layer = ? ORDER BY id", (layer,)
            )
        for fid, n in rows:
            acc = self._acc[self._keys[n]]
            feat = self._feature(self._keys[n], acc)
            state = self._stated.get(fid)
            if state is not None:
                for name in _STATED:
                    setattr(feat, name, getattr(state, name))
                feat.figures = self._figures_of(fid)
            feat.aliases = {s for s in acc.surface_set() if s.lower() != feat.name.lower()}
            feat.confidence = round(acc.confidence, 2)
            yield feat, acc

    def geometries(self, layer: str) -> Iterator:
        """The geometries of a layer's features, in the order of ``features(layer)``."""
        for (n,) in self._db.execute(
            "SELECT n FROM features WHERE layer = ? ORDER BY id", (layer,)
        ):
            yield self._feature(self._keys[n], self._acc[self._keys[n]]).geometry

    def _target(self, fid: str) -> _State | None:
        """The feature of id ``fid`` as figures and statuses have changed it so far.

        Only the properties they read and fill are kept (``_State``), not the feature:
        figures may be about every feature of a layer.
        """
        state = self._stated.get(fid)
        if state is None:
            row = self._db.execute("SELECT n FROM features WHERE id = ?", (fid,)).fetchone()
            if row is None:
                return None
            key = self._keys[row[0]]
            feat = self._feature(key, self._acc[key])
            state = self._stated[fid] = _State(fid, *(getattr(feat, name) for name in _STATED))
        return state

    def _add_figure(self, feat: _State, entry: dict) -> None:
        self._seq += 1
        self._db.execute(
            "INSERT INTO figures VALUES (?,?,?)",
            (feat.id, self._seq, json.dumps(entry, ensure_ascii=False, allow_nan=False)),
        )

    def _figures_of(self, fid: str) -> list[dict]:
        """A feature's figures, in the order applied; each stated figure once."""
        out = []
        seen: set[tuple] = set()
        for (data,) in self._db.execute(
            "SELECT entry FROM figures WHERE f = ? ORDER BY seq", (fid,)
        ):
            entry = json.loads(data)
            key = (entry["metric"], entry["value"], entry["doc"], entry["start"])
            if key not in seen:
                seen.add(key)
                out.append(entry)
        return out

    def _mark_conflicts(self) -> None:
        """Conflict notes, one (metric, subject, year, unit) group at a time, into the spill.

        Only rows of the same group can conflict, so one group is in memory at a time;
        the rows of a group come in (document, position) order, as ``mark_conflicts`` reads
        a list, and get the same notes.
        """
        rows = self._db.execute(
            "SELECT metric, subject, year, unit, doc, i, value, start, original FROM facts "
            "WHERE metric != ? AND subject IS NOT NULL AND subject != '' "
            "AND year IS NOT NULL AND value IS NOT NULL "
            "ORDER BY metric, subject, year, unit, doc, i",
            (figures.UNCLASSIFIED,),
        )
        self._db.execute("BEGIN")
        for _key, group in itertools.groupby(rows, key=lambda r: r[:4]):
            group = list(group)
            notes = group_notes(
                [
                    Figure(value, doc, start, unit, original)
                    for _m, _s, _y, unit, doc, _i, value, start, original in group
                ]
            )
            self._db.executemany(
                "INSERT INTO conflicts VALUES (?,?,?)",
                [(group[g][4], group[g][5], note) for g, note in notes.items()],
            )
        self._db.execute("COMMIT")

    def fact_rows(self) -> Iterator[dict]:
        """The rows of ``facts.csv``, by document, sentence, metric and words."""
        for data, note in self._db.execute(
            "SELECT fact, note FROM facts LEFT JOIN conflicts USING (doc, i) WHERE metric != ? "
            "ORDER BY doc, src_start, metric, original, i",
            (figures.UNCLASSIFIED,),
        ):
            fact = _fact_from_json(data)
            if note is not None:
                fact = replace(fact, conflict=note)
            yield fact.row()

    def _feature(self, key: str, acc: _Acc) -> Feature:
        place_ids = self._place_ids
        if key.startswith("@place\0"):
            place = self._places[key.split("\0", 1)[1]]
            return _place_feature(place_ids[place.key], place)
        if key.startswith("@event\0"):
            _, kind, pkey, year = key.split("\0")
            place = self._places[pkey]
            # the fullest name the texts give ("Second China–Central Asia Summit"), then by
            # alphabet: never the first one read
            name = min(acc.names, key=lambda n: (-len(n), n))
            feat = Feature(
                id=ids.event_id(kind, place_ids[pkey], year),
                name=name,
                layer=EVENTS,
                type=kind,
                geometry=Point(place.lon, place.lat),
                precision=_PRECISION_OF_KIND.get(place.kind, "approximate"),
                endpoints=[place.name],
            )
            for n in acc.names:
                if len(n.split()) > 1:
                    acc.add_surface(n)
            if acc.dates is not None:
                feat.start_date = acc.dates[1]
                feat.end_date = acc.dates[2] or None
            return feat
        if key.startswith("@pa\0"):
            _, ka, kb = key.split("\0")
            a, b = self._places[ka], self._places[kb]
            (kind,) = acc.base
            label = "sister cities" if kind == "sister_cities" else "agreement"
            return Feature(
                id=ids.partnership_id(place_ids[ka], place_ids[kb]),
                name=f"{a.name} – {b.name} ({label})",
                layer=PARTNERSHIPS,
                type=kind,
                geometry=LineString([(a.lon, a.lat), (b.lon, b.lat)]),
                precision="exact",
                endpoints=[a.name, b.name],
            )
        if key in self.registry.entries:
            return _entry_feature(self.registry.entries[key])
        name, layer, kind, coords, endpoints, section_of, _countries = acc.base
        if section_of:
            return _section_feature(key, endpoints, coords, self.registry.entries[section_of])
        return Feature(
            id=key,
            name=name,
            layer=layer,
            type=kind,
            geometry=LineString(coords),
            precision="inferred",
            endpoints=list(endpoints),
        )

    def _apply(self, fact: figures.Fact) -> None:
        """A figure stated about features: fill an empty property, or compare.

        A section's figure ("the 390 km Tajik section") is recorded for its part and
        compared with nothing; a figure said of "each" of several lines is compared with
        each line's own value; a figure for several lines together with their sum.
        """
        prop = _PROPERTY_OF_METRIC.get(fact.metric)
        members = [m for m in map(self._target, fact.features) if m is not None]
        if prop is None or not members or fact.value is None:
            return
        unit = fact.unit
        if prop == "capacity" and any(m.capacity_unit not in (None, unit) for m in members):
            return
        if fact.part:
            for m in members:
                self._add_figure(m, _figure_entry(fact, f"{m.id} ({fact.part})", None, None))
            return
        groups = [[m] for m in members] if fact.each else [members]
        for group in groups:
            known = [getattr(m, prop) for m in group]
            note = None
            if any(k is None for k in known):
                registry_value = None
                if len(group) == 1:  # fill the empty property from the text
                    setattr(group[0], prop, fact.value)
                    if prop == "capacity":
                        group[0].capacity_unit = unit
            else:
                registry_value = sum(known)
                if len(group) > 1:
                    note = f"stated for the {len(group)} lines together; compared with their sum"
            if fact.each and len(members) > 1:
                note = f"stated for each of {len(members)} lines; compared with each line's own"
            target = "+".join(m.id for m in group) if len(group) > 1 else group[0].id
            entry = _figure_entry(fact, target, registry_value, note)
            for m in group:
                self._add_figure(m, entry)

    def _apply_status(self, entry_id: str, status: str, src: Source) -> None:
        """A status the text states fills an unknown one, or confirms or contradicts it."""
        feat = self._target(entry_id)
        if feat is None:
            return
        known = feat.status
        if known is None:
            feat.status = status
        entry = {
            "metric": "status",
            "value": status,
            "unit": None,
            "for": entry_id,
            "registry_value": known,
            "agrees": None if known is None else known == status,
            "doc": src.doc,
            "quote": src.quote,
            "start": src.start,
            "end": src.end,
        }
        self._add_figure(feat, entry)

    # ---- reading back -------------------------------------------------------------------

    @staticmethod
    def countries(acc: _Acc) -> list[str] | None:
        """An inferred route's countries, found when it was extracted (None for others)."""
        base = acc.base
        if base is not None and len(base) == 7:
            return list(base[6])
        return None

    def _source_rows(self, acc: _Acc) -> Iterator[tuple[str, int, int, str]]:
        """A feature's sources from the spill: (document, start, end, quote), in order."""
        return self._db.execute(
            'SELECT doc, start, "end", quote FROM src WHERE f = ? ORDER BY doc, start, "end"',
            (acc.n,),
        )

    def source_dicts(self, acc: _Acc) -> Iterator[dict]:
        """A feature's source sentences, in document order, one at a time (``Source.as_dict``).

        A town named in a third of 100,000 articles has hundreds of thousands of them: the
        write streams them from the spill file into each output, never holding them all.
        """
        docs = self.docs
        for doc, s, e, q in self._source_rows(acc):
            yield {"doc": doc, "date": docs.get(doc), "quote": q, "start": s, "end": e}

    def source_json(self, acc: _Acc) -> Iterator[tuple[str, str]]:
        """Each of ``source_dicts`` as JSON text, compact and spaced, in one pass.

        The texts are ``json.dumps(d, ensure_ascii=False, allow_nan=False)`` with the
        separators ``(",", ":")`` and ``(", ", ": ")``, made without it: a build writes
        every source twice (the GeoJSON and GeoParquet take the compact text, the GeoPackage
        the spaced one), and ``json.dumps`` made a new encoder for each. The strings go
        through the function ``json.dumps`` uses for them, so the bytes are the same.
        """
        docs = self.docs
        last, path, date = None, "", ""  # the sources come by document: each quoted once
        for doc, s, e, q in self._source_rows(acc):
            if doc != last:
                last, path, when = doc, encode_basestring(doc), docs.get(doc)
                date = "null" if when is None else encode_basestring(when)
            quote = encode_basestring(q)
            yield (
                f'{{"doc":{path},"date":{date},"quote":{quote},"start":{s:d},"end":{e:d}}}',
                f'{{"doc": {path}, "date": {date}, "quote": {quote}, '
                f'"start": {s:d}, "end": {e:d}}}',
            )

    def unresolved_rows(self) -> Iterator[dict]:
        """Every unresolved mention, by document, position and words."""
        for (row,) in self._db.execute(
            "SELECT row FROM unresolved ORDER BY doc, start, mention, seq"
        ):
            yield json.loads(row)

    def close(self) -> None:
        self._db.close()


def _applies(fact: figures.Fact) -> int:
    """1 when the figure may fill or check a feature's property (``Merge._apply``)."""
    return int(
        fact.metric in _PROPERTY_OF_METRIC and bool(fact.features) and fact.value is not None
    )


def _fact_json(f: figures.Fact) -> str:
    s = f.source
    return json.dumps(
        [
            f.metric,
            f.subject,
            f.year,
            f.value,
            f.unit,
            f.original,
            [s.doc, s.date, s.quote, s.start, s.end],
            f.start,
            f.end,
            f.features,
            f.conflict,
            f.part,
            f.each,
            f.alt_value,
        ],
        ensure_ascii=False,
        allow_nan=False,
    )


def _source_json(s: Source) -> str:
    return json.dumps([s.doc, s.date, s.quote, s.start, s.end], ensure_ascii=False)


def _source_from_json(data: str) -> Source:
    return Source(*json.loads(data))


def _fact_from_json(data: str) -> figures.Fact:
    metric, subject, year, value, unit, original, src, start, end, feats, *rest = json.loads(data)
    conflict, part, each, alt_value = rest
    return figures.Fact(
        metric=metric,
        subject=subject,
        year=year,
        value=value,
        unit=unit,
        original=original,
        source=Source(*src),
        start=start,
        end=end,
        features=tuple(feats),
        conflict=conflict,
        part=part,
        each=each,
        alt_value=alt_value,
    )


def _figure_entry(fact: figures.Fact, target: str, registry_value, note) -> dict:
    agrees = None if registry_value is None else not figures.differs(registry_value, fact.value)
    entry = {
        "metric": fact.metric,
        "value": figures.plain(fact.value),
        "unit": fact.unit,
        "for": target,
        "registry_value": figures.plain(registry_value),
        "agrees": agrees,
        "doc": fact.source.doc,
        "quote": fact.source.quote,
        "start": fact.source.start,
        "end": fact.source.end,
    }
    if note:
        entry["note"] = note
    return entry


def _place_feature(fid: str, place: Place) -> Feature:
    return Feature(
        id=fid,
        name=place.name,
        layer=PLACES,
        type=output_type(place),
        geometry=Point(place.lon, place.lat),
        precision=_PRECISION_OF_KIND.get(place.kind, "approximate"),
    )


def _entry_feature(entry: Entry) -> Feature:
    return Feature(
        id=entry.id,
        name=entry.name,
        layer=entry.layer,
        type=entry.type,
        geometry=entry.geometry,
        precision="waypoints" if entry.geometry.geom_type != "Point" else entry.location_precision,
        status=entry.status,
        capacity=entry.capacity,
        capacity_unit=entry.capacity_unit,
        stated_length_km=entry.stated_length_km,
        cost_usd=entry.cost_usd,
        references=[dict(s) for s in entry.sources],
        notes=entry.notes,
        stated_countries=entry.countries,
        section_of=entry.section_of,
        dossier=dict(entry.dossier),
        dossier_sources={k: list(v) for k, v in entry.dossier_sources.items()},
    )


def _section_feature(fid: str, endpoints, coords, entry: Entry) -> Feature:
    """A part of a registry project, along the project's line; linked by ``section_of``.

    Only the project's type and stated countries carry over: its status, capacity and
    dossier are the whole project's, not the section's.
    """
    a, b = endpoints
    return Feature(
        id=fid,
        name=f"{a}–{b} section of the {entry.name}",
        layer=entry.layer,
        type=entry.type,
        geometry=LineString(coords),
        precision="waypoints",
        endpoints=[a, b],
        section_of=entry.id,
        stated_countries=entry.countries,
    )
