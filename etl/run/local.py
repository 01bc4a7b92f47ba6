"""Extraction on this machine: in the build's own process, or in N worker processes.

Worker processes are forked from the build process after the knowledge is loaded, so
each starts with it in memory (shared pages, no second load). A process that runs other
threads (the dashboard's server) is not forked, since a fork copies locks other threads may
hold, and a fresh interpreter would re-run its ``__main__``: it extracts in its own process.
Batches of documents go out,
byte forms of their findings come back; a bounded number of batches is in flight at a
time, so memory does not grow with the corpus. A worker that dies (killed, out of memory)
stops the build with one line; the previous build stays in place.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from etl import findings
from etl._errors import BuildError
from etl.knowledge import Knowledge
from etl.run import Job, process, process_batch

#: documents per batch sent to a worker process
BATCH = 16

_KNOWLEDGE: Knowledge | None = None  # set in the parent before the workers fork


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(
    jobs: Iterable[Job], knowledge: Knowledge, workers: int
) -> Iterator[tuple[Job, findings.Outcome, bytes]]:
    """Each job's outcome and its byte form, in the order they are done."""
    if (
        workers <= 1
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1  # a fork copies locks the other threads may hold
    ):
        for job in jobs:
            outcome = process(job.rel, job.data, job.metadata, knowledge)
            yield job, outcome, findings.to_bytes(outcome)
        return
    yield from _pool(jobs, knowledge, workers)


def _work(items: list[tuple[str, bytes, dict[str, str] | None]]) -> list[bytes]:
    assert _KNOWLEDGE is not None
    return process_batch(items, _KNOWLEDGE)


def _batches(jobs: Iterable[Job]) -> Iterator[list[Job]]:
    batch: list[Job] = []
    for job in jobs:
        batch.append(job)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _pool(
    jobs: Iterable[Job], knowledge: Knowledge, workers: int
) -> Iterator[tuple[Job, findings.Outcome, bytes]]:
    global _KNOWLEDGE
    _KNOWLEDGE = knowledge
    window: deque = deque()
    ctx = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            batches = _batches(jobs)
            for batch in batches:
                items = [(j.rel, j.data, j.metadata) for j in batch]
                window.append((batch, pool.submit(_work, items)))
                if len(window) >= 4 * workers:
                    yield from _done(*window.popleft())
            while window:
                yield from _done(*window.popleft())
    except BrokenProcessPool as exc:
        msg = (
            "a worker process died in the middle of the build (killed, or out of memory); "
            "nothing was published"
        )
        raise BuildError(msg) from exc
    finally:
        _KNOWLEDGE = None
        for _, future in window:
            future.cancel()


def _done(batch: list[Job], future) -> Iterator[tuple[Job, findings.Outcome, bytes]]:
    for job, payload in zip(batch, future.result(), strict=True):
        yield job, findings.from_bytes(payload), payload
