"""How long the browser may keep the map's layer files: for good.

The map's layers are served as static files named by their content's hash
(``dashboard.data.static_url``). Streamlit's static route sends no ``Cache-Control``, so a
browser revalidates each file on every load: a round trip per layer to a server that is
busy running the page's script. ``ImmutableLayers`` (an ASGI middleware, in front of the
server ``atlas serve`` starts) marks those files immutable: a file of that name never
changes, so the browser takes it from its cache without asking.
"""

from __future__ import annotations

from dashboard.data import STATIC_URL
from dashboard.hosts import ASGIApp, Message, Receive, Scope, Send

#: a year, the longest time HTTP caches honour; the name changes when the content does
IMMUTABLE = b"public, max-age=31536000, immutable"


class ImmutableLayers:
    """ASGI middleware: a successful answer for a layer file is cacheable for good."""

    def __init__(self, app: ASGIApp, prefix: str = STATIC_URL) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/") + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") in (200, 304):
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                message = {**message, "headers": [*headers, (b"cache-control", IMMUTABLE)]}
            await send(message)

        await self.app(scope, receive, marked)
