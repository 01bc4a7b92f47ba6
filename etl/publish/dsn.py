"""Connection strings without their passwords: what may be shown of a DSN, and scrubbing.

A DSN (``postgresql://user:secret@host/db`` or ``host=... password=...``) is a credential.
It comes from the command line or ``ATLAS_DATABASE_URL`` and is never printed, logged,
stored in the database or put in an error message as given: only ``describe`` (user, host,
port, database) is shown, and every message that might quote it (a libpq error, an
argument error) goes through ``scrub`` first.
"""

from __future__ import annotations

import re

#: the environment variable that gives the DSN when the command line does not
DATABASE_URL_ENV = "ATLAS_DATABASE_URL"
MASK = "***"

# ``scheme://user:password@`` in a URI, and ``password=value`` (quoted or not) in key=value form
_URI_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)(?P<pw>[^@\s]*)(?=@)", re.I)
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.I)
_URI_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<pw>[^&\s]*)", re.I)


class InvalidDSNError(ValueError):
    """The connection string cannot be parsed (the message never repeats it)."""


def parse(dsn: str) -> dict[str, str]:
    """The DSN's parameters (libpq's own parser); ``InvalidDSNError`` without echoing it."""
    import psycopg
    from psycopg import conninfo

    try:
        return conninfo.conninfo_to_dict(dsn)
    except psycopg.Error:  # libpq's message may quote the secret; ours does not
        msg = (
            "the connection string is not valid: expected postgresql://USER@HOST:PORT/DATABASE "
            "or key=value pairs (host=... dbname=... user=...)"
        )
        raise InvalidDSNError(msg) from None


def describe(dsn: str) -> str:
    """``user@host:port/database``: enough to know where, nothing secret."""
    try:
        params = parse(dsn)
    except InvalidDSNError:
        return "(an unparsable connection string)"
    user = params.get("user")
    host = params.get("host") or params.get("hostaddr") or "local socket"
    port = params.get("port")
    where = f"{host}:{port}" if port else host
    return f"{user + '@' if user else ''}{where}/{params.get('dbname') or '(default database)'}"


def secrets(dsn: str | None) -> list[str]:
    """The passwords inside a DSN, to scrub from any text (longest first)."""
    if not dsn:
        return []
    found = set()
    try:
        pw = parse(dsn).get("password")
    except InvalidDSNError:
        pw = None
    if pw:
        found.add(pw)
    for pattern in (_URI_PASSWORD, _KV_PASSWORD, _URI_QUERY_PASSWORD):
        for m in pattern.finditer(dsn):
            raw = m.group("pw").strip("'")
            if raw:
                found.add(raw)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, *dsns: str | None) -> str:
    """``text`` with the passwords of ``dsns`` (and any password-shaped DSN part) masked."""
    for dsn in dsns:
        for secret in secrets(dsn):
            text = text.replace(secret, MASK)
    text = _URI_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    text = _URI_QUERY_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _KV_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
