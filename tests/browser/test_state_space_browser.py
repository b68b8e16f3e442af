"""The State space page in a real browser at 1280×720: a direct visit shows the default minimal
pair's path on the first screen, typing a new second sentence redraws B's path (tokens as text,
never markup), moving the step keeps the view in the URL; Chinese and lesson mode render; the
minimal pair's section opens, closes and deep-links. Screenshots: artifacts/state_space_*.png."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

MAIN = "principal components"
WAIT_MS = 120_000  # a loaded host: wait for conditions, never for a time


def open_view(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(120_000)  # the first visit finds the model's fixed points (a few seconds)
    tab.goto(url)
    tab.wait_for_selector('[data-testid="stApp"]')
    return tab


def wait_main(tab, title: str = MAIN):
    tab.wait_for_function(
        "t => [...document.querySelectorAll('.js-plotly-plot .gtitle')].some(g => g.textContent.includes(t))",
        arg=title)
    return tab.locator(".js-plotly-plot").first


def labels(chart) -> list[str]:
    """The token labels printed on the chart (only those with room: the hover names every point)."""
    return chart.locator(".textpoint text").all_text_contents()


def hover_tokens(chart) -> list[str]:
    """Every point's token as the figure holds it (escaped for Plotly, which renders it as text)."""
    return chart.evaluate("c => c.data.flatMap(d => d.hovertext ? [...d.hovertext] : [])")


def test_pair_path_first_screen_and_second_sentence(browser, streamlit_server):
    tab = open_view(browser, streamlit_server + "/state-space?model=sentiment-gru")
    chart = wait_main(tab)
    box = chart.bounding_box()
    assert box["y"] < 720 * 0.6, box  # the main figure starts on the first screen
    words = labels(chart)
    assert "not" in words  # the word where B leaves A is printed
    assert {"not", "music", "fine"} <= set(hover_tokens(chart))  # and every token of both sentences is a point
    # every tick / title text of the main figure is at least 12 px
    sizes = chart.evaluate("c => [...c.querySelectorAll('.xtick text, .ytick text, .textpoint text, .gtitle')]"
                           ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12, sizes
    tab.screenshot(path=str(ARTIFACTS / "state_space_en.png"))

    second = tab.get_by_label("Second sentence (B), one or two words apart", exact=True).and_(tab.locator("input"))
    second.fill("the film was <b>never</b> good and the music was fine")
    second.press("Enter")
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .textpoint text')].some(t => t.textContent === 'never')")
    chart = wait_main(tab)
    words = labels(chart)
    assert "&lt;" not in "".join(words) and "never" in words
    assert "&lt;" in hover_tokens(chart)  # the tag arrives as visible "<" tokens (escaped for Plotly), not markup
    assert tab.locator(".js-plotly-plot .textpoint text tspan[style*='bold']").count() == 0
    assert "sentence_b=" in tab.url and "Traceback" not in tab.inner_text("body")
    tab.get_by_text("Expected vs observed").scroll_into_view_if_needed()
    tab.screenshot(path=str(ARTIFACTS / "state_space_expected.png"))
    tab.context.close()


def test_chinese_and_lesson_mode(browser, streamlit_server):
    tab = open_view(browser, streamlit_server + "/state-space?model=sentiment-gru&lang=zh")
    wait_main(tab, "主成分")
    assert "状态空间" in tab.inner_text("body")
    tab.screenshot(path=str(ARTIFACTS / "state_space_zh.png"))
    tab.context.close()
    tab = open_view(browser, streamlit_server + "/state-space?model=sentiment-gru&lesson=1")
    chart = wait_main(tab)
    assert chart.bounding_box()["y"] < 720 * 0.6
    sizes = chart.evaluate("c => [...c.querySelectorAll('.xtick text, .ytick text, .textpoint text')]"
                           ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 16, sizes
    tab.screenshot(path=str(ARTIFACTS / "state_space_lesson.png"))
    tab.context.close()


def test_pair_section_opens_closes_and_deep_links(browser, streamlit_server):
    """The minimal pair's section is built only when opened (ui.lazy): closed on the first screen,
    opened with one click (its charts drawn, ``open=pair`` in the URL), closed with the next (the
    charts gone, the URL without it); a link with ``open=pair`` opens it directly."""
    distance = "How far apart"
    tab = open_view(browser, streamlit_server + "/state-space?model=sentiment-gru")
    wait_main(tab)
    section = tab.locator("summary", has_text="Minimal pair: what one word changes")
    expect(section).to_be_visible(timeout=WAIT_MS)
    assert tab.locator(".js-plotly-plot .gtitle", has_text=distance).count() == 0  # closed: not built
    section.click()
    expect(tab.locator(".js-plotly-plot .gtitle", has_text=distance)).to_have_count(1, timeout=WAIT_MS)
    expect(tab.locator(".js-plotly-plot .gtitle", has_text="state at that step")).to_have_count(1, timeout=WAIT_MS)
    tab.wait_for_function("() => new URLSearchParams(location.search).get('open') === 'pair'")
    tab.locator(".js-plotly-plot", has_text=distance).scroll_into_view_if_needed()
    tab.screenshot(path=str(ARTIFACTS / "state_space_pair_open.png"))
    section.click()  # the first click after opening closes it
    expect(tab.locator(".js-plotly-plot .gtitle", has_text=distance)).to_have_count(0, timeout=WAIT_MS)
    tab.wait_for_function("() => !new URLSearchParams(location.search).has('open')"
                          " && !new URLSearchParams(location.search).has('patch_step')")
    tab.context.close()
    tab = open_view(browser, streamlit_server + "/state-space?model=sentiment-gru&open=pair")
    expect(tab.locator(".js-plotly-plot .gtitle", has_text=distance)).to_have_count(1, timeout=WAIT_MS)
    assert "Traceback" not in tab.inner_text("body")
    tab.context.close()
