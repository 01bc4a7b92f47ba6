"""From documents to features: per-document extraction, then one feature per thing across the corpus.

``extract`` is pure (a document and the injected matcher, resolver and registry in; typed
findings out); ``FeatureBook`` merges the findings of every document into features with
their sources, mention counts and first-seen dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shapely.geometry import LineString, Point

from etl import events, figures, routes
from etl.mentions import CONTEXT, ENTRY, SYSTEM, Matcher, Mention
from etl.registry import Entry, Registry
from etl.resolve import Resolver
from etl.schema import (
    EVENTS,
    PARTNERSHIPS,
    PLACES,
    R_IMPLAUSIBLE,
    R_NO_CONTEXT,
    Document,
    Feature,
    Place,
    Source,
    Unresolved,
)
from etl.text import SentenceIndex, ascii_fold

_PRECISION_OF_KIND = {
    "city": "exact",
    "border_crossing": "exact",
    "country": "country",
    "region": "region",
    "water_body": "region",
    "continent": "region",
}


@dataclass
class Findings:
    """What one document contributes."""

    doc: Document
    places: list[tuple[Place, Source, str, float]] = field(default_factory=list)
    entries: list[tuple[str, Source, str]] = field(default_factory=list)
    routes: list[tuple[routes.InferredRoute, Source]] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    facts: list[figures.Fact] = field(default_factory=list)
    events: list[events.Event] = field(default_factory=list)
    partnerships: list[events.Partnership] = field(default_factory=list)
    statuses: list[tuple[str, str, Source]] = field(default_factory=list)


def extract(
    doc: Document,
    matcher: Matcher,
    resolver: Resolver,
    registry: Registry,
    continent_of: dict[str, str],
) -> Findings:
    """Every place, registry project and route the document names, or why not."""
    text = doc.text
    sentences = SentenceIndex(text)
    found = Findings(doc)

    def source(start: int, end: int) -> Source:
        s, e = sentences.around(start, end)
        return Source(doc.path, doc.date, text[s:e], s, e)

    place_mentions, registry_mentions = matcher.find(text)
    projects = [(m.start, m.end) for m in registry_mentions if m.kind in (ENTRY, SYSTEM)]
    resolved, rejected = resolver.resolve(text, place_mentions, projects)
    resolved = [r for r in resolved if _fits_enclosing_entry(r, registry_mentions, registry)]
    for r in resolved:
        found.places.append(
            (r.place, source(r.mention.start, r.mention.end), r.mention.surface, r.confidence)
        )
    for r in rejected:
        found.unresolved.append(
            Unresolved(
                r.mention.surface,
                "place",
                r.reason,
                source(r.mention.start, r.mention.end),
                r.candidates,
            )
        )

    systems_named = {m.key for m in registry_mentions if m.kind == SYSTEM}
    systems_named |= {registry.system_of(m.key) for m in registry_mentions if m.kind == ENTRY} - {
        None
    }
    covered: list[tuple[int, int]] = []
    for m in registry_mentions:
        covered.append((m.start, m.end))
        src = source(m.start, m.end)
        if m.kind == ENTRY:
            found.entries.append((m.key, src, m.surface))
        elif m.kind == SYSTEM:
            for member in registry.systems[m.key].members:
                found.entries.append((member, src, m.surface))
        elif m.kind == CONTEXT:
            if registry.system_of(m.key) in systems_named or _country_in_sentence(
                m.key, src, resolved, registry
            ):
                found.entries.append((m.key, src, _context_surface(text, m)))
            else:
                found.unresolved.append(Unresolved(m.surface, "registry", R_NO_CONTEXT, src, m.key))

    for entry_id, start, end in _described_facilities(text, sentences, resolved, registry):
        if not any(e == entry_id for e, _, _ in found.entries):
            found.entries.append((entry_id, source(start, end), text[start:end]))

    for chain in routes.find_chains(text):
        if any(s < chain.end and chain.start < e for s, e in covered):
            continue
        verdict = routes.judge(chain, resolver.gazetteer, continent_of)
        src = source(chain.start, chain.end)
        if isinstance(verdict, routes.InferredRoute):
            found.routes.append((verdict, src))
        else:
            found.unresolved.append(
                Unresolved(chain.text, "route", f"{verdict.reason}: {verdict.detail}", src, "")
            )

    _described_routes(found, text, sentences, resolved, registry_mentions, registry, source)

    things = [
        figures.Mentioned(r.place.country, r.mention.start, r.mention.end)
        for r in resolved
        if r.place.kind == "country" and r.place.country
    ]
    things += [
        figures.Mentioned(
            entry_id,
            src.start + _offset_in(src, surface),
            src.start + _offset_in(src, surface) + len(surface),
            registry.system_of(entry_id),
        )
        for entry_id, src, surface in found.entries
    ]
    things += [
        figures.Mentioned(
            route_feature_id(r.chain.layer, r.chain.parts), r.chain.start, r.chain.end
        )
        for r, _ in found.routes
    ]
    found.statuses = _stated_statuses(text, found.entries, registry_mentions, registry)
    found.events = events.find_events(text, sentences.spans, resolved, doc.date)
    found.partnerships = events.find_partnerships(text, sentences.spans, resolved)
    found.facts = figures.extract_facts(
        text, sentences.spans, doc.path, doc.date, things, figures.load_rates()
    )
    return found


#: phrases that state a project's status, most specific first
_STATUS_PHRASES = (
    (
        "construction",
        r"under\s+construction|construction\s+(?:began|started|has\s+begun|preparation)"
        r"|being\s+built|broke\s+ground|groundbreaking|entered\s+the\s+construction",
    ),
    ("cancelled", r"cancell?ed|scrapped|abandoned"),
    ("shelved", r"shelved|suspended|on\s+hold|frozen"),
    (
        "operating",
        r"operational|in\s+operation|operating|(?:has|have|was|were)\s+been\s+commissioned"
        r"|(?:was|were|has\s+been)\s+commissioned|came\s+on-?line|began\s+operations?"
        r"|opened\s+to\s+traffic|went\s+into\s+service",
    ),
    ("proposed", r"proposed|feasibility\s+study|plans?\s+to\s+build|would\s+be\s+built"),
)
_STATUS_RE = [(status, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for status, p in _STATUS_PHRASES]
#: a status phrase this far (characters) from a project's name is about another thing
_STATUS_REACH = 80


def _stated_statuses(text, entries, registry_mentions, registry: Registry):
    """ "The railway project has entered the construction preparation phase": the nearest project.

    Lines listed together ("With Lines A, B, and C operational") share the status.
    """
    spots = [(m.start, m.end, key) for m in registry_mentions for key in _keys_of(m, entries)]
    for entry_id, src, surface in entries:  # described facilities have no registry span
        at = src.quote.find(surface)
        if at >= 0:
            spots.append((src.start + at, src.start + at + len(surface), entry_id))
    out = []
    seen = set()
    for entry_id, src, _ in entries:
        if (entry_id, src.start) in seen:
            continue
        seen.add((entry_id, src.start))
        sentence = text[src.start : src.end]
        system = registry.system_of(entry_id)
        mine = [(a, b) for a, b, k in spots if k == entry_id and src.start <= a < src.end]
        for status, pattern in _STATUS_RE:
            hit = pattern.search(sentence)
            if hit is None:
                continue
            at = src.start + hit.start()
            distance = min((min(abs(at - b), abs(at - a)) for a, b in mine), default=None)
            rivals = [
                min(abs(at - b), abs(at - a))
                for a, b, k in spots
                if k != entry_id
                and src.start <= a < src.end
                and (system is None or registry.system_of(k) != system)
            ]
            if (
                distance is not None
                and distance <= _STATUS_REACH
                and all(distance <= r for r in rivals)
            ):
                out.append((entry_id, status, src))
            break
    return out


def _keys_of(m, entries) -> list[str]:
    if m.kind in (ENTRY, CONTEXT):
        return [m.key]
    return [e for e, src, _ in entries if src.start <= m.start < src.end]


#: a described route whose ends lie this close to a registry line is that line (degrees, ~55 km)
_SAME_ROUTE_DEG = 0.5


def _described_routes(
    found, text, sentences, resolved, registry_mentions, registry, source
) -> None:
    """ "A highway from A through B to C": the registry's route if it is one, else inferred."""
    from etl import countries

    for d in routes.find_described(text, sentences.spans, resolved, countries.load().is_coastal):
        s, e = sentences.around(d.start)
        src = source(d.start, d.end)
        named = [
            m
            for m in registry_mentions
            if s <= m.start < e
            and m.kind in (ENTRY, SYSTEM)
            and (m.kind == SYSTEM or registry.entries[m.key].layer == d.layer)
        ]
        if named:
            continue  # the sentence names the project: the registry mention already counts
        if any(r.chain.start < d.end and d.start < r.chain.end for r, _ in found.routes):
            continue
        ends = [Point(d.places[0].lon, d.places[0].lat), Point(d.places[-1].lon, d.places[-1].lat)]
        known = next(
            (
                entry
                for entry in registry.entries.values()
                if entry.layer == d.layer
                and all(entry.geometry.distance(pt) < _SAME_ROUTE_DEG for pt in ends)
            ),
            None,
        )
        if known is not None:
            found.entries.append((known.id, src, text[d.start : d.end]))
            continue
        geometry, why = routes.draw(d, countries.load().shore_point)
        chain = routes.Chain(
            d.start, d.end, text[d.start : d.end], tuple(p.name for p in d.places), d.layer, d.type
        )
        if geometry is None:
            found.unresolved.append(
                Unresolved(chain.text, "route", f"{R_IMPLAUSIBLE}: {why}", src, "")
            )
            continue
        found.routes.append((routes.InferredRoute(chain, d.places, geometry), src))


def _offset_in(src: Source, surface: str) -> int:
    """Where a mention's words sit in its sentence (the start when not found verbatim)."""
    i = src.quote.find(surface)
    return max(i, 0)


_PROPERTY_OF_METRIC = {"capacity": "capacity", "length": "stated_length_km", "cost": "cost_usd"}

#: nouns naming a facility type in running text
_FACILITY_NOUNS = {
    "power_plant": r"(?:[\w-]+ )?power (?:plant|station)",
    "hydropower_plant": r"hydro(?:power|electric)(?: power)? (?:plant|station)",
    "refinery": r"(?:oil )?refinery",
    "dry_port": r"(?:dry|waterless|inland) port",
    "wind_farm": r"wind (?:farm|park|power plant)",
    "solar_farm": r"solar (?:farm|park|power plant)",
    "gas_field": r"gas field",
    "oil_field": r"oil field",
}
_FACILITY_RE = {k: re.compile(rf"\b{v}s?\b", re.IGNORECASE) for k, v in _FACILITY_NOUNS.items()}
_POWER_FIGURE = re.compile(r"\b(\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s*(MW|GW)\b")
#: how close a described facility must be to the place the sentence names (km)
_NEAR_CITY_KM = 40.0
_NEAR_REGION_KM = 150.0


def _described_facilities(text, sentences, resolved, registry: Registry):
    """ "The 1,500 MW gas-fired power plant in the Syrdarya region" is a registry facility.

    A facility noun, a place named in the same sentence that lies near a registry facility
    of that type, and no stated capacity that contradicts the registry's.
    """
    from etl.geo import km

    by_sentence: dict[tuple[int, int], list] = {}
    for r in resolved:
        if r.place.kind in {"city", "region"}:
            by_sentence.setdefault(sentences.around(r.mention.start), []).append(r.place)
    for (s, e), places in sorted(by_sentence.items()):
        sentence = text[s:e]
        figures = [
            float(v.replace(",", "")) * (1000 if u == "GW" else 1)
            for v, u in _POWER_FIGURE.findall(sentence)
        ]
        for kind, pattern in _FACILITY_RE.items():
            noun = pattern.search(sentence)
            if noun is None:
                continue
            best = None
            for entry in registry.entries.values():
                if entry.type != kind:
                    continue
                spot = Place("", entry.name, entry.geometry.y, entry.geometry.x, "city")
                for place in places:
                    limit = _NEAR_REGION_KM if place.kind == "region" else _NEAR_CITY_KM
                    d = km(place, spot)
                    if d > limit:
                        continue
                    if entry.capacity_unit == "MW" and figures and entry.capacity not in figures:
                        continue
                    if place.kind == "region" and not (figures and entry.capacity in figures):
                        continue
                    if best is None or d < best[0]:
                        best = (d, entry.id)
            if best is not None:
                yield best[1], s + noun.start(), s + noun.end()


#: a town named inside a project's name must lie this close to the project (degrees, ~110 km)
_NEAR_ENTRY_DEG = 1.0


def _fits_enclosing_entry(r, registry_mentions: list[Mention], registry: Registry) -> bool:
    """A place inside a project's name ("the Shymkent refinery") must be near that project.

    Countries and regions always fit ("the China-Kyrgyzstan-Uzbekistan railway"); a town
    far from the project is another place of the same name ("Dongmen" in a dry port's
    name is not the Dongmen in Guangxi).
    """
    if r.place.kind != "city":
        return True
    from shapely.geometry import Point

    point = Point(r.place.lon, r.place.lat)
    for m in registry_mentions:
        if m.start <= r.mention.start and r.mention.end <= m.end and m.key in registry.entries:
            if registry.entries[m.key].geometry.distance(point) > _NEAR_ENTRY_DEG:
                return False
    return True


def _country_in_sentence(entry_id: str, src: Source, resolved, registry: Registry) -> bool:
    """ "Kyrgyzstan has opened its North-South highway": a generic name, placed by the country.

    Only for entries outside a system: a system's line letters need the system named.
    """
    if registry.system_of(entry_id) is not None:
        return False
    from etl import countries

    inside = set(countries.load().of(registry.entries[entry_id].geometry))
    return any(
        r.place.kind == "country"
        and r.place.country in inside
        and src.start <= r.mention.start < src.end
        for r in resolved
    )


def _context_surface(text: str, m: Mention) -> str:
    """ "Lines A, B, and C" gives each letter alone: name it "Line A"."""
    if m.end - m.start == 1:
        return f"Line {m.surface}"
    return m.surface


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

    def add(self, findings: Findings) -> None:
        for place, src, surface, conf in findings.places:
            fid = self._place_id(place)
            feat = self.features.get(fid)
            if feat is None:
                feat = _place_feature(fid, place)
                self.features[fid] = feat
            self._note(feat, src, surface, conf)
        for entry_id, src, surface in findings.entries:
            feat = self.features.get(entry_id)
            if feat is None:
                feat = _entry_feature(self.registry.entries[entry_id])
                self.features[entry_id] = feat
            self._note(feat, src, surface, 1.0)
        for route, src in findings.routes:
            fid = route_feature_id(route.chain.layer, route.chain.parts)
            feat = self.features.get(fid)
            if feat is None:
                feat = Feature(
                    id=fid,
                    name=f"{'–'.join(p.name for p in route.places)} {route.chain.type.replace('_', ' ')}",
                    layer=route.chain.layer,
                    type=route.chain.type,
                    geometry=route.geometry,
                    precision="inferred",
                    endpoints=[p.name for p in route.places],
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
            or ev.start_date < feat.start_date
            and len(ev.start_date) == len(feat.start_date)
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
        self.facts = figures.mark_conflicts(self.facts)
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
        prop = _PROPERTY_OF_METRIC.get(fact.metric)
        members = [self.features[f] for f in fact.features if f in self.features]
        if prop is None or not members or fact.value is None:
            return
        unit = fact.unit
        if prop == "capacity" and any(m.capacity_unit not in (None, unit) for m in members):
            return
        known = [getattr(m, prop) for m in members]
        if any(k is None for k in known):
            registry_value = None
            if len(members) == 1:  # fill the empty property from the text
                setattr(members[0], prop, fact.value)
                if prop == "capacity":
                    members[0].capacity_unit = unit
        else:
            registry_value = (
                sum(known) if len(members) > 1 and prop != "stated_length_km" else known[0]
            )
        agrees = (
            None
            if registry_value is None
            else abs(registry_value - fact.value)
            <= 0.02 * max(abs(registry_value), abs(fact.value))
        )
        entry = {
            "metric": fact.metric,
            "value": figures._plain(fact.value),
            "unit": unit,
            "for": "+".join(m.id for m in members) if len(members) > 1 else members[0].id,
            "registry_value": figures._plain(registry_value),
            "agrees": agrees,
            "doc": fact.source.doc,
            "quote": fact.source.quote,
            "start": fact.source.start,
            "end": fact.source.end,
        }
        for m in members:
            if entry not in m.figures:
                m.figures.append(entry)

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
        if entry not in feat.figures:
            feat.figures.append(entry)

    def mentions(self, fid: str) -> int:
        return len(self.mention_keys.get(fid, ()))


def _place_feature(fid: str, place: Place) -> Feature:
    from shapely.geometry import Point

    return Feature(
        id=fid,
        name=place.name,
        layer=PLACES,
        type=place.kind,
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
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def route_feature_id(layer: str, parts: tuple[str, ...]) -> str:
    return f"{layer}/{slug(ascii_fold('-'.join(parts)))}-inferred"
