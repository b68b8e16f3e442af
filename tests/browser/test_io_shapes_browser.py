"""The io shapes page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS
from tests.browser.open_direct import no_traceback, open_view, settle


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
    # the N → M panel's heading, exactly: the phrase also occurs in two paragraphs of that panel
    tab.get_by_text("The context vector c (encoder's final hidden state)", exact=True).wait_for()
    settle(tab)
    no_traceback(tab)
    tab.screenshot(path=str(ARTIFACTS / "views_b_io_shapes_seq2seq.png"))
