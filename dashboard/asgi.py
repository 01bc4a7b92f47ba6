"""The server ``atlas serve`` starts: the dashboard behind a guard on the ``Host`` header.

``streamlit run dashboard/asgi.py`` finds ``app`` below and serves it with uvicorn. The
pages are still ``dashboard/app.py``; the differences from running that file are
``HostGuard`` in front of every route (page, static files, media, uploads, WebSocket),
which Streamlit's own ``server.allowedHosts`` (WebSocket only) does not cover, and
``ImmutableLayers``, which lets the browser keep the map's layer files (named by their
content's hash) instead of asking for them again on every load.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/asgi.py` puts dashboard/ on the path, not the project root
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from dashboard.caching import ImmutableLayers  # noqa: E402
from dashboard.hosts import HostGuard  # noqa: E402

app = st.App("app.py", middleware=[Middleware(HostGuard), Middleware(ImmutableLayers)])
