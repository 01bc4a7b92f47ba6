"""Build speed and memory: a seeded synthetic corpus, plus cold and warm builds of the seed corpus.

Usage::

    python benchmarks/bench_build.py [--articles 10000] [--seed 7] [--skip-cold] [--profile]

Prints articles/s and MB/s for the extraction of the synthetic corpus (one core, in
process), the peak memory of that run, the cold build of the seed corpus from the
command line (gazetteer index creation included, in a fresh cache directory) and the warm
build (index cached), both as wall time of a real ``atlas build`` process. ``--profile``
also prints the CPU milliseconds per article of each extraction stage (``stages.py``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _corpus import place_names  # noqa: E402

TEMPLATES = [
    "Officials in {a} said the {proj} would link {b} with {c} by {year}.",
    "The {proj} carried {n} million tonnes of freight last year, the operator in {a} said.",
    "A delegation from {a} visited {b} on {month} {day} to discuss the {proj}.",
    "Trade between {country} and China reached ${n} billion in {year}, up {pct} percent.",
    "Construction of the {proj} near {a} began in {year}; crews from {b} are laying track.",
    "{person}, an analyst in {a}, said the route via {b} would cut transit times to {c}.",
    "Along the route from {a} to {b}, trucks queue for days at the border.",
    "The {a}-{b}-{c} railway is expected to cost ${n} billion, according to the ministry.",
    "Gas from {country} flows through the {proj} to {a}, where it enters the national grid.",
    "President {person} met counterparts in {a} and promised new investment in {b}.",
]
PROJECTS = [
    "Central Asia-China gas pipeline",
    "China-Kyrgyzstan-Uzbekistan railway",
    "Middle Corridor",
    "Khorgos dry port",
    "China-Kazakhstan crude oil pipeline",
    "Western Europe-Western China highway",
    "new logistics hub",
]
COUNTRIES = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "Azerbaijan"]
PEOPLE = ["Wang Yi", "Nurlan Bekov", "Mary Johnson", "Aziz Karimov", "Li Qiang"]
MONTHS = ["January", "March", "May", "June", "September", "November"]


def synthetic_corpus(directory: Path, n: int, seed: int) -> int:
    """Write ``n`` articles of 8-20 sentences each; returns the total bytes written."""
    rng = random.Random(seed)
    names = place_names()
    total = 0
    for k in range(n):
        sentences = []
        for _ in range(rng.randint(8, 20)):
            a, b, c = rng.sample(names, 3)
            sentences.append(
                rng.choice(TEMPLATES).format(
                    a=a,
                    b=b,
                    c=c,
                    proj=rng.choice(PROJECTS),
                    year=rng.randint(2005, 2026),
                    n=round(rng.uniform(1, 120), 1),
                    pct=rng.randint(1, 60),
                    month=rng.choice(MONTHS),
                    day=rng.randint(1, 28),
                    country=rng.choice(COUNTRIES),
                    person=rng.choice(PEOPLE),
                )
            )
        body = f"Title: Synthetic article {k}\nDate: 2024-{1 + k % 12:02d}-15\n\n" + " ".join(
            sentences
        )
        data = body.encode("utf-8")
        (directory / f"a{k:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def timed_cli(corpus: Path, out: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--quiet",
            "--corpus",
            str(corpus),
            "--out",
            str(out),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument(
        "--profile", action="store_true", help="CPU time per extraction stage, most costly first"
    )
    args = ap.parse_args()

    from etl import build as build_mod

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        nbytes = synthetic_corpus(corpus, args.articles, args.seed)
        env = dict(os.environ)
        # the real command on the synthetic corpus: wall time and its peak memory
        t = time.perf_counter()
        timed_cli(corpus, tmp_path / "out", env)
        cli_s = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        # extraction alone, in this process, one core
        knowledge = build_mod.load_knowledge()
        docs, _ = build_mod.read_corpus(corpus)
        from etl.assemble import extract
        from etl.merge import Merge

        merge = Merge(knowledge.registry)
        t = time.perf_counter()
        for doc in docs:
            merge.add(extract(doc, knowledge))
        extract_s = time.perf_counter() - t
        if args.profile:
            from stages import report, timed_stages

            with timed_stages() as totals:
                cpu = time.process_time()
                for doc in docs:
                    extract(doc, knowledge)
                cpu = time.process_time() - cpu

        print(
            f"synthetic corpus: {args.articles} articles, {nbytes / 1e6:.1f} MB (seed {args.seed})"
        )
        print(
            f"extraction: {len(docs) / extract_s:,.0f} articles/s, "
            f"{nbytes / 1e6 / extract_s:.2f} MB/s (one core)"
        )
        print(f"atlas build on it (CLI, wall): {cli_s:.1f} s ({len(docs) / cli_s:,.0f} articles/s)")
        print(f"peak memory of that atlas build (max RSS): {peak_mb:,.0f} MB")
        if args.profile:
            print(report(totals, len(docs), cpu))

        if not args.skip_cold:
            cold_env = dict(env, ATLAS_CACHE_DIR=str(tmp_path / "cold-cache"))
            print(
                "cold seed build (CLI, index created): "
                f"{timed_cli(ROOT / 'corpus', tmp_path / 'c', cold_env):.2f} s"
            )
        timed_cli(ROOT / "corpus", tmp_path / "w", env)  # make sure the cache exists
        warm = sorted(timed_cli(ROOT / "corpus", tmp_path / "w", env) for _ in range(3))
        print(f"warm seed build (CLI, median of 3): {warm[1]:.2f} s")


if __name__ == "__main__":
    main()
