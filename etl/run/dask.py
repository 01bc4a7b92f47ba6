"""Extraction on a Dask distributed cluster the user already runs.

Batches of documents (their bytes: the workers need not see the corpus) go to the workers;
each worker loads the knowledge once and checks that it is the same version as the
build's (same data, same gazetteer index, same code), so a cluster that runs another
version of the atlas stops the build with one line instead of mixing findings. The
findings come back in their byte form; the merge happens once, in the build.

A worker that dies is handled by the scheduler: its tasks go to another worker (Dask's
``distributed.scheduler.allowed-failures``), and the output is the same bytes. If the
cluster gives up, the build stops with one line and the previous build stays in place.

Security: a scheduler runs whatever functions its clients send, so anyone who can reach it
can run code on every worker. Bind it to a private interface and use TLS with client
certificates (``tls://`` addresses, ``distributed.security.Security``): see the README.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl import findings
from etl._errors import BuildError
from etl.knowledge import Knowledge
from etl.run import Job, process_batch

#: documents per task
BATCH = 32
#: batches in flight per worker thread
_IN_FLIGHT = 4
#: seconds to wait for the scheduler to answer
CONNECT_TIMEOUT_S = 20

_loaded: dict[str, Knowledge] = {}
_loading = threading.Lock()


def security(
    ca_file: Path | None, cert: Path | None, key: Path | None, address: str
) -> object | None:
    """A ``distributed.security.Security`` from the flags, or None for Dask's own config."""
    from distributed.security import Security

    if not (ca_file or cert or key):
        return None  # Dask reads its configuration (distributed.comm.tls.*) itself
    if not (ca_file and cert):
        msg = "--tls-ca-file and --tls-cert go together (and --tls-key unless the cert holds it)"
        raise BuildError(msg)
    if not address.startswith("tls://"):
        msg = f"TLS flags need a tls:// scheduler address, not {address!r}"
        raise BuildError(msg)
    return Security(
        tls_ca_file=str(ca_file),
        tls_client_cert=str(cert),
        tls_client_key=str(key) if key else None,
        require_encryption=True,
    )


def _batch_on_worker(
    items: list[tuple[str, bytes, dict[str, str] | None]], version: str, registry_dir: str
) -> list[bytes]:
    """Runs on a worker: load the knowledge once, check its version, extract the batch."""
    with _loading:
        knowledge = _loaded.get(registry_dir)
        if knowledge is None:
            from etl import knowledge as knowledge_mod

            knowledge = _loaded[registry_dir] = knowledge_mod.load(Path(registry_dir))
    if knowledge.version != version:
        msg = (
            f"this worker's atlas knowledge ({knowledge.version[:12]}) differs from the "
            f"build's ({version[:12]}): install the same version and data on every worker"
        )
        raise RuntimeError(msg)
    return process_batch(items, knowledge)


def run(
    jobs: Iterable[Job], knowledge: Knowledge, scheduler: str, security: object | None = None
) -> Iterator[tuple[Job, findings.Outcome, bytes]]:
    """Each job's outcome and its byte form, extracted on the cluster at ``scheduler``."""
    from distributed import Client, as_completed

    try:
        client = Client(
            scheduler, security=security, timeout=CONNECT_TIMEOUT_S, set_as_default=False
        )
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        msg = f"cannot reach the Dask scheduler at {scheduler}: {_one_line(exc)}"
        raise BuildError(msg) from exc
    try:
        threads = sum(client.nthreads().values()) or 1
        pending: dict = {}
        done = as_completed(loop=client.loop)
        batch: list[Job] = []

        def submit(batch: list[Job]) -> None:
            items = [(j.rel, j.data, j.metadata) for j in batch]
            future = client.submit(
                _batch_on_worker,
                items,
                knowledge.version,
                str(knowledge.registry_dir),
                pure=False,
            )
            pending[future.key] = batch
            done.add(future)

        def drain(limit: int) -> Iterator[tuple[Job, findings.Outcome, bytes]]:
            while len(pending) > limit:
                future = next(done)
                batch = pending.pop(future.key)
                try:
                    payloads = future.result()
                except Exception as exc:  # the worker's own error, or the cluster gave up
                    msg = f"the Dask cluster failed on a batch: {_one_line(exc)}"
                    raise BuildError(msg) from exc
                for job, payload in zip(batch, payloads, strict=True):
                    yield job, findings.from_bytes(payload), payload
                future.release()

        for job in jobs:
            batch.append(job)
            if len(batch) >= BATCH:
                submit(batch)
                batch = []
                yield from drain(_IN_FLIGHT * threads)
        if batch:
            submit(batch)
        yield from drain(0)
    finally:
        client.close()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."
