"""A throwaway PostgreSQL 15 + PostGIS server for the tests, on a free port in a temporary folder.

``tools/test.sh`` installs Debian's ``postgresql-15-postgis-3``. The server runs as the user
running the tests, or, for root (which PostgreSQL refuses), as ``postgres`` through
``runuser``. It listens on 127.0.0.1 only, asks for passwords (scram-sha-256) over TCP, and
is stopped and deleted at the end of the session.

Roles, as the README sets them up: ``atlas_admin`` (superuser, creates the extension),
``atlas_publisher`` (may create schemas in the database, so create and swap the atlas) and
``atlas_reader`` (reads what the publisher creates, nothing else). The database ``atlas``
has PostGIS; ``plain`` has not.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ADMIN, ADMIN_PW = "atlas_admin", "admin-Pw-7f3k"
PUBLISHER, PUBLISHER_PW = "atlas_publisher", "pub-Secret-91xq"
READER, READER_PW = "atlas_reader", "read-Secret-44zt"


def bindir() -> Path | None:
    """Where PostgreSQL 15's server programs are (Debian's layout), or None."""
    for pattern in ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/*/bin"):
        for d in sorted(glob.glob(pattern), reverse=True):
            if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
                return Path(d)
    return None


def postgis_installed() -> bool:
    return bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    root: Path
    port: int
    bin: Path
    as_postgres: bool

    def dsn(self, user: str = PUBLISHER, password: str = PUBLISHER_PW, db: str = "atlas") -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(ADMIN_PW + "\n")
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(pwfile, "postgres")
        data = self.root / "data"
        r = self._run(
            "initdb", "-D", str(data), "-U", ADMIN, f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        if r.returncode:
            raise RuntimeError(f"initdb failed: {r.stderr or r.stdout}")
        opts = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB "
            "-c deadlock_timeout=200ms"
        )
        r = self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "log"), "-w", "-t", "60",
                      "-o", opts, "start")  # fmt: skip
        if r.returncode:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {r.stderr or r.stdout} {log}")
        self._setup()

    def _setup(self) -> None:
        import psycopg

        admin = self.dsn(ADMIN, ADMIN_PW, "postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            for db in ("atlas", "plain"):
                conn.execute(f"CREATE DATABASE {db}")
            conn.execute(f"CREATE ROLE {PUBLISHER} LOGIN PASSWORD '{PUBLISHER_PW}'")
            conn.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PW}'")
            # the README's two roles, word for word
            conn.execute(f"GRANT CREATE ON DATABASE atlas TO {PUBLISHER}")
            conn.execute(f"GRANT CREATE ON DATABASE plain TO {PUBLISHER}")
        with psycopg.connect(self.dsn(ADMIN, ADMIN_PW, "atlas"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
            conn.execute(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {PUBLISHER} GRANT USAGE ON SCHEMAS TO {READER}"
            )
            conn.execute(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {PUBLISHER} GRANT SELECT ON TABLES TO {READER}"
            )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> Server:
    """Start a server, or raise ``LookupError`` saying what is missing."""
    b = bindir()
    if b is None or not postgis_installed():
        msg = "PostgreSQL 15 with PostGIS is not installed (tools/test.sh installs it)"
        raise LookupError(msg)
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        msg = "running as root needs runuser to start PostgreSQL as postgres"
        raise LookupError(msg)
    root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    root.chmod(0o755)
    server = Server(root, free_port(), b, as_postgres)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
