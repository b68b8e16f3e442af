"""The ablation page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.browser.conftest import ARTIFACTS
from tests.browser.open_after_main import SENTENCE, no_traceback, open_view, query, settle, titles


def test_ablation_switch_gate_and_compare(page, streamlit_server):
    open_view(page, streamlit_server, "/ablation?model=untrained&cell=LSTM&force_units=0,1,2&sentence=" + SENTENCE)
    page.get_by_text("Holding forget gate f = 1.00 for units 0, 1, 2").wait_for()
    settle(page)
    gate = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Gate or state")
    box = gate.get_by_role("combobox")  # react-aria combobox: click opens the list, typing filters it
    box.click()
    box.fill("input gate")
    page.get_by_role("option", name="input gate i").click()
    page.get_by_text("Holding input gate i = 0.00 for units 0, 1, 2").wait_for()  # the preset followed
    assert query(page)["force"] == "input_gate" and query(page)["force_value"] == "0.0"
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.startsWith('forced − original'))")
    assert any(t.startswith("original") for t in titles(page)) and any(t.startswith("forced ·") for t in titles(page))
    no_traceback(page)
    page.screenshot(path=str(ARTIFACTS / "views_a_ablation.png"))

    # the CSV export is the *forced* run: units 0-2 of the input gate are 0 at every step
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Forced run (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    gate = [r for r in rows if r["quantity"] == "input_gate"]
    assert gate and all(float(r["value"]) == 0.0 for r in gate if int(r["unit"]) <= 2)
    assert any(float(r["value"]) != 0.0 for r in gate if int(r["unit"]) > 2)
