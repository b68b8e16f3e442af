"""The gradients page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS
from tests.browser.open_direct import no_traceback, open_view, settle


def test_gradients(tab, streamlit_server):
    open_view(tab, streamlit_server + "/gradients?gr_source=untrained&sentence=the+cat+sat+on+the+mat")
    legend = tab.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert legend == ["RNN", "LSTM", "GRU"]
    box = tab.get_by_label("Repeat the sentence").and_(tab.locator("input"))
    box.fill("4")
    box.press("Enter")
    tab.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')?.querySelectorAll('.xtick text').length === 24")
    settle(tab)
    assert "gr_repeat=4" in tab.url
    assert "T = 24 steps" in tab.inner_text("body")
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "views_b_gradients.png"))
