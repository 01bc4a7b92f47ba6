"""Reading the corpus: files to ``Document`` records (or ``Skipped`` ones), never a crash.

Encodings are detected with charset-normalizer after BOMs and strict UTF-8; HTML article
text is extracted with trafilatura; metadata comes from a text header block, HTML
``<title>``/``<meta>``, ``corpus/metadata.csv``, and as a last resort a date in the text.
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from etl.read.boilerplate import strip_boilerplate
from etl.schema import Document, Skipped
from etl.text import normalise, unwrap

log = logging.getLogger(__name__)

#: documents larger than this are skipped: no news article is this long, a data dump may be
MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
METADATA_FILE = "metadata.csv"
#: files in the corpus folder that are not documents and are not reported
_IGNORED = frozenset({METADATA_FILE, "readme.md"})

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_LINE = re.compile(r"^(title|date|source|url)\s*:\s*(.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_YEAR_MONTH = re.compile(r"^((?:19|20)\d\d)-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^((?:19|20)\d\d)$")
#: libxml2 (under lxml and trafilatura) stops building the tree this many elements deep
_HTML_MAX_DEPTH = 256
#: UTF-8 text may hold this share of stray NULs and still be read (UTF-16 is about half)
_MAX_NUL_SHARE = 0.1


def discover(corpus: Path) -> Iterator[tuple[str, Path | None, str | None]]:
    """Yield ``(relative path, file, reason to skip)`` for every file under ``corpus``, sorted.

    Symbolic links are never followed out of the corpus: a link (to a file or a folder)
    whose target lies outside is reported and skipped, and so is a link that loops. Hidden
    files and ``metadata.csv`` are not documents.
    """
    root = corpus.resolve()
    for dirpath, dirnames, filenames in os.walk(corpus):
        here = Path(dirpath)
        # os.walk does not descend into linked folders: report those that lead outside
        linked = sorted(d for d in dirnames if not d.startswith(".") and (here / d).is_symlink())
        for dname in linked:
            reason = _link_reason(here / dname, root)
            if reason is not None:
                yield _printable((here / dname).relative_to(corpus).as_posix()), None, reason
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            if fname.startswith(".") or fname.lower() in _IGNORED:
                continue
            path = here / fname
            rel = _printable(path.relative_to(corpus).as_posix())
            if path.is_symlink():
                reason = _link_reason(path, root)
                if reason is not None:
                    yield rel, None, reason
                    continue
            if path.suffix.lower() not in SUFFIXES:
                yield rel, None, f"unsupported file type {path.suffix or '(none)'!r}"
                continue
            yield rel, path, None


def _printable(rel: str) -> str:
    """The path as valid Unicode: the bytes of a name that is not UTF-8 written as ``\\xNN``.

    Such names (a Windows archive unpacked on Linux) would otherwise stop the build when
    the manifest is written.
    """
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _link_reason(path: Path, root: Path) -> str | None:
    """Why a symbolic link is not followed, or None when it stays inside the corpus."""
    try:
        target = path.resolve()
    except RuntimeError:  # Python 3.11 and 3.12 report a loop so
        return "symbolic link that loops (not followed)"
    except OSError as exc:  # later ones raise ELOOP
        if exc.errno == errno.ELOOP:
            return "symbolic link that loops (not followed)"
        return f"symbolic link that cannot be followed: {exc.strerror or exc}"
    if not target.is_relative_to(root):
        return "symbolic link pointing outside the corpus (not followed)"
    return None


def load_metadata(corpus: Path) -> dict[str, dict[str, str]]:
    """``corpus/metadata.csv`` keyed by file name (relative path), or empty."""
    path = corpus / METADATA_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f) if row.get("file")}


def read_document(
    path: Path, rel: str, metadata: dict[str, str] | None = None
) -> Document | Skipped:
    """Read one file into a ``Document``; any problem becomes a ``Skipped`` with its reason."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the build forever
            return Skipped(rel, "not a regular file (device, pipe or socket)")
        size = info.st_size
        if size > MAX_BYTES:
            return Skipped(rel, f"too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    return parse_document(data, rel, metadata)


def parse_document(
    data: bytes, rel: str, metadata: dict[str, str] | None = None
) -> Document | Skipped:
    """Decode, extract and clean one document's bytes. Pure: no disk access."""
    sha = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        return Skipped(rel, f"too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})", sha)
    if not data.strip():
        return Skipped(rel, "empty", sha)
    decoded = decode(data)
    if decoded is None:
        return Skipped(rel, "binary or undecodable content", sha)
    raw, encoding = decoded
    is_html = rel.lower().endswith(tuple(HTML_SUFFIXES)) or _looks_like_html(raw)
    meta: dict[str, str | None] = {}
    if is_html:
        extracted = _extract_html(raw)
        if extracted is None:
            reason = (
                f"HTML nested more than {_HTML_MAX_DEPTH} elements deep (the parser drops "
                "what lies deeper)"
                if _too_deep(raw)
                else "HTML without article text (only scripts, navigation or markup)"
            )
            return Skipped(rel, reason, sha)
        body, meta = extracted
    else:
        body, meta = _split_header(raw)
    page = normalise(body)
    if not page.strip():
        return Skipped(rel, "empty", sha)
    meta = _merge_metadata(meta, metadata or {})
    # page boilerplate (after trafilatura for HTML) is blanked, not cut: offsets still hold
    stripped = strip_boilerplate(page, title=meta.get("title"))
    # soft line breaks of hard-wrapped wire copy become spaces (one character for one),
    # after the boilerplate pass, which reads the page's lines
    text = unwrap(stripped.text)
    if not text.strip():
        return Skipped(rel, "only page boilerplate (navigation, notices, lists of links)", sha)
    day, precision = _parse_date(meta.get("date"))
    if day is None:
        day, precision = _date_in_text(page)  # a scraped date line is boilerplate, but a date
    return Document(
        path=rel,
        text=text,
        sha256=sha,
        encoding=encoding,
        title=_clean(meta.get("title")),
        date=day,
        date_precision=precision,
        source=_clean(meta.get("source")),
        url=_clean(meta.get("url")),
        boilerplate_chars=stripped.dropped_chars,
        dateline=stripped.dateline,
    )


def decode(data: bytes) -> tuple[str, str] | None:
    """Bytes to text and the encoding used, or None for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        damaged = _damaged_utf8(data)
        if damaged is not None:
            return damaged
    else:
        if b"\x00" not in data or _stray_nuls(text):
            return text, "utf-8"
    from charset_normalizer import from_bytes  # imported here: most corpora are UTF-8

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    encoding = best.encoding
    if _is_binary(text, encoding):
        return None
    return text, encoding


def _stray_nuls(text: str) -> bool:
    """UTF-8 text with a few NULs in it (a damaged copy), not UTF-16 without a BOM.

    UTF-16 of Latin script is half NULs; of other scripts, it is valid UTF-8 full of other
    control characters. Either way it goes to charset-normalizer.
    """
    nuls = text.count("\x00")
    return nuls <= len(text) * _MAX_NUL_SHARE and not _is_binary(text.replace("\x00", ""), "utf-8")


def _damaged_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few invalid sequences (a scrape cut mid-character), or None.

    The invalid sequences become U+FFFD, one character each, and the rest of the text keeps
    its letters. Only when the valid multi-byte characters are at least as many as the
    invalid sequences: cp1251 and cp1252 text has next to no valid multi-byte sequences,
    so it goes to charset-normalizer instead.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = sum(1 for c in text if c > "\x7f") - text.count("\ufffd")
    if invalid <= 0 or multibyte < invalid or _is_binary(text, "utf-8"):
        return None
    plural = "s" if invalid > 1 else ""
    return text, f"utf-8 ({invalid} invalid sequence{plural} replaced)"


def _is_binary(text: str, encoding: str) -> bool:
    if not text:
        return True
    controls = sum(1 for c in text if (c < " " and c not in "\n\r\t\f") or c == "\x7f")
    if "utf_16" in encoding or "utf_32" in encoding:
        # a UTF-16 guess for 8-bit binary data is all CJK and controls; real text has spaces
        spaces = text.count(" ") + text.count("\n")
        return spaces < len(text) / 50 or controls > len(text) / 100
    return controls > len(text) / 100


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def _extract_html(raw: str) -> tuple[str, dict[str, str | None]] | None:
    import trafilatura  # slow to import: only when the corpus has HTML

    try:
        doc = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            fast=True,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        log.warning("HTML extraction failed: %s", exc)
        return None
    if doc is None or not (doc.text or "").strip():
        return None
    return doc.text, {"title": doc.title, "date": doc.date, "source": doc.sitename, "url": doc.url}


def _too_deep(raw: str) -> bool:
    """True when the markup reaches libxml2's nesting limit, below which text is dropped."""
    from lxml import etree

    try:
        root = etree.fromstring(raw.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    except (etree.LxmlError, ValueError):
        return False
    if root is None:
        return False
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth >= _HTML_MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _split_header(raw: str) -> tuple[str, dict[str, str | None]]:
    """Take a ``Title:``/``Date:``/``Source:``/``URL:`` block off the top of a text file."""
    meta: dict[str, str | None] = {}
    lines = raw.lstrip("\ufeff").splitlines(keepends=True)
    consumed = 0
    for line in lines:
        m = _HEADER_LINE.match(line.strip())
        if not m:
            break
        meta[m.group(1).lower()] = m.group(2).strip()
        consumed += 1
    if not meta:
        return raw, meta
    return "".join(lines[consumed:]), meta


def _merge_metadata(found: dict[str, str | None], row: dict[str, str]) -> dict[str, str | None]:
    """The document's own metadata first, then ``metadata.csv``."""
    merged = {k: v for k, v in found.items() if v}
    for key in ("title", "date", "source", "url"):
        if not merged.get(key) and row.get(key):
            merged[key] = row[key]
    return merged


def _parse_date(value: str | None) -> tuple[str | None, str | None]:
    """ISO dates, ``YYYY-MM``, ``YYYY``, or anything dateparser understands."""
    if not value:
        return None, None
    value = value.strip()
    m = _ISO_DATE.search(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "day"
        except ValueError:
            return None, None
    if m := _YEAR_MONTH.match(value):
        return f"{m[1]}-{m[2]}-01", "month"
    if m := _YEAR.match(value):
        return f"{m[1]}-01-01", "year"
    import dateparser  # slow to import: only for dates written out in words

    parsed = dateparser.parse(value, languages=["en"], settings={"STRICT_PARSING": True})
    if parsed is None:
        return None, None
    return parsed.date().isoformat(), "day"


def _date_in_text(text: str) -> tuple[str | None, str | None]:
    """Last resort: an ISO date near the top of the text (a scraped dateline)."""
    m = _ISO_DATE.search(text[:600])
    if not m:
        return None, None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "day"
    except ValueError:
        return None, None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(normalise(str(value)).split())
    return value or None
