"""CPU time per extraction stage, measured by wrapping each stage's function.

Used by ``bench_build.py --profile``. A deterministic profiler (cProfile) multiplies the
cost of small functions several times over and so blames the wrong ones; wrapping only
the stages (a few calls per document) costs almost nothing. Times are CPU seconds
(``time.process_time``), so a machine shared with other jobs still gives usable numbers.
Stages nest (the resolver's parts run inside ``resolve``): each row is inclusive, and the
indented rows are parts of the row above them.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: (label, module, attribute path) of each stage; the label's dots give the nesting
STAGES = [
    ("decode", "etl.run", "documents.parse_document"),
    ("mentions", "etl.mentions", "Matcher.find"),
    ("resolve", "etl.places.resolve", "Resolver.resolve"),
    ("resolve.person_spans", "etl.places.people", "person_spans"),
    ("resolve.role_after_spans", "etl.places.people", "role_after_spans"),
    ("resolve.organisation_spans", "etl.places.people", "organisation_spans"),
    ("resolve.qualifiers", "etl.places.qualifiers", "find"),
    ("resolve.choose", "etl.places.resolve", "Resolver._choose"),
    ("registry_organisations", "etl.registry", "Registry.organisation_spans"),
    ("fits_enclosing_entry", "etl.projects", "fits_enclosing_entry"),
    ("described_facilities", "etl.projects", "described_facilities"),
    ("route_chains", "etl.routes", "find_chains"),
    ("route_judge", "etl.routes", "judge"),
    ("route_section", "etl.routes", "section"),
    ("described_routes", "etl.assemble", "_described_routes"),
    ("statuses", "etl.projects", "stated_statuses"),
    ("events", "etl.events", "find_events"),
    ("partnerships", "etl.events", "find_partnerships"),
    ("figures", "etl.extract.figures.attribute", "extract_facts"),
    ("freeze", "etl.assemble", "_frozen"),
]


def _patch_point(module_name: str, path: str) -> tuple[object, str]:
    """Where the function lives: the owner object and attribute name to replace."""
    owner = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for p in parents:
        owner = getattr(owner, p)
    return owner, name


@contextmanager
def timed_stages() -> Iterator[dict[str, list[float]]]:
    """While active, every stage's calls add their CPU seconds to ``totals[label]``.

    A function imported by name into another module (``from x import f``) is replaced
    there too, so the callers see the timed version.
    """
    import sys

    totals: dict[str, list[float]] = {label: [0.0, 0] for label, _, _ in STAGES}
    undo: list[tuple[object, str, Callable]] = []
    for label, module_name, path in STAGES:
        owner, name = _patch_point(module_name, path)
        original = getattr(owner, name)
        wrapper = _timer(original, totals[label])
        undo.append((owner, name, original))
        setattr(owner, name, wrapper)
        # the same function bound under its name in other etl modules
        for mod_name, mod in list(sys.modules.items()):
            if mod_name.startswith("etl") and getattr(mod, name, None) is original:
                undo.append((mod, name, original))
                setattr(mod, name, wrapper)
    try:
        yield totals
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def _timer(fn: Callable, slot: list[float]) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            slot[0] += time.process_time() - t
            slot[1] += 1

    return wrapper


def report(totals: dict[str, list[float]], documents: int, total_s: float) -> str:
    """The stages, most expensive first within each level, in ms of CPU per document."""
    lines = [f"CPU per document: {1000 * total_s / documents:.1f} ms ({documents} documents)"]
    totals = {label: slot for label, slot in totals.items() if slot[1]}  # stages that ran
    top = [label for label in totals if "." not in label]
    top.sort(key=lambda label: -totals[label][0])
    for label in top:
        lines.append(_row(label, totals[label], documents, total_s))
        parts = [p for p in totals if p.startswith(label + ".")]
        parts.sort(key=lambda p: -totals[p][0])
        lines += ["  " + _row(p, totals[p], documents, total_s) for p in parts]
    accounted = sum(totals[label][0] for label in top)
    lines.append(f"{'(rest)':32} {1000 * (total_s - accounted) / documents:7.2f} ms")
    return "\n".join(lines)


def _row(label: str, slot: list[float], documents: int, total_s: float) -> str:
    seconds, calls = slot
    share = 100 * seconds / total_s if total_s else 0.0
    return f"{label:32} {1000 * seconds / documents:7.2f} ms {share:5.1f} %  {int(calls):7d} calls"
