"""The dashboard in a real browser: the app starts, headless Chromium draws the Leaflet map with
every feature, offline (nothing is fetched from outside 127.0.0.1), and a filter redraws it.

Needs Debian's Chromium (``tools/test.sh`` installs it) and the ``playwright`` package; the
screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from etl import settings
from etl.schema import P_ID

pytestmark = pytest.mark.browser

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

#: JavaScript run inside the map's iframe: the feature layers Leaflet has drawn on its canvas
COUNT_DRAWN = """() => {
    if (!window.map || !window.map._loaded) return null;
    const ids = [];
    window.map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (!p || !p.fid || !l._renderer) return;
        const projected = (l._parts && l._parts.length) || l._point;
        if (projected) ids.push(p.fid);
    });
    return ids;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(seed_build, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (tools/test.sh does)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    out, _ = seed_build
    build = tmp_path_factory.mktemp("browser") / "build"
    shutil.copytree(out, build)
    port = _free_port()
    env = dict(
        os.environ,
        ATLAS_BUILD_DIR=str(build),
        ATLAS_CORPUS_DIR=str(settings.DEFAULT_CORPUS),
    )
    log = (tmp_path_factory.mktemp("browser-log") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
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


def _drawn(page, *, expect=None, timeout=MAP_TIMEOUT_S):
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


def test_map_draws_every_feature_offline_and_a_filter_redraws_it(app_url, seed_build):
    from playwright.sync_api import sync_playwright

    _, layers = seed_build
    every = {f["properties"][P_ID] for fs in layers.values() for f in fs}
    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((app_url, "data:", "blob:", "about:"))
                    else outside.append(r.url)
                ),
            )
            page.goto(app_url)
            frame, ids = _drawn(page, expect=every)
            assert set(ids) == every
            # the layer control and the legend beside the map are there; the canvas is painted
            assert frame.locator(".leaflet-control-layers-overlays label").count() >= 8
            assert page.locator(".atlas-legend").count() == 1
            assert "gas pipeline" in page.locator(".atlas-legend").inner_text()
            assert frame.evaluate(
                "() => [...document.querySelectorAll('canvas')].some(c => c.width > 0)"
            )
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))

            search = page.get_by_label("Search names and quotes")
            search.fill("Line B")
            search.press("Enter")
            line_b = {"pipelines/central-asia-china-gas-line-b"}
            _, ids = _drawn(page, expect=line_b)
            assert set(ids) == line_b
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"))
            assert "q=Line+B" in page.url or "q=Line%20B" in page.url
        finally:
            browser.close()
    assert not outside, f"the page fetched from outside the app: {outside[:5]}"
