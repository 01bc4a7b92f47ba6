"""Publishing a large atlas to PostGIS, and filtering it there: a synthetic build of N points.

Usage::

    python benchmarks/bench_publish.py [--features 200000] [--seed 7]

Starts a throwaway PostgreSQL 15 + PostGIS (as the tests do, ``tests/_postgis.py``), writes
a synthetic build whose ``places`` layer has N random points in the region (the other
layers empty), and prints: the wall time of ``atlas publish`` (read, COPY, indexes, swap)
and its own CPU time (the rest is the server's, or waiting for a busy machine); the time of
publishing the same build again (unchanged); and one map view (a type, a country and a 3x3
degree bounding box) filtered by SQL (``dashboard.db.filtered``) against the same filter
in Python over every feature (``etl.export.filter_features`` plus a bounding-box check), as
the dashboard does for a build folder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapely.geometry import box, shape  # noqa: E402

from dashboard import db  # noqa: E402
from etl.export import Filters, filter_features  # noqa: E402
from etl.io import csv_bytes, feature_collection_bytes  # noqa: E402
from etl.publish.postgis import publish  # noqa: E402
from etl.schema import (  # noqa: E402
    CORE_COUNTRIES,
    FACT_COLUMNS,
    LAYERS,
    PLACES,
    PROPERTIES,
    TYPES_BY_LAYER,
    UNRESOLVED_COLUMNS,
)
from tests import _postgis  # noqa: E402


def synthetic_build(out: Path, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    features = []
    for i in range(n):
        lon, lat = round(rng.uniform(46, 96), 6), round(rng.uniform(35, 55), 6)
        props = dict.fromkeys(PROPERTIES)
        props.update(
            id=f"places/synthetic-{i:07d}",
            name=f"Place {i}",
            aliases=[],
            layer=PLACES,
            type=rng.choice(TYPES_BY_LAYER[PLACES]),
            countries=[rng.choice(CORE_COUNTRIES)],
            precision="exact",
            confidence=1.0,
            mentions=1,
            first_seen="2023-05-18",
            sources=[{"doc": "a.txt", "date": "2023-05-18", "quote": "x", "start": 0, "end": 1}],
            references=[],
            endpoints=[],
            figures=[],
        )
        geom = {"type": "Point", "coordinates": [lon, lat]}
        features.append(
            {"type": "Feature", "id": props["id"], "geometry": geom, "properties": props}
        )
    out.mkdir(parents=True)
    for layer in LAYERS:
        (out / f"{layer}.geojson").write_bytes(
            feature_collection_bytes(features if layer == PLACES else [])
        )
    (out / "facts.csv").write_bytes(csv_bytes(FACT_COLUMNS, []))
    (out / "unresolved.csv").write_bytes(csv_bytes(UNRESOLVED_COLUMNS, []))
    (out / "manifest.json").write_text(json.dumps({"tool": "ca-atlas", "synthetic": n}))
    return features


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    server = _postgis.start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            build = Path(tmp) / "build"
            features = synthetic_build(build, args.features, args.seed)
            t, cpu = time.perf_counter(), time.process_time()
            result = publish(server.dsn(), build)
            print(
                f"publish of {args.features} points: {time.perf_counter() - t:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU in the atlas process"
            )
            t = time.perf_counter()
            again = publish(server.dsn(), build)
            assert not again.changed
            print(f"publish of the same build again (unchanged): {time.perf_counter() - t:.1f} s")
            assert result.counts[PLACES] == args.features
            view = (70.0, 40.0, 73.0, 43.0)
            filters = Filters(types=("city",), countries=("KAZ",))
            reader = server.dsn(_postgis.READER, _postgis.READER_PW)
            timings = []
            for _ in range(3):
                t = time.perf_counter()
                got = db.filtered([PLACES], filters, view, dsn=reader)[PLACES]
                timings.append(time.perf_counter() - t)
            print(
                f"one map view by SQL (type, country, bbox): {len(got)} features, "
                f"{1000 * sorted(timings)[1]:.0f} ms (median of 3)"
            )
            t = time.perf_counter()
            area = box(*view)
            python = [
                f
                for f in filter_features(features, filters)
                if area.intersects(box(*shape(f["geometry"]).bounds))
            ]
            print(
                f"the same view in Python over all {args.features} features in memory: "
                f"{len(python)} features, {1000 * (time.perf_counter() - t):.0f} ms"
            )
            assert {f["id"] for f in got} == {f["id"] for f in python}
    finally:
        server.stop()


if __name__ == "__main__":
    main()
