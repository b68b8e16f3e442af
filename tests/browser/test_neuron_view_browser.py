"""The neuron view page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS
from tests.browser.open_after_main import no_traceback, open_view


def test_neuron_view_colours_text_and_unit_finder_moves_to_best_unit(page, streamlit_server):
    open_view(page, streamlit_server, "/neuron-view?model=untrained&source=reference&annotation=inside_quotes")
    text = page.locator('[data-testid="rv-neuron-text"]')
    text.wait_for()
    assert '"' in text.inner_text() and text.locator("script, b, i").count() == 0
    summary = page.get_by_text(re.compile(r"^Best: layer 1.*unit (\d+), r = ")).inner_text()
    best = re.search(r"unit (\d+), r", summary).group(1)
    page.get_by_role("button", name="Colour the text by unit #1").click()
    page.wait_for_function("u => new URLSearchParams(location.search).get('unit') === u", arg=best)
    page.get_by_role("heading", name=re.compile(rf"unit {best}$")).wait_for()
    no_traceback(page)
    page.screenshot(path=str(ARTIFACTS / "views_a_neuron_view.png"))
