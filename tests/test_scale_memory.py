"""Bounded memory: figures stream through the merge's spill file, layers are written in parts.

The build must hold what a feature needs, not every figure, source sentence or row of a
layer; and the parts it writes must say exactly what the whole would have said.
"""

from __future__ import annotations

import gc
import io
import random
import tracemalloc

import pyarrow.parquet as pq
import pytest

from etl import ids
from etl.extract.figures import CONFLICT_LISTED, Fact, differs, mark_conflicts
from etl.findings import DocInfo, DocumentFindings, PlaceFinding, RouteFinding
from etl.io import write_layer_styles
from etl.merge import Merge
from etl.publish import parquet
from etl.schema import RAILWAYS, Place, Source


def _reference_notes(facts: list[Fact]) -> list[str]:
    """The rule as ``facts.csv`` documents it, pair by pair (written apart from the code).

    Same metric, subject, year and unit; another document; values further apart than the
    tolerance. A note lists the three nearest values (by distance, then document, then the
    figure's offset, then the row's place in the list) and counts the rest.
    """
    from etl.extract.figures.attribute import plain

    out = []
    for i, mine in enumerate(facts):
        others = [
            (abs(o.value - mine.value), o.source.doc, o.start, j, o)
            for j, o in enumerate(facts)
            if j != i
            and None not in (mine.subject or None, mine.year, mine.value, o.value)
            and (o.metric, o.subject, o.year, o.unit)
            == (mine.metric, mine.subject, mine.year, mine.unit)
            and o.source.doc != mine.source.doc
            and differs(o.value, mine.value)
        ]
        if not others:
            out.append(mine.conflict)
            continue
        others.sort(key=lambda t: t[:4])
        listed = "; ".join(
            f"{plain(o.value):,} {o.unit} in {o.source.doc} ({o.original})"
            for *_, o in others[:CONFLICT_LISTED]
        )
        rest = len(others) - CONFLICT_LISTED
        if rest > 0:
            listed += f"; and {rest} more row{'s' if rest > 1 else ''}"
        out.append(f"differs from {listed}")
    return out


def _fact(rng: random.Random, k: int) -> Fact:
    doc = f"d{rng.randint(0, 12)}.txt"
    value = rng.choice([40e9, 40.5e9, 41e9, 44e9, 44e9, 50e9, -3e9, -3.1e9, 0.0, 7, 7.1, 120.0])
    src = Source(doc, None, "Trade grew.", 0, 11)
    return Fact(
        metric=rng.choice(["trade_volume", "investment"]),
        subject=rng.choice(["KAZ", "UZB", None, ""]),
        year=rng.choice([2023, 2024, None]),
        value=rng.choice([value, value, None]),
        unit=rng.choice(["USD", "USD", "km"]),
        original=f"${k}",
        source=src,
        start=rng.randint(0, 3),
        end=20,
    )


def test_conflict_notes_are_those_of_comparing_every_pair():
    """Group-wise marking gives, row for row, the notes of the pair-by-pair rule."""
    for seed in range(40):
        rng = random.Random(seed)
        facts = [_fact(rng, k) for k in range(rng.randint(1, 120))]
        assert [f.conflict for f in mark_conflicts(facts)] == _reference_notes(facts), seed


def test_a_large_conflict_group_is_not_compared_pair_by_pair():
    """20,000 figures for one metric, subject and year: notes right, without 400 million pairs."""
    import time

    rng = random.Random(5)
    facts = []
    for k in range(20_000):
        src = Source(f"d{k % 5000:04d}.txt", None, "Trade grew.", 0, 11)
        value = float(rng.randint(2, 90)) * 1e9
        facts.append(Fact("trade_volume", "KAZ", 2024, value, "USD", f"${k}", src, k % 7, 20))
    t = time.process_time()
    marked = mark_conflicts(facts)
    assert time.process_time() - t < 20  # pair by pair: hours
    sample = rng.sample(range(len(facts)), 5)
    assert all(m.conflict.startswith("differs from ") for m in marked)
    # each note names the three nearest values of other documents, and counts the rest
    for i in sample:
        others = [
            o
            for o in facts
            if o.source.doc != facts[i].source.doc and differs(o.value, facts[i].value)
        ]
        assert marked[i].conflict.endswith(f"and {len(others) - 3} more rows")


def _doc(k: int, quote: str) -> DocumentFindings:
    """A document of 20 figures, each in a sentence of its own."""
    path = f"a{k:05d}.txt"
    info = DocInfo(path, "0" * 64, "utf-8", None, "2024-01-01", "day", None, None, 20_000)
    facts = []
    for i in range(20):
        src = Source(path, "2024-01-01", f"{quote} ({k}, {i})", 1000 * i, 1000 * i + 999)
        value = 1e9 * (k % 50 + 1)
        facts.append(Fact("trade_volume", "KAZ", 2000 + i, value, "USD", "$1bn", src, i, i + 4))
    return DocumentFindings(doc=info, facts=tuple(facts))


def test_the_merge_does_not_keep_figures_in_memory(tmp_path):
    """1,000 documents of 20 figures in 1 KB sentences: what the merge holds stays small.

    Before, every figure (with its sentence) stayed in a list until the build was written:
    more than 20 MB here.
    """
    quote = "Trade between Kazakhstan and China grew again. " * 22  # about 1 KB
    merge = Merge(registry=None, spill=tmp_path / "spill.sqlite")
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for k in range(1000):
            merge.add(_doc(k, quote))
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert held < 4 * 2**20, f"{held / 2**20:.1f} MB held"
    merge.finish()
    rows = list(merge.fact_rows())
    assert len(rows) == merge.facts_count == 20_000
    assert [(r["doc"], r["start"]) for r in rows] == sorted((r["doc"], r["start"]) for r in rows)
    assert sum(bool(r["conflict"]) for r in rows) > 15_000
    merge.close()


def _features(n: int) -> list[dict]:
    rng = random.Random(n)
    out = []
    for k in range(n):
        lon, lat = 60 + rng.random() * 20, 35 + rng.random() * 15
        geometry = (
            {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
            if k % 3
            else {"type": "LineString", "coordinates": [[lon, lat], [lon + 1, lat + 0.5]]}
        )
        props = {
            "id": f"places/p{k}",
            "name": f"Place {k}",
            "aliases": [f"P{k}"] if k % 2 else [],
            "sources": [{"doc": "a.txt", "quote": "q" * (k % 7), "start": 0, "end": 1}],
            "first_seen": "2024-01-02" if k % 4 else None,
            "confidence": 0.5,
        }
        out.append(
            {"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props}
        )
    return out


def test_a_layer_in_row_groups_reads_back_as_the_whole(tmp_path, monkeypatch):
    """Within one row group the bytes of ``parquet_bytes``; beyond, the same table in parts."""
    features = _features(250)
    whole = parquet.parquet_bytes(features)

    def write(path, limit_features, limit_sources):
        monkeypatch.setattr(parquet, "ROW_GROUP_FEATURES", limit_features)
        monkeypatch.setattr(parquet, "ROW_GROUP_SOURCES", limit_sources)
        layer = parquet.ParquetLayer(path, [f["geometry"] for f in features])
        for f in features:
            layer.add(f, len(f["properties"]["sources"]))
        layer.close()
        return path.read_bytes()

    assert write(tmp_path / "one.parquet", 1000, 1000) == whole
    parts = write(tmp_path / "parts.parquet", 40, 1000)
    assert pq.ParquetFile(io.BytesIO(parts)).metadata.num_row_groups == 7
    assert pq.read_table(io.BytesIO(parts)).equals(pq.read_table(io.BytesIO(whole)))
    assert pq.read_schema(io.BytesIO(parts)) == pq.read_schema(io.BytesIO(whole))
    by_sources = write(tmp_path / "s.parquet", 1000, 30)
    assert pq.ParquetFile(io.BytesIO(by_sources)).metadata.num_row_groups == 9
    empty = parquet.ParquetLayer(tmp_path / "empty.parquet", [])
    empty.close()
    assert (tmp_path / "empty.parquet").read_bytes() == parquet.parquet_bytes([])


def _route_doc(k: int, quote: str) -> DocumentFindings:
    """A document that draws a railway of its own and states its length, in 1 KB sentences."""
    path = f"r{k:05d}.txt"
    info = DocInfo(path, "0" * 64, "utf-8", None, "2024-01-01", "day", None, None, 5_000)
    a = Place(f"t:{k}a", f"Town {k} A", 43.0 + k / 10_000, 70.0, "city", "KAZ", 1_000)
    b = Place(f"t:{k}b", f"Town {k} B", 44.0 + k / 10_000, 71.0, "city", "KAZ", 1_000)
    src = Source(path, "2024-01-01", f"{quote} ({k})", 0, 1000)
    route = RouteFinding(
        layer=RAILWAYS,
        type="railway",
        parts=(a.name, b.name),
        text=f"{a.name}–{b.name} railway",
        places=(a, b),
        coords=((a.lon, a.lat), (b.lon, b.lat)),
        source=src,
        countries=("KAZ",),
    )
    fid = ids.route_feature_id(RAILWAYS, route.parts, None)
    length = Fact(
        "length", fid, None, 100.0 + k, "km", f"{100 + k} km", src, 10, 16, features=(fid,)
    )
    return DocumentFindings(doc=info, routes=(route,), facts=(length,))


def _write_peak(knowledge, tmp_path, monkeypatch, n: int, doc=_route_doc) -> int:
    """Bytes the build allocates at its peak (tracemalloc) until the layers are written.

    The peak is read when the layers are done (the GeoPackage styles come next): the CSVs
    after them are written in chunks of thousands of rows, which here would be all of them.
    """
    from etl import build

    quote = "A new railway will link the two towns across the steppe. " * 18  # about 1 KB
    merge = Merge(knowledge.registry, spill=tmp_path / f"spill{n}.sqlite")
    for k in range(n):
        merge.add(doc(k, quote))
    peaks = []

    def layers_done(*args, **kwargs):
        peaks.append(tracemalloc.get_traced_memory()[1])
        return write_layer_styles(*args, **kwargs)

    monkeypatch.setattr(build, "write_layer_styles", layers_done)
    # what earlier tests left is set aside, so that the collector runs as in a fresh
    # process (a large old heap delays the collections that free pandas' cycles)
    gc.collect()
    gc.freeze()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = build._write(tmp_path / f"out{n}", tmp_path, knowledge, merge, [], [], 0.0)
    finally:
        tracemalloc.stop()
        gc.unfreeze()
        merge.close()
    assert sum(result.counts.values()) == (n if doc is _route_doc else 1)
    return peaks[0] - base


def test_the_write_does_not_hold_every_feature(knowledge, tmp_path, monkeypatch):
    """The write's peak grows little from 500 to 2,000 features, each with a 1 KB figure.

    The GeoPackage chunks and the GeoParquet row groups are made small, so that only what
    grows with the layer shows. Before, every feature was built (and its figures listed)
    before the first was written: about 2 KB more per feature; now a feature is built when
    it is written, and what the write keeps of each is a few pointers.
    """
    from etl import build

    monkeypatch.setattr(build, "_GPKG_CHUNK", 100)
    monkeypatch.setattr(parquet, "ROW_GROUP_FEATURES", 100)
    _write_peak(knowledge, tmp_path, monkeypatch, 20)  # imports and first allocations
    small = _write_peak(knowledge, tmp_path, monkeypatch, 500)
    large = _write_peak(knowledge, tmp_path, monkeypatch, 2000)
    per_feature = (large - small) / 1500
    print(f"layers' peak {small / 2**20:.1f} MB at 500, {large / 2**20:.1f} MB at 2,000")
    assert per_feature < 500, f"{per_feature:.0f} bytes more per feature"


#: the town every document of ``_town_doc`` names
_TOWN = Place("t:khorgos", "Khorgos", 44.21, 80.41, "city", "CHN", 100_000)


def _town_doc(k: int, quote: str) -> DocumentFindings:
    """A document that names one town, the same in every document, in a 1 KB sentence."""
    path = f"t{k:05d}.txt"
    info = DocInfo(path, "0" * 64, "utf-8", None, "2024-01-01", "day", None, None, 5_000)
    src = Source(path, "2024-01-01", f"{quote} ({k})", 0, 1000)
    return DocumentFindings(doc=info, places=(PlaceFinding(_TOWN, src, "Khorgos", 0.9),))


def test_a_feature_with_many_sources_is_not_held_as_a_list(knowledge, tmp_path, monkeypatch):
    """One town named in 1,000 and then 4,000 documents: the write's peak per source sentence.

    A town named in most articles of a large corpus has a million source sentences. Its
    GeoParquet and GeoPackage cells hold them as one JSON text each (the formats want the
    whole cell), and the GeoPackage writer a copy of its cell, but nothing more: they are
    streamed from the merge's spill. Before, they were also held at once as ``Source``
    objects, as dicts and as the feature's GeoJSON text: 5,820 bytes per 1 KB sentence
    (tracemalloc, pandas 3.1 and pyogrio 0.13); now 4,540.
    """
    _write_peak(knowledge, tmp_path, monkeypatch, 20, _town_doc)  # imports, first allocations
    small = _write_peak(knowledge, tmp_path, monkeypatch, 1000, _town_doc)
    large = _write_peak(knowledge, tmp_path, monkeypatch, 4000, _town_doc)
    per_source = (large - small) / 3000
    print(f"layers' peak {small / 2**20:.1f} MB at 1,000, {large / 2**20:.1f} MB at 4,000")
    assert per_source < 5000, f"{per_source:.0f} bytes more per 1 KB source sentence"


#: the program ``_write_rss`` runs: one town named in N documents, written; prints the
#: RSS the write added at its peak
_RSS_CHILD = """
import gc, sys
from pathlib import Path
from etl import build
from etl.merge import Merge
from tests.test_scale_memory import _town_doc

def rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])

n, tmp, quote = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
knowledge = build.load_knowledge()
for k, docs in enumerate((1, n)):  # the first write loads the libraries
    merge = Merge(knowledge.registry, spill=tmp / f"spill{k}.sqlite")
    for d in range(docs):
        merge.add(_town_doc(d, quote))
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS
    base = rss_kb("VmRSS")
    build._write(tmp / f"out{k}", tmp, knowledge, merge, [], [], 0.0)
    merge.close()
print((rss_kb("VmHWM") - base) * 1024)
"""


def _write_rss(tmp_path, n: int, quote: str) -> int:
    """Bytes of RSS the write of one town named in ``n`` documents adds at its peak.

    Measured in a fresh process, from the resident set just before ``_write`` to its
    high-water mark (``VmHWM``, reset first through ``/proc/self/clear_refs``), after a
    first small write has loaded the libraries: pyarrow's and GDAL's own buffers, which
    tracemalloc does not see, are where a large cell cost the most.
    """
    import subprocess
    import sys
    from pathlib import Path

    work = tmp_path / f"rss{n}"
    work.mkdir()
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(n), str(work), quote],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return int(run.stdout.split()[-1])


@pytest.mark.slow
def test_writing_a_feature_with_many_sources_costs_about_its_text(tmp_path):
    """One town in 2,000 and then 20,000 documents: RSS the write adds per source sentence.

    The feature's sources are about 1 KB of JSON per sentence in each of the three files.
    GeoJSON streams them; GeoParquet and GeoPackage hold the cell whole. Before, pyarrow
    (dictionary, statistics, a copy into Arrow) and GDAL (pandas' string, its UTF-8 copy,
    the OGR field, SQLite's record) held it about eight times each, 12 KB per sentence at
    their peak; now the Parquet cell is wrapped, not copied, and written plain, and the
    GeoPackage cell is streamed into SQLite: about 3 KB.
    """
    # 1 KB, with the en dash of a route name (beyond Latin-1, as most news text is)
    quote = "The Khorgos–Almaty line will carry goods across the steppe. " * 17
    small = _write_rss(tmp_path, 2000, quote)
    large = _write_rss(tmp_path, 20_000, quote)
    per_source = (large - small) / 18_000
    print(f"write's RSS {small / 2**20:.0f} MB at 2,000, {large / 2**20:.0f} MB at 20,000")
    assert per_source < 5000, f"{per_source:.0f} bytes more per 1 KB source sentence"


def test_a_large_sources_cell_filled_by_sqlite_reads_back_the_same(
    knowledge, tmp_path, monkeypatch
):
    """The GeoPackage cell streamed in after GDAL's write is the text GDAL would have written.

    Every feature is made "large" here, so the fill runs on each; GDAL then reads every
    property as it reads the file written the ordinary way, and the cell is TEXT (as the
    GeoPackage's column is declared), not a BLOB.
    """
    import sqlite3

    import pyogrio

    from etl import build

    quote = "The Khorgos–Almaty line will carry goods across the steppe. " * 3
    written = {}
    for name, threshold in (("gdal", 10**9), ("filled", 1)):
        monkeypatch.setattr(build, "_GPKG_FILL_SOURCES", threshold)
        merge = Merge(knowledge.registry, spill=tmp_path / f"{name}.sqlite")
        for k in range(30):
            merge.add(_town_doc(k, quote))
            merge.add(_route_doc(k, quote))
        build._write(tmp_path / name, tmp_path, knowledge, merge, [], [], 0.0)
        merge.close()
        written[name] = tmp_path / name / "atlas.gpkg"
    for layer in ("places", "railways"):
        gdal = pyogrio.read_dataframe(written["gdal"], layer=layer)
        filled = pyogrio.read_dataframe(written["filled"], layer=layer)
        assert len(filled) == len(gdal) > 0
        assert filled.equals(gdal), layer
        with sqlite3.connect(written["filled"]) as db:
            kinds = db.execute(f"SELECT DISTINCT typeof(sources) FROM {layer}").fetchall()
        assert kinds == [("text",)]
