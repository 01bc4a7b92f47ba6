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
import stat
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from shapely.geometry import Point

from etl import __version__, countries, documents, settings
from etl import knowledge as knowledge_mod
from etl._errors import BuildError, BuildLockedError
from etl.findings import DocInfo
from etl.geo import length_km
from etl.io import (
    csv_bytes,
    fill_geopackage_text,
    geometry_dict,
    geopackage_row,
    write_geopackage_rows,
    write_layer_styles,
)
from etl.knowledge import code_version
from etl.merge import Merge
from etl.progress import Progress
from etl.publish.parquet import ParquetLayer, manifest_entry
from etl.publish.parquet import file_name as parquet_file_name
from etl.run import Job
from etl.run.cache import FindingsCache, entry_key
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
    extracted: int = 0  # documents extracted in this build
    reused: int = 0  # documents whose findings came from the cache

    def summary(self) -> str:
        layers = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return (
            f"built {self.out}: {self.documents} documents read, {len(self.skipped)} skipped; "
            f"{layers}; {self.facts} facts; {self.unresolved} unresolved; {self.seconds:.1f} s"
        )


#: the knowledge a build stands on (kept here: callers and tests know it by this name)
Knowledge = knowledge_mod.Knowledge


def load_knowledge(registry_dir: Path | None = None) -> Knowledge:
    return knowledge_mod.load(registry_dir)


@dataclass(frozen=True)
class RunOptions:
    """How the per-document step runs; none of it changes the output bytes.

    ``full`` ignores the findings cache (and rewrites it); ``workers`` is the number of
    processes on this machine (None: one per core); ``scheduler`` a Dask scheduler address
    (``tcp://`` or ``tls://``), with ``security`` its ``distributed.security.Security``;
    ``cache_dir`` the findings cache (default ``<cache>/findings``), ``cache=False`` none.
    """

    full: bool = False
    workers: int | None = None
    scheduler: str | None = None
    security: object | None = None
    cache: bool = True
    cache_dir: Path | None = None


def build(
    corpus: Path,
    out: Path,
    *,
    knowledge: Knowledge | None = None,
    registry_dir: Path | None = None,
    progress: bool = False,
    options: RunOptions | None = None,
) -> BuildResult:
    """Read ``corpus``, write the build to ``out``. Raises ``AtlasError`` subclasses on failure.

    ``registry_dir`` replaces ``geodata/registry`` (ignored when ``knowledge`` is given).
    """
    t0 = time.perf_counter()
    options = options or RunOptions()
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
    builds = out.parent / ".builds"
    try:
        knowledge = knowledge or load_knowledge(registry_dir)
        builds.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}-merge-", dir=builds))
        try:
            merge = Merge(knowledge.registry, spill=work / "merge.sqlite")
            infos, skipped, tally = _extract_all(corpus, knowledge, merge, options, progress)
            result = _write(out, corpus, knowledge, merge, infos, skipped, t0)
            result.extracted, result.reused = tally
            merge.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        lock.release()
    for s in skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    return result


def _extract_all(
    corpus: Path, knowledge: Knowledge, merge: Merge, options: RunOptions, progress: bool
) -> tuple[list[DocInfo], list[Skipped], tuple[int, int]]:
    """Every document's findings into ``merge``: from the cache, or extracted now."""
    meta = documents.load_metadata(corpus)
    order: dict[str, int] = {}
    skipped: dict[str, Skipped] = {}
    readable: list[tuple[str, Path]] = []
    for rel, path, reason in documents.discover(corpus):
        order[rel] = len(order)
        if path is None:
            skipped[rel] = Skipped(rel, reason or "not readable")
        else:
            readable.append((rel, path))
    cache = None
    if options.cache:
        try:
            cache = FindingsCache(
                options.cache_dir or settings.FINDINGS_DIR,
                knowledge.version,
                code_version(),
            )
            cache.sweep()
        except OSError as exc:
            print(f"warning: findings cache not used: {exc}", file=sys.stderr)
    infos: dict[str, DocInfo] = {}
    tally = [0, 0]
    bar = Progress(len(readable), enabled=progress)

    def take(outcome) -> None:
        if isinstance(outcome, Skipped):
            skipped[outcome.path] = outcome
        else:
            infos[outcome.doc.path] = outcome.doc
            merge.add(outcome)
        bar.step()

    def jobs() -> Iterator[Job]:
        for rel, path in readable:
            data = _read_bytes(path, rel)
            if isinstance(data, Skipped):
                take(data)
                continue
            row = meta.get(rel)
            key = entry_key(knowledge.version, rel, row, data)
            if cache is not None and not options.full:
                hit = cache.get(key)
                if hit is not None and _outcome_path(hit) == rel:
                    tally[1] += 1
                    take(hit)
                    continue
            yield Job(rel, data, row, key)

    try:
        if options.scheduler:
            from etl.run import dask as runner

            results = runner.run(jobs(), knowledge, options.scheduler, options.security)
        else:
            from etl.run import local

            workers = options.workers or local.default_workers()
            results = local.run(jobs(), knowledge, workers)
        for job, outcome, payload in results:
            if cache is not None:
                cache.put(job.key, payload)
            tally[0] += 1
            take(outcome)
    finally:
        bar.close()
    if cache is not None and bar.enabled:
        print(
            f"  findings cache: {cache.hits} reused, {cache.misses} extracted"
            + (f" ({cache.rejected} entries not trusted)" if cache.rejected else ""),
            file=sys.stderr,
        )
    by_order = sorted(infos.values(), key=lambda d: order[d.path])
    skipped_list = sorted(skipped.values(), key=lambda s: order.get(s.path, 0))
    return by_order, skipped_list, (tally[0], tally[1])


def _outcome_path(outcome) -> str:
    return outcome.path if isinstance(outcome, Skipped) else outcome.doc.path


def _read_bytes(path: Path, rel: str) -> bytes | Skipped:
    """A file's bytes, with the checks ``documents.read_document`` makes before reading."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the build forever
            return Skipped(rel, "not a regular file (device, pipe or socket)")
        if info.st_size > documents.MAX_BYTES:
            return Skipped(
                rel, f"too large ({info.st_size:,} bytes; the limit is {documents.MAX_BYTES:,})"
            )
        return path.read_bytes()
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")


def _write(
    out: Path,
    corpus: Path,
    knowledge: Knowledge,
    merge: Merge,
    infos: list[DocInfo],
    skipped: list[Skipped],
    t0: float,
) -> BuildResult:
    """The layers, CSVs and manifest, streamed into a fresh directory, then published."""
    merge.finish(knowledge.gazetteer)
    target, digest = _new_target(out)
    try:
        counts = {layer: 0 for layer in LAYERS}
        for layer in LAYERS:
            counts[layer] = _write_layer(target, layer, merge, knowledge.countries, digest)
        write_layer_styles(target / GEOPACKAGE, list(LAYERS))  # QGIS: one style per layer
        with _Writer(target / FACTS_CSV, digest) as w:
            w.write(csv_bytes(FACT_COLUMNS, []))
            for rows in _chunks(merge.fact_rows(), 5000):
                w.write(csv_bytes(FACT_COLUMNS, rows).split(b"\n", 1)[1])
        with _Writer(target / UNRESOLVED_CSV, digest) as w:
            w.write(csv_bytes(UNRESOLVED_COLUMNS, []))
            for rows in _chunks(merge.unresolved_rows(), 5000):
                w.write(csv_bytes(UNRESOLVED_COLUMNS, rows).split(b"\n", 1)[1])
        manifest = _manifest(
            infos,
            skipped,
            counts,
            merge.unresolved_count,
            merge.facts_count,
            knowledge.registry_dir,
        )
        manifest["figures_unclassified"] = merge.unclassified  # money no cue word explains
        manifest["parquet"] = manifest_entry(LAYERS)
        with _Writer(target / MANIFEST, digest) as w:
            _write_manifest(w, manifest, infos)
        _publish(out, target, digest.hexdigest()[:12])
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return BuildResult(
        out=out,
        documents=len(infos),
        skipped=skipped,
        counts=counts,
        unresolved=merge.unresolved_count,
        facts=merge.facts_count,
        seconds=time.perf_counter() - t0,
    )


#: features, or source sentences, per GeoPackage write (memory stays bounded on a large layer)
_GPKG_CHUNK = 2000
_GPKG_CHUNK_SOURCES = 20_000
#: a feature of this many source sentences or more gets its GeoPackage sources cell
#: streamed in after GDAL has written its row (``fill_geopackage_text``): GDAL would hold
#: the text several times over, and China's is 200 MB at 100,000 articles
_GPKG_FILL_SOURCES = 5_000
#: features built at a time (their point countries are found in one spatial query)
_BATCH = 500


def _write_layer(target: Path, layer: str, merge: Merge, cs: countries.Countries, digest) -> int:
    """One layer's GeoJSON, GeoParquet and GeoPackage table, written as its features are built.

    The merge builds the layer's features in id order, a batch at a time; each is
    written to the three files and dropped, so what is held is a batch of features, the
    GeoPackage chunk and the GeoParquet row group (and the layer's geometries, for the
    GeoParquet metadata), never the whole layer or build. A feature's source sentences
    are streamed from the merge's spill into its GeoJSON and into the JSON text its
    GeoParquet and GeoPackage cells hold, never held as a list: China, named in most
    articles, has a million of them at 100,000 articles. Returns the features written.
    """
    # GeoParquet beside the GeoJSON (etl.publish.parquet), in row groups
    parquet = ParquetLayer(
        target / parquet_file_name(layer), (geometry_dict(g) for g in merge.geometries(layer))
    )
    n = 0
    with _Writer(target / f"{layer}.geojson", digest) as w:
        w.write(b'{"type":"FeatureCollection","features":[')
        chunk: list[tuple[dict[str, Any], Any]] = []
        held = 0  # source sentences in the chunk: what its memory grows with
        fills: list[tuple[str, int, Any]] = []  # large sources cells: (id, bytes, feature)
        for batch in _chunks(merge.features(layer), _BATCH):
            point_countries = _point_countries(cs, [feat for feat, _ in batch])
            for feat, acc in batch:
                iso = point_countries.get(feat.id) or merge.countries(acc)
                fd = _feature_dict(feat, acc.mentions, cs, acc.first_seen, iso)
                fd["properties"][P_SOURCES] = _SOURCES_MARK
                head, tail = json.dumps(
                    fd, ensure_ascii=False, separators=(",", ":"), allow_nan=False
                ).split(_SOURCES_MARK_JSON, 1)
                w.write(b"\n" if n == 0 else b",\n")
                w.write(head.encode("utf-8") + b'"sources":')
                # one pass over the sources: the compact JSON goes to the GeoJSON and the
                # GeoParquet cell, the spaced JSON (json.dumps' separators) to the GeoPackage
                # cell, unless the feature has so many that it is filled in later
                text = bytearray(b"[")
                spaced: bytearray | None = bytearray(b"[")
                count = 0
                w.write(b"[")
                for compact, loose in merge.source_json(acc):
                    piece = (b"," + compact.encode()) if count else compact.encode()
                    w.write(piece)
                    text += piece
                    if spaced is not None:
                        if count >= _GPKG_FILL_SOURCES:
                            spaced = None  # too many to hold: filled in once the row is written
                        else:
                            spaced += (b", " + loose.encode()) if count else loose.encode()
                    count += 1
                w.write(b"]")
                text += b"]"
                w.write(tail.encode("utf-8"))
                n += 1
                parquet.add(fd, count, {P_SOURCES: text})
                del text
                if spaced is None or count >= _GPKG_FILL_SOURCES:  # filled in once written
                    size = sum(map(len, _json_list(merge, acc)))
                    chunk.append(geopackage_row(fd, {P_SOURCES: ""}))
                    fills.append((feat.id, size, acc))
                else:
                    held += count
                    spaced += b"]"
                    chunk.append(geopackage_row(fd, {P_SOURCES: spaced.decode("utf-8")}))
                del spaced
                if len(chunk) >= _GPKG_CHUNK or held >= _GPKG_CHUNK_SOURCES:
                    write_geopackage_rows(target / GEOPACKAGE, layer, chunk)
                    chunk, held = [], 0
            batch.clear()
        w.write(b"\n]}\n" if n else b"]}\n")
        if chunk or not n or not (target / GEOPACKAGE).exists():
            write_geopackage_rows(target / GEOPACKAGE, layer, chunk)
    for fid, size, acc in fills:
        pieces = _json_list(merge, acc)
        fill_geopackage_text(target / GEOPACKAGE, layer, P_SOURCES, (P_ID, fid), size, pieces)
    parquet.close()
    _add_file(target / parquet_file_name(layer), digest)
    return n


#: what a feature's sources are while the rest of it is dumped (a private-use character:
#: JSON text escapes every quote inside a string, so ``"sources":"\ue000"`` is found only
#: where the property is)
_SOURCES_MARK = "\ue000"
_SOURCES_MARK_JSON = f'"{P_SOURCES}":"{_SOURCES_MARK}"'


def _json_list(merge: Merge, acc) -> Iterator[bytes]:
    """A feature's sources as the GeoPackage holds them (``json.dumps(list, ensure_ascii=False)``
    with its default separators), as UTF-8 in pieces: the brackets, then each source with
    the separator before it."""
    yield b"["
    for i, (_, loose) in enumerate(merge.source_json(acc)):
        yield (b", " + loose.encode()) if i else loose.encode()
    yield b"]"


def _chunks(rows: Iterator, n: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Writer:
    """A file written, synced and added to the build's digest."""

    def __init__(self, path: Path, digest) -> None:
        self.path = path
        self.digest = digest

    def __enter__(self) -> _Writer:
        self.f = open(self.path, "wb")
        return self

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.digest.update(data)

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self.f.flush()
                os.fsync(self.f.fileno())
        finally:
            self.f.close()


def _add_file(path: Path, digest) -> None:
    """A file another library wrote: synced, and read back into the build's digest."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())
        while block := f.read(1 << 20):
            digest.update(block)


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


def _point_countries(cs: countries.Countries, features: list[Feature]) -> dict[str, list[str]]:
    """The countries of every point feature that lies inside one, in one spatial query.

    The same answer as ``Countries.of`` (which the others still go through), a hundred
    times faster than one query per feature on a corpus with thousands of places.
    """
    points = [f for f in features if f.geometry.geom_type == "Point"]
    if not points:
        return {}
    pairs = cs.tree.query([f.geometry for f in points], predicate="within")
    found: dict[str, list[str]] = {}
    for i, j in zip(*pairs, strict=True):
        found.setdefault(points[int(i)].id, []).append(cs.iso3[int(j)])
    return {fid: sorted(isos) for fid, isos in found.items()}


def _feature_dict(
    feat: Feature,
    mentions: int,
    cs: countries.Countries,
    first_seen: str | None,
    iso: list[str] | None = None,
) -> dict[str, Any]:
    geom = feat.geometry
    if iso is None or feat.stated_countries:  # points: one spatial query for all
        iso = feature_countries(feat, cs)
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
        P_FIRST_SEEN: first_seen,
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


def _manifest(infos, skipped, counts, n_unresolved, n_facts, reg_dir) -> dict[str, Any]:
    reg_files = sorted(Path(reg_dir).glob("*.yaml"))
    return {
        "tool": "ca-atlas",
        "version": __version__,
        "documents": [],  # written one at a time (_write_manifest)
        "skipped": [{"path": s.path, "reason": s.reason, "sha256": s.sha256} for s in skipped],
        "counts": dict(counts),
        "unresolved": n_unresolved,
        "facts": n_facts,
        "registry": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in reg_files},
    }


def _document_entry(d: DocInfo) -> dict[str, Any]:
    return {
        "path": d.path,
        "sha256": d.sha256,
        "encoding": d.encoding,
        "title": d.title,
        "date": d.date,
        "date_precision": d.date_precision,
        "source": d.source,
        "url": d.url,
        "characters": d.characters,
        "boilerplate_chars_dropped": d.boilerplate_chars,
        "dateline": d.dateline,
    }


def _write_manifest(w: _Writer, manifest: dict[str, Any], infos: list[DocInfo]) -> None:
    """``json.dumps(manifest, indent=2)`` with its documents filled in, one at a time.

    The same bytes as dumping the whole manifest with every document's entry in it,
    without holding a hundred thousand entries and their text at once.
    """
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    head, tail = text.split('\n  "documents": []', 1)
    w.write((head + '\n  "documents": [').encode())
    for i, d in enumerate(infos):
        entry = json.dumps(_document_entry(d), ensure_ascii=False, indent=2).split("\n")
        w.write(((",\n" if i else "\n") + "\n".join("    " + x for x in entry)).encode())
    w.write((("\n  ]" if infos else "]") + tail).encode())


def _new_target(out: Path):
    """A fresh build directory in ``.builds`` (renamed after its content once written)."""
    builds = out.parent / ".builds"
    builds.mkdir(exist_ok=True)
    target = builds / f"{out.name}-{uuid.uuid4().hex[:12]}-{uuid.uuid4().hex[:8]}"
    target.mkdir()
    return target, hashlib.sha256()


def _publish(out: Path, written: Path, digest: str) -> None:
    """Name the written directory after its content, then swap the ``out`` link to it."""
    builds = out.parent / ".builds"
    target = builds / f"{out.name}-{digest}-{uuid.uuid4().hex[:8]}"
    os.rename(written, target)
    try:
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
    for path in builds.glob(f".{out.name}-merge-*"):  # what a killed build merged in
        shutil.rmtree(path, ignore_errors=True)
    for path in out.parent.iterdir():  # links a killed build made and never swapped in
        if path.name.startswith(f".{out.name}.link-") and path.is_symlink():
            path.unlink(missing_ok=True)
