"""Paths and limits, in one place. Paths are relative to the project checkout."""

from __future__ import annotations

import os
from pathlib import Path

#: the project checkout (``etl/`` lives directly under it)
ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
REGISTRY_DIR = GEODATA / "registry"
REGIONS_CSV = GEODATA / "regions.csv"
PLACE_NAMES_CSV = GEODATA / "place_names.csv"
COUNTRIES_GEOJSON = GEODATA / "countries.geojson"
COUNTRY_ALIASES_CSV = GEODATA / "country_aliases.csv"
PERSON_CUES = GEODATA / "person_cues.yaml"
NOT_PLACES = GEODATA / "not_places.yaml"
RATES_CSV = GEODATA / "exchange_rates.csv"
TRADE_REFERENCE_CSV = GEODATA / "trade_china_central_asia.csv"
#: the GeoNames index is built here once; ATLAS_CACHE_DIR moves it (tests share one)
CACHE_DIR = Path(os.environ.get("ATLAS_CACHE_DIR", GEODATA / "cache"))
DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_OUT = GEODATA / "build"
