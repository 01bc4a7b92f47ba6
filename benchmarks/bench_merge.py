"""Memory of the merge and the publish alone, at the findings volume of N articles.

Usage::

    python benchmarks/bench_merge.py [--articles 100000] [--sample 100] [--seed 11]

Extracting 100,000 articles takes hours on a shared 2-core machine; the merge and the
writing of the build do not depend on how the findings were made. So this script extracts
``--sample`` real articles of ``bench_scale``'s kind once, then feeds the merge ``--articles``
documents' findings made from them: document ``k`` gets the findings of sample article
``k % sample`` under its own path, with every place it names, every route's places and every
event's and partnership's places drawn afresh from the gazetteer's cities of the region (so
features, routes and conflict groups grow as they do in a corpus of new articles, not as
copies), and its facts re-dated and re-valued at random. Findings are made one at a time
and not kept.

Prints the peak RSS (``ru_maxrss``) after loading the knowledge (the fixed cost), after the
merge has taken every document, and after the build is written; and the features, facts,
sources and unresolved rows written. What it does not measure: extraction itself (its
memory is per document, see ``bench_scale``) and the findings cache.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The resident set now (``VmRSS``): a peak alone does not say whether memory stays."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def malloc_mb() -> tuple[float, float]:
    """glibc's heap: bytes in use and bytes free but kept (``mallinfo2``), in MB.

    Memory the process keeps but no longer uses (fragmentation) shows as the second.
    """
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20, info.fordblks / 2**20


def sqlite_mb() -> float:
    """What SQLite's own allocator holds now (the merge's spill: page cache, sorters)."""
    import ctypes
    import ctypes.util
    import sqlite3  # noqa: F401  (loads the library the spill uses)

    lib = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return lib.sqlite3_memory_used() / 2**20


def region_places(knowledge) -> list:
    """Places of the region's cities (20,000 people or more), as the gazetteer gives them."""
    from _corpus import place_names

    places = []
    for name in place_names():
        hit = knowledge.gazetteer.candidates(name)
        if hit:
            places.append(hit[0].place)
    return sorted({p.key: p for p in places}.values(), key=lambda p: p.key)


def sample_findings(knowledge, n: int, seed: int) -> list:
    """``n`` real articles of the scale benchmark's kind, extracted."""
    from _corpus import article, place_names

    from etl import documents
    from etl.assemble import extract

    rng = random.Random(seed)
    names = place_names()
    out = []
    for k in range(n):
        doc = documents.parse_document(article(rng, names, k).encode(), f"s{k}.txt", None)
        out.append(extract(doc, knowledge))
    return out


def remake(found, k: int, rng: random.Random, places: list):
    """Sample findings as document ``k``'s: its own path, fresh places, re-valued facts."""
    from etl.findings import DocumentFindings

    path = f"{k // 1000:03d}/a{k:06d}.txt"
    date = f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    doc = replace(found.doc, path=path, date=date)
    sources = {}

    def src(s):
        if s not in sources:
            sources[s] = replace(s, doc=path, date=date)
        return sources[s]

    swap: dict = {}

    def place(p):
        if p.kind != "city":
            return p
        if p.key not in swap:
            swap[p.key] = rng.choice(places)
        return swap[p.key]

    routes = []
    for r in found.routes:
        new = tuple(place(p) for p in r.places)
        routes.append(
            replace(
                r,
                places=new,
                parts=tuple(p.name for p in new),
                coords=tuple((p.lon, p.lat) for p in new),
                source=src(r.source),
            )
        )
    return DocumentFindings(
        doc=doc,
        places=tuple(replace(x, place=place(x.place), source=src(x.source)) for x in found.places),
        entries=tuple(replace(x, source=src(x.source)) for x in found.entries),
        routes=tuple(routes),
        events=tuple(replace(x, place=place(x.place), source=src(x.source)) for x in found.events),
        partnerships=tuple(
            replace(x, places=tuple(place(p) for p in x.places), source=src(x.source))
            for x in found.partnerships
        ),
        statuses=tuple(replace(x, source=src(x.source)) for x in found.statuses),
        unresolved=tuple(replace(x, source=src(x.source)) for x in found.unresolved),
        facts=tuple(
            replace(
                x,
                source=src(x.source),
                year=x.year if x.year is None else rng.randint(2005, 2026),
                value=x.value if x.value is None else x.value * rng.choice((1, 1.01, 1.5, 2)),
            )
            for x in found.facts
        ),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--steps", type=int, default=10, help="memory lines during the merge")
    ap.add_argument("--merge-only", action="store_true", help="stop before the write")
    args = ap.parse_args()

    from etl import build as build_mod
    from etl.merge import Merge

    t0 = time.perf_counter()
    knowledge = build_mod.load_knowledge()
    fixed = peak_mb()
    print(f"knowledge loaded: peak RSS {fixed:,.0f} MB (the fixed cost)")
    sample = sample_findings(knowledge, args.sample, args.seed)
    places = region_places(knowledge)
    print(
        f"{len(sample)} sample articles extracted, {len(places)} region places; {peak_mb():,.0f} MB"
    )
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "corpus").mkdir()
        merge = Merge(knowledge.registry, spill=tmp / "merge.sqlite")
        infos = []
        sources = facts = 0
        t = time.perf_counter()
        for k in range(args.articles):
            found = remake(sample[k % len(sample)], k, rng, places)
            sources += len(found.places) + len(found.routes) + len(found.entries)
            facts += len(found.facts)
            infos.append(found.doc)
            merge.add(found)
            if (k + 1) % max(1, args.articles // args.steps) == 0 and k + 1 < args.articles:
                used, free = malloc_mb()
                print(
                    f"  {k + 1:,} documents merged: {time.process_time():,.0f} CPU s; "
                    f"peak RSS {peak_mb():,.0f} MB, now {rss_mb():,.0f} MB "
                    f"(malloc in use {used:,.0f} MB, free {free:,.0f} MB; "
                    f"SQLite {sqlite_mb():,.1f} MB; {len(merge._acc):,} features; "
                    f"{sys.getallocatedblocks():,} Python blocks)",
                    flush=True,
                )
        merged_peak = peak_mb()
        print(
            f"merge of {args.articles:,} documents ({sources:,} place, route and project "
            f"mentions, {facts:,} facts): {time.perf_counter() - t:.0f} s; peak RSS "
            f"{merged_peak:,.0f} MB, now {rss_mb():,.0f} MB"
        )
        if args.merge_only:
            merge.close()
            return
        t = time.perf_counter()
        result = build_mod._write(tmp / "out", tmp / "corpus", knowledge, merge, infos, [], t0)
        merge.close()
        print(
            f"build written: {time.perf_counter() - t:.0f} s ({time.process_time():,.0f} CPU s "
            f"in all); peak RSS {peak_mb():,.0f} MB; "
            f"{sum(result.counts.values()):,} features "
            f"({', '.join(f'{k} {v}' for k, v in result.counts.items())}); "
            f"{result.facts:,} facts; {result.unresolved:,} unresolved"
        )


if __name__ == "__main__":
    main()
