"""Train it yourself in a real browser at projector size: the shipped race opens at once (English,
Chinese, lesson mode — screenshots looked at); its checkpoint scrubber, moved by keyboard, redraws the
probe's gate and state heatmaps; Train on a small configuration: the live curve grows, Stop ends it and
keeps what was learned, scrubbable; a tiny budget trained to the end gives twelve checkpoints to scrub.
Screenshots: artifacts/lab_*.png.

The scrubber is Streamlit's select_slider: its thumb is a visually hidden ``<input type=range>``
(react-aria), role ``slider`` named by the widget's label; Home / End / ArrowRight on the focused thumb
move it and send the new value, as a learner's keyboard would."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

PROJECTOR = {"width": 1280, "height": 720}
# Plotly keeps base64 typed arrays as sent in gd.data; the decoded arrays are in gd._fullData.
CURVE_POINTS = ("() => { const p = document.querySelector('.js-plotly-plot');"
                " const x = p && p._fullData && p._fullData[0] ? p._fullData[0].x : null;"
                " return x ? x.length : 0; }")
# Every heatmap's values, summed per heatmap and per unit row: a fingerprint of what is drawn.
HEATMAPS = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".filter(p => p._fullData && p._fullData[0] && p._fullData[0].type === 'heatmap')"
            ".map(p => p._fullData[0].z.map(row => row.reduce((a, v) => a + v, 0)))")
# True once the heatmaps differ from ``arg`` (their count may not: same cell, other checkpoint).
REDRAWN = (f"before => {{ const now = ({HEATMAPS})(); if (!now.length || now.length !== before.length) return false;"
           " return now.some((rows, i) => rows.length === before[i].length"
           " && rows.some((v, j) => Math.abs(v - before[i][j]) > 1e-6)); }")
SAME = (f"before => {{ const now = ({HEATMAPS})(); return now.length === before.length"
        " && now.every((rows, i) => rows.length === before[i].length"
        " && rows.every((v, j) => Math.abs(v - before[i][j]) <= 1e-6)); }")


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


def scrub(tab, key: str, index: int, label: str = "Checkpoint") -> None:
    """Press ``key`` on the focused checkpoint thumb; wait until the URL holds ``index``."""
    thumb = tab.get_by_role("slider", name=label)
    thumb.focus()
    thumb.press(key)
    tab.wait_for_function(f"() => new URLSearchParams(location.search).get('lab_ckpt') === '{index}'")


def thumb_range(tab, label: str = "Checkpoint") -> tuple[int, int]:
    thumb = tab.get_by_role("slider", name=label)
    return int(thumb.get_attribute("max")), int(thumb.get_attribute("value"))


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


@pytest.mark.parametrize("query,label,caption,name", [
    ("", "Checkpoint", "GRU at training step 0", "lab_scrub_en"),
    ("?lang=zh", "检查点", "GRU 在训练第 0 步", "lab_scrub_zh"),
    ("?lesson=1", "Checkpoint", "GRU at training step 0", "lab_scrub_lesson")])
def test_scrub_the_shipped_race(tab, streamlit_server, query, label, caption, name):
    """The GRU of the shipped lag-100 race: step 0 (update gate near its chrono start) vs step 400."""
    tab.goto(streamlit_server + "/lab" + query)
    tab.wait_for_function(f"() => ({HEATMAPS})().length === 2")     # GRU: update gate, hidden state
    settle(tab)
    last, value = thumb_range(tab, label)
    assert last >= 9 and value == last                              # ≥ 10 checkpoints, opens on the last
    trained = tab.evaluate(HEATMAPS)
    scrub(tab, "Home", 0, label)
    tab.wait_for_function(REDRAWN, arg=trained)
    tab.get_by_text(caption).first.wait_for()
    untrained = tab.evaluate(HEATMAPS)
    tab.get_by_role("slider", name=label).scroll_into_view_if_needed()
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    scrub(tab, "ArrowRight", 1, label)                              # one checkpoint on: redrawn again
    tab.wait_for_function(REDRAWN, arg=untrained)
    scrub(tab, "End", last, label)                                  # back to the end: the first drawing
    tab.wait_for_function(SAME, arg=trained)
    no_traceback(tab)


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
        # The stopped run keeps what it learned: scrubber (its value in the URL) and the probe's heatmaps.
        tab.wait_for_function("() => location.search.includes('lab_ckpt=')")
        tab.wait_for_function(f"() => ({HEATMAPS})().length === 3")  # LSTM: forget, input gate, cell state
        settle(tab)
        last, value = thumb_range(tab)
        assert last >= 1 and value == last       # step 0 and the step it stopped at (at least)
        stopped = tab.evaluate(HEATMAPS)
        scrub(tab, "Home", 0)
        tab.wait_for_function(REDRAWN, arg=stopped)
    except Exception:
        tab.screenshot(path=str(ARTIFACTS / "lab_stop_failure.png"))
        raise
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "lab_scrubbed.png"))


def test_train_a_tiny_budget_to_the_end_and_scrub(tab, streamlit_server):
    """100 steps of bracket depth (nothing shipped with seed 7): the finished run has twelve checkpoints."""
    tab.goto(streamlit_server + "/lab?lab_mode=single&lab_task=dyck1&lab_cell=GRU&lab_steps=100&lab_seed=7")
    tab.get_by_text("press Train").first.wait_for()
    tab.get_by_role("button", name="Train").click()
    tab.wait_for_function("() => location.search.includes('lab_ckpt=')")
    tab.wait_for_function(f"() => ({HEATMAPS})().length === 2")
    settle(tab)
    last, value = thumb_range(tab)
    assert (last, value) == (11, 11)
    final = tab.evaluate(HEATMAPS)
    scrub(tab, "Home", 0)
    tab.wait_for_function(REDRAWN, arg=final)
    tab.get_by_text("GRU at training step 0").first.wait_for()
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "lab_tiny_scrubbed.png"))


def test_race_trains_two_cells_at_once_with_every_cell_visible(tab, streamlit_server):
    """A race that is not shipped: its cells are separate jobs, so with two trainers two progress bars
    run together (or one, and the third cell's place in the queue); at the end three curves."""
    tab.goto(streamlit_server + "/lab?lab_mode=race&lab_task=delayed-recall&lab_lag=20&lab_steps=800&lab_seed=31")
    tab.get_by_text("press Train").first.wait_for()
    tab.get_by_role("button", name="Train").click()
    tab.wait_for_function("() => document.querySelectorAll('[data-testid=\"stProgress\"]').length >= 1")
    lines = tab.evaluate("() => document.querySelectorAll('[data-testid=\"stProgress\"]').length"
                         " + [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
                         ".filter(a => a.innerText.includes('waits for a free trainer')).length")
    tab.screenshot(path=str(ARTIFACTS / "lab_race_training.png"))
    assert lines >= 2                       # every cell still training has its line
    tab.wait_for_function("() => location.search.includes('lab_ckpt=')"
                          " && !document.querySelector('[data-testid=\"stProgress\"]')")
    tab.wait_for_function("() => { const p = document.querySelector('.js-plotly-plot');"
                          " return p && p._fullData && p._fullData.filter(t => t.mode === 'lines'"
                          " && (t.yaxis || 'y') === 'y').length === 3; }")
    no_traceback(tab)
