"""A long fuzz session: the properties of ``tests/test_properties.py``, many more examples.

Usage::

    python benchmarks/fuzz_long.py [--examples 100000] [--only NAME ...] [--seed N]

Runs each property in ``tests.test_properties.PROPERTIES`` (the readers over document
bytes and over text, the extractors over text) with ``max_examples`` examples, no
example database and no deadline, and prints, per property, the examples run, the
failures (0, or the distinct bugs Hypothesis found and shrank) and the seconds taken.
Exit code 1 when any property failed.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run(name, check, strategies, knowledge, examples: int, seed: int | None) -> tuple[int, int]:
    """Run one property; returns (examples run, failures)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    count = 0
    needs_knowledge = "knowledge" in inspect.signature(check).parameters

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(st.fixed_dictionaries(strategies))
    def prop(kwargs):
        nonlocal count
        count += 1
        if needs_knowledge:
            check(knowledge, **kwargs)
        else:
            check(**kwargs)

    if seed is not None:
        prop = hypothesis_seed(seed)(prop)
    try:
        prop()
    except BaseExceptionGroup as group:  # several distinct bugs
        traceback.print_exception(group)
        return count, len(group.exceptions)
    except Exception:
        traceback.print_exc()
        return count, 1
    return count, 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--only", nargs="*", default=None, help="property names (default: all)")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    from etl.build import load_knowledge
    from tests.test_properties import PROPERTIES

    knowledge = load_knowledge()
    names = args.only or list(PROPERTIES)
    failed = 0
    total_examples = 0
    t_all = time.perf_counter()
    print(f"{'property':<24} {'examples':>9} {'failures':>8} {'seconds':>9}", flush=True)
    for name in names:
        check, strategies = PROPERTIES[name]
        t = time.perf_counter()
        examples, failures = run(name, check, strategies, knowledge, args.examples, args.seed)
        seconds = time.perf_counter() - t
        total_examples += examples
        failed += failures
        print(f"{name:<24} {examples:>9,} {failures:>8} {seconds:>9.1f}", flush=True)
    seconds = time.perf_counter() - t_all
    print(f"{'all':<24} {total_examples:>9,} {failed:>8} {seconds:>9.1f}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
