"""The compare cells page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

from rnnviz import models
from tests.browser.conftest import ARTIFACTS
from tests.browser.open_direct import no_traceback, open_view, settle


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
    hidden = models.load("sentiment-rnn").hidden_size
    assert len(data) == 1 + 2 * 6 * hidden and data[1].startswith("pre_activation,0,forward,0,not,0,")  # RNN: a, h
