"""The page for adding articles: upload, check, save into the corpus, rebuild, show what is new."""

from __future__ import annotations

import streamlit as st

from dashboard import data, uploads
from dashboard._markdown import code
from etl._errors import AtlasError
from etl.documents import MAX_BYTES
from etl.schema import P_ID, P_LAYER, P_NAME, P_TYPE

_UPLOADER_ROUND = "_uploader_round"
RESULT = "_upload_result"


def articles_page() -> None:
    st.markdown("### Add articles")
    corpus = data.corpus_dir()
    st.caption(
        f"Articles are saved into the corpus folder `{corpus}` and the atlas is rebuilt from it. "
        f"Plain text (.txt) or web pages (.html, .htm), up to {uploads.LIMIT_TEXT} "
        f"({MAX_BYTES:,} bytes) each."
    )
    # the widget's own line would say "6MB per file" (its whole megabytes): it says the limit
    # the atlas applies instead (uploads.WIDGET_MB explains the two numbers)
    st.html(
        "<style>[data-testid='stFileUploaderDropzoneInstructions'] span { display: none; }"
        "[data-testid='stFileUploaderDropzoneInstructions'] > div::after { content: "
        f"'{uploads.LIMIT_TEXT} per file \\2022  TXT, HTML, HTM'; font-size: 0.875rem; }}</style>"
    )
    try:
        data.load_build()
    except data.BuildUnavailableError as exc:
        st.warning(
            f"{exc} Adding articles rebuilds the atlas; so does "
            f"`{data.rebuild_command()}` in a terminal."
        )
    result = st.session_state.pop(RESULT, None)
    if result:
        st.success(result["message"])
        if result["new"]:
            st.markdown("New on the map:")
            st.dataframe(result["new"], hide_index=True)
        _show_refused(result["refused"])
    if not corpus.is_dir():
        st.error(
            f"The corpus folder {corpus} does not exist. Create it, or set ATLAS_CORPUS_DIR "
            "to the folder of articles, and reload this page."
        )
        return

    round_ = st.session_state.setdefault(_UPLOADER_ROUND, 0)
    files = st.file_uploader(
        "Articles",
        type=[s.lstrip(".") for s in uploads.ALLOWED_SUFFIXES],
        accept_multiple_files=True,
        max_upload_size=uploads.WIDGET_MB,
        key=f"upload_files_{round_}",
    )
    items: list[uploads.Upload] = []
    for i, f in enumerate(files or []):
        with st.container(border=True):
            st.markdown(f"{code(f.name)} · {f.size:,} bytes")
            c1, c2 = st.columns([3, 1])
            title = c1.text_input(
                "Title (optional)",
                key=f"up_title_{round_}_{i}",
                help="For a web page, the page's own <title> comes first.",
            )
            day = c2.date_input("Date (optional)", value=None, key=f"up_date_{round_}_{i}")
            items.append(
                uploads.Upload(
                    f.name, f.getvalue(), title or None, day.isoformat() if day else None
                )
            )
    if not st.button("Add to the atlas and rebuild", type="primary", disabled=not items):
        return

    # each file on its own: the good ones are added, each bad one is refused with its reason
    accepted, refused = uploads.check(items, corpus)
    if not accepted:
        st.error("Nothing was added: no file of this batch could be read as an article.")
        _show_refused(refused)
        return
    before = _ids()
    try:
        saved = uploads.save(accepted, corpus)
    except OSError as exc:
        st.error(f"Could not write into {corpus}: {exc.strerror or exc}. Nothing was added.")
        _show_refused(refused)
        return
    with st.spinner("Rebuilding the atlas…"):
        try:
            build_result = data.rebuild(corpus)
        except (AtlasError, OSError) as exc:
            uploads.undo(saved)
            st.error(
                f"The rebuild failed ({exc}). The articles were taken out again; "
                "the atlas is unchanged."
            )
            _show_refused(refused)
            return
    new = _new_features(before)
    names = ", ".join(_added(item) for item in accepted)
    st.session_state[RESULT] = {
        "message": f"Added {len(saved.paths)} article(s): {names}. {build_result.summary()}",
        "new": new,
        "refused": refused,
    }
    st.session_state[_UPLOADER_ROUND] = round_ + 1
    st.rerun()


def _added(item: uploads.Checked) -> str:
    """The saved name (safe ASCII, see ``uploads.safe_name``), and the name as uploaded when
    the two differ (untrusted: shown as code)."""
    if item.name == item.upload.name:
        return item.name
    return f"{item.name} (uploaded as {code(item.upload.name)})"


def _show_refused(refused: list[str]) -> None:
    """The files of the batch that were not added, each with its own reason."""
    if not refused:
        return
    st.error(f"Not added ({len(refused)} file(s)); fix them and upload them again:")
    for reason in refused:
        st.error(reason)


def _ids() -> set[str]:
    try:
        build = data.load_build()
    except data.BuildUnavailableError:
        return set()
    return {f["properties"][P_ID] for fs in build.features.values() for f in fs}


def _new_features(before: set[str]) -> list[dict[str, str]]:
    try:
        build = data.load_build()
    except data.BuildUnavailableError:
        return []
    return [
        {
            "name": f["properties"][P_NAME],
            "layer": f["properties"][P_LAYER],
            "type": f["properties"][P_TYPE],
        }
        for fs in build.features.values()
        for f in fs
        if f["properties"][P_ID] not in before
    ]
