"""The typed columns of a layer outside GeoJSON: one table for GeoParquet and PostGIS.

GeoJSON carries untyped JSON; a database and a Parquet file want a type per column. The
contract's properties map to: text, numbers, dates, lists of text (``aliases``,
``countries``, ``endpoints``: a PostgreSQL ``text[]``, a Parquet ``list<string>``) and lists
of objects (``sources``, ``references``, ``figures``: ``jsonb``, JSON text in Parquet).
Every property of ``etl.schema.PROPERTIES`` has a kind here; the tests check it.
"""

from __future__ import annotations

from etl.schema import (
    P_ALIASES,
    P_CAPACITY,
    P_COMPLETION_YEAR,
    P_CONFIDENCE,
    P_CONTRACTORS,
    P_COST_USD,
    P_COUNTRIES,
    P_DOSSIER_SOURCES,
    P_ENDPOINTS,
    P_FIGURES,
    P_FINANCIERS,
    P_LENGTH_KM,
    P_MENTIONS,
    P_REFERENCES,
    P_SOURCES,
    P_START_YEAR,
    P_STATED_LENGTH_KM,
    PROPERTIES,
)

TEXT = "text"
FLOAT = "float"
INT = "int"
DATE = "date"
TEXT_LIST = "text_list"
JSON = "json"

_KINDS: dict[str, str] = {
    P_ALIASES: TEXT_LIST,
    P_COUNTRIES: TEXT_LIST,
    P_ENDPOINTS: TEXT_LIST,
    P_SOURCES: JSON,
    P_REFERENCES: JSON,
    P_FIGURES: JSON,
    P_CAPACITY: FLOAT,
    P_LENGTH_KM: FLOAT,
    P_STATED_LENGTH_KM: FLOAT,
    P_COST_USD: FLOAT,
    P_CONFIDENCE: FLOAT,
    P_MENTIONS: INT,
    # dates stay ISO text: sources give a day, a month ("2024-09") or a year, and a date
    # column would have to invent the rest; ISO text sorts and compares as dates do
    # the registry's dossier (status_date stays text: sources give a year, a month or a day)
    P_FINANCIERS: TEXT_LIST,
    P_CONTRACTORS: TEXT_LIST,
    P_START_YEAR: INT,
    P_COMPLETION_YEAR: INT,
    P_DOSSIER_SOURCES: JSON,
}


def kind(prop: str) -> str:
    """The column kind of a feature property (text unless the table above says otherwise)."""
    return _KINDS.get(prop, TEXT)


#: (property, kind) for every property, in the contract's order
COLUMNS: tuple[tuple[str, str], ...] = tuple((p, kind(p)) for p in PROPERTIES)
