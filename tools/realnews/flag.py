#!/usr/bin/env python3
"""flag.py SET TAG [--all]: every (document, name) town-level point of SET/build-TAG that lies
near no gold point of its document, or near a trap, with its sentence, to be read by hand.

Prints one tab-separated row per flagged point (all points with ``--all``), then a summary
line; writes the rows to SET/flag-TAG.tsv.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

AREAS = ("country", "region", "continent", "water_body")


def hav(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2
    a += math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1, math.sqrt(a)))


def town_points(build: Path) -> dict[tuple[str, str], tuple[float, float, str, str]]:
    """(document, feature name) -> (lat, lon, sentence, layer) of every town-level point."""
    out: dict[tuple[str, str], tuple[float, float, str, str]] = {}
    for layer in ("places", "facilities"):
        path = build / f"{layer}.geojson"
        if not path.exists():
            continue
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props, geometry = feature["properties"], feature["geometry"]
            if props.get("precision") in AREAS or props.get("type") in AREAS:
                continue
            if not geometry or geometry["type"] != "Point":
                continue
            lon, lat = geometry["coordinates"]
            for source in props.get("sources") or []:
                key = (source["doc"], props["name"])
                out.setdefault(key, (lat, lon, source.get("quote", ""), layer))
    return out


def anchors(gold: dict) -> list[dict]:
    """The gold's points, and its routes' waypoints (within 30 km), of known position."""
    out = [
        g for g in gold.get("points", []) + gold.get("facilities", []) if g.get("lat") is not None
    ]
    for route in gold.get("routes", []):
        for lat, lon, tol in route["waypoints"]:
            if lat is not None and lon is not None:
                out.append(
                    {"doc": route.get("doc"), "lat": lat, "lon": lon, "tol_km": min(tol, 30)}
                )
    return out


def near(lat: float, lon: float, doc: str, marks: list[dict], least_km: float = 0) -> list[dict]:
    return [
        g
        for g in marks
        if g.get("doc") in (None, doc)
        and hav(lat, lon, g["lat"], g["lon"]) <= max(g["tol_km"], least_km)
    ]


def main() -> None:
    folder, tag = Path(sys.argv[1]), sys.argv[2]
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    marks = anchors(gold)
    traps = [m for m in gold.get("must_not", []) if m.get("lat") is not None]
    points = town_points(folder / f"build-{tag}")
    n_near = n_flagged = 0
    rows = []
    for (doc, name), (lat, lon, quote, layer) in sorted(points.items()):
        trap = near(lat, lon, doc, traps)
        good = near(lat, lon, doc, marks, least_km=15)
        if good and not trap:
            n_near += 1
            if "--all" not in sys.argv:
                continue
        else:
            n_flagged += 1
        why = f"TRAP {trap[0].get('why', '')}" if trap else ("ok" if good else "no gold")
        rows.append(f"{doc}\t{name}\t{lat:.3f},{lon:.3f}\t{layer}\t{why}\t{quote[:300]}")
    (folder / f"flag-{tag}.tsv").write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    for row in rows:
        print(row)
    summary = f"town points {len(points)}, near gold {n_near}, flagged {n_flagged}"
    print(f"-- {folder.name} {tag}: {summary}")


if __name__ == "__main__":
    main()
