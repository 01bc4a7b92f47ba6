"""The sidebar's controls in headless Chromium, checked by what a user sees and does.

The time slider plays (▶ play steps through the years and the drawn features change), quick
presses of "year ▶" are not lost to the map's own rerun, typing a country's code and Enter
picks that one country, and the upload page states one size limit.
"""

from __future__ import annotations

import time

import pytest

from etl.documents import MAX_BYTES
from etl.schema import P_FIRST_SEEN, P_ID

from ._browser import ARTIFACTS, app_page, drawn, serve_seed_copy

pytestmark = pytest.mark.browser
#: the first page after a server start imports the geo stack: slow on a busy machine
BROWSER_TIMEOUT_S = 150


@pytest.fixture(scope="module")
def app(seed_build, tmp_path_factory):
    with serve_seed_copy(seed_build, tmp_path_factory, "controls-browser") as url:
        yield url, seed_build[1]


@pytest.fixture
def page(app):
    url, _ = app
    with app_page(url) as pg:
        yield pg


def _by_year(layers) -> dict[str, set[str]]:
    """Feature ids first seen by each year of the build (the time slider's "by news")."""
    every = {f["properties"][P_ID]: f["properties"] for fs in layers.values() for f in fs}
    years = sorted({p[P_FIRST_SEEN][:4] for p in every.values() if p.get(P_FIRST_SEEN)})
    return {
        y: {fid for fid, p in every.items() if (p.get(P_FIRST_SEEN) or "9")[:4] <= y} for y in years
    }


def _wait_url(page, text: str, timeout_ms: int = 90_000) -> None:
    page.wait_for_function(
        f"() => decodeURIComponent(location.search).includes({text!r})", timeout=timeout_ms
    )


def test_play_steps_through_the_years_and_the_map_grows(app, page):
    """▶ play, pressed once: the year moves on by itself and the map draws more each year."""
    url, layers = app
    by_year = _by_year(layers)
    first, last = min(by_year), max(by_year)
    assert by_year[first] != by_year[last]  # the seed build grew between them
    page.goto(f"{url}/?time=first_seen&year={first}")
    drawn(page, expect=by_year[first], timeout=BROWSER_TIMEOUT_S)
    page.get_by_role("button", name="▶ play").click()
    seen_years, seen_drawn = [], []
    deadline = time.monotonic() + BROWSER_TIMEOUT_S
    while time.monotonic() < deadline:
        for y in range(int(first), int(last) + 1):
            if f"year={y}" in page.url and y not in seen_years:
                seen_years.append(y)
        try:
            _, ids = drawn(page, timeout=5)
            if not seen_drawn or set(ids) != seen_drawn[-1]:
                seen_drawn.append(set(ids))
        except AssertionError:
            pass
        if seen_drawn and seen_drawn[-1] == by_year[last]:
            break
        page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / "map-played.png"))
    # no further press: it went through the years, one at a time, and the map grew
    assert seen_years[-1] == int(last), seen_years
    assert int(first) + 1 in seen_years, seen_years
    assert seen_drawn[-1] == by_year[last], [len(s) for s in seen_drawn]
    # at the last year it stops, and offers to play again
    page.get_by_role("button", name="▶ play").wait_for(timeout=60_000)


def test_year_presses_during_reruns_are_not_lost(app, page):
    """ "year ▶" pressed straight after the map is drawn (its own view rerun then runs), and
    again as soon as the address shows the new year (the sidebar, drawn last, still shows
    the old one): two years on, and it stays there. Two presses inside one run are one
    rerun for Streamlit, so each press here waits for the year before it to show."""
    url, layers = app
    by_year = _by_year(layers)
    first = int(min(by_year))
    page.goto(f"{url}/?time=first_seen&year={first}")
    drawn(page, expect=by_year[str(first)], timeout=BROWSER_TIMEOUT_S)
    step = page.get_by_role("button", name="year ▶")
    step.click()
    _wait_url(page, f"year={first + 1}")
    step.click()
    _wait_url(page, f"year={first + 2}")
    page.wait_for_timeout(5000)  # any rerun still in flight has landed
    assert f"year={first + 2}" in page.url, page.url
    expect = {fid for y, ids in by_year.items() if int(y) <= first + 2 for fid in ids}
    drawn(page, expect=expect, timeout=BROWSER_TIMEOUT_S)


def test_typing_a_country_code_and_enter_picks_that_country(app, page):
    url, _ = app
    page.goto(url)
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]", has_text="Country")
    box.wait_for(timeout=BROWSER_TIMEOUT_S * 1000)
    field = box.locator("input")
    field.click()
    field.type("KAZ")
    page.get_by_role("option", name="Kazakhstan (KAZ)").wait_for(timeout=30_000)
    field.press("Enter")
    _wait_url(page, "country=KAZ")
    page.wait_for_timeout(2000)
    assert page.url.count("country=") == 1, page.url
    tags = box.locator("[data-tag]").all_inner_texts()
    assert tags == ["Kazakhstan (KAZ)"], tags


def test_the_upload_page_states_one_limit(app, page):
    """The widget and the page say the same limit, the one the atlas applies (5 MiB)."""
    url, _ = app
    page.goto(f"{url}/articles")
    zone = page.locator("[data-testid=stFileUploaderDropzone]")
    zone.wait_for(timeout=BROWSER_TIMEOUT_S * 1000)
    page.wait_for_timeout(500)
    shown = page.locator("[data-testid=stMain]").inner_text()
    instructions = page.evaluate(
        """() => { const d = document.querySelector(
            "[data-testid=stFileUploaderDropzoneInstructions] > div");
          return d.innerText + getComputedStyle(d, '::after').content; }"""
    )
    page.screenshot(path=str(ARTIFACTS / "upload.png"))
    said = shown + instructions
    assert MAX_BYTES == 5 * 1_048_576  # the atlas's limit: 5 MiB
    assert "6MB" not in said and "6 MB" not in said, said
    assert "5 MiB per file" in instructions, instructions
    assert "up to 5 MiB" in shown
