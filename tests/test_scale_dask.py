"""Builds on a Dask distributed cluster: the same bytes as a local build; TLS keeps others out.

Each test starts a real cluster on 127.0.0.1 (a scheduler and two worker processes) and
points ``atlas build --scheduler`` at it, as a user would.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.schema import LAYERS

distributed = pytest.importorskip("distributed")

from etl import cli  # noqa: E402
from etl.build import RunOptions, build  # noqa: E402

ARTICLES = Path(__file__).parent / "data" / "articles"
#: the build's text files, every layer of the schema included (power_lines too)
OUTPUTS = (
    *(f"{layer}.geojson" for layer in LAYERS),
    "facts.csv",
    "unresolved.csv",
    "manifest.json",
)

pytestmark = pytest.mark.slow


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(ARTICLES.iterdir()):
        if path.suffix in {".txt", ".html", ".htm", ".md"} and path.name != "README.md":
            shutil.copy(path, corpus / path.name)
    return corpus


def _same(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


@contextlib.contextmanager
def _cluster(tmp_path: Path, tls: dict[str, Path] | None = None):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, as a user starts them.

    Yields the scheduler's address and the workers' processes. Real commands, not
    ``LocalCluster``: its worker processes re-run the test process's ``__main__``.
    """
    root = Path(__file__).resolve().parent.parent
    info = tmp_path / "scheduler.json"
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
    scheduler += ["--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(info)]
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(info)]
    worker += ["--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"]
    if tls:
        scheduler += ["--protocol", "tls", "--tls-ca-file", str(tls["ca"])]
        scheduler += ["--tls-cert", str(tls["scheduler_cert"])]
        scheduler += ["--tls-key", str(tls["scheduler_key"])]
        worker += ["--tls-ca-file", str(tls["ca"]), "--tls-cert", str(tls["worker_cert"])]
        worker += ["--tls-key", str(tls["worker_key"])]
    log = (tmp_path / "cluster.log").open("wb")
    procs = [subprocess.Popen(scheduler, cwd=root, stdout=log, stderr=log)]
    try:
        deadline = time.monotonic() + 120
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        address = json.loads(info.read_text())["address"]
        procs += [subprocess.Popen(worker, cwd=root, stdout=log, stderr=log) for _ in range(2)]
        security = None
        if tls:
            from distributed.security import Security

            security = Security(
                tls_ca_file=str(tls["ca"]),
                tls_client_cert=str(tls["client_cert"]),
                tls_client_key=str(tls["client_key"]),
                require_encryption=True,
            )
        with distributed.Client(address, security=security, timeout=60) as client:
            client.wait_for_workers(2, timeout=180)
        yield address, procs[1:]
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def test_a_build_on_a_dask_cluster_gives_the_bytes_of_a_local_build(knowledge, tmp_path):
    corpus = _corpus(tmp_path)
    local = tmp_path / "local" / "build"
    build(corpus, local, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    with _cluster(tmp_path) as (address, _):
        assert address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask" / "build"
        code = cli.main(
            [
                *("build", "--corpus", str(corpus), "--out", str(out), "--full", "--quiet"),
                *("--scheduler", address),
            ]
        )
        assert code == 0
    _same(local, out)


# ---- TLS ------------------------------------------------------------------------------------


def _certificates(folder: Path) -> dict[str, Path]:
    """A CA, and a certificate signed by it for the scheduler, the workers and the client."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def write(stem: str, cert, key) -> tuple[Path, Path]:
        crt, pem = folder / f"{stem}.crt", folder / f"{stem}.key"
        crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        pem.chmod(0o600)
        return crt, pem

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("atlas test CA"))
        .issuer_name(name("atlas test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": write("ca", ca, ca_key)[0]}
    for who in ("scheduler", "worker", "client"):
        key = ec.generate_private_key(ec.SECP256R1())
        import ipaddress

        cert = (
            x509.CertificateBuilder()
            .subject_name(name(f"atlas {who}"))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        paths[f"{who}_cert"], paths[f"{who}_key"] = write(who, cert, key)
    return paths


def test_a_tls_cluster_builds_for_a_client_with_a_certificate_and_refuses_one_without(
    knowledge, tmp_path, monkeypatch, capsys
):
    from distributed.security import Security

    corpus = _corpus(tmp_path)
    local = tmp_path / "local" / "build"
    build(corpus, local, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    certs = _certificates(tmp_path)
    security = Security(
        tls_ca_file=str(certs["ca"]),
        tls_scheduler_cert=str(certs["scheduler_cert"]),
        tls_scheduler_key=str(certs["scheduler_key"]),
        tls_worker_cert=str(certs["worker_cert"]),
        tls_worker_key=str(certs["worker_key"]),
        tls_client_cert=str(certs["client_cert"]),
        tls_client_key=str(certs["client_key"]),
        require_encryption=True,
    )
    del security
    monkeypatch.setattr("etl.run.dask.CONNECT_TIMEOUT_S", 5)
    with _cluster(tmp_path, tls=certs) as (address, _):
        assert address.startswith("tls://127.0.0.1:")
        out = tmp_path / "tls" / "build"
        code = cli.main(
            [
                *("build", "--corpus", str(corpus), "--out", str(out), "--full", "--quiet"),
                *("--scheduler", address, "--tls-ca-file", str(certs["ca"])),
                *("--tls-cert", str(certs["client_cert"]), "--tls-key", str(certs["client_key"])),
            ]
        )
        assert code == 0
        _same(local, out)
        capsys.readouterr()

        # no client certificate: the scheduler refuses the connection; nothing is built
        from etl._errors import BuildError

        refused = tmp_path / "refused" / "build"
        bare = Security(tls_ca_file=str(certs["ca"]), require_encryption=True)
        opts = RunOptions(cache=False, scheduler=address, security=bare)
        with pytest.raises(BuildError, match="cannot reach the Dask scheduler") as caught:
            build(corpus, refused, knowledge=knowledge, options=opts)
        assert "\n" not in str(caught.value)
        assert not refused.exists()


# ---- a worker killed in the middle of a build -----------------------------------------------


def _bigger_corpus(tmp_path: Path, copies: int) -> Path:
    """The articles several times over (each copy its own document)."""
    corpus = _corpus(tmp_path)
    originals = sorted(corpus.iterdir())
    for k in range(1, copies):
        for path in originals:
            shutil.copy(path, corpus / f"c{k}-{path.name}")
    return corpus


def _kill_when_started(cache: Path, pids, done) -> bool:
    """SIGKILL one worker once the first findings are back; True if the build was still on."""
    import os
    import signal
    import time

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not done():
        if any(cache.glob("*/*")) and pids():  # the first findings: most batches still to come
            os.kill(pids()[0], signal.SIGKILL)
            return not done()
        time.sleep(0.05)
    return False


def test_a_dask_worker_killed_mid_build_changes_no_byte(knowledge, tmp_path, monkeypatch):
    """The scheduler gives the dead worker's batches to the other: the same bytes."""
    import threading

    monkeypatch.setattr("etl.run.dask.BATCH", 2)
    # (20 copies: on a cold machine the first findings came back with the last ones of 10)
    corpus = _bigger_corpus(tmp_path, 20)
    local = tmp_path / "local" / "build"
    build(corpus, local, knowledge=knowledge, options=RunOptions(cache=False, workers=1))
    cache = tmp_path / "cache"
    out = tmp_path / "dask" / "build"
    with _cluster(tmp_path) as (address, workers):
        errors: list[BaseException] = []

        def run() -> None:
            opts = RunOptions(cache_dir=cache, scheduler=address)
            try:
                build(corpus, out, knowledge=knowledge, options=opts)
            except BaseException as exc:  # handed to the test thread
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        pids = lambda: [w.pid for w in workers]  # noqa: E731
        killed = _kill_when_started(cache, pids, lambda: not thread.is_alive())
        thread.join(600)
    assert killed, "the build ended before a worker could be killed"
    assert not errors, errors
    _same(local, out)


def test_a_local_worker_killed_mid_build_stops_with_one_line(tmp_path):
    """A worker process dies: one clear error line, and the previous build is still there."""
    import psutil

    # enough documents that the workers are still extracting a second after they fork, on a
    # quiet machine too (with 10 copies a fast build could end before the kill)
    corpus = _bigger_corpus(tmp_path, 30)
    out = tmp_path / "out" / "build"
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "etl", "build", "--corpus", str(corpus), "--out", str(out)]
    first = subprocess.run([*cmd, "--workers", "1"], cwd=root, capture_output=True, timeout=900)
    assert first.returncode == 0, first.stderr
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    (corpus / "zz-new.txt").write_text("Trucks crossed from Khorgos to Almaty.\n")
    proc = subprocess.Popen(
        [*cmd, "--workers", "2", "--full"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    build_proc = psutil.Process(proc.pid)
    deadline = time.monotonic() + 300
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        children = build_proc.children()
        if len(children) >= 2:  # the workers have forked: they extract from here on
            time.sleep(1.0)
            try:
                children[0].kill()
            except psutil.NoSuchProcess:  # that worker had just ended: try the next one
                continue
            killed = True
            break
        time.sleep(0.05)
    _, err = proc.communicate(timeout=600)
    assert killed, "the build ended before a worker could be killed"
    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "worker process died" in lines[0], err
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
