"""Tables of features and the provenance of one feature: where every claim was read.

Pure functions. The feature table is a data frame for ``st.dataframe``, which draws cells
as plain text (never HTML), so its strings are left as the texts wrote them; the provenance
panel is HTML, so everything in it that comes from a text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard import styles
from dashboard.trade import F_SUBJECT
from etl.schema import (
    P_ALIASES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_CONFIDENCE,
    P_COUNTRIES,
    P_FIRST_SEEN,
    P_ID,
    P_LAYER,
    P_LENGTH_KM,
    P_MENTIONS,
    P_NAME,
    P_PRECISION,
    P_REFERENCES,
    P_SOURCES,
    P_STATUS,
    P_TYPE,
)

#: the table's columns, in order (contract property names)
TABLE_COLUMNS = (
    P_NAME,
    P_LAYER,
    P_TYPE,
    P_STATUS,
    P_COUNTRIES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_LENGTH_KM,
    P_PRECISION,
    P_CONFIDENCE,
    P_MENTIONS,
    P_FIRST_SEEN,
    P_ID,
)


def feature_table(layers: Mapping[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """One row per feature of the filtered view, layers in the given order."""
    rows = []
    for features in layers.values():
        for f in features:
            p = f["properties"]
            row = {c: p.get(c) for c in TABLE_COLUMNS}
            row[P_TYPE] = styles.label(p.get(P_TYPE))
            row[P_STATUS] = p.get(P_STATUS) or "unknown"
            row[P_COUNTRIES] = ", ".join(p.get(P_COUNTRIES) or ())
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    for c in (P_CAPACITY, P_LENGTH_KM, P_CONFIDENCE):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    frame[P_MENTIONS] = pd.to_numeric(frame[P_MENTIONS], errors="coerce").astype("Int64")
    return frame


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def provenance_html(
    feature: Mapping[str, Any],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    in_view: bool = True,
    extra: tuple[tuple[str, str], ...] = (),
) -> str:
    """Every source sentence of a feature with its document (title, outlet, date) and offsets.

    ``extra`` is (heading, HTML) sections shown before the sources (the dossier): HTML
    already escaped where it was built.
    """
    p = feature["properties"]
    sources = list(p.get(P_SOURCES) or [])
    head = [f"<h4 style='margin:0'>{_e(p.get(P_NAME))}</h4>"]
    facts = [
        styles.label(p.get(P_TYPE)),
        p.get(P_STATUS) or "status unknown",
        f"{p.get(P_CAPACITY):g} {p.get(P_CAPACITY_UNIT) or ''}".strip()
        if p.get(P_CAPACITY) is not None
        else None,
        ", ".join(p.get(P_COUNTRIES) or ()) or None,
        f"location: {p.get(P_PRECISION)}" if p.get(P_PRECISION) else None,
    ]
    head.append(
        "<div style='color:#555'>"
        + " · ".join(_e(x) for x in facts if x)
        + f" · <code>{_e(p.get(P_ID))}</code></div>"
    )
    if not in_view:
        head.append("<div style='color:#a15c00'>Not in the current filtered view.</div>")
    aliases = p.get(P_ALIASES) or []
    if aliases:
        head.append(
            "<div style='color:#555'>Also called: " + "; ".join(_e(a) for a in aliases) + "</div>"
        )
    for heading, section in extra:
        if section:
            head.append(f"<div style='margin-top:6px;font-weight:600'>{_e(heading)}</div>{section}")
    body = [f"<div style='margin-top:6px;font-weight:600'>{len(sources)} source sentence(s)</div>"]
    by_doc: dict[str, list[Mapping[str, Any]]] = {}
    for s in sources:
        by_doc.setdefault(str(s.get("doc") or ""), []).append(s)
    for doc, items in by_doc.items():
        meta = documents.get(doc) or {}
        label = " · ".join(
            _e(x) for x in (meta.get("title"), meta.get("source"), items[0].get("date")) if x
        )
        body.append(
            "<div style='margin-top:8px'>"
            f"<div><b>{_e(doc)}</b>{' — ' + label if label else ''}</div>"
        )
        for s in items:
            body.append(
                "<blockquote style='margin:4px 0 4px 8px;padding-left:8px;"
                "border-left:3px solid #ccc'>"
                f"{_e(s.get('quote'))}"
                f"<div style='color:#777;font-size:0.8em'>characters {_e(s.get('start'))}–"
                f"{_e(s.get('end'))}</div></blockquote>"
            )
        body.append("</div>")
    refs = [r for r in p.get(P_REFERENCES) or [] if isinstance(r, Mapping)]
    if refs:
        body.append("<div style='margin-top:8px;font-weight:600'>Registry references</div><ul>")
        for r in refs:
            text = " — ".join(_e(r.get(k)) for k in ("title", "publisher") if r.get(k))
            url = str(r.get("url") or "")
            if url.startswith(("https://", "http://")):
                text += f" (<a href='{_e(url)}' target='_blank' rel='noopener noreferrer'>link</a>)"
            body.append(f"<li>{text}</li>")
        body.append("</ul>")
    return "<div class='atlas-provenance'>" + "".join(head + body) + "</div>"


def facts_about(facts: pd.DataFrame, feature_id: str) -> pd.DataFrame:
    """The facts whose subject is this feature (alone, or joined to others with ``+``)."""
    if facts.empty or F_SUBJECT not in facts.columns:
        return facts.iloc[0:0]
    subjects = facts[F_SUBJECT].fillna("").astype(str)
    return facts[subjects.map(lambda s: feature_id in s.split("+"))]
