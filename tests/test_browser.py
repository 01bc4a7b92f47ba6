"""The dashboard in a real browser: the app starts, headless Chromium draws the Leaflet map with
every feature, offline (nothing is fetched from outside 127.0.0.1), and a filter redraws it.

Needs Debian's Chromium (``tools/test.sh`` installs it) and the ``playwright`` package; the
screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import pytest

from etl.schema import P_ID

from ._browser import ARTIFACTS, drawn, launch, record_outside_requests, serve_seed_copy

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(seed_build, tmp_path_factory):
    with serve_seed_copy(seed_build, tmp_path_factory, "browser") as url:
        yield url


def test_map_draws_every_feature_offline_and_a_filter_redraws_it(app_url, seed_build):
    from playwright.sync_api import sync_playwright

    _, layers = seed_build
    every = {f["properties"][P_ID] for fs in layers.values() for f in fs}
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside = record_outside_requests(page, app_url)
            page.goto(app_url)
            frame, ids = drawn(page, expect=every)
            assert set(ids) == every
            # the layer control and the legend over the map are there; the canvas is painted
            assert frame.locator(".leaflet-control-layers-overlays label").count() >= 8
            assert frame.locator(".atlas-legend").count() == 1
            assert "gas pipeline" in frame.locator(".atlas-legend").text_content()
            assert frame.evaluate(
                "() => [...document.querySelectorAll('canvas')].some(c => c.width > 0)"
            )
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))

            search = page.get_by_label("Search names and quotes")
            search.fill("Line B")
            search.press("Enter")
            line_b = {"pipelines/central-asia-china-gas-line-b"}
            _, ids = drawn(page, expect=line_b)
            assert set(ids) == line_b
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"))
            assert "q=Line+B" in page.url or "q=Line%20B" in page.url
        finally:
            browser.close()
    assert not outside, f"the page fetched from outside the app: {outside[:5]}"
