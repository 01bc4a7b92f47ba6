"""Features across the corpus: one per place, project, route, event and partnership.

``FeatureBook`` merges each document's findings into features with their sources,
aliases, mention counts and confidence; at the end, figures and statuses the texts state
fill or confirm the features' properties (a disagreement is recorded, never written over).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from shapely.geometry import LineString, Point

from etl import events, figures
from etl.registry import REGISTRY_KEY, Entry, Registry
from etl.schema import EVENTS, PARTNERSHIPS, PLACES, Document, Feature, Place, Source, Unresolved
from etl.text import ascii_fold

if TYPE_CHECKING:
    from etl.assemble import Findings

_PRECISION_OF_KIND = {
    "city": "exact",
    "border_crossing": "exact",
    "country": "country",
    "region": "region",
    "water_body": "region",
    "continent": "region",
}
_PROPERTY_OF_METRIC = {"capacity": "capacity", "length": "stated_length_km", "cost": "cost_usd"}


class FeatureBook:
    """Features keyed by id; each finding adds a source, an alias and a mention."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.features: dict[str, Feature] = {}
        self.mention_keys: dict[str, set[tuple[str, int, str]]] = {}
        self.confidence: dict[str, float] = {}
        self.unresolved: list[Unresolved] = []
        self.place_ids: dict[str, str] = {}
        self._source_keys: dict[str, set[tuple[str, int, int]]] = {}
        self.facts: list[figures.Fact] = []
        self.statuses: list[tuple[str, str, Source]] = []
        self._figure_keys: dict[str, set[tuple]] = {}
        self.unclassified = 0

    def add(self, findings: Findings) -> None:
        for place, src, surface, conf in findings.places:
            if place.key.startswith(REGISTRY_KEY):  # a crossing: the registry's feature
                fid = place.key.removeprefix(REGISTRY_KEY)
                feat = self.features.get(fid) or _entry_feature(self.registry.entries[fid])
            else:
                fid = self._place_id(place)
                feat = self.features.get(fid) or _place_feature(fid, place)
            self.features[fid] = feat
            self._note(feat, src, surface, conf)
        for entry_id, src, surface in findings.entries:
            feat = self.features.get(entry_id)
            if feat is None:
                feat = _entry_feature(self.registry.entries[entry_id])
                self.features[entry_id] = feat
            self._note(feat, src, surface, 1.0)
        for route, src in findings.routes:
            fid = route_feature_id(route.chain.layer, route.chain.parts, route.section_of)
            feat = self.features.get(fid)
            if feat is None:
                feat = (
                    _section_feature(fid, route, self.registry.entries[route.section_of])
                    if route.section_of
                    else Feature(
                        id=fid,
                        name=" ".join(
                            (
                                "–".join(p.name for p in route.places),
                                route.chain.type.replace("_", " "),
                            )
                        ),
                        layer=route.chain.layer,
                        type=route.chain.type,
                        geometry=route.geometry,
                        precision="inferred",
                        endpoints=[p.name for p in route.places],
                    )
                )
                self.features[fid] = feat
            self._note(feat, src, route.chain.text, 0.6)
        self.unresolved.extend(findings.unresolved)
        self.facts.extend(findings.facts)
        self.statuses.extend(findings.statuses)
        doc = findings.doc
        for ev in findings.events:
            self._add_event(ev, doc)
        for pa in findings.partnerships:
            self._add_partnership(pa, doc)

    def _add_event(self, ev: events.Event, doc: Document) -> None:
        """One feature per gathering: the same kind of event, in the same town, in the same year."""
        year = (ev.start_date or doc.date or "")[:4]
        place_id = self._place_id(ev.place.place)
        fid = f"{EVENTS}/{ev.type}-{place_id.split('/', 1)[1]}-{year or 'undated'}"
        name = f"{ev.ordinal.capitalize()} {ev.name}" if ev.ordinal else ev.name
        feat = self.features.get(fid)
        if feat is None:
            feat = Feature(
                id=fid,
                name=name,
                layer=EVENTS,
                type=ev.type,
                geometry=Point(ev.place.place.lon, ev.place.place.lat),
                precision=_PRECISION_OF_KIND.get(ev.place.place.kind, "approximate"),
                endpoints=[ev.place.place.name],
            )
            self.features[fid] = feat
        elif len(name) > len(feat.name) or (
            ev.ordinal and not feat.name.lower().startswith(ev.ordinal)
        ):
            feat.aliases.add(feat.name)
            feat.name = name
        if ev.start_date and (
            feat.start_date is None
            or (len(ev.start_date) > len(feat.start_date))
            or (ev.start_date < feat.start_date and len(ev.start_date) == len(feat.start_date))
        ):
            feat.start_date = ev.start_date
            feat.end_date = ev.end_date
        s, e = ev.sentence
        surface = name if len(name.split()) > 1 else feat.name  # "the summit" is no alias
        self._note(
            feat, Source(doc.path, doc.date, doc.text[s:e], s, e), surface, ev.place.confidence
        )

    def _add_partnership(self, pa: events.Partnership, doc: Document) -> None:
        a, b = sorted((p.place for p in pa.places), key=lambda p: p.name)
        ida, idb = self._place_id(a), self._place_id(b)
        fid = f"{PARTNERSHIPS}/{ida.split('/', 1)[1]}--{idb.split('/', 1)[1]}"
        feat = self.features.get(fid)
        label = "sister cities" if pa.type == "sister_cities" else "agreement"
        if feat is None:
            feat = Feature(
                id=fid,
                name=f"{a.name} – {b.name} ({label})",
                layer=PARTNERSHIPS,
                type=pa.type,
                geometry=LineString([(a.lon, a.lat), (b.lon, b.lat)]),
                precision="exact",
                endpoints=[a.name, b.name],
            )
            self.features[fid] = feat
        s, e = pa.sentence
        conf = min(p.confidence for p in pa.places)
        self._note(
            feat,
            Source(doc.path, doc.date, doc.text[s:e], s, e),
            doc.text[pa.span[0] : pa.span[1]],
            conf,
        )

    def _place_id(self, place: Place) -> str:
        """``places/<name>`` for countries and regions, ``places/<name>-<iso3>`` for towns."""
        fid = self.place_ids.get(place.key)
        if fid is None:
            base = f"{PLACES}/{slug(ascii_fold(place.name))}"
            if place.kind == "city":
                base = f"{base}-{place.country.lower()}" if place.country else base
            fid = base
            if fid in self.place_ids.values():
                fid = f"{base}-{slug(place.key)}"
            self.place_ids[place.key] = fid
        return fid

    def _note(self, feat: Feature, src: Source, surface: str, confidence: float) -> None:
        keys = self.mention_keys.setdefault(feat.id, set())
        keys.add((src.doc, src.start, surface))
        seen = self._source_keys.setdefault(feat.id, set())
        if (src.doc, src.start, src.end) not in seen:
            seen.add((src.doc, src.start, src.end))
            feat.sources.append(src)
        alias = " ".join(surface.split())
        if alias.lower() != feat.name.lower():
            feat.aliases.add(alias)
        self.confidence[feat.id] = max(self.confidence.get(feat.id, 0.0), confidence)

    def finish(self) -> list[Feature]:
        """The features sorted by id, sources in document order, confidence settled.

        Figures stated about a feature fill its empty properties or confirm them; a
        disagreement with the registry is recorded in ``figures``, never overwritten.
        """
        # a figure no cue word explains is counted (the manifest), not kept as a fact
        self.unclassified = sum(f.metric == figures.UNCLASSIFIED for f in self.facts)
        self.facts = figures.mark_conflicts(
            [f for f in self.facts if f.metric != figures.UNCLASSIFIED]
        )
        for fact in self.facts:
            self._apply(fact)
        for entry_id, status, src in self.statuses:
            self._apply_status(entry_id, status, src)
        out = []
        for fid in sorted(self.features):
            feat = self.features[fid]
            feat.sources.sort(key=lambda s: (s.doc, s.start, s.end))
            feat.confidence = round(self.confidence.get(fid, feat.confidence), 2)
            out.append(feat)
        return out

    def _apply(self, fact: figures.Fact) -> None:
        """A figure stated about features: fill an empty property, or compare.

        A section's figure ("the 390 km Tajik section") is recorded for its part and
        compared with nothing; a figure said of "each" of several lines is compared with
        each line's own value; a figure for several lines together with their sum.
        """
        prop = _PROPERTY_OF_METRIC.get(fact.metric)
        members = [self.features[f] for f in fact.features if f in self.features]
        if prop is None or not members or fact.value is None:
            return
        unit = fact.unit
        if prop == "capacity" and any(m.capacity_unit not in (None, unit) for m in members):
            return
        if fact.part:
            for m in members:
                self._add_figure(m, self._entry(fact, f"{m.id} ({fact.part})", None, None))
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
            entry = self._entry(fact, target, registry_value, note)
            for m in group:
                self._add_figure(m, entry)

    @staticmethod
    def _entry(fact: figures.Fact, target: str, registry_value, note) -> dict:
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

    def _apply_status(self, entry_id: str, status: str, src: Source) -> None:
        """A status the text states fills an unknown one, or confirms or contradicts it."""
        feat = self.features.get(entry_id)
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

    def _add_figure(self, feat: Feature, entry: dict) -> None:
        """Each stated figure once per feature (a set of keys, not a scan of the list)."""
        key = (entry["metric"], entry["value"], entry["doc"], entry["start"])
        seen = self._figure_keys.setdefault(feat.id, set())
        if key not in seen:
            seen.add(key)
            feat.figures.append(entry)

    def mentions(self, fid: str) -> int:
        return len(self.mention_keys.get(fid, ()))


def _place_feature(fid: str, place: Place) -> Feature:
    from shapely.geometry import Point

    from etl.places.supplement import output_type

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


def _section_feature(fid: str, route, entry: Entry) -> Feature:
    """A part of a registry project, along the project's line; linked by ``section_of``.

    Only the project's type and stated countries carry over: its status, capacity and
    dossier are the whole project's, not the section's.
    """
    a, b = route.places
    return Feature(
        id=fid,
        name=f"{a.name}–{b.name} section of the {entry.name}",
        layer=entry.layer,
        type=entry.type,
        geometry=route.geometry,
        precision="waypoints",
        endpoints=[a.name, b.name],
        section_of=entry.id,
        stated_countries=entry.countries,
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def route_feature_id(layer: str, parts: tuple[str, ...], section_of: str | None = None) -> str:
    if section_of:
        return f"{section_of}--{slug(ascii_fold('-'.join(parts)))}-section"
    return f"{layer}/{slug(ascii_fold('-'.join(parts)))}-inferred"
