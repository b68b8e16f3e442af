"""The Learn page in a real browser at a projector's 1280×720: a learner walks chapters 1 → 10,
answering every question with a click (the answer and the figure's highlight appear, the score and
the URL follow); the same walk in Chinese and in lesson mode (where the options, Back and Next must
stay visible). At every chapter: the main figure starts on the first screen and chart text is at
least 12 px (16 px in lesson mode). Screenshots: artifacts/learn_<mode>_<N>.png (before the guess)
and artifacts/learn_<mode>_<N>_revealed.png."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from rnnviz.lessons import chapters
from tests.browser.conftest import ARTIFACTS

VIEWPORT = {"width": 1280, "height": 720}
MODES = {  # name -> (query, locale, minimum chart text px)
    "en": ("lang=en", "en-US", 12),
    "zh": ("lang=zh", "zh-CN", 12),
    "lesson": ("lang=en&lesson=1", "en-US", 16),
}

# Smallest rendered font size of the visible chart's text (SVG text elements, computed style), and
# the figure's top edge on the page (a chart being replaced may linger, hidden, for a moment).
CHART_JS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.getBoundingClientRect().height > 0);
  if (!gd) return null;
  const sizes = [...gd.querySelectorAll('text')].filter(e => e.textContent.trim() && e.getBBox().width > 0)
                 .map(e => parseFloat(getComputedStyle(e).fontSize));
  // Streamlit scrolls its main block, not the window: the top relative to the page's content
  const page = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().top;
  return {top: gd.getBoundingClientRect().top - page, min: Math.min(...sizes), count: sizes.length};
}"""


def settle(tab) -> None:
    """Until this run has finished drawing (the status widget gone, the chart in the DOM)."""
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=180_000)
    tab.wait_for_function(f"() => {{ const c = ({CHART_JS})(); return c && c.count > 0; }}",
                          timeout=180_000)  # drawn, not a stale chart of the previous chapter mid-swap
    tab.wait_for_timeout(400)


def chapter_in_url(tab) -> tuple[str | None, str | None]:
    query = parse_qs(urlsplit(tab.url).query)
    return (query.get("chapter", [None])[0], query.get("answers", [None])[0])


def check_screen(tab, minimum_px: int, where: str) -> None:
    chart = tab.evaluate(CHART_JS)
    assert chart and chart["count"] > 0, where
    assert chart["top"] < VIEWPORT["height"] - 120, (where, chart)     # the figure starts on the first screen
    assert chart["min"] >= minimum_px, (where, chart)


@pytest.mark.parametrize("mode", list(MODES))
def test_walk_every_chapter_answering(browser, streamlit_server, mode):
    query, locale, minimum_px = MODES[mode]
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    try:
        tab.goto(f"{streamlit_server}/learn?chapter=1&{query}")
        settle(tab)
        for number in range(1, chapters.COUNT + 1):
            assert chapter_in_url(tab)[0] == str(number)
            check_screen(tab, minimum_px, f"{mode} chapter {number}")
            tab.screenshot(path=str(ARTIFACTS / f"learn_{mode}_{number}.png"))

            options = tab.locator(f'[class*="st-key-learn_option_{number}_"] button')
            options.first.wait_for()  # this chapter's question (the last chapter's chart may still be up)
            assert options.count() >= 2 and options.first.is_visible()
            options.first.click()
            tab.locator('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]').first.wait_for()
            settle(tab)
            assert options.count() == 0                      # the guess is committed
            answers = chapter_in_url(tab)[1]
            assert answers is not None and len(answers) == number and answers[number - 1] == "a"
            check_screen(tab, minimum_px, f"{mode} chapter {number} revealed")
            tab.screenshot(path=str(ARTIFACTS / f"learn_{mode}_{number}_revealed.png"))

            status = tab.locator(".st-key-learn_status").inner_text()
            assert str(number) in status
            next_button = tab.locator(".st-key-learn_next button")
            assert next_button.is_visible()
            if number < chapters.COUNT:
                next_button.click()
                tab.wait_for_function("n => new URLSearchParams(location.search).get('chapter') === String(n)",
                                      arg=number + 1)
                settle(tab)
        # the whole walk is in the URL: reopening it shows chapter 10 answered, with the same score
        status = tab.locator(".st-key-learn_status").inner_text()
        reopened = context.new_page()
        reopened.goto(tab.url)
        settle(reopened)
        assert reopened.locator(".st-key-learn_status").inner_text() == status
        assert reopened.locator('[class*="st-key-learn_option_"] button').count() == 0
    finally:
        context.close()
