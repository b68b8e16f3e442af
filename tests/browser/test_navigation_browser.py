"""Switching pages keeps the learner's sentence. A tour through a page without a sentence box used to
empty it on the pages after (Streamlit drops the state of a widget a run did not draw, and the box on
the next page starts from its own default); ui.params.seed now assigns the value again each run."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_lesson_link import CONTRAST_JS

SENTENCE = "never trust a sentence twice"
# PyTorch shapes has no sentence box: the pages after it are the ones that used to lose the text.
TOUR = ["PyTorch shapes", "Compare cells", "Vanishing gradients", "Gate Explorer"]



def sentence_box(page):
    return page.get_by_label("Sentence", exact=True).and_(page.locator("input"))


def go(page, title):
    """Click a page in the sidebar and wait until its script run has finished drawing."""
    before = page.locator('[data-testid="stMainBlockContainer"] h1').first.text_content()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
    page.wait_for_function(
        "old => { const h = document.querySelector('[data-testid=\"stMainBlockContainer\"] h1');"
        " return h && h.textContent !== old; }", arg=before)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(500)  # stale elements of the previous page are removed after the run


def test_sentence_survives_a_tour_of_pages(page, streamlit_server):
    page.goto(streamlit_server + "/?model=untrained")
    page.wait_for_selector(".js-plotly-plot .xtick", state="attached")
    sentence_box(page).fill(SENTENCE)
    sentence_box(page).press("Enter")
    page.wait_for_function("s => decodeURIComponent(location.search.replace(/\\+/g, ' ')).includes(s)", arg=SENTENCE)
    seen = []
    for title in TOUR:
        go(page, title)
        box = sentence_box(page)
        seen.append((title, box.input_value() if box.count() else None))
    page.screenshot(path=str(ARTIFACTS / "navigation_sentence_kept.png"))
    assert seen[0] == ("PyTorch shapes", None)
    assert all(value == SENTENCE for _, value in seen[1:]), seen


def test_chart_text_readable_outside_lesson_mode(page, streamlit_server):
    """Axis labels and titles in the page's text colour (app.py), not Streamlit's grey (3.7:1)."""
    page.goto(streamlit_server + "/?model=untrained")
    page.wait_for_selector(".js-plotly-plot .xtick text", state="attached")
    ratios = page.evaluate(CONTRAST_JS)
    assert ratios
    low = [(text, round(r, 2)) for text, r in ratios if r < 4.5]
    assert not low, low[:5]
