"""What a feature says about itself: its tooltip, its popup and its dossier in the panel.

Every string that comes from a text or the registry is escaped here, where the HTML is
built: folium inserts tooltip and popup fields as HTML. A value that is missing (None, or
pandas' NaN from a data frame) shows as nothing, never as "nan".
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from dashboard import styles
from dashboard.trade import format_usd
from etl.schema import (
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_COMPLETION_YEAR,
    P_CONFIDENCE,
    P_CONTRACTORS,
    P_COST_USD,
    P_COUNTRIES,
    P_DOSSIER_SOURCES,
    P_END_DATE,
    P_FIGURES,
    P_FINANCIERS,
    P_FIRST_SEEN,
    P_LAYER,
    P_LENGTH_KM,
    P_MENTIONS,
    P_NAME,
    P_OPERATOR,
    P_OWNER,
    P_PRECISION,
    P_REFERENCES,
    P_SOURCES,
    P_START_DATE,
    P_START_YEAR,
    P_STATED_LENGTH_KM,
    P_STATUS,
    P_STATUS_DATE,
    P_TYPE,
)

# --- the registry's dossier fields (feature properties when the registry states them) ----------
# The registry adds these to a project's properties where a public source states them; a
# build without them simply shows none. ``dossier_sources`` maps a field to its source URLs.
# The names are the schema's (``etl.schema``), defined there once.
#: (property, label) in the order the panel shows them
DOSSIER_FIELDS: tuple[tuple[str, str], ...] = (
    (P_OWNER, "owner"),
    (P_OPERATOR, "operator"),
    (P_FINANCIERS, "financiers"),
    (P_CONTRACTORS, "contractors"),
    (P_COST_USD, "cost"),
    (P_START_YEAR, "start year"),
    (P_COMPLETION_YEAR, "completion year"),
    (P_STATUS, "status"),
    (P_STATUS_DATE, "status date"),
)


def missing(value: Any) -> bool:
    """None, an empty string or list, or a float NaN (pandas' missing value)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, (str, list, tuple)) and len(value) == 0


def text(value: Any) -> str:
    """A value as a reader sees it: lists joined, missing values as nothing."""
    if missing(value):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value if not missing(v))
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def e(value: Any) -> str:
    """Escaped text for HTML (also for attribute values); missing values are empty."""
    return html.escape(text(value), quote=True)


def tooltip_html(props: Mapping[str, Any]) -> str:
    """Name, type and status (a click selects the feature by its id, not by this text)."""
    status = props.get(P_STATUS) or "status unknown"
    return (
        f"<b>{e(props.get(P_NAME))}</b><br>"
        f"{e(styles.label(props.get(P_TYPE)))} · {e(styles.label(status))}"
    )


def capacity_text(props: Mapping[str, Any]) -> str | None:
    cap = props.get(P_CAPACITY)
    if missing(cap):
        return None
    return f"{float(cap):g} {text(props.get(P_CAPACITY_UNIT))}".strip()


def length_text(props: Mapping[str, Any]) -> str | None:
    parts = []
    if not missing(props.get(P_LENGTH_KM)):
        parts.append(f"{props[P_LENGTH_KM]:,.0f} km drawn")
    if not missing(props.get(P_STATED_LENGTH_KM)):
        parts.append(f"{props[P_STATED_LENGTH_KM]:,.0f} km stated")
    return ", ".join(parts) or None


def dates_text(props: Mapping[str, Any]) -> str | None:
    start, end = text(props.get(P_START_DATE)), text(props.get(P_END_DATE))
    if start and end and end != start:
        return f"{start} to {end}"
    return start or end or None


def dossier_rows(props: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(label, value, source URLs) of the dossier fields the feature has."""
    sources = props.get(P_DOSSIER_SOURCES)
    sources = sources if isinstance(sources, Mapping) else {}
    rows = []
    for key, label in DOSSIER_FIELDS:
        value = props.get(key)
        if missing(value):
            continue
        shown = format_usd(value) if key == P_COST_USD else text(value)
        if key == P_STATUS:
            shown = styles.label(shown)
        urls = [
            str(u) for u in sources.get(key) or () if str(u).startswith(("https://", "http://"))
        ]
        rows.append((label, shown, urls))
    return rows


def _links(urls: list[str]) -> str:
    return "".join(
        f' <a href="{e(u)}" target="_blank" rel="noopener noreferrer">[{i}]</a>'
        for i, u in enumerate(urls, 1)
    )


def dossier_html(props: Mapping[str, Any]) -> str:
    """The registry's dossier (owner, financiers, years...) with a link to each source."""
    rows = dossier_rows(props)
    if not rows:
        return ""
    body = "".join(
        f"<tr><th>{e(label)}</th><td>{e(value)}{_links(urls)}</td></tr>"
        for label, value, urls in rows
    )
    return f'<table class="atlas-dossier">{body}</table>'


def figure_text(value: Any, unit: str) -> str:
    """A figure as a reader takes it in: "6.00 bn USD", "1,500 MW", never "6000000000 USD"."""
    if missing(value):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{text(value)} {unit}".strip()
    if unit == "USD":
        return format_usd(number)
    if abs(number) >= 1e9:
        return f"{number / 1e9:,.2f} bn {unit}".strip()
    if abs(number) >= 1e6:
        return f"{number / 1e6:,.1f} M {unit}".strip()
    return f"{number:,.6g} {unit}".strip()


def figures_html(props: Mapping[str, Any]) -> str:
    """What the news says beside what the registry says, agreement marked."""
    figures = [f for f in props.get(P_FIGURES) or [] if isinstance(f, Mapping)]
    if not figures:
        return ""
    rows = []
    for f in figures:
        unit = text(f.get("unit"))
        news = figure_text(f.get("value"), unit)
        reg = figure_text(f.get("registry_value"), unit)
        agrees = f.get("agrees")
        mark = (
            '<span class="atlas-agree">✓ agrees</span>'
            if agrees is True
            else '<span class="atlas-conflict">✗ differs</span>'
            if agrees is False
            else ""
        )
        rows.append(
            f"<tr><td>{e(f.get('metric'))}</td><td>{e(news)}</td><td>{e(reg)}</td>"
            f"<td>{mark}</td><td class='atlas-src'>{e(f.get('doc'))}</td></tr>"
        )
    return (
        '<table class="atlas-figures"><tr><th>figure</th><th>the news</th>'
        "<th>the registry</th><th></th><th>document</th></tr>" + "".join(rows) + "</table>"
    )


def popup_html(
    props: Mapping[str, Any],
    *,
    max_sources: int = 3,
    quote_chars: int = 280,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The feature's properties and up to ``max_sources`` of its sources, all escaped."""
    titles = titles or {}
    rows = [
        ("type", styles.label(props.get(P_TYPE))),
        ("layer", props.get(P_LAYER)),
        ("status", styles.label(props.get(P_STATUS))),  # "under construction", or "unknown"
        ("countries", text(props.get(P_COUNTRIES)) or None),
        ("capacity", capacity_text(props)),
        ("length", length_text(props)),
        # a cost of nothing is no stated cost
        ("cost", format_usd(props.get(P_COST_USD)) if props.get(P_COST_USD) else None),
        ("dates", dates_text(props)),
        ("location", props.get(P_PRECISION)),
        ("confidence", props.get(P_CONFIDENCE)),
        ("mentions", props.get(P_MENTIONS)),
        ("first seen", props.get(P_FIRST_SEEN)),
    ]
    rows += [
        (label, value) for label, value, _ in dossier_rows(props) if label not in ("status", "cost")
    ]
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows if not missing(v))
    parts = [f'<div class="atlas-name">{e(props.get(P_NAME))}</div><table>{body}</table>']
    parts.append(figures_html(props))
    sources = list(props.get(P_SOURCES) or [])
    if sources:
        shown = sources[:max_sources]
        more = len(sources) - len(shown)
        if shown:
            parts.append(f'<div class="atlas-h">Sources ({len(sources)})</div>')
        for s in shown:
            quote = text(s.get("quote"))
            if len(quote) > quote_chars:
                quote = quote[: quote_chars - 1].rstrip() + "…"
            doc = text(s.get("doc"))
            title = titles.get(doc)
            where = f"{doc} · {title}" if title else doc
            date = text(s.get("date"))
            parts.append(
                f'<div class="atlas-q">“{e(quote)}”<div class="atlas-src">'
                f"{e(where)}{', ' + e(date) if date else ''}</div></div>"
            )
        if more:
            what = f"{more} more" if shown else f"{more} source sentence(s)"
            parts.append(
                f'<div class="atlas-more">{what}: click the feature (or its table row) to read'
                " them all in the panel beside the map</div>"
            )
    refs = [r for r in props.get(P_REFERENCES) or [] if isinstance(r, Mapping)]
    if refs:
        parts.append('<div class="atlas-h">References</div>')
        for r in refs[:4]:
            label = " — ".join(e(r.get(k)) for k in ("title", "publisher") if r.get(k))
            url = text(r.get("url"))
            if url.startswith(("https://", "http://")):
                label = f'<a href="{e(url)}" target="_blank" rel="noopener noreferrer">{label}</a>'
            parts.append(f'<div class="atlas-ref">{label}</div>')
    return "".join(parts)
