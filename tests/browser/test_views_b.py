"""The teaching views in a real browser at projector size (1280×720): PyTorch shapes, Compare cells,
Vanishing gradients, The four I/O shapes. Each test drives the page's main flow with real clicks and
keys, checks what is drawn, that the URL carries the state, and that no traceback appears.
Screenshots: artifacts/views_b_*.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture()
def tab(browser, streamlit_server):
    context = browser.new_context(viewport=PROJECTOR, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def open_view(tab, url: str, charts: int = 1) -> None:
    tab.goto(url)
    tab.wait_for_selector('[data-testid="stApp"]')
    tab.wait_for_function("n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=charts)
    close = tab.get_by_role("button", name="Close")  # Streamlit's first-visit "page not found" dialog
    if close.count():
        close.first.click()


def settle(tab) -> None:
    """Wait until the script run triggered by the last interaction has finished."""
    tab.wait_for_timeout(300)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def no_traceback(tab) -> None:
    body = tab.inner_text("body")
    assert "Traceback" not in body and "Something went wrong" not in body


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


def test_compare_cells(tab, streamlit_server):
    open_view(tab, streamlit_server + "/compare-cells?sentence=not+a+good+film+at+all", charts=2)
    titles = tab.locator(".js-plotly-plot").first.locator(".annotation-text").all_text_contents()
    assert titles[:5] == ["RNN", "LSTM", "Bi-LSTM", "GRU", "Bi-GRU"]
    ticks = tab.locator(".js-plotly-plot").first.locator("g.x5tick text").all_text_contents()  # bottom strip
    assert ticks[-6:] == ["not", "a", "good", "film", "at", "all"]
    tab.screenshot(path=str(ARTIFACTS / "views_b_compare_cells.png"))
    tab.get_by_text("keep gate (f / z)", exact=True).click()
    tab.get_by_text("no such gate in this cell").wait_for()
    settle(tab)
    assert "cmp_q=keep_gate" in tab.url
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "views_b_compare_cells_keep.png"))
    # Export: the CSV is built only when clicked (a callable), and holds every value of that cell.
    tab.get_by_text("Export the activations of one cell").click()
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Activations as CSV").click()
    data = open(download.value.path(), "rb").read().decode("utf-8-sig").splitlines()
    assert data[0] == "quantity,layer,direction,position,token,unit,value"
    assert len(data) == 1 + 2 * 6 * 64 and data[1].startswith("pre_activation,0,forward,0,not,0,")  # RNN: a, h


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


def test_io_shapes(tab, streamlit_server):
    open_view(tab, streamlit_server + "/io-shapes", charts=5)
    tab.screenshot(path=str(ARTIFACTS / "views_b_io_shapes.png"))
    tab.get_by_text("1 → N", exact=True).click()
    tab.get_by_text("Prompt, then the generated text").wait_for()
    settle(tab)
    assert "io_shape=1" in tab.url
    tab.locator("[data-testid='stCode']").first.wait_for()
    assert tab.locator("[data-testid='stCode']").first.inner_text().startswith("To be, or not to be")
    tab.screenshot(path=str(ARTIFACTS / "views_b_io_shapes_generate.png"))
    tab.get_by_text("N → M", exact=True).click()
    tab.get_by_text("The context vector c").wait_for()
    settle(tab)
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "views_b_io_shapes_seq2seq.png"))
