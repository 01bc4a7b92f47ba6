"""Reading the YAML data files (registry, word lists, thresholds) with libyaml when it is there.

Every build reads about two megabytes of YAML; PyYAML's pure-Python parser took 2.6 s of
a cached rebuild's 25. ``CSafeLoader`` is PyYAML's own binding to libyaml with the same
safe constructor and resolver, so the data read is the same; a PyYAML built without
libyaml falls back to ``SafeLoader``.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yamldata.load(stream)``, parsed by libyaml when PyYAML has it."""
    return yaml.load(stream, Loader=_LOADER)
