"""The project's own error classes: one line each, the message built before raising."""

from __future__ import annotations


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
