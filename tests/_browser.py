"""Helpers for the browser tests: start the dashboard on a build, drive headless Chromium.

Shared by ``test_browser.py`` and ``test_hostile.py``. Needs Debian's Chromium
(``tools/test.sh`` installs it) and the ``playwright`` package; tests skip without them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
START_TIMEOUT_S = 60
MAP_TIMEOUT_S = 45
#: URL schemes a page may load without reaching a server
LOCAL_SCHEMES = ("data:", "blob:", "about:")

#: JavaScript run inside the map's iframe: the feature layers Leaflet has drawn on its canvas
#: (a point gathered into a cluster counts: the cluster's count shows it)
COUNT_DRAWN = """() => {
    if (!window.map || !window.map._loaded) return null;
    const ids = [];
    window.map.eachLayer(l => {
        if (l._featureGroup && l.getLayers && !l.feature) {
            l.getLayers().forEach(c => {
                if (c.feature && c.feature.properties.fid) ids.push(c.feature.properties.fid);
            });
            return;
        }
        const p = l.feature && l.feature.properties;
        if (!p || !p.fid || !l._renderer) return;
        const projected = (l._parts && l._parts.length) || l._point;
        if (projected) ids.push(p.fid);
    });
    return ids;
}"""


def require_browser() -> None:
    """Skip the calling test when Chromium or playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (tools/test.sh does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(build: Path, corpus: Path, log_dir: Path) -> Iterator[str]:
    """The dashboard on ``build`` (as ``atlas serve`` starts it), until the block ends; its URL."""
    port = free_port()
    env = dict(os.environ, ATLAS_BUILD_DIR=str(build), ATLAS_CORPUS_DIR=str(corpus))
    log = (log_dir / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/asgi.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=settings.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"the dashboard did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def serve_seed_copy(seed_build, tmp_path_factory, name: str) -> Iterator[str]:
    """The dashboard over a copy of the seed build (a test may change its copy); its URL."""
    require_browser()
    out, _ = seed_build
    build = tmp_path_factory.mktemp(name) / "build"
    shutil.copytree(out, build)
    with serve(build, settings.DEFAULT_CORPUS, tmp_path_factory.mktemp(f"{name}-log")) as url:
        yield url


def launch(playwright):
    """Headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextlib.contextmanager
def app_page(app_url: str, *, width: int = 1500, height: int = 1000) -> Iterator:
    """A fresh Chromium page for the app; when the block ends, it must have fetched nothing
    from outside the app."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            outside = record_outside_requests(page, app_url)
            yield page
            assert not outside, f"the page fetched from outside the app: {outside[:5]}"
        finally:
            browser.close()


def record_outside_requests(page, app_url: str) -> list[str]:
    """A list that fills with every URL the page requests from anywhere but the app."""
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((app_url, *LOCAL_SCHEMES)) else outside.append(r.url),
    )
    return outside


def drawn(page, *, expect=None, timeout=MAP_TIMEOUT_S):
    """Wait until the map's iframe has drawn features (``expect`` of them, if given)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                ids = frame.evaluate(COUNT_DRAWN)
            except Exception:
                continue
            if ids:
                last = ids
                if expect is None or set(ids) == expect:
                    return frame, ids
        page.wait_for_timeout(150)
    raise AssertionError(f"map not drawn as expected within {timeout} s; last saw {last}")
