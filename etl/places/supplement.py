"""The regional supplement: stations, villages, fields, passes and ports of the region.

GeoNames cities (population 500 and more) miss the places that news about pipelines,
railways and roads names: a pass, a junction, a gas field, a village on a new line. Without
them a homonym abroad wins. ``geodata/places_supplement.csv`` lists them, one row per place
with its coordinates, its admin unit and a public source. A row with a GeoNames id adds
names, a kind and an admin unit to that GeoNames town, and its coordinates, which are
GeoNames' own except where a cited page corrects them; a row without one is a new place.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from etl import settings
from etl._errors import AtlasError
from etl.schema import Place
from etl.text import ascii_fold, has_cyrillic

#: supplement kinds that are settlements: resolved like GeoNames towns, drawn as cities
SETTLEMENT_KINDS = frozenset({"town", "village", "junction", "port"})
#: supplement kinds drawn as their own place type (``etl.schema.TYPES_BY_LAYER``)
_OUTPUT_TYPE = {
    "pass": "pass",
    "border_crossing": "border_crossing",
    "station": "station",
    "oil_field": "field",
    "gas_field": "field",
}
KINDS = SETTLEMENT_KINDS | frozenset(_OUTPUT_TYPE)
#: gazetteer keys of supplement places without a GeoNames id start with this
SUPPLEMENT_KEY = "sup:"


class SupplementError(AtlasError, ValueError):
    """A row of the supplement is unusable (no source, bad coordinates, unknown kind)."""


@dataclass(frozen=True)
class SupplementRow:
    """One place of the supplement, as the CSV gives it."""

    name: str
    alternate_names: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str
    admin_unit: str
    geonameid: int | None
    source: str


def load(path: Path = settings.SUPPLEMENT_CSV) -> list[SupplementRow]:
    """Every row of the supplement, checked: a source, coordinates in range, a known kind."""
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for i, raw in enumerate(csv.DictReader(f), start=2):
            out.append(_row(raw, path, i))
    return out


def _row(raw: dict[str, str], path: Path, line: int) -> SupplementRow:
    def fail(problem: str) -> SupplementError:
        return SupplementError(f"{path.name}:{line}: {problem}")

    name = (raw.get("name") or "").strip()
    source = (raw.get("source") or "").strip()
    kind = (raw.get("kind") or "").strip()
    if not name:
        raise fail("no name")
    if not source:
        raise fail(f"{name!r} has no source")
    if kind not in KINDS:
        raise fail(f"{name!r} has unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        raise fail(f"{name!r} has no usable coordinates") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise fail(f"{name!r} has coordinates out of range")
    gid = (raw.get("geonameid") or "").strip()
    return SupplementRow(
        name=name,
        alternate_names=tuple(
            a.strip() for a in (raw.get("alternate_names") or "").split("|") if a.strip()
        ),
        lat=lat,
        lon=lon,
        kind=kind,
        country=(raw.get("country") or "").strip(),
        admin1=(raw.get("admin1") or "").strip(),
        admin_unit=(raw.get("admin_unit") or "").strip(),
        geonameid=int(gid) if gid.isdigit() else None,
        source=source,
    )


def output_type(place: Place) -> str:
    """The ``type`` a place is drawn with: its supplement kind where it has its own type.

    A GeoNames town stays a city, whatever the supplement says it holds (a station, a port).
    """
    if place.key.startswith("gn:"):
        return place.kind
    return _OUTPUT_TYPE.get(place.feature_type, place.kind)


def to_places(rows: list[SupplementRow], gazetteer) -> list[tuple[Place, list[str]]]:
    """Gazetteer places of the supplement, each with its names (its own first).

    A row with a GeoNames id the index knows becomes that town's record with the row's kind,
    admin unit and coordinates (so the town keeps its GeoNames id, and a town GeoNames places
    wrongly is drawn where the row's source puts it); other rows are new places keyed
    ``sup:<slug>``. Spelling variants are added where no place has that name already.
    """
    from etl.places.gazetteer import in_region_of_interest
    from etl.places.transliterate import kazakh_latin, russian_case_forms, variants

    out = []
    for row in rows:
        base = None
        if row.geonameid is not None:
            try:
                base = gazetteer.get(f"gn:{row.geonameid}")
            except KeyError:
                base = None
        if base is not None:
            place = replace(
                base,
                name=row.name,
                lat=row.lat,
                lon=row.lon,
                admin1=row.admin1 or base.admin1,
                feature_type=row.kind,
            )
        else:
            place = Place(
                key=f"{SUPPLEMENT_KEY}{_slug(row.name)}",
                name=row.name,
                lat=row.lat,
                lon=row.lon,
                kind="border_crossing" if row.kind in {"pass", "border_crossing"} else "city",
                country=row.country,
                admin1=row.admin1,
                feature_type=row.kind,
            )
        names = [row.name, *row.alternate_names]
        spelled = [
            v
            for n in names
            for v in variants(n)
            if not any(h.place.key != place.key for h in gazetteer.candidates(v))
        ]
        # "в Гулистоне" (held-out set 96): a Cyrillic name declined, as for the index's towns;
        # also where a town of the region bears that form already, so that a qualifier or
        # the story's country chooses between them, never where a town elsewhere does
        declined = [
            form
            for n in names
            if has_cyrillic(n)
            for form in russian_case_forms(n)
            if all(
                h.place.key == place.key or in_region_of_interest(h.place.country, h.place.admin1)
                for h in gazetteer.candidates(form)
            )
        ]
        # "Quryq", "Baqty" (held-out set 136): Kazakh in Latin letters, as for the index's towns
        latin = [
            form
            for n in names
            if row.country in ("KAZ", "CHN") and has_cyrillic(n)
            for form in kazakh_latin(n)
            if not any(h.place.key != place.key for h in gazetteer.candidates(form))
        ]
        out.append((place, list(dict.fromkeys([*names, *spelled, *declined, *latin]))))
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower()).strip("-")
