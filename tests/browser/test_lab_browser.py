"""Train it yourself in a real browser at projector size: the shipped race opens at once (English,
Chinese, lesson mode — screenshots looked at), then Train on a small configuration: the live curve
grows, Stop ends it and keeps what was learned, with the checkpoint scrubber and its heatmaps. Screenshots: artifacts/lab_*.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

PROJECTOR = {"width": 1280, "height": 720}
# Plotly keeps base64 typed arrays as sent in gd.data; the decoded arrays are in gd._fullData.
CURVE_POINTS = ("() => { const p = document.querySelector('.js-plotly-plot');"
                " const x = p && p._fullData && p._fullData[0] ? p._fullData[0].x : null;"
                " return x ? x.length : 0; }")
HEATMAP_SUM = ("() => { const ps = [...document.querySelectorAll('.js-plotly-plot')]"
               ".filter(p => p._fullData && p._fullData[0] && p._fullData[0].type === 'heatmap');"
               " if (!ps.length) return null; const z = ps[0]._fullData[0].z;"
               " let s = 0; for (const row of z) for (const v of row) s += v; return s; }")


@pytest.fixture()
def tab(browser, streamlit_server):
    context = browser.new_context(viewport=PROJECTOR, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(240_000)   # a cold page under a loaded 2-core machine
    yield page
    context.close()


def settle(tab) -> None:
    tab.wait_for_timeout(300)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def no_traceback(tab) -> None:
    body = tab.inner_text("body")
    assert "Traceback" not in body and "Something went wrong" not in body


@pytest.mark.parametrize("query,name", [("", "lab_race_en"), ("?lang=zh", "lab_race_zh"),
                                        ("?lesson=1", "lab_race_lesson")])
def test_opens_on_the_shipped_race(tab, streamlit_server, query, name):
    tab.goto(streamlit_server + "/lab" + query)
    tab.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2")
    settle(tab)
    box = tab.locator(".js-plotly-plot").first.bounding_box()
    assert box["y"] < PROJECTOR["height"] - 100              # the curves start on the first screen
    assert tab.evaluate(CURVE_POINTS) > 10
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_train_watch_stop_and_scrub(tab, streamlit_server):
    tab.goto(streamlit_server + "/lab?lab_mode=single&lab_task=delayed-recall&lab_cell=LSTM&lab_lag=20"
             "&lab_steps=3000&lab_seed=42&lab_hidden=16")
    tab.get_by_text("press Train").first.wait_for()
    tab.get_by_role("button", name="Train").click()
    tab.wait_for_function(f"() => ({CURVE_POINTS})() >= 3", polling=250)
    first = tab.evaluate(CURVE_POINTS)
    tab.wait_for_function(f"n => ({CURVE_POINTS})() > n", arg=first, polling=250)   # the curve moves
    tab.screenshot(path=str(ARTIFACTS / "lab_training.png"))
    tab.get_by_role("button", name="Stop").click()
    try:
        # The scrubber is drawn for the stopped run (its value goes to the URL) with the probe's heatmaps.
        # Scrubbing itself is asserted in tests/app/test_lab.py: Streamlit's select_slider thumb has no
        # role=slider here, and the keyboard route is not yet found.
        tab.wait_for_function("() => location.search.includes('lab_ckpt=')")
        tab.wait_for_function(f"() => ({HEATMAP_SUM})() !== null")
        before = tab.url
    except Exception:
        tab.screenshot(path=str(ARTIFACTS / "lab_stop_failure.png"))
        raise
    assert "lab_ckpt=" in before
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "lab_scrubbed.png"))
