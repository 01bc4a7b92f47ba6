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
#: word lists and cues (people, organisations, qualifiers, spelling rules)
LEXICON = GEODATA / "lexicon"
PERSON_CUES = LEXICON / "person_cues.yaml"
NOT_PLACES = LEXICON / "not_places.yaml"
ORGANISATIONS_YAML = LEXICON / "organisations.yaml"
QUALIFIERS_YAML = LEXICON / "qualifiers.yaml"
TRANSLITERATION_YAML = LEXICON / "transliteration.yaml"
#: country names the gazetteer takes from the Unicode CLDR, by language
COUNTRY_NAMES_YAML = LEXICON / "country_names.yaml"
#: the region's stations, villages, fields, passes and ports, each with its source
SUPPLEMENT_CSV = GEODATA / "places_supplement.csv"
HAN_NAMES_CSV = GEODATA / "han_names.csv"
#: GeoNames first-level admin units of the region (for "in Naryn province")
ADMIN1_CSV = GEODATA / "admin1.csv"
#: China's provinces and their GeoNames admin1 codes (firms named "<province> <town>")
CHINA_PROVINCES_CSV = GEODATA / "china_provinces.csv"
#: resolution weights and thresholds, documented
RESOLUTION_YAML = GEODATA / "resolution.yaml"
RATES_CSV = GEODATA / "exchange_rates.csv"
TRADE_REFERENCE_CSV = GEODATA / "trade_china_central_asia.csv"
#: the GeoNames index is built here once; ATLAS_CACHE_DIR moves it (tests share one)
CACHE_DIR = Path(os.environ.get("ATLAS_CACHE_DIR", GEODATA / "cache"))
#: per-document findings of incremental builds (``etl.run.cache``)
FINDINGS_DIR = CACHE_DIR / "findings"
DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_OUT = GEODATA / "build"
