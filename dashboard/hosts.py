"""Which ``Host`` the dashboard answers to: a guard against DNS rebinding.

A web page the user visits can point its own host name at 127.0.0.1 and then talk to the
dashboard from the user's browser as if it were the dashboard's own page: read every page,
and use **Add articles**, which writes into the corpus. Binding to 127.0.0.1 does not stop
that; the ``Host`` header does, because the browser sends the name the page used. So the
dashboard answers only to the names a user really types (``localhost``, ``127.0.0.1``,
``[::1]``) and to the names listed in ``ATLAS_ALLOWED_HOSTS`` (a reverse proxy's public
name), and to nothing else.

The rule is applied three times, so that no way of starting the dashboard goes unguarded:
``HostGuard`` (an ASGI middleware, ``dashboard/asgi.py``) in front of every route of the
server ``atlas serve`` starts; Streamlit's own ``server.allowedHosts`` on its WebSocket;
and ``refusal`` at the top of ``dashboard/app.py``, for a dashboard started with
``streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

#: the environment variable that adds host names (a reverse proxy's), comma or space separated
ENV = "ATLAS_ALLOWED_HOSTS"
#: the names a browser on this machine uses for the dashboard
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
#: a DNS name or an IPv4 address (IPv6 addresses are read by ``ipaddress``)
_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class HostSettingError(ValueError):
    """``ATLAS_ALLOWED_HOSTS`` holds something that is not a host name."""


def allowed_hosts(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The host names the dashboard answers to: the local ones, then ``ATLAS_ALLOWED_HOSTS``.

    Names are lower-case, without a trailing dot, IPv6 addresses without brackets. Raises
    ``HostSettingError`` for an entry that is not a plain host name (a URL, a port, a
    wildcard): a setting that silently meant something else would leave a hole.
    """
    environ = os.environ if environ is None else environ
    names = list(LOCAL_HOSTS)
    for entry in re.split(r"[,\s]+", environ.get(ENV, "")):
        if not entry:
            continue
        name = _normalise(entry.removeprefix("[").removesuffix("]"))
        if name is None:
            msg = (
                f"{ENV}: {entry!r} is not a host name; give names only, such as "
                "atlas.example.org (no scheme, port, path or wildcard)"
            )
            raise HostSettingError(msg)
        if name not in names:
            names.append(name)
    return tuple(names)


def host_name(header: str | None) -> str | None:
    """The host name of a ``Host`` header (port dropped), or None if it is not a plain host."""
    if not header or header != header.strip():
        return None
    try:
        parts = urlsplit(f"//{header}")
        name, _ = parts.hostname, parts.port  # .port checks that a port is a number
    except ValueError:
        return None
    if name is None or parts.username is not None or parts.path or parts.query:
        return None
    if parts.fragment or "@" in header:
        return None
    return _normalise(name)


def refusal(header: str | None, allowed: Iterable[str] | None = None) -> str | None:
    """Why a request with this ``Host`` header is refused, or None when it is welcome."""
    allowed = tuple(allowed_hosts() if allowed is None else allowed)
    name = host_name(header)
    if name is not None and name in allowed:
        return None
    shown = ", ".join(f"[{h}]" if ":" in h else h for h in allowed)
    asked = "no host name" if not header else repr(header[:100])
    return (
        f"Refused: this dashboard answers only to {shown}, and this request asked for "
        f"{asked}. A web page whose own name leads to this computer cannot use the atlas "
        f"(DNS rebinding). To reach it under another name (a reverse proxy's), add that name "
        f"to {ENV} and restart `atlas serve`."
    )


class HostGuard:
    """ASGI middleware: every HTTP request and WebSocket handshake with a foreign Host is refused.

    HTTP gets ``403`` and the reason as plain text (the page shows nothing of the atlas);
    a WebSocket is closed before it is accepted, which the server answers with ``403``.
    Streamlit's ``server.allowedHosts`` covers only its WebSocket, not the page, the static
    files, the media and the upload endpoints; this covers every route.
    """

    def __init__(self, app: ASGIApp, allowed: Iterable[str] | None = None) -> None:
        self.app = app
        self.allowed = tuple(allowed_hosts() if allowed is None else allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers", ()) if k.lower() == b"host"]
        header = hosts[0].decode("latin-1") if len(hosts) == 1 else None
        reason = refusal(header, self.allowed)
        if reason is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            body = (reason + "\n").encode("utf-8")
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})


def _normalise(name: str) -> str | None:
    """A host name lower-cased without its trailing dot, or None if it is not one."""
    name = name.lower().rstrip(".")
    if ":" in name:
        try:
            return ipaddress.IPv6Address(name).compressed
        except ValueError:
            return None
    return name if len(name) <= 253 and _NAME.fullmatch(name) else None
