"""The build page: what the atlas was made from, what was skipped or not placed, and a rebuild."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.mapview import LAYER_TITLES


def build_page() -> None:
    st.markdown("### The build")
    build = data.require_build()
    message = st.session_state.pop("build_message", None)
    if message:
        st.success(message)
    m = build.manifest
    st.caption(
        f"`{build.path}` · {m.get('tool', 'ca-atlas')} {m.get('version', '')} · "
        f"corpus `{data.corpus_dir()}`"
    )
    counts = m.get("counts") or {k: len(v) for k, v in build.features.items()}
    cols = st.columns(4)
    cols[0].metric("Documents read", len(build.documents))
    cols[1].metric("Skipped", len(m.get("skipped") or []))
    cols[2].metric("Features", build.count)
    cols[3].metric("Unresolved mentions", len(build.unresolved))
    st.dataframe(
        pd.DataFrame([{"layer": LAYER_TITLES.get(k, k), "features": v} for k, v in counts.items()]),
        hide_index=True,
        width="content",
    )

    st.markdown("#### Documents")
    docs = pd.DataFrame(
        list(build.documents.values()),
        columns=["path", "title", "date", "source", "url", "encoding", "characters"],
    )
    st.dataframe(docs, hide_index=True)
    skipped = m.get("skipped") or []
    if skipped:
        st.markdown("#### Skipped documents")
        st.dataframe(pd.DataFrame(skipped, columns=["path", "reason"]), hide_index=True)

    st.markdown("#### Mentions not put on the map")
    if build.unresolved.empty:
        st.caption("None.")
    else:
        st.dataframe(build.unresolved, hide_index=True)

    st.markdown("#### Rebuild")
    st.caption("Reads every document in the corpus again and replaces the build in one step.")
    if st.button("Rebuild the atlas now"):
        data.run_rebuild()
