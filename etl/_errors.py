"""The project's own error classes: one line each, the message built before raising."""

from __future__ import annotations

import errno


class AtlasError(Exception):
    """Base class: a problem a user can act on, shown as one line without a traceback."""


class RegistryError(AtlasError, ValueError):
    """The infrastructure registry (or other curated data) is invalid."""


class BuildLockedError(AtlasError, RuntimeError):
    """Another build holds the output directory."""


class BuildError(AtlasError, RuntimeError):
    """A build or export could not be completed; the previous build is untouched."""


class UsageError(AtlasError, ValueError):
    """The command line asked for something that cannot be done (exit code 2)."""


#: what the C libraries and the OS say when a write finds no room (SQLite through GDAL says
#: "database or disk is full"; the OS, errno ENOSPC, "No space left on device")
_NO_ROOM = ("database or disk is full", "no space left on device")


def no_room(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it was raised from) says the disk is full."""
    while exc is not None:
        said = str(exc).lower()
        if getattr(exc, "errno", None) == errno.ENOSPC or any(w in said for w in _NO_ROOM):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
