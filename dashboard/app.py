"""The atlas dashboard: wires the pages together (``streamlit run dashboard/app.py``).

Each page is one function in ``dashboard/views/``; the build is read through
``dashboard.data``. Started by ``atlas serve``, which sets ``ATLAS_BUILD_DIR`` and
``ATLAS_CORPUS_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard.hosts import HostSettingError, refusal  # noqa: E402
from dashboard.views.articles import articles_page  # noqa: E402
from dashboard.views.build import build_page  # noqa: E402
from dashboard.views.figures import figures_page  # noqa: E402
from dashboard.views.map import map_page  # noqa: E402

# DNS rebinding: a foreign Host gets the reason and nothing of the atlas (see dashboard/hosts.py).
# No headers at all means no web server (AppTest), so no browser to guard against.
if st.context.headers:
    try:
        _refused = refusal(st.context.headers.get("Host"))
    except HostSettingError as exc:
        _refused = f"The dashboard will not start: {exc}."
    if _refused is not None:
        st.error(_refused)
        st.stop()

# no icons: a page icon becomes the favicon, fetched from Google Fonts, and the app is offline
st.set_page_config(page_title="China–Central Asia Atlas", layout="wide")
st.navigation(
    [
        st.Page(map_page, title="Map", url_path="map", default=True),
        st.Page(figures_page, title="Figures", url_path="figures"),
        st.Page(articles_page, title="Add articles", url_path="articles"),
        st.Page(build_page, title="Build", url_path="build"),
    ]
).run()
