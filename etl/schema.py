"""The one schema: layer names, property names, vocabularies and the records passed between stages.

The ETL, the exports and the dashboard import these names; nothing else spells them out.
See ``docs/contract.md`` (the contract) for what each property means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- layers -------------------------------------------------------------------------------------

PLACES = "places"
PIPELINES = "pipelines"
RAILWAYS = "railways"
ROADS = "roads"
CORRIDORS = "corridors"
POWER_LINES = "power_lines"
FACILITIES = "facilities"
PARTNERSHIPS = "partnerships"
EVENTS = "events"

LAYERS: tuple[str, ...] = (
    PLACES,
    PIPELINES,
    RAILWAYS,
    ROADS,
    POWER_LINES,
    CORRIDORS,
    FACILITIES,
    PARTNERSHIPS,
    EVENTS,
)
LINE_LAYERS = frozenset({PIPELINES, RAILWAYS, ROADS, POWER_LINES, CORRIDORS, PARTNERSHIPS})
POINT_LAYERS = frozenset({PLACES, FACILITIES, EVENTS})

# --- vocabularies -------------------------------------------------------------------------------

STATUSES: tuple[str, ...] = (
    "proposed",
    "construction",
    "operating",
    "shelved",
    "cancelled",
    "idle",
    "mothballed",
    "retired",
)
#: statuses drawn dashed (lines) or hollow (points) on the map
PLANNED_STATUSES = frozenset({"proposed", "construction"})

POINT_PRECISIONS = ("exact", "approximate", "region", "country")
LINE_PRECISIONS = ("waypoints", "inferred")

TYPES_BY_LAYER: dict[str, tuple[str, ...]] = {
    PLACES: (
        "city",
        "border_crossing",
        "region",
        "country",
        "water_body",
        "continent",
        # kinds of the regional supplement (geodata/places_supplement.csv)
        "pass",
        "station",
        "field",
    ),
    PIPELINES: ("gas_pipeline", "oil_pipeline", "pipeline"),
    RAILWAYS: ("railway",),
    ROADS: ("highway", "road", "tunnel"),
    POWER_LINES: ("transmission_line",),
    CORRIDORS: ("corridor", "ferry"),
    FACILITIES: (
        "power_plant",
        "hydropower_plant",
        "refinery",
        "gas_processing_plant",
        "dry_port",
        "seaport",
        "gas_field",
        "oil_field",
        "wind_farm",
        "solar_farm",
        "industrial_park",
        "logistics_centre",
        "cooperation_centre",
        "mine",
        "smelter",
        "cement_plant",
        "chemical_plant",
        "coal_power_plant",
        "processing_plant",
    ),
    PARTNERSHIPS: ("sister_cities", "agreement"),
    EVENTS: ("summit", "meeting", "forum"),
}
LAYER_OF_TYPE: dict[str, str] = {t: layer for layer, ts in TYPES_BY_LAYER.items() for t in ts}

CAPACITY_UNITS = ("bcm/y", "Mt/y", "MW", "TEU/y")

#: China and the five Central Asian states: the atlas's region of interest
CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
CORE_COUNTRIES = ("CHN", *CENTRAL_ASIA)
#: countries along the Caspian route and China's other western neighbours
ROUTE_COUNTRIES = frozenset(["AFG", "PAK", "MNG", "RUS", "AZE", "GEO", "ARM", "TUR", "IRN"])
CHINA_CENTRAL_ASIA = "CHN-CENTRAL_ASIA"

# --- feature properties, in the order they are written ------------------------------------------

P_ID = "id"
P_NAME = "name"
P_ALIASES = "aliases"
P_LAYER = "layer"
P_TYPE = "type"
P_STATUS = "status"
P_COUNTRIES = "countries"
P_CAPACITY = "capacity"
P_CAPACITY_UNIT = "capacity_unit"
P_LENGTH_KM = "length_km"
P_STATED_LENGTH_KM = "stated_length_km"
P_COST_USD = "cost_usd"
P_PRECISION = "precision"
P_CONFIDENCE = "confidence"
P_MENTIONS = "mentions"
P_FIRST_SEEN = "first_seen"
P_SOURCES = "sources"
# beyond the contract's table: where the registry's facts come from, and dates of events
P_REFERENCES = "references"
P_NOTES = "notes"
P_START_DATE = "start_date"
P_END_DATE = "end_date"
P_ENDPOINTS = "endpoints"
P_FIGURES = "figures"
# a section of a registry project ("the Kashgar-Torugart section"): the project's id
P_SECTION_OF = "section_of"
# the registry's project dossier (each field from a public source named in dossier_sources)
P_OWNER = "owner"
P_OPERATOR = "operator"
P_FINANCIERS = "financiers"
P_CONTRACTORS = "contractors"
P_START_YEAR = "start_year"
P_COMPLETION_YEAR = "completion_year"
P_STATUS_DATE = "status_date"
P_DOSSIER_SOURCES = "dossier_sources"
#: dossier fields in the order they are written (cost, length, capacity, status have their own)
DOSSIER_PROPERTIES: tuple[str, ...] = (
    P_OWNER,
    P_OPERATOR,
    P_FINANCIERS,
    P_CONTRACTORS,
    P_START_YEAR,
    P_COMPLETION_YEAR,
    P_STATUS_DATE,
)

PROPERTIES: tuple[str, ...] = (
    P_ID,
    P_NAME,
    P_ALIASES,
    P_LAYER,
    P_TYPE,
    P_STATUS,
    P_COUNTRIES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_LENGTH_KM,
    P_STATED_LENGTH_KM,
    P_COST_USD,
    P_PRECISION,
    P_CONFIDENCE,
    P_MENTIONS,
    P_FIRST_SEEN,
    P_SOURCES,
    P_REFERENCES,
    P_NOTES,
    P_START_DATE,
    P_END_DATE,
    P_ENDPOINTS,
    P_FIGURES,
    P_SECTION_OF,
    *DOSSIER_PROPERTIES,
    P_DOSSIER_SOURCES,
)
#: list- or dict-valued properties: JSON text in the GeoPackage and CSV
LIST_PROPERTIES = frozenset(
    {
        P_ALIASES,
        P_COUNTRIES,
        P_SOURCES,
        P_REFERENCES,
        P_ENDPOINTS,
        P_FIGURES,
        P_FINANCIERS,
        P_CONTRACTORS,
        P_DOSSIER_SOURCES,
    }
)

FACT_COLUMNS = (
    "metric",
    "subject",
    "year",
    "value",
    "unit",
    "original",
    "doc",
    "quote",
    "start",
    "end",
    "conflict",
)
UNRESOLVED_COLUMNS = ("mention", "kind", "reason", "doc", "quote", "start", "end", "candidates")

# unresolved reasons
R_UNKNOWN = "unknown name"
R_AMBIGUOUS = "ambiguous"
R_WEAK = "weak match"
R_IMPLAUSIBLE = "implausible route"
R_GARBLED = "garbled"
R_NO_CONTEXT = "needs context"
R_OUTSIDE = "outside the qualifier's area"
#: "120 km north-east of Dushanbe": the point a distance is measured from
R_REFERENCE = "distance reference"

MANIFEST = "manifest.json"
FACTS_CSV = "facts.csv"
UNRESOLVED_CSV = "unresolved.csv"
GEOPACKAGE = "atlas.gpkg"
BUILD_FILES = (
    *(f"{layer}.geojson" for layer in LAYERS),
    *(f"{layer}.parquet" for layer in LAYERS),  # GeoParquet beside the GeoJSON
    FACTS_CSV,
    UNRESOLVED_CSV,
    MANIFEST,
    GEOPACKAGE,
)

COORD_DECIMALS = 6


# --- records between stages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A readable corpus document: its cleaned text and what is known about it."""

    path: str  # relative to the corpus root, with forward slashes
    text: str  # cleaned text: every offset in the build refers to it
    sha256: str
    encoding: str
    title: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD), possibly the first day of a month or year
    date_precision: str | None = None  # day | month | year
    source: str | None = None
    url: str | None = None
    boilerplate_chars: int = 0  # page boilerplate blanked in ``text`` (etl.read.boilerplate)
    dateline: str | None = None  # where the reporter filed from: not a place of the story


@dataclass(frozen=True)
class Skipped:
    """A corpus file that could not be read, and why."""

    path: str
    reason: str
    sha256: str | None = None


@dataclass(frozen=True)
class Source:
    """Where a feature or figure was read: the document and the sentence, by offsets."""

    doc: str
    date: str | None
    quote: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "date": self.date,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a city, a country, a region or a water body."""

    key: str  # "gn:<geonameid>", "country:<ISO3>", "region:<slug>"
    name: str
    lat: float
    lon: float
    kind: str  # city | country | region | water_body | continent | border_crossing
    country: str = ""  # ISO3, "" when several or none
    population: int = 0
    admin1: str = ""  # GeoNames admin1 code within ``country`` ("04" is Naryn in KGZ), "" unknown
    feature_type: str = ""  # the regional supplement's kind (pass, station, oil_field...), or ""


@dataclass(frozen=True)
class Unresolved:
    """A mention that was not put on the map, with the reason."""

    mention: str
    kind: str  # place | route | registry | partnership | event
    reason: str
    source: Source
    candidates: str = ""


@dataclass
class Feature:
    """A map feature being assembled; written out as a GeoJSON feature."""

    id: str
    name: str
    layer: str
    type: str
    geometry: Any  # shapely geometry
    precision: str
    status: str | None = None
    confidence: float = 1.0
    capacity: float | None = None
    capacity_unit: str | None = None
    stated_length_km: float | None = None
    cost_usd: float | None = None
    references: list[dict[str, str]] = field(default_factory=list)
    notes: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    endpoints: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    section_of: str | None = None
    #: the registry's stated countries (ISO3), when it states them: they win over geometry
    stated_countries: tuple[str, ...] = ()
    #: dossier fields (``DOSSIER_PROPERTIES``) and, per field, its source URLs
    dossier: dict[str, Any] = field(default_factory=dict)
    dossier_sources: dict[str, list[str]] = field(default_factory=dict)
