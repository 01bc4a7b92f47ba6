"""Dashboard speed: map HTML size, server time of a rerun after a filter change, time to a
painted map in headless Chromium. Aims: < 500 KB, < 300 ms, < 3 s (seed build).

Usage::

    python benchmarks/bench_dashboard.py [--synthetic 5000] [--runs 7] [--no-browser]

Builds the seed corpus into a temporary directory and measures:

- the map's HTML (``dashboard.mapview.build_map`` rendered as a page, basemap included);
- a rerun of the map page after a filter change, as ``streamlit.testing`` runs it in process
  (the server's script time: filtering, map building, ``st_folium``, table; median and max);
- in a real ``streamlit run`` server, the time from navigation to the Leaflet map having
  drawn every feature, in Debian's Chromium (first load after the server started, then the
  median of warm reloads).

``--synthetic N`` repeats the three measures on a generated build of N features (random
points and lines over Central Asia with sources), to see how a large build behaves.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: run in the map's iframe: how many feature layers Leaflet has projected onto its canvas
DRAWN = """() => {
    if (!window.map || !window.map._loaded) return -1;
    let n = 0;
    window.map.eachLayer(l => {
        if (l._featureGroup && l.getLayers && !l.feature) {  // a cluster group: its points
            n += l.getLayers().filter(c => c.feature && c.feature.properties.fid).length;
            return;
        }
        const p = l.feature && l.feature.properties;
        if (p && p.fid && l._renderer && ((l._parts && l._parts.length) || l._point)) n++;
    });
    return n;
}"""


def seed_build(out: Path) -> Path:
    from etl import settings
    from etl.build import build

    build(settings.DEFAULT_CORPUS, out)
    return out


def synthetic_build(out: Path, n: int, seed: int = 7) -> Path:
    """A build directory of ``n`` generated features (the contract's files, facts empty)."""
    from etl.io import csv_bytes, feature_collection_bytes
    from etl.schema import (
        FACT_COLUMNS,
        LAYERS,
        LINE_LAYERS,
        PROPERTIES,
        STATUSES,
        TYPES_BY_LAYER,
        UNRESOLVED_COLUMNS,
    )

    rng = random.Random(seed)
    layers: dict[str, list] = {layer: [] for layer in LAYERS}
    docs = [f"doc{i:05d}.txt" for i in range(max(n // 5, 1))]
    for i in range(n):
        layer = rng.choice(LAYERS)
        type_ = rng.choice(TYPES_BY_LAYER[layer])
        lon, lat = rng.uniform(50, 95), rng.uniform(36, 52)
        if layer in LINE_LAYERS:
            coords = [[lon, lat]]
            for _ in range(rng.randint(2, 30)):
                lon, lat = lon + rng.uniform(-0.6, 0.6), lat + rng.uniform(-0.4, 0.4)
                coords.append([round(lon, 6), round(lat, 6)])
            geom = {"type": "LineString", "coordinates": coords}
        else:
            geom = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
        fid = f"{layer}/synthetic-{i:05d}"
        props = dict.fromkeys(PROPERTIES)
        sources = [
            {
                "doc": rng.choice(docs),
                "date": f"20{rng.randint(15, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "quote": f"Synthetic sentence {j} about feature {i}, which officials said "
                "would link two towns along the route by the end of the decade.",
                "start": 100 * j,
                "end": 100 * j + 90,
            }
            for j in range(rng.randint(1, 6))
        ]
        props.update(
            id=fid,
            name=f"Synthetic {type_.replace('_', ' ')} {i}",
            aliases=[],
            layer=layer,
            type=type_,
            status=rng.choice([*STATUSES, None]),
            countries=[rng.choice(["KAZ", "KGZ", "UZB", "TJK", "TKM", "CHN"])],
            capacity=round(rng.uniform(1, 60), 1) if rng.random() < 0.3 else None,
            precision="waypoints" if layer in LINE_LAYERS else "exact",
            confidence=0.8,
            mentions=len(sources),
            first_seen=min(s["date"] for s in sources),
            sources=sources,
            references=[],
            endpoints=[],
        )
        if props["capacity"] is not None:
            props["capacity_unit"] = "bcm/y" if layer in LINE_LAYERS else "MW"
        layers[layer].append({"type": "Feature", "id": fid, "geometry": geom, "properties": props})
    out.mkdir(parents=True)
    for layer, fs in layers.items():
        fs.sort(key=lambda f: f["id"])
        (out / f"{layer}.geojson").write_bytes(feature_collection_bytes(fs))
    (out / "facts.csv").write_bytes(csv_bytes(FACT_COLUMNS, []))
    (out / "unresolved.csv").write_bytes(csv_bytes(UNRESOLVED_COLUMNS, []))
    manifest = {
        "tool": "ca-atlas",
        "version": "synthetic",
        "documents": [{"path": d, "title": f"Synthetic {d}", "date": None} for d in docs],
        "skipped": [],
        "counts": {layer: len(fs) for layer, fs in layers.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def map_html_size(build: Path) -> tuple[int, int, int, int]:
    """Bytes of the map page for the whole build with the layers inlined, and as the
    dashboard sends it (layers as static files, fetched and cached by the browser); the
    bytes of those files; the feature count."""
    from dashboard import data, mapview
    from etl import countries

    b = data.read_build(build)
    cs = countries.load()
    basemap = mapview.prepare_basemap(zip(cs.iso3, cs.names, cs.geoms, strict=True))
    frames = data.frames_of(b.features)
    m = mapview.build_map(frames, basemap=basemap, options=mapview.MapOptions(titles=b.titles))
    inline = len(mapview.map_html(m).encode("utf-8"))
    files: list[int] = []

    def store(body: bytes) -> str:
        files.append(len(body))
        return f"/app/static/cache/{len(files)}.json"

    options = mapview.MapOptions(titles=b.titles, data_url=store)
    m = mapview.build_map(frames, basemap=basemap, options=options)
    return inline, len(mapview.map_html(m).encode("utf-8")), sum(files), b.count


def _map_script():
    from dashboard.views.map import map_page

    map_page()


def rerun_times(build: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds per rerun of the map page after a filter change (AppTest, in process): wall
    clock, and the process's CPU time (all threads; steadier on a shared machine)."""
    from streamlit.testing.v1 import AppTest

    from dashboard import state

    os.environ["ATLAS_BUILD_DIR"] = str(build)
    at = AppTest.from_function(_map_script, default_timeout=120).run()
    at.run()  # warm: caches filled
    assert not at.exception, at.exception
    choices = [["operating"], ["proposed", "construction"], [], ["unknown"]]
    times, cpu = [], []
    for i in range(runs):
        at.sidebar.multiselect(key=state.W_STATUSES).set_value(choices[i % len(choices)])
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert not at.exception, at.exception
    return times, cpu


def start_dashboard(build: Path) -> tuple[subprocess.Popen, str]:
    """The dashboard on ``build`` on a free port of 127.0.0.1, as ``atlas serve`` starts it
    (``dashboard/asgi.py``), once it answers; its process and URL (stopped again if it does
    not answer within a minute)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, ATLAS_BUILD_DIR=str(build))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/asgi.py", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.terminate()
                raise
            time.sleep(0.2)


def paint_times(build: Path, expected: int, reloads: int) -> tuple[float, list[float]]:
    """Seconds from navigation to every feature drawn: the first load after the server
    started (a fresh browser), then reloads by the same browser (its cache kept, as a
    person's reload keeps it)."""
    from playwright.sync_api import sync_playwright

    proc, url = start_dashboard(build)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            times = []
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            for _ in range(reloads + 1):
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(url)
                while True:
                    done = False
                    for frame in page.frames:
                        try:
                            done = frame.evaluate(DRAWN) >= expected
                        except Exception:
                            continue
                        if done:
                            break
                    if done:
                        break
                    if time.perf_counter() - t0 > 120:
                        raise TimeoutError("the map was not drawn in 120 s")
                    page.wait_for_timeout(25)
                times.append(time.perf_counter() - t0)
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return times[0], times[1:]


def report(label: str, build: Path, runs: int, browser: bool) -> None:
    inline, size, files, count = map_html_size(build)
    print(f"\n{label}: {count} features")
    print(f"  map HTML, layers inlined          {inline / 1024:,.0f} KB")
    print(
        f"  map HTML per rerun, layers served {size / 1024:,.0f} KB   (aim < 500 KB); "
        f"layer files {files / 1024:,.0f} KB, fetched once and cached"
    )
    t, cpu = rerun_times(build, runs)
    print(
        f"  rerun after a filter change       median {statistics.median(t) * 1000:,.0f} ms, "
        f"max {max(t) * 1000:,.0f} ms over {len(t)}   (aim < 500 ms); CPU median "
        f"{statistics.median(cpu) * 1000:,.0f} ms, max {max(cpu) * 1000:,.0f} ms"
    )
    if browser:
        if not Path(CHROMIUM).exists():
            print(f"  painted map: skipped ({CHROMIUM} missing)")
            return
        first, warm = paint_times(build, count, 5)
        print(
            f"  time to a painted map (Chromium)  first load {first:.2f} s, "
            f"warm median {statistics.median(warm):.2f} s   (aim < 2 s)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=0, help="also a generated build of N features")
    ap.add_argument("--runs", type=int, default=7, help="reruns to time")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measure")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    try:
        t0 = time.perf_counter()
        seed = seed_build(tmp / "seed")
        print(f"seed build in {time.perf_counter() - t0:.1f} s")
        report("seed build", seed, args.runs, not args.no_browser)
        if args.synthetic:
            synth = synthetic_build(tmp / "synthetic", args.synthetic)
            report("synthetic build (seed 7)", synth, args.runs, not args.no_browser)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
