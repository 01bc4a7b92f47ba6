"""The per-document findings cache: safe data, checked before it is trusted, written atomically.

An entry is the byte form of one document's ``DocumentFindings`` (zlib-compressed JSON,
see ``etl.findings``) behind a one-line JSON header::

    atlas-findings 1\\n
    {"key": ..., "knowledge": ..., "code": ..., "size": ..., "sha256": ...}\\n
    <payload>

Nothing in it can run code when it is read: no pickle. An entry is used only when its
header names the key it was looked up by, the knowledge version and code version of this
build, and the size and SHA-256 of the payload that follows; one that was truncated, has a
flipped byte, was written by another version or does not decode is re-extracted (and
overwritten), never trusted.

The key is a digest of the document's bytes, its path, its ``metadata.csv`` row and the
knowledge version, so adding, changing or removing one article re-extracts only that
article, and an edit to the registry or a word list re-extracts everything it may change.

Entries are written to a temporary file in the same folder, synced and renamed into place:
a build killed in the middle of a write leaves the old entry or none, never half of one.
The folder is created readable and writable by its owner only (0700); a folder that others
can write to is not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
import time
from pathlib import Path

from etl import findings
from etl.findings import Outcome

log = logging.getLogger(__name__)

MAGIC = b"atlas-findings 1\n"
#: the longest header a valid entry has (digests and a size); more is not read as one
_MAX_HEADER = 1024
#: temporary files older than this are what killed builds left behind
_STALE_TMP_S = 3600.0


class UnsafeCacheError(OSError):
    """The cache folder belongs to someone else or others can write to it."""


def entry_key(version: str, rel: str, metadata: dict[str, str] | None, data: bytes) -> str:
    """The cache key of one document: its bytes, path and metadata row, and the knowledge."""
    h = hashlib.sha256()
    for part in (version, rel, json.dumps(metadata or {}, sort_keys=True, ensure_ascii=False)):
        encoded = part.encode("utf-8", "surrogateescape")
        h.update(len(encoded).to_bytes(8, "big") + encoded)
    h.update(data)
    return h.hexdigest()


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) or check that an existing one is ours and not shared."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        msg = f"findings cache {path} is not a plain folder"
        raise UnsafeCacheError(msg)
    if info.st_uid != os.getuid():
        msg = f"findings cache {path} belongs to another user"
        raise UnsafeCacheError(msg)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        msg = f"findings cache {path} can be written by other users (chmod 700 it)"
        raise UnsafeCacheError(msg)
    return path


class FindingsCache:
    """Entries under ``directory``, valid for one knowledge version and one code version."""

    def __init__(self, directory: Path, knowledge_version: str, code_version: str) -> None:
        self.directory = private_dir(Path(directory))
        self.knowledge = knowledge_version
        self.code = code_version
        self.hits = 0
        self.misses = 0
        self.rejected = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> Outcome | None:
        """The cached outcome, or None when there is none or it cannot be trusted."""
        path = self._path(key)
        try:
            with path.open("rb") as f:
                data = f.read()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            log.warning("findings cache: cannot read %s (%s); re-extracting", path.name, exc)
            self.misses += 1
            return None
        outcome = self._check(key, data)
        if outcome is None:
            self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def _check(self, key: str, data: bytes) -> Outcome | None:
        if not data.startswith(MAGIC):
            return None
        end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
        if end < 0:
            return None
        try:
            header = json.loads(data[len(MAGIC) : end])
        except ValueError:
            return None
        payload = data[end + 1 :]
        if not isinstance(header, dict) or (
            header.get("key") != key
            or header.get("knowledge") != self.knowledge
            or header.get("code") != self.code
            or header.get("size") != len(payload)
            or header.get("sha256") != hashlib.sha256(payload).hexdigest()
        ):
            return None
        try:
            return findings.from_bytes(payload)
        except ValueError:
            return None

    def put(self, key: str, payload: bytes) -> None:
        """Write one entry atomically; a failure to write costs a re-extraction, no more."""
        header = {
            "key": key,
            "knowledge": self.knowledge,
            "code": self.code,
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
        folder = self._path(key).parent
        tmp = None
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
            with os.fdopen(fd, "wb") as f:
                # no fsync: the rename is atomic for a killed build, and an entry torn by a
                # power cut fails its size or hash check and is re-extracted
                f.write(MAGIC + json.dumps(header).encode() + b"\n" + payload)
            os.replace(tmp, folder / key)
            tmp = None
        except OSError as exc:
            log.warning("findings cache: cannot write an entry (%s); continuing", exc)
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def sweep(self) -> None:
        """Remove what killed builds left: temporary files older than an hour."""
        now = time.time()
        for tmp in self.directory.glob("*/.tmp-*"):
            with contextlib.suppress(OSError):
                if now - tmp.lstat().st_mtime > _STALE_TMP_S:
                    tmp.unlink()
