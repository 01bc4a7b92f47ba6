"""CPU time of extraction per article, in one process: the figure the README's *Speed and
memory* table gives.

Usage::

    python benchmarks/bench_cpu.py --scale 500        # bench_scale's 4 KB articles, seed 11
    python benchmarks/bench_cpu.py --build 2000       # bench_build's articles, seed 7
    python benchmarks/bench_cpu.py --corpus DIR       # any folder of .txt articles

Each article goes through ``etl.run.process`` (decode and extract, as a build's worker
does it) after ten warm-up articles. Times are CPU seconds of this process
(``time.process_time``), so other jobs on the machine barely move them; under heavy load
they still grow by a tenth or more, so compare two versions run at the same time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--scale", type=int, metavar="N", help="N bench_scale articles")
    group.add_argument("--build", type=int, metavar="N", help="N bench_build articles")
    group.add_argument("--corpus", type=Path)
    ap.add_argument("--seed", type=int, help="default: 11 (--scale), 7 (--build)")
    args = ap.parse_args()

    from etl import build as build_mod
    from etl.run import process

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp)
            if args.scale:
                from _corpus import place_names, write_corpus

                write_corpus(
                    corpus, args.scale, 11 if args.seed is None else args.seed, place_names()
                )
            else:
                from bench_build import synthetic_corpus

                seed = 7 if args.seed is None else args.seed
                synthetic_corpus(corpus, args.build, seed)
        files = sorted(corpus.rglob("*.txt"))
        jobs = [(p.relative_to(corpus).as_posix(), p.read_bytes()) for p in files]
    knowledge = build_mod.load_knowledge()
    for rel, data in jobs[:10]:
        process(rel, data, None, knowledge)  # warm-up: lazy loads, caches of names
    cpu = time.process_time()
    for rel, data in jobs:
        process(rel, data, None, knowledge)
    cpu = time.process_time() - cpu
    print(
        f"{len(jobs)} articles: {1000 * cpu / len(jobs):.2f} ms CPU per article, "
        f"{len(jobs) / cpu:.0f} articles per CPU-second"
    )


if __name__ == "__main__":
    main()
