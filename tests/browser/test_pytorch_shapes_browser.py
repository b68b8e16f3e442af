"""The pytorch shapes page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS
from tests.browser.open_direct import no_traceback, open_view, settle


def test_pytorch_shapes(tab, streamlit_server):
    open_view(tab, streamlit_server + "/pytorch-shapes")
    code = tab.locator("[data-testid='stCode']").first
    assert "nn.RNN(5, 6, 1)" in code.inner_text()
    tab.screenshot(path=str(ARTIFACTS / "views_b_pytorch_shapes.png"))
    tab.get_by_text("bidirectional", exact=True).click()
    tab.get_by_text("output[0, :, 6:12]", exact=True).wait_for()
    settle(tab)
    assert "bidirectional=True" in code.inner_text() and "ps_bi=True" in tab.url
    # The picture redraws with the backward slice outlined and labelled "= h_n[1]".
    # null-safe: during a rerun the chart is briefly out of the DOM, and a throwing predicate fails the wait
    tab.wait_for_function("() => document.querySelector('.js-plotly-plot')?.textContent.includes('h_n[1]')")
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "views_b_pytorch_shapes_bi.png"))
    again = tab.context.new_page()
    again.goto(tab.url)
    again.get_by_text("output[0, :, 6:12]", exact=True).wait_for()
    again.close()
