"""Scale: articles/s and peak memory of ``atlas build`` at 10,000 and 100,000 articles.

Usage::

    python benchmarks/bench_scale.py [--sizes 10000 100000] [--workers 1 2] [--seed 11]
                                     [--skip-dask] [--skip-rebuild]

Writes a seeded corpus of news-like articles of about 4 KB each, in sentences written for
this benchmark (place names from the gazetteer's cities of the region, projects from the
registry's vocabulary), then times real ``atlas build`` processes on it:

- a full build (``--full``) per size and worker count: articles/s (wall) and the peak
  memory, both of the largest process and of the build with its workers together
  (sampled every 0.2 s);
- the rebuild after adding one article to the first size (the findings cache warm);
- a build on a local Dask cluster (a scheduler and two single-threaded worker processes on
  127.0.0.1) at the first size.

Each run uses a fresh findings cache, so nothing is reused between them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _corpus import article, place_names, write_corpus  # noqa: E402


def run_build(args: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Wall seconds, peak RSS of the largest process and of all together (MB), CPU seconds.

    The CPU seconds (user and system, of the build and its worker processes) measure the
    work done whatever else the machine runs; the wall time depends on it.
    """
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", *args, "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parent = psutil.Process(proc.pid)
    peak_one = peak_all = 0
    while proc.poll() is None:
        try:
            procs = [parent, *parent.children(recursive=True)]
            rss = []
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    rss.append(p.memory_info().rss)
            if rss:
                peak_one = max(peak_one, max(rss))
                peak_all = max(peak_all, sum(rss))
        except psutil.Error:
            pass
        time.sleep(0.2)
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {err.strip()[-500:]}")
    return wall, peak_one / 2**20, peak_all / 2**20, cpu


def fresh_env(tmp: Path, name: str) -> dict[str, str]:
    """A fresh findings cache (the gazetteer index copied in, not rebuilt)."""
    from etl.places import gazetteer

    cache = tmp / f"cache-{name}"
    cache.mkdir()
    index = gazetteer.index_path()
    shutil.copy(index, cache / index.name)
    return dict(os.environ, ATLAS_CACHE_DIR=str(cache))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-rebuild", action="store_true")
    ap.add_argument("--tmp", type=Path, default=None, help="where the corpora go")
    args = ap.parse_args()

    names = place_names()
    print(f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp_name:
        tmp = Path(tmp_name)
        for i, n in enumerate(args.sizes):
            corpus = tmp / f"corpus-{n}"
            corpus.mkdir()
            nbytes = write_corpus(corpus, n, args.seed, names)
            print(f"\ncorpus: {n:,} articles, {nbytes / 1e6:.1f} MB (seed {args.seed})")
            for w in args.workers:
                env = fresh_env(tmp, f"{n}-{w}")
                out = tmp / f"out-{n}-{w}"
                wall, one, total, cpu = run_build(
                    ["--corpus", str(corpus), "--out", str(out), "--full", "--workers", str(w)],
                    env,
                )
                print(
                    f"  --workers {w}: {wall:7.1f} s, {n / wall:6.0f} articles/s wall, "
                    f"{n / cpu:5.0f} articles per CPU-second; peak RSS {one:,.0f} MB "
                    f"(largest process), {total:,.0f} MB (all processes); "
                    f"load {os.getloadavg()[0]:.1f}"
                )
                if i == 0 and not args.skip_rebuild and w == args.workers[-1]:
                    (corpus / "new-article.txt").write_text(
                        article(random.Random(args.seed + 1), names, n), encoding="utf-8"
                    )
                    wall, one, total, _ = run_build(
                        ["--corpus", str(corpus), "--out", str(out), "--workers", str(w)], env
                    )
                    print(
                        f"  rebuild after adding one article: {wall:.1f} s (peak RSS {one:,.0f} MB)"
                    )
                    (corpus / "new-article.txt").unlink()
                shutil.rmtree(out.parent / ".builds", ignore_errors=True)
            if i == 0 and not args.skip_dask:
                from distributed import LocalCluster

                with LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                ) as cluster:
                    env = fresh_env(tmp, f"{n}-dask")
                    out = tmp / f"out-{n}-dask"
                    wall, one, _, _ = run_build(
                        [
                            *("--corpus", str(corpus), "--out", str(out), "--full"),
                            *("--scheduler", cluster.scheduler_address),
                        ],
                        env,
                    )
                    print(
                        f"  local Dask cluster (2 worker processes): {wall:.1f} s, "
                        f"{n / wall:.0f} articles/s; client peak RSS {one:,.0f} MB"
                    )
            shutil.rmtree(corpus)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
