"""The step through page in a real browser at projector size (1280×720): its main flow."""

from __future__ import annotations

import numpy as np

from rnnviz import models
from tests.browser.conftest import ARTIFACTS
from tests.browser.open_after_main import SENTENCE, no_traceback, open_view, query, settle


def test_step_through_next_and_bounded_play(page, streamlit_server):
    open_view(page, streamlit_server, "/step-through?model=untrained&cell=Bi-LSTM&sentence=" + SENTENCE)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.includes('at step 0,'))")
    page.get_by_role("button", name="Next").click()
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.includes('at step 1,'))")
    assert query(page)["step"] == "1"
    page.get_by_role("button", name="Play").click()
    last = 11  # "the film was < b > not < / b > bad": 12 tokens
    page.wait_for_function("n => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                           ".some(t => t.textContent.includes('at step ' + n + ','))", arg=last, timeout=40_000)
    page.get_by_role("button", name="Play").wait_for(timeout=15_000)  # stopped by itself: Pause is gone
    assert query(page)["step"] == str(last)
    chain = page.locator(".js-plotly-plot").nth(1)
    bold = chain.locator("text tspan[style*='bold']").all_text_contents()
    assert "<" in chain.inner_text() and "not" not in bold, bold  # "<b>not</b>" typed: not bold
    assert page.locator(".katex").count() > 0  # the equations are typeset
    no_traceback(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "views_a_step_through.png"))

    # the NPZ export (built on click) holds exactly the traced arrays
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Activations (NPZ)").click()
    data = np.load(download.value.path())
    model = models.random_model("LSTM", bidirectional=True, hidden_size=16, seed=0)
    tokens = model.tokens(SENTENCE)
    assert list(data["tokens"]) == tokens
    assert np.allclose(data["forget_gate/l0/d1"], model.trace(tokens).get("forget_gate", 0, 1), atol=1e-6)
