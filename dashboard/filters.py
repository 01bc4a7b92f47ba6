"""The filters, defined once: field, URL key, ``atlas export`` flag, widget, parsing and
formatting in one table.

``FILTERS`` generates the view's URL state (``state.to_query``/``from_query``), the sidebar
widgets (``state.sidebar``), the ``atlas export`` command shown under the downloads and the
captions; ``tests/test_dashboard_filters.py`` checks every flag against the real command
line parser. Most filters are ``etl.export.Filters`` fields (the command line takes them);
a few read the registry's dossier fields or the time slider and exist in the dashboard
only (``cli`` is None): the caption says so.

No Streamlit here: the table is plain data and pure functions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dashboard import styles
from dashboard.map.popups import P_COMPLETION_YEAR, P_FINANCIERS, P_OWNER, P_START_YEAR, text
from etl.export import Filters
from etl.schema import P_FIRST_SEEN

# widget kinds
MANY, DATE, NUMBER, UNIT, TEXT, FLAG, RANGE = (
    "many",
    "date",
    "number",
    "unit",
    "text",
    "flag",
    "range",
)


@dataclass(frozen=True)
class Extra:
    """Filters the command line does not take: the registry's dossier and the time slider."""

    owners: tuple[str, ...] = ()
    financiers: tuple[str, ...] = ()
    #: (first, last) start year, both included
    start_years: tuple[int, int] | None = None
    #: the time slider: which date (``TIME_FIELDS``) and the last year shown
    time_field: str | None = None
    time_year: int | None = None


#: the dates the time slider can play the map by
TIME_FIELDS: dict[str, str] = {
    P_START_YEAR: "start year (registry)",
    P_COMPLETION_YEAR: "completion year (registry)",
    P_FIRST_SEEN: "first mention in the news",
}


@dataclass(frozen=True)
class Filter:
    """One filter: where it lives, how it is written in a URL and on the command line."""

    field: str  # a field of ``etl.export.Filters`` or of ``Extra``
    url: str  # query-string key
    cli: str | None  # ``atlas export`` flag, None when the command line does not take it
    widget: str  # one of MANY, DATE, NUMBER, UNIT, TEXT, FLAG, RANGE
    label: str
    #: for MANY: the ``Choices`` attribute listing the values
    options: str = ""
    placeholder: str = ""
    help: str = ""
    #: how a value is shown to a reader (options of a MANY widget, captions)
    show: Callable[[Any], str] = field(default=text)

    @property
    def extra(self) -> bool:
        return self.field in _EXTRA_FIELDS


_EXTRA_FIELDS = frozenset(f.name for f in fields(Extra))

FILTERS: tuple[Filter, ...] = (
    Filter("types", "type", "--type", MANY, "Project type", "types", "all types",
           show=styles.label),
    Filter("statuses", "status", "--status", MANY, "Status", "statuses", "any status",
           show=styles.label),
    Filter("countries", "country", "--country", MANY, "Country", "countries", "any country"),
    Filter("date_from", "from", "--from", DATE, "First seen from"),
    Filter("date_to", "to", "--to", DATE, "to"),
    Filter("docs", "doc", "--doc", MANY, "Source document", "docs", "any document"),
    Filter("capacity_unit", "unit", "--unit", UNIT, "Unit", "units",
           help="Capacities are compared within one unit: choose it to set a minimum"),
    Filter("min_capacity", "min_capacity", "--min-capacity", NUMBER, "Minimum capacity",
           placeholder="choose a unit first"),
    Filter("text", "q", "--text", TEXT, "Search names and quotes", placeholder="e.g. Khorgos"),
    Filter("inferred", "inferred", "--no-inferred", FLAG, "Show inferred routes",
           help="Routes built from the place names in one sentence"),
    Filter("owners", "owner", None, MANY, "Owner or operator", "owners", "any owner"),
    Filter("financiers", "financier", None, MANY, "Financier", "financiers", "any financier"),
    Filter("start_years", "start", None, RANGE, "Start year", "start_years"),
)  # fmt: skip
BY_FIELD: dict[str, Filter] = {f.field: f for f in FILTERS}


# --- URL -----------------------------------------------------------------------------------------


def to_query(filters: Filters, extra: Extra) -> dict[str, str | list[str]]:
    """The filters as query parameters; defaults are left out so links stay short."""
    q: dict[str, str | list[str]] = {}
    for f in FILTERS:
        value = getattr(extra if f.extra else filters, f.field)
        if f.widget == MANY and value:
            q[f.url] = list(value)
        elif f.widget in (DATE, TEXT, UNIT) and value:
            q[f.url] = str(value)
        elif f.widget == NUMBER and value is not None:
            q[f.url] = f"{value:g}"
        elif f.widget == FLAG and not value:
            q[f.url] = "0"
        elif f.widget == RANGE and value:
            q[f.url] = f"{value[0]}-{value[1]}"
    return q


def from_query(params: Mapping[str, Sequence[str] | str], choices: Any) -> tuple[Filters, Extra]:
    """The filters a query string asks for, keeping only what the build can show."""
    out: dict[str, Any] = {}
    for f in FILTERS:
        raw = params.get(f.url)
        values = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
        last = values[-1].strip() if values and values[-1] and values[-1].strip() else None
        if f.widget == MANY:
            allowed = set(getattr(choices, f.options, ()) or ())
            if f.field == "countries":
                values = [v.upper() for v in values]
            out[f.field] = tuple(dict.fromkeys(v for v in values if v in allowed))
        elif f.widget == DATE:
            out[f.field] = iso_date(last)
        elif f.widget == NUMBER:
            out[f.field] = number(last)
        elif f.widget == UNIT:
            out[f.field] = last if last in (getattr(choices, f.options, ()) or ()) else None
        elif f.widget == TEXT:
            out[f.field] = last
        elif f.widget == FLAG:
            out[f.field] = last not in ("0", "false", "no")
        elif f.widget == RANGE:
            out[f.field] = year_range(last)
    return split(out)


def split(values: Mapping[str, Any]) -> tuple[Filters, Extra]:
    """(Filters, Extra) from field values; a minimum capacity needs a unit (never MW
    against Mt/y)."""
    filters = Filters(**{k: v for k, v in values.items() if k not in _EXTRA_FIELDS})
    extra = Extra(**{k: v for k, v in values.items() if k in _EXTRA_FIELDS})
    if filters.capacity_unit is None and filters.min_capacity is not None:
        filters = replace(filters, min_capacity=None)
    return filters, extra


def iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except ValueError:
        return None
    return v if math.isfinite(v) and v >= 0 else None


def year_range(value: str | None) -> tuple[int, int] | None:
    if not value or "-" not in value:
        return None
    a, _, b = value.partition("-")
    try:
        lo, hi = int(a), int(b)
    except ValueError:
        return None
    return (min(lo, hi), max(lo, hi)) if 1800 <= lo <= 2200 and 1800 <= hi <= 2200 else None


# --- the command line and captions ---------------------------------------------------------------


def cli_args(filters: Filters) -> list[str]:
    """``atlas export`` flags that select the same features as ``filters``."""
    args: list[str] = []
    for f in FILTERS:
        if f.cli is None or f.extra:
            continue
        value = getattr(filters, f.field)
        if f.widget == MANY:
            for v in value:
                args += [f.cli, str(v)]
        elif f.widget == FLAG:
            if not value:
                args.append(f.cli)
        elif f.widget == NUMBER and value is not None:
            args += [f.cli, f"{value:g}"]
        elif value:
            args += [f.cli, str(value)]
    return args


def dashboard_only(extra: Extra) -> list[str]:
    """Labels of the filters in use that the command line cannot express."""
    return [
        f.label
        for f in FILTERS
        if f.extra and f.url in to_query(Filters(), extra) and f.cli is None
    ]


def _quote(arg: str) -> str:
    plain = all(c.isalnum() or c in "-_./:=+,@" for c in arg)
    return arg if arg and plain else "'" + arg.replace("'", "'\\''") + "'"


def cli_command(filters: Filters, *, layer: str = "LAYER", fmt: str = "FORMAT") -> str:
    """The whole ``atlas export`` command line, shell-quoted."""
    parts = ["atlas", "export", "--layer", layer, *cli_args(filters), "--format", fmt,
             "--out", "FILE"]  # fmt: skip
    return " ".join(_quote(p) for p in parts)


def caption(filters: Filters, extra: Extra) -> str:
    """The note under the downloads: the command that writes the same bytes, or why not."""
    only = dashboard_only(extra)
    if only:
        return (
            "Files hold exactly the features on the map. The command line cannot filter by "
            + ", ".join(only).lower()
            + f"; without those filters it is `{cli_command(filters)}`."
        )
    return f"Same bytes as `{cli_command(filters)}`."


# --- the dashboard-only filters ------------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value if text(v)]
    return [text(value)] if text(value) else []


def year_of(props: Mapping[str, Any], key: str) -> int | None:
    """The year of a date-like property (a year number or an ISO date)."""
    raw = props.get(key)
    s = text(raw)
    if not s:
        return None
    try:
        return int(s[:4])
    except ValueError:
        return None


def keep_extra(props: Mapping[str, Any], extra: Extra) -> bool:
    """Whether a feature passes the dashboard-only filters."""
    if extra.owners and not set(_names(props.get(P_OWNER))) & set(extra.owners):
        return False
    if extra.financiers and not set(_names(props.get(P_FINANCIERS))) & set(extra.financiers):
        return False
    if extra.start_years:
        year = year_of(props, P_START_YEAR)
        if year is None or not extra.start_years[0] <= year <= extra.start_years[1]:
            return False
    if extra.time_field and extra.time_year is not None:
        year = year_of(props, extra.time_field)
        if year is None or year > extra.time_year:
            return False
    return True


def filter_extra(features: list[dict[str, Any]], extra: Extra) -> list[dict[str, Any]]:
    if extra == Extra():
        return features
    return [f for f in features if keep_extra(f["properties"], extra)]


def dossier_choices(features: Iterable[Mapping[str, Any]]) -> dict[str, tuple]:
    """Owners, financiers, start years and the time slider's years found in the build."""
    owners, financiers, starts = set(), set(), set()
    years: dict[str, set[int]] = {k: set() for k in TIME_FIELDS}
    for p in features:
        owners.update(_names(p.get(P_OWNER)))
        financiers.update(_names(p.get(P_FINANCIERS)))
        y = year_of(p, P_START_YEAR)
        if y is not None:
            starts.add(y)
        for key in TIME_FIELDS:
            y = year_of(p, key)
            if y is not None:
                years[key].add(y)
    return {
        "owners": tuple(sorted(owners)),
        "financiers": tuple(sorted(financiers)),
        "start_years": tuple(sorted(starts)),
        "time_years": tuple((k, tuple(sorted(v))) for k, v in years.items() if v),
    }
