"""Running the per-document step: in this process, in worker processes, or on a Dask cluster.

``local`` and ``dask`` take the same jobs (a document's path, bytes and metadata row) and
give back the same thing, each document's outcome in its byte form; ``cache`` keeps those
outcomes between builds. Which documents are done where never changes the output: the
merge (``etl.merge``) does not depend on the order the outcomes arrive in.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl import documents, findings
from etl.assemble import extract
from etl.findings import Outcome
from etl.knowledge import Knowledge
from etl.schema import Skipped


@dataclass(frozen=True, slots=True)
class Job:
    """One document to extract: where it is in the corpus, its bytes and metadata row."""

    rel: str
    data: bytes
    metadata: dict[str, str] | None
    key: str  # its findings cache key


def process(
    rel: str, data: bytes, metadata: dict[str, str] | None, knowledge: Knowledge
) -> Outcome:
    """Decode and extract one document: its findings, or why it was skipped.

    Extraction gets the registry without its merge-only fields (``Knowledge.for_extraction``),
    so what it finds depends on nothing the findings cache key leaves out.
    """
    doc = documents.parse_document(data, rel, metadata)
    if isinstance(doc, Skipped):
        return doc
    try:
        return extract(doc, knowledge.for_extraction())
    except Exception as exc:
        # A fault of the atlas on one document (a text it cannot yet read) costs that
        # document, not the build: it is skipped, and the manifest says why in one line
        # the user can report. Deterministic, so its cached outcome stays true.
        return Skipped(rel, f"extraction failed, please report it: {type(exc).__name__}: {exc}")


def process_batch(
    items: list[tuple[str, bytes, dict[str, str] | None]], knowledge: Knowledge
) -> list[bytes]:
    """A batch of documents, each outcome in its byte form (what crosses process boundaries)."""
    return [findings.to_bytes(process(rel, data, meta, knowledge)) for rel, data, meta in items]
