"""The build: corpus in, the contract's build directory out, atomically and deterministically.

The new build is written into a fresh directory beside the output and published by
replacing a symbolic link (``geodata/build -> .builds/<id>``) with ``os.replace``, which is
atomic: readers see the old build or the new one, never a mix, and a build that fails or
is killed leaves the previous one in place. A lock file keeps two builds from publishing
over each other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from shapely.geometry import Point

from etl import __version__, countries, documents, gazetteer, registry, settings
from etl._errors import BuildError, BuildLockedError
from etl.assemble import extract
from etl.features import FeatureBook
from etl.geo import length_km
from etl.io import csv_bytes, feature_collection_bytes, geometry_dict, write_geopackage
from etl.mentions import Matcher
from etl.resolve import Resolver
from etl.schema import (
    DOSSIER_PROPERTIES,
    FACT_COLUMNS,
    FACTS_CSV,
    GEOPACKAGE,
    LAYERS,
    MANIFEST,
    P_ALIASES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_CONFIDENCE,
    P_COST_USD,
    P_COUNTRIES,
    P_DOSSIER_SOURCES,
    P_END_DATE,
    P_ENDPOINTS,
    P_FIGURES,
    P_FIRST_SEEN,
    P_ID,
    P_LAYER,
    P_LENGTH_KM,
    P_MENTIONS,
    P_NAME,
    P_NOTES,
    P_PRECISION,
    P_REFERENCES,
    P_SECTION_OF,
    P_SOURCES,
    P_START_DATE,
    P_STATED_LENGTH_KM,
    P_STATUS,
    P_TYPE,
    PARTNERSHIPS,
    PROPERTIES,
    UNRESOLVED_COLUMNS,
    UNRESOLVED_CSV,
    Document,
    Feature,
    Skipped,
)

log = logging.getLogger(__name__)

#: how long a second build waits for the first before giving up
LOCK_TIMEOUT_S = 120.0
#: the names of one output's build directories in ``.builds``: ``<out>-<digest>-<random>``
_BUILD_DIR_NAME = r"-(?:[0-9a-f]{12}|previous)-[0-9a-f]{8}"


@dataclass
class BuildResult:
    out: Path
    documents: int
    skipped: list[Skipped]
    counts: dict[str, int]
    unresolved: int
    facts: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        layers = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return (
            f"built {self.out}: {self.documents} documents read, {len(self.skipped)} skipped; "
            f"{layers}; {self.facts} facts; {self.unresolved} unresolved; {self.seconds:.1f} s"
        )


@dataclass
class Knowledge:
    """The curated data a build stands on, loaded once."""

    gazetteer: gazetteer.Gazetteer
    registry: registry.Registry
    matcher: Matcher
    resolver: Resolver
    continent_of: dict[str, str]


def load_knowledge(registry_dir: Path | None = None) -> Knowledge:
    gaz = gazetteer.load()
    reg = registry.load(registry_dir or settings.REGISTRY_DIR, gaz)
    # border crossings and passes are places a route can pass ("via the Torugart pass")
    for place, names in registry.crossing_places(reg):
        gaz.add(place, names)
    return Knowledge(gaz, reg, Matcher(gaz, reg), Resolver(gaz), countries.load().continent)


def build(
    corpus: Path,
    out: Path,
    *,
    knowledge: Knowledge | None = None,
    registry_dir: Path | None = None,
    progress: bool = False,
) -> BuildResult:
    """Read ``corpus``, write the build to ``out``. Raises ``AtlasError`` subclasses on failure.

    ``registry_dir`` replaces ``geodata/registry`` (ignored when ``knowledge`` is given).
    """
    t0 = time.perf_counter()
    if not corpus.is_dir():
        msg = f"corpus directory {corpus} does not exist"
        raise BuildError(msg)
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out.parent / f".{out.name}.lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_S)
    except Timeout as exc:
        msg = (
            f"another build is writing {out}; waited {LOCK_TIMEOUT_S:.0f} s, try again when it ends"
        )
        raise BuildLockedError(msg) from exc
    try:
        knowledge = knowledge or load_knowledge(registry_dir)
        docs, skipped = read_corpus(corpus, progress=progress)
        book = FeatureBook(knowledge.registry)
        for i, doc in enumerate(docs):
            book.add(
                extract(
                    doc,
                    knowledge.matcher,
                    knowledge.resolver,
                    knowledge.registry,
                    knowledge.continent_of,
                )
            )
            if progress and (i + 1) % 500 == 0:
                print(f"  {i + 1}/{len(docs)} documents", file=sys.stderr)
        features = book.finish()
        layers = {layer: [] for layer in LAYERS}
        cs = countries.load()
        first_seen = _first_seen(docs)
        for feat in features:
            layers[feat.layer].append(_feature_dict(feat, book.mentions(feat.id), cs, first_seen))
        unresolved_rows = [_unresolved_row(u) for u in book.unresolved]
        unresolved_rows.sort(key=lambda r: (r["doc"], r["start"], r["mention"]))
        facts_rows = [f.row() for f in book.facts]
        facts_rows.sort(key=lambda r: (r["doc"], r["start"], r["metric"], str(r["original"])))
        manifest = _manifest(
            corpus,
            docs,
            skipped,
            layers,
            len(unresolved_rows),
            len(facts_rows),
            registry_dir or settings.REGISTRY_DIR,
        )
        manifest["figures_unclassified"] = book.unclassified  # money no cue word explains
        files = {f"{layer}.geojson": feature_collection_bytes(fs) for layer, fs in layers.items()}
        files[FACTS_CSV] = csv_bytes(FACT_COLUMNS, facts_rows)
        files[UNRESOLVED_CSV] = csv_bytes(UNRESOLVED_COLUMNS, unresolved_rows)
        # --- GeoParquet per layer beside the GeoJSON (issue 12, etl.publish.parquet) ---
        from etl.publish.parquet import manifest_entry, parquet_files

        files.update(parquet_files(layers))
        manifest["parquet"] = manifest_entry(layers)
        # --- end of GeoParquet ---
        files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
        _publish(out, files, layers)
    finally:
        lock.release()
    for s in skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    return BuildResult(
        out=out,
        documents=len(docs),
        skipped=skipped,
        counts={layer: len(fs) for layer, fs in layers.items()},
        unresolved=len(unresolved_rows),
        facts=len(facts_rows),
        seconds=time.perf_counter() - t0,
    )


def read_corpus(corpus: Path, *, progress: bool = False) -> tuple[list[Document], list[Skipped]]:
    meta = documents.load_metadata(corpus)
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for rel, path, reason in documents.discover(corpus):
        if path is None:
            skipped.append(Skipped(rel, reason or "not readable"))
            continue
        result = documents.read_document(path, rel, meta.get(rel))
        (skipped if isinstance(result, Skipped) else docs).append(result)
    return docs, skipped


def _first_seen(docs: list[Document]) -> dict[str, str | None]:
    return {d.path: d.date for d in docs}


def _feature_dict(
    feat: Feature, mentions: int, cs: countries.Countries, doc_dates: dict[str, str | None]
) -> dict[str, Any]:
    geom = feat.geometry
    iso = feature_countries(feat, cs)
    dates = sorted(d for d in (doc_dates.get(s.doc) for s in feat.sources) if d)
    is_line = geom.geom_type in {"LineString", "MultiLineString"}
    props = {
        P_ID: feat.id,
        P_NAME: feat.name,
        P_ALIASES: sorted(feat.aliases),
        P_LAYER: feat.layer,
        P_TYPE: feat.type,
        P_STATUS: feat.status,
        P_COUNTRIES: iso,
        P_CAPACITY: feat.capacity,
        P_CAPACITY_UNIT: feat.capacity_unit,
        P_LENGTH_KM: round(length_km(geom), 1) if is_line else None,
        P_STATED_LENGTH_KM: feat.stated_length_km,
        P_COST_USD: feat.cost_usd,
        P_PRECISION: feat.precision,
        P_CONFIDENCE: feat.confidence,
        P_MENTIONS: mentions,
        P_FIRST_SEEN: dates[0] if dates else None,
        P_SOURCES: [s.as_dict() for s in feat.sources],
        P_REFERENCES: feat.references,
        P_NOTES: feat.notes,
        P_START_DATE: feat.start_date,
        P_END_DATE: feat.end_date,
        P_ENDPOINTS: feat.endpoints,
        P_FIGURES: feat.figures,
        P_SECTION_OF: feat.section_of,
        **{k: _plain_value(feat.dossier.get(k)) for k in DOSSIER_PROPERTIES},
        P_DOSSIER_SOURCES: feat.dossier_sources or None,
    }
    assert tuple(props) == PROPERTIES
    return {"type": "Feature", "id": feat.id, "geometry": geometry_dict(geom), "properties": props}


def feature_countries(feat: Feature, cs: countries.Countries) -> list[str]:
    """The countries a feature lies in or crosses, as far as anyone can tell.

    The registry's stated list wins (its lines are drawn through sparse waypoints, and a
    straight segment can clip a neighbour the project never enters); a section keeps to
    the countries its project states. A line drawn only from the places a sentence names
    (``inferred``), and a partnership, are placed by their named places alone: the
    straight line between them says nothing about the land it flies over.
    """
    geom = feat.geometry
    if feat.stated_countries and not feat.section_of:
        return sorted(feat.stated_countries)
    if feat.layer == PARTNERSHIPS or feat.precision == "inferred":
        iso = sorted({c for pt in geom.coords for c in cs.of(Point(pt))})
    else:
        iso = cs.of(geom)
    if feat.stated_countries:
        iso = [c for c in iso if c in feat.stated_countries]
    return iso


def _plain_value(value: Any) -> Any:
    """Dossier values as JSON values (tuples as lists)."""
    return list(value) if isinstance(value, tuple) else value


def _unresolved_row(u) -> dict[str, Any]:
    return {
        "mention": u.mention,
        "kind": u.kind,
        "reason": u.reason,
        "doc": u.source.doc,
        "quote": u.source.quote,
        "start": u.source.start,
        "end": u.source.end,
        "candidates": u.candidates,
    }


def _manifest(corpus, docs, skipped, layers, n_unresolved, n_facts, reg_dir) -> dict[str, Any]:
    reg_files = sorted(reg_dir.glob("*.yaml"))
    return {
        "tool": "ca-atlas",
        "version": __version__,
        "documents": [
            {
                "path": d.path,
                "sha256": d.sha256,
                "encoding": d.encoding,
                "title": d.title,
                "date": d.date,
                "date_precision": d.date_precision,
                "source": d.source,
                "url": d.url,
                "characters": len(d.text),
                "boilerplate_chars_dropped": d.boilerplate_chars,
                "dateline": d.dateline,
            }
            for d in docs
        ],
        "skipped": [{"path": s.path, "reason": s.reason, "sha256": s.sha256} for s in skipped],
        "counts": {layer: len(fs) for layer, fs in layers.items()},
        "unresolved": n_unresolved,
        "facts": n_facts,
        "registry": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in reg_files},
    }


def _publish(out: Path, files: dict[str, bytes], layers: dict[str, list]) -> None:
    """Write into a fresh directory, then swap the ``out`` link to it in one rename."""
    builds = out.parent / ".builds"
    builds.mkdir(exist_ok=True)
    digest = hashlib.sha256(b"".join(files[k] for k in sorted(files))).hexdigest()[:12]
    target = builds / f"{out.name}-{digest}-{uuid.uuid4().hex[:8]}"
    target.mkdir()
    try:
        for name, data in files.items():
            with open(target / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        write_geopackage(target / GEOPACKAGE, layers)
        _fsync_dir(target)
        previous = Path(os.path.realpath(out)) if out.is_symlink() else None
        if out.exists() and not out.is_symlink():
            # a plain directory from an older tool or a user: keep it beside the builds
            previous = builds / f"{out.name}-previous-{uuid.uuid4().hex[:8]}"
            os.replace(out, previous)
        link = out.parent / f".{out.name}.link-{uuid.uuid4().hex[:8]}"
        os.symlink(os.path.relpath(target, out.parent), link)
        os.replace(link, out)
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    _prune(builds, out, keep={target.name, previous.name if previous else ""})


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(builds: Path, out: Path, keep: set[str]) -> None:
    """Drop this output's other builds: older ones and what killed builds left half-written.

    The new build and the one it replaced stay, so a reader that resolved the link just
    before the swap can finish reading. Only called with the build lock held.
    """
    mine = re.compile(re.escape(out.name) + _BUILD_DIR_NAME)
    for path in builds.iterdir():
        if mine.fullmatch(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in out.parent.iterdir():  # links a killed build made and never swapped in
        if path.name.startswith(f".{out.name}.link-") and path.is_symlink():
            path.unlink(missing_ok=True)
