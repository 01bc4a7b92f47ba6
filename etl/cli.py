"""The ``atlas`` command line: build, export, serve. See the contract for the interface."""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from etl import settings
from etl._errors import AtlasError, UsageError, no_room
from etl.schema import CAPACITY_UNITS, LAYERS, STATUSES

_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the contract says
        from etl.publish.dsn import scrub  # a misplaced DSN may be quoted back: mask it

        self.exit(2, f"atlas: error: {scrub(message)}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="atlas", description="China–Central Asia Atlas: news text to map layers.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="read the corpus and write the map layers")
    b.add_argument("--corpus", type=Path, default=settings.DEFAULT_CORPUS)
    b.add_argument("--out", type=Path, default=settings.DEFAULT_OUT)
    b.add_argument(
        "--registry", type=Path, default=settings.REGISTRY_DIR, help="registry folder (*.yaml)"
    )
    b.add_argument("--quiet", action="store_true", help="only the summary line")
    b.add_argument("--full", action="store_true", help="ignore the findings cache")
    b.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes (default: cores)"
    )
    b.add_argument(
        "--scheduler", default=None, metavar="ADDR", help="Dask scheduler (tcp:// or tls://)"
    )
    b.add_argument("--tls-ca-file", type=Path, default=None, metavar="PEM")
    b.add_argument("--tls-cert", type=Path, default=None, metavar="PEM")
    b.add_argument("--tls-key", type=Path, default=None, metavar="PEM")

    e = sub.add_parser("export", help="write one filtered layer")
    e.add_argument("--layer", required=True, choices=LAYERS)
    e.add_argument("--type", action="append", default=[], dest="types", metavar="T")
    e.add_argument("--country", action="append", default=[], dest="countries", metavar="ISO3")
    e.add_argument(
        "--status",
        action="append",
        default=[],
        dest="statuses",
        metavar="S",
        choices=[*STATUSES, "unknown"],
    )
    e.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first seen on or after")
    e.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="first seen on or before")
    e.add_argument(
        "--doc",
        action="append",
        default=[],
        dest="docs",
        metavar="PATH",
        help="named in this corpus document",
    )
    e.add_argument("--min-capacity", type=float, default=None, metavar="N")
    e.add_argument(
        "--unit",
        dest="capacity_unit",
        default=None,
        choices=CAPACITY_UNITS,
        help="with --min-capacity: only features measured in this unit",
    )
    e.add_argument("--text", default=None, help="in the name, aliases or source sentences")
    e.add_argument("--no-inferred", action="store_true", help="leave out inferred routes")
    e.add_argument("--format", choices=("geojson", "gpkg", "csv", "parquet"), default=None)
    e.add_argument("--out", type=Path, required=True)
    e.add_argument("--build", type=Path, default=settings.DEFAULT_OUT, help="build directory")

    pub = sub.add_parser("publish", help="write the build into PostgreSQL/PostGIS atomically")
    pub.add_argument(
        "dsn",
        nargs="?",
        default=None,
        metavar="DSN",
        help="postgresql://USER@HOST:PORT/DB (default: $ATLAS_DATABASE_URL; a password is "
        "better kept in ~/.pgpass or PGPASSWORD than on the command line)",
    )
    pub.add_argument("--build", type=Path, default=settings.DEFAULT_OUT, help="build directory")
    pub.add_argument("--schema", default="atlas", help="the schema to create or replace")

    s = sub.add_parser("serve", help="start the dashboard on 127.0.0.1")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--build", type=Path, default=settings.DEFAULT_OUT)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="atlas: %(message)s")
    # trafilatura's warnings ("discarding data: None") name no document; the skip reasons do
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "export":
            return _export(args)
        if args.command == "publish":
            return _publish(args)
        return _serve(args)
    except UsageError as exc:
        print(f"atlas: error: {exc}", file=sys.stderr)
        return 2
    except AtlasError as exc:
        print(f"atlas: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("atlas: interrupted; the previous build is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:
        if not no_room(exc):
            raise
        # a 100,000-article benchmark build filled the disk while writing the GeoPackage and
        # ended in a pyogrio traceback: one line says what happened and what is kept
        where = getattr(args, "out", None)
        print(
            f"atlas: error: the disk is full; the build was not written and {where} is unchanged"
            if args.command == "build"
            else "atlas: error: the disk is full",
            file=sys.stderr,
        )
        return 1


def _build(args: argparse.Namespace) -> int:
    from etl.build import RunOptions, build

    if not args.corpus.is_dir():
        raise UsageError(f"--corpus {args.corpus} is not a directory")
    if not args.registry.is_dir():
        raise UsageError(f"--registry {args.registry} is not a directory")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give 1 or more")
    tls = (args.tls_ca_file, args.tls_cert, args.tls_key)
    if any(tls) and not args.scheduler:
        raise UsageError("--tls-ca-file/--tls-cert/--tls-key go with --scheduler tls://...")
    for path in filter(None, tls):
        if not path.is_file():
            raise UsageError(f"{path} is not a file")
    security = None
    if args.scheduler:
        if not re.fullmatch(r"(tcp|tls)://[^\s/]+:\d+", args.scheduler):
            raise UsageError(f"--scheduler {args.scheduler!r} is not tcp://HOST:PORT or tls://")
        try:
            from etl.run.dask import security as dask_security
        except ImportError as exc:
            raise UsageError("--scheduler needs Dask: pip install 'ca-atlas[dask]'") from exc
        security = dask_security(*tls, args.scheduler)
    options = RunOptions(
        full=args.full, workers=args.workers, scheduler=args.scheduler, security=security
    )
    result = build(
        args.corpus,
        args.out,
        registry_dir=args.registry,
        progress=not args.quiet,
        options=options,
    )
    print(result.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    from etl.export import Filters, filter_features, render
    from etl.io import read_features

    suffixes = {".gpkg": "gpkg", ".csv": "csv", ".parquet": "parquet"}
    fmt = args.format or suffixes.get(args.out.suffix.lower(), "geojson")
    path = args.build / f"{args.layer}.geojson"
    if not path.exists():
        raise UsageError(f"no build at {args.build} (run `atlas build` first)")
    for flag, value in (("--from", args.date_from), ("--to", args.date_to)):
        if value is not None and not _DATE.fullmatch(value):
            raise UsageError(f"{flag} {value!r} is not a date (YYYY-MM-DD)")
    filters = Filters(
        types=tuple(args.types),
        countries=tuple(c.upper() for c in args.countries),
        statuses=tuple(args.statuses),
        date_from=args.date_from,
        date_to=args.date_to,
        docs=tuple(args.docs),
        min_capacity=args.min_capacity,
        capacity_unit=args.capacity_unit,
        text=args.text,
        inferred=not args.no_inferred,
    )
    try:
        features = read_features(path)
    except ValueError as exc:
        raise AtlasError(f"{path} is broken ({exc}); run `atlas build` to rebuild") from exc
    chosen = filter_features(features, filters)
    data = render(args.layer, chosen, fmt)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, args.out)
    print(f"wrote {len(chosen)} of {len(features)} {args.layer} features to {args.out} ({fmt})")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from etl.publish.dsn import DATABASE_URL_ENV
    from etl.publish.postgis import publish

    dsn = args.dsn or os.environ.get(DATABASE_URL_ENV)
    if not dsn:
        raise UsageError(f"publish needs a DSN argument or {DATABASE_URL_ENV}")
    print(publish(dsn, args.build, schema=args.schema).summary())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from etl.build import build
    from etl.publish.dsn import DATABASE_URL_ENV, describe

    app = settings.ROOT / "dashboard" / "app.py"
    hosts = _allowed_hosts() if app.exists() else ()
    corpus = Path(os.environ.get("ATLAS_CORPUS_DIR") or settings.DEFAULT_CORPUS).absolute()
    if os.environ.get(DATABASE_URL_ENV):  # the dashboard reads the published atlas
        where = describe(os.environ[DATABASE_URL_ENV])
        print(f"atlas: reading the atlas from {where}", file=sys.stderr)
    elif not (args.build / "manifest.json").exists():
        print(f"atlas: no build yet; building {corpus} first", file=sys.stderr)
        print(build(corpus, args.build).summary(), file=sys.stderr)
    if not app.exists():
        print(f"atlas: the layers are in {args.build.absolute()} (no dashboard in this version)")
        return 0
    # the build path as given, not resolved: ``geodata/build`` is a link that each rebuild
    # moves to a new directory, and the dashboard must follow it
    env = dict(
        os.environ,
        ATLAS_BUILD_DIR=str(args.build.absolute()),
        ATLAS_CORPUS_DIR=str(corpus),
    )
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        # app.py behind dashboard.hosts.HostGuard: a foreign Host is refused on every route
        str(app.with_name("asgi.py")),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
    ]
    for host in hosts:  # Streamlit's own check on its WebSocket, as a second lock
        cmd += ["--server.allowedHosts", host]
    print(f"atlas: dashboard on http://127.0.0.1:{args.port} (Ctrl+C to stop)", file=sys.stderr)
    return subprocess.call(cmd, cwd=settings.ROOT, env=env)


def _allowed_hosts() -> tuple[str, ...]:
    """The Host names the dashboard answers to; a bad ``ATLAS_ALLOWED_HOSTS`` stops here."""
    from dashboard.hosts import HostSettingError, allowed_hosts

    try:
        return allowed_hosts()
    except HostSettingError as exc:
        raise UsageError(str(exc)) from exc
