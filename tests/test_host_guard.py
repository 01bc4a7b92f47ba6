"""DNS rebinding: the dashboard answers only to localhost, 127.0.0.1, [::1] and ATLAS_ALLOWED_HOSTS.

A page on ``evil.example`` whose name the attacker points at 127.0.0.1 reaches the dashboard
from the user's own browser; only the ``Host`` header tells it apart. These tests start a
real ``atlas serve`` (``python -m etl serve`` on a free port) and speak to it as such a page
would: a WebSocket handshake to ``/_stcore/stream`` with a matching ``Origin``, the page,
the static files and the upload endpoint; then headless Chromium, told that ``evil.example``
is 127.0.0.1, opens the map.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import hosts
from etl import settings
from etl.cli import main as atlas

from ._browser import CHROMIUM, CHROMIUM_ARGS, START_TIMEOUT_S, drawn, free_port, require_browser

PROXY_NAME = "atlas.example.org"  # the name a reverse proxy would pass on
FOREIGN = "evil.example"
APP = str(settings.ROOT / "dashboard" / "app.py")
TITLE = "China–Central Asia Atlas"


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "welcome"),
    [
        ("localhost:8501", True),
        ("LOCALHOST", True),
        ("localhost.:8501", True),
        ("127.0.0.1:8501", True),
        ("[::1]:8501", True),
        ("[0:0:0:0:0:0:0:1]:8501", True),
        ("evil.example:8501", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io:8501", False),
        ("evil.example@127.0.0.1", False),  # userinfo
        ("127.0.0.1:8501/x", False),
        ("127.0.0.1:99999", False),  # not a port
        ("0.0.0.0:8501", False),
        ("", False),
        (None, False),
    ],
)
def test_only_the_local_names_are_welcome_by_default(header, welcome):
    allowed = hosts.allowed_hosts({})
    assert allowed == ("localhost", "127.0.0.1", "::1")
    assert (hosts.refusal(header, allowed) is None) is welcome


def test_a_refusal_names_the_host_and_the_setting():
    reason = hosts.refusal("evil.example:8501", hosts.allowed_hosts({}))
    assert "'evil.example:8501'" in reason and "DNS rebinding" in reason
    assert "localhost, 127.0.0.1, [::1]" in reason and "ATLAS_ALLOWED_HOSTS" in reason


def test_names_in_atlas_allowed_hosts_are_added():
    env = {hosts.ENV: f" {PROXY_NAME.upper()}., [fd00::5] ,intranet-atlas"}
    allowed = hosts.allowed_hosts(env)
    assert allowed == ("localhost", "127.0.0.1", "::1", PROXY_NAME, "fd00::5", "intranet-atlas")
    assert hosts.refusal(f"{PROXY_NAME}:443", allowed) is None
    assert hosts.refusal("[fd00::5]", allowed) is None
    assert hosts.refusal(FOREIGN, allowed) is not None


@pytest.mark.parametrize(
    "entry", ["*", "*.example.org", "https://atlas.example.org", "atlas.example.org:443", "a/b"]
)
def test_a_setting_that_is_not_a_host_name_stops_atlas_serve(entry, monkeypatch, capsys):
    monkeypatch.setenv(hosts.ENV, entry)
    called = []
    monkeypatch.setattr("etl.cli.subprocess.call", lambda *a, **k: called.append(a) or 0)
    assert atlas(["serve", "--build", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ATLAS_ALLOWED_HOSTS" in err and repr(entry) in err
    assert called == []


def test_the_app_itself_shows_only_the_reason_to_a_foreign_host(monkeypatch, seed_build):
    """``streamlit run dashboard/app.py`` with Streamlit's own check switched off."""
    monkeypatch.setenv("ATLAS_BUILD_DIR", str(seed_build[0]))
    monkeypatch.delenv(hosts.ENV, raising=False)
    context = type(__import__("streamlit").context)
    for host, refused in ((f"{FOREIGN}:8501", True), ("127.0.0.1:8501", False)):
        headers = {"Host": host, "Origin": f"http://{host}"}
        monkeypatch.setattr(context, "headers", property(lambda self, h=headers: h))
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        errors = [e.value for e in at.error]
        if refused:
            assert len(errors) == 1 and f"'{host}'" in errors[0]
            assert not at.dataframe and not at.sidebar.children  # nothing of the atlas
        else:
            assert not errors and at.dataframe


# --- a real `atlas serve` -----------------------------------------------------------------


@contextlib.contextmanager
def atlas_serve(build: Path, **env: str) -> Iterator[int]:
    """``python -m etl serve`` on a free port, until the block ends; the port."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if k != hosts.ENV} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "serve", "--port", str(port), "--build", str(build)],
        cwd=settings.ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # atlas serve runs Streamlit as a child: stop both
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while get(port, "/_stcore/health", "127.0.0.1")[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"atlas serve did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()


def get(port: int, path: str, host: str, method: str = "GET") -> tuple[int, bytes]:
    """Status and body of a request to 127.0.0.1:port that says ``Host: host:port``."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=b"x" if method == "PUT" else None,
        headers={"Host": f"{host}:{port}", "Origin": f"http://{host}:{port}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def handshake(port: int, host: str) -> str:
    """The status line the server answers a WebSocket handshake with, from a page on ``host``."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"Origin: http://{host}:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode("ascii"))
        return s.recv(4096).decode("latin-1").split("\r\n")[0]


@pytest.fixture(scope="module")
def served(seed_build):
    """One real ``atlas serve`` for this module, with the proxy's name allowed."""
    with atlas_serve(seed_build[0], **{hosts.ENV: PROXY_NAME}) as port:
        yield port


#: what a page could ask for: the app, a static file, the health check, an upload
ROUTES = [
    ("/", "GET"),
    ("/map", "GET"),
    ("/app/static/leaflet/leaflet.js", "GET"),
    ("/_stcore/health", "GET"),
    ("/_stcore/host-config", "GET"),
    ("/_stcore/upload_file/session/file", "PUT"),
]


@pytest.mark.slow
def test_a_foreign_host_is_refused_on_the_websocket_and_every_route(served):
    port = served
    assert handshake(port, FOREIGN).startswith("HTTP/1.1 403")
    for path, method in ROUTES:
        status, body = get(port, path, FOREIGN, method)
        assert status == 403, path
        assert body.decode().startswith("Refused:") and f"'{FOREIGN}:{port}'" in body.decode()


@pytest.mark.slow
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", PROXY_NAME])
def test_local_names_and_the_allowed_name_work(served, host):
    port = served
    assert handshake(port, host).startswith("HTTP/1.1 101")
    for path, method in ROUTES[:4]:
        assert get(port, path, host, method)[0] == 200, path
    assert get(port, "/_stcore/health", host)[1] == b"ok"


@pytest.mark.slow
def test_the_proxy_name_is_refused_when_it_is_not_allowed(seed_build):
    with atlas_serve(seed_build[0]) as port:
        assert handshake(port, PROXY_NAME).startswith("HTTP/1.1 403")
        assert get(port, "/", PROXY_NAME)[0] == 403
        assert handshake(port, "localhost").startswith("HTTP/1.1 101")


@pytest.mark.slow
@pytest.mark.browser
def test_in_chromium_a_rebound_name_sees_only_the_reason_and_the_allowed_name_the_atlas(served):
    require_browser()
    from playwright.sync_api import sync_playwright

    port = served
    rules = f"--host-resolver-rules=MAP {FOREIGN} 127.0.0.1, MAP {PROXY_NAME} 127.0.0.1"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rules])
        try:
            page = browser.new_page()
            sockets: list[str] = []
            page.on("websocket", lambda ws: sockets.append(ws.url))
            response = page.goto(f"http://{FOREIGN}:{port}/map")
            assert response.status == 403
            page.wait_for_timeout(2000)  # time for any script to start, were there one
            text = page.inner_text("body")
            assert text.startswith("Refused:") and "DNS rebinding" in text
            assert TITLE not in page.title() + text and "Pipelines" not in text
            assert sockets == [] and len(page.frames) == 1

            page = browser.new_page()
            page.goto(f"http://{PROXY_NAME}:{port}/map")
            _, ids = drawn(page)
            assert ids and page.title() == TITLE
        finally:
            browser.close()
