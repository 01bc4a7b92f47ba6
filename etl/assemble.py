"""Per-document extraction: one document in, typed findings out.

``extract`` is pure: a document and the injected ``Knowledge`` in; the places, projects,
routes, figures, events and partnerships it names (or why not) out, as a frozen
``DocumentFindings``. It loads nothing, so a worker process or a Dask worker can run it on
any document with the knowledge it loaded once. ``etl.merge`` folds the findings of all
documents into features.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Point

from etl import events, projects, routes
from etl.extract import figures
from etl.findings import (
    DocInfo,
    DocumentFindings,
    EntryFinding,
    EventFinding,
    PartnershipFinding,
    PlaceFinding,
    RouteFinding,
    StatusFinding,
)
from etl.geo import km_to_many
from etl.ids import route_feature_id
from etl.knowledge import Knowledge
from etl.mentions import CONTEXT, ENTRY, SYSTEM
from etl.places import arabic, borders, han, people, plausibility
from etl.places.resolve import ResolvedPlace
from etl.registry import NOT_SETTLEMENTS, REGISTRY_KEY, SAME_SPOT_KM
from etl.schema import (
    CORRIDORS,
    FACILITIES,
    LINE_LAYERS,
    PLACES,
    R_AMBIGUOUS,
    R_IMPLAUSIBLE,
    R_NO_CONTEXT,
    R_UNKNOWN,
    Document,
    Place,
    Source,
    Unresolved,
)
from etl.text import SentenceIndex


@dataclass
class _Found:
    """What one document contributes, while it is being read (frozen at the end)."""

    doc: Document
    places: list[tuple[Place, Source, str, float]] = field(default_factory=list)
    entries: list[tuple[str, Source, str]] = field(default_factory=list)
    routes: list[tuple[routes.InferredRoute, Source]] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    facts: list[figures.Fact] = field(default_factory=list)
    events: list[events.Event] = field(default_factory=list)
    partnerships: list[events.Partnership] = field(default_factory=list)
    statuses: list[tuple[str, str, Source]] = field(default_factory=list)


def extract(doc: Document, knowledge: Knowledge) -> DocumentFindings:
    """Every place, registry project and route the document names, or why not."""
    matcher, resolver, registry = knowledge.matcher, knowledge.resolver, knowledge.registry
    continent_of = knowledge.continent_of
    text = doc.text
    sentences = SentenceIndex(text)
    found = _Found(doc)

    made: dict[tuple[int, int], Source] = {}

    def source(start: int, end: int) -> Source:
        """The sentence around a span: one shared record per sentence, not one per mention."""
        span = sentences.around(start, end)
        src = made.get(span)
        if src is None:
            src = made[span] = Source(doc.path, doc.date, text[span[0] : span[1]], *span)
        return src

    place_mentions, registry_mentions = matcher.find(text)
    # "Aşgabat şäheriniň Bagtyýarlyk etrabynda" (held-out set 99): an entry's alias before a
    # unit's word names that unit (a district of Ashgabat), not the project
    unit_after = resolver.cues.unit_after
    registry_mentions = [
        m for m in registry_mentions if m.kind != ENTRY or not unit_after.match(text, m.end)
    ]
    firms = people.organisation_spans(text, resolver.org_cues)
    registry_mentions = _outside_firm_names(text, registry_mentions, registry, firms)
    project_spans = [(m.start, m.end) for m in registry_mentions if m.kind in (ENTRY, SYSTEM)]
    resolved, rejected = resolver.resolve(text, place_mentions, project_spans, firms)
    # "the Uzbek-Kyrgyz border (Dustlik post)": a post lies on its border, a namesake does not
    resolved, off = borders.off_the_border(
        text, resolved, sentences, knowledge.countries, resolver.gazetteer
    )
    # "(PTL) Rabat-Kashan - Kalay-Nau": a Turkmen substation, not Rabat and Kashan
    resolved, far = plausibility.far_pairs(text, resolved)
    # "the Danghara-Guliston-Kulob road": not Gulistan in Uzbekistan, 300 km off the way
    resolved, detours = plausibility.chain_detours(text, resolved)
    # "Angren, Kul, Orzu, Chodak ... stansiyalarida": not the Orzu 400 km off the line
    resolved, stations = plausibility.station_lists(text, resolved)
    # "от Бесколь до Достыка уложено 155 км": not a Beskol 1,400 km from Dostyk
    resolved, too_far = plausibility.length_contradictions(
        text, resolved, sentences, resolver.gazetteer
    )
    rejected = [*rejected, *off, *far, *detours, *stations, *too_far]
    # a town inside a registry contractor's or owner's name is the company's, not a place
    organisations = registry.organisation_spans(text)
    if organisations:
        resolved = [
            r
            for r in resolved
            if not any(s <= r.mention.start and r.mention.end <= e for s, e in organisations)
        ]
    resolved = [
        r for r in resolved if projects.fits_enclosing_entry(r, registry_mentions, registry)
    ]
    # "a power plant in Syr Darya": the river's name names the facility, not the river
    river_named = list(projects.river_facilities(text, sentences, resolved, registry))
    taken = {(start, end) for _, start, end in river_named}
    resolved = [r for r in resolved if (r.mention.start, r.mention.end) not in taken]
    # "the Torugart Pass": a registry place (the crossing) named by the same words as a
    # gazetteer place on the same spot is one place, drawn once, as the registry's
    for r in resolved:
        if _registry_place_here(r, registry_mentions, registry):
            continue
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
        # a crossing named inside a chain ("the Osh-Sary-Tash-Irkeshtam road") is one of its
        # places: only a line project's own name covers the chain
        if m.kind == SYSTEM or registry.entries[m.key].layer != PLACES:
            covered.append((m.start, m.end))
        src = source(m.start, m.end)
        if m.kind == ENTRY:
            found.entries.append((m.key, src, m.surface))
        elif m.kind == SYSTEM:
            for member in registry.systems[m.key].members:
                found.entries.append((member, src, m.surface))
        elif m.kind == CONTEXT:
            # the country may be named in the sentence before ("... roads in the Kyrgyz
            # Republic. The loan will build the new North-South road.")
            before = sentences.around(src.start - 1)[0] if src.start else src.start
            if registry.system_of(m.key) in systems_named or projects.country_in_sentence(
                m.key, src, resolved, registry, since=before
            ):
                found.entries.append((m.key, src, projects.context_surface(text, m)))
            else:
                found.unresolved.append(Unresolved(m.surface, "registry", R_NO_CONTEXT, src, m.key))

    for entry_id, start, end in projects.described_facilities(text, sentences, resolved, registry):
        if not any(e == entry_id for e, _, _ in found.entries):
            found.entries.append((entry_id, source(start, end), text[start:end]))

    for entry_id, start, end in river_named:
        if entry_id is None:
            why = "a facility named by a river's (or region's) name; no registry facility fits"
            found.unresolved.append(
                Unresolved(
                    text[start:end], "facility", f"{R_UNKNOWN}: {why}", source(start, end), ""
                )
            )
        elif not any(e == entry_id for e, _, _ in found.entries):
            found.entries.append((entry_id, source(start, end), text[start:end]))

    # "the Papan HPP", "the Kumkol field": a named facility the atlas cannot place is reported
    taken = [(m.start, m.end) for m in registry_mentions] + [(s, e) for _, s, e in river_named]
    placed = [(r.mention.start, r.mention.end) for r in resolved]
    for start, end in projects.named_facilities(text, taken, placed):
        why = "a named facility that no registry entry or resolved place locates"
        found.unresolved.append(
            Unresolved(text[start:end], "facility", f"{R_UNKNOWN}: {why}", source(start, end), "")
        )
    # "the Kenkiyak and Zhanazhol fields": the Kenkiyak field and the Zhanazhol field
    for start, end, name in projects.listed_facilities(text, taken, placed):
        entry_ids = registry.by_alias_key(routes.alias_key(name))
        if not entry_ids:
            why = "a named facility that no registry entry or resolved place locates"
            src = source(start, end)
            found.unresolved.append(
                Unresolved(text[start:end], "facility", f"{R_UNKNOWN}: {why}", src, name)
            )
        for entry_id in entry_ids:
            if not any(e == entry_id for e, _, _ in found.entries):
                found.entries.append((entry_id, source(start, end), text[start:end]))

    place_at = _place_at(resolved, rejected)
    chains = routes.find_chains(text)
    # names in Chinese characters: chains are cut at the names the segmenter found; names in
    # the Arabic script: the route noun comes first ("خط آهن حیرتان - مزار شریف") or last (Urdu)
    for present, is_name, reader in (
        (han.HAN_RUN, han.is_han_name, routes.han_chains),
        (arabic.ARABIC_LETTER, arabic.is_arabic_name, routes.arabic_chains),
    ):
        if present.search(text) is not None:
            spans = sorted(
                {
                    (r.mention.start, r.mention.end)
                    for r in (*resolved, *rejected)
                    if is_name(r.mention.surface)
                }
            )
            chains = sorted(chains + reader(text, spans), key=lambda c: c.start)
    for chain in chains:
        if any(s < chain.end and chain.start < e for s, e in covered):
            continue
        named = next(
            (
                ids
                for ids in (
                    registry.by_alias_key(routes.alias_key(n)) for n in (chain.text, *chain.names)
                )
                if ids
            ),
            (),
        )
        if named:  # a registry or system name written with spaced dashes
            for entry_id in named:
                found.entries.append((entry_id, source(chain.start, chain.end), chain.text))
            continue
        if chain.type == routes.LINE:
            why = "a line of which kind? no registry entry has this name"
            src = source(chain.start, chain.end)
            reason = f"{R_AMBIGUOUS}: {why}"
            found.unresolved.append(Unresolved(chain.text, "route", reason, src, ""))
            continue
        if chain.type == routes.SECTION:
            candidates = _section_candidates(chain, sentences, registry_mentions, registry)
            verdict = routes.section(chain, resolver.gazetteer, candidates)
        else:
            verdict = routes.judge(chain, place_at, continent_of)
            if isinstance(verdict, routes.RefusedRoute) and verdict.countries:
                by_countries = _by_countries(chain, verdict.countries, registry)
                for entry_id in by_countries:
                    found.entries.append((entry_id, source(chain.start, chain.end), chain.text))
                if by_countries:
                    continue
        src = source(chain.start, chain.end)
        if isinstance(verdict, routes.InferredRoute):
            for stop in verdict.skipped:
                why = (
                    f"{R_UNKNOWN}: a stop of {chain.text!r} that no place resolution placed;"
                    " the route is drawn without it"
                )
                found.unresolved.append(Unresolved(stop, "place", why, src, ""))
        if isinstance(verdict, routes.InferredRoute) and verdict.section_of is None:
            # "автодороги Душанбе-Хорог-Кульма": a chain along one registry line of its layer
            # is that line (both ends the line's) or its part (one end the line's), in
            # whatever language it is named
            along = _registry_lines_along(registry, chain.layer, verdict.places)
            if len(along) == 1:
                ((entry_id, whole),) = along
                if whole:
                    found.entries.append((entry_id, src, chain.text))
                    continue
                entry = registry.entries[entry_id]
                ends = (verdict.places[0], verdict.places[-1])
                part = routes.part_of(chain, entry_id, entry.layer, entry.geometry, *ends)
                if isinstance(part, routes.InferredRoute):
                    verdict = part
        if isinstance(verdict, routes.InferredRoute):
            found.routes.append((verdict, src))
        elif not verdict.quiet:
            found.unresolved.append(
                Unresolved(chain.text, "route", f"{verdict.reason}: {verdict.detail}", src, "")
            )

    _described_routes(
        found,
        text,
        sentences,
        resolved,
        registry_mentions,
        registry,
        source,
        knowledge.countries,
        resolver.gazetteer,
    )

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
            route_feature_id(
                r.chain.layer, r.chain.parts, r.section_of, tuple(p.name for p in r.places)
            ),
            r.chain.start,
            r.chain.end,
        )
        for r, _ in found.routes
    ]
    found.statuses = projects.stated_statuses(text, found.entries, registry_mentions, registry)
    found.events = events.find_events(text, sentences.spans, resolved, doc.date)
    found.partnerships = events.find_partnerships(text, sentences.spans, resolved)
    found.facts = figures.extract_facts(
        text, sentences.spans, doc.path, doc.date, things, knowledge.rates
    )
    return _frozen(found, knowledge.countries)


#: a section of a registry line at least this share of its length is the whole line
_WHOLE_LINE = 0.9
#: a described route whose ends lie this close to a registry line is that line (degrees, ~55 km)
_SAME_ROUTE_DEG = 0.5


def _described_routes(
    found, text, sentences, resolved, registry_mentions, registry, source, countries, gazetteer
) -> None:
    """ "A highway from A through B to C": the registry's route if it is one, else inferred;
    "the section between A and B" of a registry line is that part of the line."""
    refused: list[routes.Refusal] = []
    known = [(m.start, m.end) for m in registry_mentions]
    known += [(r.mention.start, r.mention.end) for r in resolved]
    known += _place_spans(found)
    ends = [*resolved, *_port_ends(registry_mentions, registry)]
    described = routes.find_described(
        text, sentences.spans, ends, countries.is_coastal, known=known, refused=refused
    )
    for r in refused:
        found.unresolved.append(
            Unresolved(r.text, "route", f"{r.reason}: {r.detail}", source(r.start, r.end), "")
        )
    for d in described:
        s, _ = sentences.around(d.start)
        src = source(d.start, d.end)
        named = [
            m
            for m in registry_mentions
            # a project named after the route's last place ("... with Kashi, the terminus
            # of the South Xinjiang Railway") is another line: its ends decide below
            if s <= m.start < d.end
            and m.kind in (ENTRY, SYSTEM)
            and (m.kind == SYSTEM or registry.entries[m.key].layer == d.layer)
        ]
        if named:
            continue  # the sentence names the project: the registry mention already counts
        if any(r.chain.start < d.end and d.start < r.chain.end for r, _ in found.routes):
            continue
        ends = [Point(d.places[0].lon, d.places[0].lat), Point(d.places[-1].lon, d.places[-1].lat)]
        known = _registry_line(registry, d.layer, ends, d.type)
        if known is not None:
            part = None
            if d.noun.lower() in routes.lexicon().section_words and len(d.places) == 2:
                # "China will upgrade the section between Jinghe and Alashankou": that part of
                # the line, linked to its project (held-out set 13), not the whole line
                chain = routes.Chain(
                    d.start,
                    d.end,
                    text[d.start : d.end],
                    tuple(p.name for p in d.places),
                    d.layer,
                    routes.SECTION,
                )
                part = routes.section(chain, gazetteer, [(known.id, known.layer, known.geometry)])
            # a "section" that runs nearly the whole line is the line itself
            whole = known.geometry.length * _WHOLE_LINE
            if isinstance(part, routes.InferredRoute) and part.geometry.length < whole:
                found.routes.append((part, src))
            else:
                found.entries.append((known.id, src, text[d.start : d.end]))
            continue
        why = routes.inland_sea_route(d, countries.is_coastal)
        if why and (leg := routes.sea_leg(d, countries.is_coastal)) is not None:
            d, why = leg, None  # the ship's leg between two ports; the rest came overland
        geometry, why = (None, why) if why else routes.draw(d, countries.shore_point)
        if geometry is None:
            # too long or no sea crossing: the registry's corridor between the ends, if any
            corridor = _registry_line(registry, CORRIDORS, ends)
            if corridor is not None:
                found.entries.append((corridor.id, src, text[d.start : d.end]))
                continue
        chain = routes.Chain(
            d.start, d.end, text[d.start : d.end], tuple(p.name for p in d.places), d.layer, d.type
        )
        if geometry is None:
            found.unresolved.append(
                Unresolved(chain.text, "route", f"{R_IMPLAUSIBLE}: {why}", src, "")
            )
            continue
        found.routes.append((routes.InferredRoute(chain, d.places, geometry), src))


def _registry_line(registry, layer: str, ends: list[Point], kind: str | None = None):
    """The first registry line of the layer that runs by both ends of a described route.

    A ferry's crossing ("by ferry from Turkmenbashi to Baku") is a registry ferry line, never
    the multimodal corridor whose sea leg it may be (the Lapis Lazuli corridor).

    A scheduled service (``service: true``) is named by its terminals: it counts only when
    the route's ends are those terminals ("the service from Baku to Xi'an"), not two of the
    stations it passes ("a service from Baku to Lanzhou" is not the Xi'an train).
    """
    for entry in registry.entries.values():
        if entry.layer != layer or (kind == FERRY and entry.type != FERRY):
            continue
        if entry.service:
            coords = entry.geometry.coords
            first, last = Point(coords[0]), Point(coords[-1])
            a, b = ends

            def near(p: Point, q: Point) -> bool:
                return p.distance(q) < _SAME_ROUTE_DEG

            if (near(a, first) and near(b, last)) or (near(a, last) and near(b, first)):
                return entry
        elif all(entry.geometry.distance(pt) < _SAME_ROUTE_DEG for pt in ends):
            return entry
    return None


#: a ferry's type, in routes.yaml and the registry
FERRY = "ferry"

#: a chain's stop this close to a registry line (or its end) is on it (degrees, ~20 km)
_SAME_END_DEG = 0.2


def _registry_lines_along(registry, layer: str, places) -> list[tuple[str, bool]]:
    """The registry lines of the layer that a chain runs along, each with whether the chain
    is the whole line: every stop of the chain near the line and at least one of its ends at
    an end of the line ("Dushanbe-Khorog-Kulma" on the Dushanbe-Kashgar highway). Lines with
    both ends the chain's are preferred; only the best fits are returned."""
    a = Point(places[0].lon, places[0].lat)
    b = Point(places[-1].lon, places[-1].lat)
    scored: dict[int, list[tuple[str, bool]]] = {}
    for entry in registry.entries.values():
        if entry.layer != layer or entry.service or entry.geometry.geom_type != "LineString":
            continue
        x0, y0, x1, y1 = entry.geometry.bounds  # a cheap look before the distances
        if not all(
            x0 - _SAME_END_DEG < p.lon < x1 + _SAME_END_DEG
            and y0 - _SAME_END_DEG < p.lat < y1 + _SAME_END_DEG
            for p in places
        ):
            continue
        if not all(entry.geometry.distance(Point(p.lon, p.lat)) < _SAME_END_DEG for p in places):
            continue
        coords = entry.geometry.coords
        line_ends = (Point(coords[0]), Point(coords[-1]))
        at_end = sum(any(p.distance(e) < _SAME_END_DEG for e in line_ends) for p in (a, b))
        if at_end:
            scored.setdefault(at_end, []).append((entry.id, at_end == 2))
    return scored[max(scored)] if scored else []


#: a capitalised word of a firm's name right before a facility's ("Jiangsu Lianyungang Port
#: Co."), not the "of" of a title ("Chairman of Lianyungang Port Holdings Group")
_CAPITALISED_WORD_AT_END = re.compile(r"[A-Z][\w'-]*\s+$")


def _outside_firm_names(text, registry_mentions, registry, firms) -> list:
    """ "Cosco Shipping and Jiangsu Lianyungang Port Co." (held-out set 248): a facility's name
    inside a firm's, with words of the firm's name before and after it, is the firm (a
    shareholder), not the facility. A firm named from the facility on ("Khorgos Gateway
    LLP", the dry port's operator) still names the facility."""
    facilities = [
        m
        for m in registry_mentions
        if m.kind == ENTRY and registry.entries[m.key].layer == FACILITIES
    ]
    if not facilities:
        return registry_mentions
    inside = {
        id(m)
        for m in facilities
        if any(
            s < m.start and m.end < e and _CAPITALISED_WORD_AT_END.search(text, s, m.start)
            for s, e in firms
        )
    }
    return [m for m in registry_mentions if id(m) not in inside]


def _port_ends(registry_mentions, registry) -> list[ResolvedPlace]:
    """Registry ports named in the text, as places a route may start or end at.

    "from the port of Turkmenbashi to the port of Alat": Alat is not in the gazetteer
    (and "Alat" alone is Olot in Uzbekistan), but the registry's port has a sourced point.
    """
    out = []
    for m in registry_mentions:
        if m.kind != ENTRY:
            continue
        entry = registry.entries[m.key]
        if entry.layer != FACILITIES or entry.type not in routes.PORT_TYPES:
            continue
        point = entry.geometry
        name = entry.waypoints[0].name if entry.waypoints else entry.name
        place = Place(
            key=f"{REGISTRY_KEY}{entry.id}",
            name=name,
            lat=point.y,
            lon=point.x,
            kind=entry.type,
            country=entry.countries[0] if len(entry.countries) == 1 else "",
        )
        out.append(ResolvedPlace(m, place, 0.9))
    return out


def _registry_place_here(r: ResolvedPlace, registry_mentions, registry) -> bool:
    """Whether a registry place entry named by words overlapping ``r``'s lies on ``r``'s
    spot ("Torugart Pass": the registry's crossing and the supplement's pass). A town stays
    a town of its own ("Hairatan", the port town, beside the Hairatan crossing)."""
    if r.place.feature_type not in NOT_SETTLEMENTS:
        return False
    for m in registry_mentions:
        if m.kind != ENTRY or m.end <= r.mention.start or r.mention.end <= m.start:
            continue
        entry = registry.entries[m.key]
        if entry.layer != PLACES or entry.geometry.geom_type != "Point":
            continue
        spot = np.array([entry.geometry.y]), np.array([entry.geometry.x])
        here = float(km_to_many(r.place.lat, r.place.lon, *spot)[0])
        if here <= SAME_SPOT_KM:
            return True
    return False


def _place_at(resolved, rejected):
    """What place resolution made of the words at a span: a place, (reason, candidates), or None.

    A route's parts are read by the same rules as every other place of the document.
    """
    by_span: dict[tuple[int, int], object] = {}
    for r in rejected:
        by_span[(r.mention.start, r.mention.end)] = (r.reason, r.candidates)
    for r in resolved:
        by_span[(r.mention.start, r.mention.end)] = r.place
    return lambda start, end: by_span.get((start, end))


#: a chain of this many countries or more names a project of its kind ("the gas pipeline
#: Turkmenistan-China-Kyrgyzstan"); two countries name a border or a trade, not one project
_COUNTRY_CHAIN_MIN = 3


def _by_countries(chain, countries: tuple[str, ...], registry) -> list[str]:
    """ "The gas pipeline Turkmenistan-China-Kyrgyzstan": the registry projects of the
    chain's kind that cross every country the chain names (``countries``, as
    ``routes.judge`` read them), in whatever order it names them. One project (Line D), or
    the members of one system (Lines A, B and C for "Turkmenistan-Uzbekistan-Kazakhstan-
    China"); anything else is no answer."""
    codes = set(countries)
    if len(codes) < _COUNTRY_CHAIN_MIN:
        return []
    found = sorted(
        e.id
        for e in registry.entries.values()
        if e.type == chain.type and codes <= set(e.countries or ())
    )
    if len(found) == 1:
        return found
    systems = {registry.system_of(entry_id) for entry_id in found}
    return found if len(systems) == 1 and None not in systems else []


def _place_spans(found: _Found) -> list[tuple[int, int]]:
    """The spans of names already reported as unresolved places (rejected candidates)."""
    out = []
    for u in found.unresolved:
        if u.kind == "place":
            i = u.source.quote.find(u.mention)
            if i >= 0:
                out.append((u.source.start + i, u.source.start + i + len(u.mention)))
    return out


def _section_candidates(chain, sentences, registry_mentions, registry):
    """The line projects a section may belong to: those its sentence names, else all lines."""
    s, e = sentences.around(chain.start, chain.end)
    ids: list[str] = []
    for m in registry_mentions:
        if not s <= m.start < e:
            continue
        if m.kind == SYSTEM:
            ids.extend(registry.systems[m.key].members)
        elif m.kind in (ENTRY, CONTEXT) and registry.entries[m.key].layer in LINE_LAYERS:
            ids.append(m.key)
    if not ids:
        ids = [k for k, v in registry.entries.items() if v.layer in LINE_LAYERS]
    return [
        (k, registry.entries[k].layer, registry.entries[k].geometry) for k in dict.fromkeys(ids)
    ]


def _offset_in(src: Source, surface: str) -> int:
    """Where a mention's words sit in its sentence (the start when not found verbatim)."""
    i = src.quote.find(surface)
    return max(i, 0)


def _frozen(found: _Found, countries) -> DocumentFindings:
    """The document's findings as a frozen record that no longer needs the text."""
    doc = found.doc

    def sentence(span: tuple[int, int]) -> Source:
        s, e = span
        return Source(doc.path, doc.date, doc.text[s:e], s, e)

    return DocumentFindings(
        doc=DocInfo.of(doc),
        places=tuple(PlaceFinding(p, src, surf, conf) for p, src, surf, conf in found.places),
        entries=tuple(EntryFinding(e, src, surf) for e, src, surf in found.entries),
        routes=tuple(
            RouteFinding(
                layer=r.chain.layer,
                type=r.chain.type,
                parts=tuple(r.chain.parts),
                text=r.chain.text,
                places=tuple(r.places),
                coords=tuple((x, y) for x, y, *_ in r.geometry.coords),
                source=src,
                section_of=r.section_of,
                # an inferred route claims the countries of the places it names, not those
                # a straight line between them clips (found here, in parallel, and cached)
                countries=tuple(
                    sorted({c for x, y, *_ in r.geometry.coords for c in countries.of_xy(x, y)})
                ),
            )
            for r, src in found.routes
        ),
        events=tuple(
            EventFinding(
                name=ev.name,
                type=ev.type,
                ordinal=ev.ordinal,
                place=ev.place.place,
                confidence=ev.place.confidence,
                start_date=ev.start_date,
                end_date=ev.end_date,
                source=sentence(ev.sentence),
            )
            for ev in found.events
        ),
        partnerships=tuple(
            PartnershipFinding(
                type=pa.type,
                places=(pa.places[0].place, pa.places[1].place),
                confidence=min(p.confidence for p in pa.places),
                surface=doc.text[pa.span[0] : pa.span[1]],
                source=sentence(pa.sentence),
            )
            for pa in found.partnerships
        ),
        statuses=tuple(StatusFinding(e, st, src) for e, st, src in found.statuses),
        unresolved=tuple(found.unresolved),
        facts=tuple(found.facts),
    )
