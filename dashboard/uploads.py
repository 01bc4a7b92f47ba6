"""Adding articles to the corpus from the browser: check everything first, then write.

An upload is accepted only when its name has an allowed suffix, it is within the size limit
the ETL applies (``etl.documents.MAX_BYTES``) and the ETL's own reader can read it
(``etl.documents.parse_document``). Each file of a batch is judged on its own: the files that
pass are written, each atomically and never over an existing file, under a safe name; each
file that fails is refused with its own reason and written nowhere, and does not hold back
the others. A title or date typed by the user goes into a ``Title:``/``Date:`` header (text)
or ``metadata.csv`` (HTML), the two places the ETL reads metadata from.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dashboard._markdown import code
from etl.documents import HTML_SUFFIXES, MAX_BYTES, METADATA_FILE, decode, parse_document
from etl.schema import Document

ALLOWED_SUFFIXES = (".txt", ".html", ".htm")
#: the size limit as a reader sees it, from the one definition (``etl.documents.MAX_BYTES``)
LIMIT_TEXT = f"{MAX_BYTES / 1_048_576:g} MiB"
#: the upload widget's own limit, in Streamlit's whole megabytes (10^6 bytes in a browser on
#: Linux or macOS, 2^20 on Windows): the least that holds ``MAX_BYTES`` either way, so the
#: widget never turns away a file the atlas reads; ``check`` then applies ``MAX_BYTES``
#: exactly. The widget's "6MB per file" is replaced on the page by ``LIMIT_TEXT``, and
#: ``server.maxUploadSize`` in ``.streamlit/config.toml`` must be this number.
WIDGET_MB = -(-MAX_BYTES // 1_000_000)
MAX_NAME_CHARS = 80
#: a name longer than this is refused outright (no file system needs one)
MAX_UPLOAD_NAME = 200
#: separators of any script, and their look-alikes, that would make a name a path
_PATHLIKE = re.compile(r"[/\\\uff0f\uff3c\u2215\u2044]|%2f|%5c", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^(title|date|source|url)\s*:", re.IGNORECASE)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_METADATA_COLUMNS = ("file", "title", "date")


class UploadError(ValueError):
    """An upload that cannot be added; the message names the file and says why."""


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it, with the optional title and date typed beside it."""

    name: str
    data: bytes
    title: str | None = None
    date: str | None = None  # ISO date


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check: the bytes to write and where."""

    upload: Upload
    name: str  # safe file name in the corpus
    data: bytes  # what is written (a header may have been added)
    document: Document


def safe_name(name: str, taken: Iterable[str] = ()) -> str:
    """A file name that stays in the corpus folder: no directories, no ``..``, no hidden file.

    Letters are folded to ASCII, anything else becomes ``-``, the stem is cut to
    ``MAX_NAME_CHARS`` and a number is added when the name is taken (case-insensitively).
    Raises ``UploadError`` for a suffix the corpus does not take.
    """
    refusal = _refusal(name)
    if refusal is not None:
        raise UploadError(f"{code(name)}: refused: {refusal}; it was not saved.")
    base = PurePosixPath(name).name
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot and suffix else ""
    if suffix not in ALLOWED_SUFFIXES:
        msg = (
            f"{code(name)}: only {', '.join(ALLOWED_SUFFIXES)} files can be added "
            f"(this one is {suffix or 'without a suffix'})."
        )
        raise UploadError(msg)
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    clean = _UNSAFE.sub("-", folded)
    clean = re.sub(r"\.{2,}", ".", clean).strip("-._")[:MAX_NAME_CHARS].strip("-._")
    clean = clean or "article"
    taken_lower = {t.lower() for t in taken}
    candidate, n = f"{clean}{suffix}", 2
    while candidate.lower() in taken_lower:
        candidate = f"{clean}-{n}{suffix}"
        n += 1
    return candidate


def _refusal(name: str) -> str | None:
    """Why a name cannot be a corpus file name at all, or None.

    Names that are paths (folders, ``..``, ``~``, an absolute or Windows path), carry
    control characters, or are overlong are refused rather than guessed at: a browser
    never sends them, a crafted request does.
    """
    if len(name) > MAX_UPLOAD_NAME:
        return f"the name is {len(name)} characters long (at most {MAX_UPLOAD_NAME})"
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in name):
        return "the name holds control or formatting characters"
    if _PATHLIKE.search(name) or name.startswith("~") or re.match(r"^[A-Za-z]:", name):
        return "a file name may not contain folders, '..' or '~'"
    return None


def check(uploads: list[Upload], corpus: Path) -> tuple[list[Checked], list[str]]:
    """Check a batch file by file: the files to write, and one reason per file refused.

    A refused file does not hold back the others; names taken by earlier files of the
    batch count as taken.
    """
    taken = set(_existing(corpus))
    accepted: list[Checked] = []
    problems: list[str] = []
    for up in uploads:
        try:
            item = _check_one(up, taken)
        except UploadError as exc:
            problems.append(str(exc))
            continue
        taken.add(item.name)
        accepted.append(item)
    return accepted, problems


def _check_one(up: Upload, taken: set[str]) -> Checked:
    name = safe_name(up.name, taken)
    if len(up.data) > MAX_BYTES:
        msg = f"{code(up.name)} is {len(up.data) / 1_048_576:.1f} MiB; the limit is {LIMIT_TEXT}."
        raise UploadError(msg)
    title = _one_line(up.title)
    date = _one_line(up.date)
    data = up.data
    if (title or date) and not name.lower().endswith(tuple(HTML_SUFFIXES)):
        data = with_header(up.data, title=title, date=date)
        if data is None:
            msg = f"{code(up.name)} could not be read: binary or undecodable content."
            raise UploadError(msg)
    result = parse_document(data, name, {"title": title or "", "date": date or ""})
    if not isinstance(result, Document):
        msg = f"{code(up.name)} could not be read: {result.reason}."
        raise UploadError(msg)
    return Checked(up, name, data, result)


def with_header(data: bytes, *, title: str | None, date: str | None) -> bytes | None:
    """The text with ``Title:``/``Date:`` lines on top, as UTF-8 (None if it is not text).

    Header lines the file already has for the same keys are dropped, so the user's win.
    """
    decoded = decode(data)
    if decoded is None:
        return None
    text = decoded[0].lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    given = {k for k, v in (("title", title), ("date", date)) if v}
    kept, i = [], 0
    while i < len(lines) and _HEADER_LINE.match(lines[i].strip()):
        key = lines[i].split(":", 1)[0].strip().lower()
        if key not in given:
            kept.append(lines[i] if lines[i].endswith("\n") else lines[i] + "\n")
        i += 1
    header = [f"Title: {title}\n"] if title else []
    header += [f"Date: {date}\n"] if date else []
    body = "".join(lines[i:])
    if not kept and i == 0:
        body = "\n" + body  # a blank line between the new header and the text
    return ("".join(header + kept) + body).encode("utf-8")


@dataclass(frozen=True)
class Saved:
    """What ``save`` changed in the corpus, so that ``undo`` can take it back."""

    paths: list[Path]
    metadata: Path | None = None
    metadata_before: bytes | None = None  # None: the file did not exist


def save(items: list[Checked], corpus: Path) -> Saved:
    """Write the checked files into the corpus: all or nothing.

    Every file here has passed ``check``, so a failure now is the disk's (full, read-only),
    not the file's: what was written of the batch is taken out again and the error raised.
    """
    written: list[Path] = []
    meta = corpus / METADATA_FILE
    before = meta.read_bytes() if meta.exists() else None
    html_meta = [
        i
        for i in items
        if i.name.lower().endswith(tuple(HTML_SUFFIXES)) and (i.upload.title or i.upload.date)
    ]
    try:
        for item in items:
            written.append(_write_new(corpus / item.name, item.data))
        if html_meta:
            _add_metadata(corpus, html_meta)
    except OSError:
        undo(Saved(written, meta if html_meta else None, before))
        raise
    return Saved(written, meta if html_meta else None, before)


def undo(saved: Saved) -> None:
    """Take written uploads out again (when the rebuild after them failed)."""
    for p in saved.paths:
        p.unlink(missing_ok=True)
    if saved.metadata is not None:
        if saved.metadata_before is None:
            saved.metadata.unlink(missing_ok=True)
        else:
            _replace(saved.metadata, saved.metadata_before)


def _write_new(path: Path, data: bytes) -> Path:
    """Write atomically, never replacing a file: a temporary file, then a hard link."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)  # fails if the name was taken meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _add_metadata(corpus: Path, items: list[Checked]) -> None:
    """Add rows for HTML uploads to ``metadata.csv`` (written whole, atomically)."""
    path = corpus / METADATA_FILE
    rows: list[dict[str, str]] = []
    columns = list(_METADATA_COLUMNS)
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or columns)
            rows = list(reader)
        for c in _METADATA_COLUMNS:
            if c not in columns:
                columns.append(c)
    for item in items:
        rows.append(
            {
                "file": item.name,
                "title": _one_line(item.upload.title) or "",
                "date": item.upload.date or "",
            }
        )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    _replace(path, buf.getvalue().encode("utf-8"))


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _existing(corpus: Path) -> list[str]:
    try:
        return [p.name for p in corpus.iterdir()]
    except OSError:
        return []


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
