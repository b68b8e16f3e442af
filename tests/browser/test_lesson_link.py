"""A lesson link in Chinese, in a real browser (Debian's chromium) at a projector's 1280×720.

A teacher prepares the Step-through view in Chinese (types a sentence, steps forward, picks a
unit), copies the lesson link from "本视图的链接", and opens it in a fresh browser: the same view —
the same numbers in every chart, the same step — in lesson mode (no sidebar, no sentence box, the
step controls still there, larger type), in the light theme and in the dark theme (a second server
started with ``--theme.base dark``: what a viewer gets from Settings → Dark). Chinese must render
with a real CJK font (fonts-noto-cjk; scripts/test.sh installs it), and the text on the charts must
stand out from the page in both themes (WCAG contrast ≥ 4.5 for axis labels and chart titles).

Screenshots: artifacts/lesson_zh_light.png, artifacts/lesson_zh_dark.png.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, running_server

VIEWPORT = {"width": 1280, "height": 720}
SENTENCE = "the film was not bad"

# Everything a chart shows, as plain JSON: trace data (typed arrays as lists), titles, annotations.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const plain = v => (ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v);
  return {
    data: gd.data.map(t => ({type: t.type, x: plain(t.x), y: plain(t.y), z: plain(t.z), text: plain(t.text)})),
    title: gd.layout.title && gd.layout.title.text,
    annotations: (gd.layout.annotations || []).map(a => a.text),
  };
})"""

# Contrast of chart text against the page (WCAG 2 relative luminance).
CONTRAST_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = lum(rgb(getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor));
  const sel = '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .gtitle, ' +
              '.js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text';
  return [...document.querySelectorAll(sel)].filter(e => e.textContent.trim()).map(e => {
    const fg = lum(rgb(getComputedStyle(e).fill));
    return [e.textContent, (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)];
  });
}"""

# Chinese drawn with a real font, not as empty boxes: a CJK string must not measure like
# private-use characters (which no font has, so they are drawn as .notdef boxes).
GLYPHS_JS = """() => {
  const font = getComputedStyle(document.querySelector('h1')).font;
  const ctx = document.createElement('canvas').getContext('2d'); ctx.font = font;
  return [ctx.measureText('遗忘门细胞状态').width, ctx.measureText('\\ue000\\ue001\\ue002\\ue003\\ue004\\ue005\\ue006').width];
}"""


@pytest.fixture(scope="module")
def dark_server():
    """The same app with the dark theme, on its own port (stopped after this module)."""
    with running_server("--theme.base", "dark", log_name="streamlit-server-dark.log") as url:
        yield url


def new_tab(browser, scheme: str = "light"):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", color_scheme=scheme)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    return tab


def warm_up(tab, server: str) -> None:
    """Open the app at its root first, as a teacher preparing a lesson does (a cold server's first
    request for a deep link is tested in test_deep_link_first_visit.py)."""
    tab.goto(server + "/")  # no ?lang=: the browser's zh-CN picks Chinese (st.context.locale)
    tab.wait_for_selector(".st-key-lang")  # app.py ran (st.navigation registered its pages)
    tab.get_by_role("heading", name="门控总览").wait_for()
    tab.wait_for_selector(".js-plotly-plot .gtitle", state="attached")


def wait_for_step(tab, step: int) -> None:
    tab.wait_for_function(
        "s => { const v = document.querySelector('.st-key-step [data-testid=\"stSliderThumbValue\"]');"
        " return v && v.textContent.trim().startsWith(s + ' '); }", arg=str(step))
    tab.wait_for_selector(".js-plotly-plot .gtitle", state="attached")


def wait_for_diagram(tab, step: int, unit: int) -> None:
    """The cell diagram's title names the step and the unit, in Chinese."""
    tab.wait_for_function(
        "t => [...document.querySelectorAll('.js-plotly-plot .gtitle')].some(e => e.textContent.includes(t))",
        arg=f"第 {step} 步，单元 {unit}")


def settled_charts(tab) -> list:
    """Chart contents once two reads a moment apart agree (the page may still be redrawing)."""
    before = tab.evaluate(CHARTS_JS)
    for _ in range(20):
        tab.wait_for_timeout(500)
        now = tab.evaluate(CHARTS_JS)
        if now == before and now:
            return now
        before = now
    return before


def prepare_lesson(browser, server: str) -> tuple[str, list, str]:
    """The teacher: Step-through in Chinese, sentence typed, two steps forward, unit 3; copy the link."""
    tab = new_tab(browser)
    warm_up(tab, server)
    tab.goto(server + "/step-through?lang=zh&unit=0")  # the unit the teacher starts from (the default is computed)
    tab.get_by_role("heading", name="按时间步逐步演示").wait_for()
    box = tab.locator(".st-key-sentence input")
    box.fill(SENTENCE)
    box.press("Enter")
    tab.wait_for_function("() => { const v = document.querySelector('.st-key-step [data-testid=\"stSliderThumbValue\"]');"
                          " return v && v.textContent.trim() === '0 · the'; }")
    for step in (1, 2):
        tab.locator(".st-key-st_forward button").click()  # 前进: reruns only the page's fragment
        wait_for_step(tab, step)
        wait_for_diagram(tab, step, 0)  # still in Chinese after a fragment-only rerun
    unit = tab.locator(".st-key-unit input")
    unit_value = "() => document.querySelector('.st-key-unit [data-testid=\"stSliderThumbValue\"]')?.textContent.trim()"
    for _ in range(12):  # a key press can land while a rerun redraws the slider: press until it reads 3
        value = tab.evaluate(unit_value)
        if value == "3":
            break
        unit.focus()
        unit.press("ArrowLeft" if value and value.isdigit() and int(value) > 3 else "ArrowRight")
        tab.wait_for_timeout(400)
    tab.wait_for_function(unit_value + " === '3'")
    wait_for_step(tab, 2)
    wait_for_diagram(tab, 2, 3)
    charts = settled_charts(tab)
    tab.get_by_role("button", name="本视图的链接").click()
    codes = tab.locator("[data-testid='stPopoverBody'] [data-testid='stCode'] code")
    codes.nth(1).wait_for()
    view_link, lesson_link = (c.strip() for c in codes.all_inner_texts())
    tab.context.close()
    return view_link, charts, lesson_link


def open_lesson(browser, link: str, scheme: str, shot: str):
    tab = new_tab(browser, scheme)
    warm_up(tab, f"{urlsplit(link).scheme}://{urlsplit(link).netloc}")
    tab.goto(link)
    tab.get_by_role("heading", name="按时间步逐步演示").wait_for()
    wait_for_step(tab, 2)
    wait_for_diagram(tab, 2, 3)
    charts = settled_charts(tab)
    tab.wait_for_timeout(500)  # let the last chart finish its transition before the picture
    tab.screenshot(path=str(ARTIFACTS / shot))
    return tab, charts


def check_lesson_view(tab, expected_charts: list) -> None:
    assert tab.evaluate(CHARTS_JS) == expected_charts, "the lesson link draws a different view"
    # lesson mode: nothing but the step controls; larger type
    assert not tab.locator("[data-testid='stSidebar']").is_visible()
    assert not tab.locator(".st-key-sentence").is_visible()
    assert not tab.locator(".st-key-unit").is_visible()
    assert tab.locator(".st-key-step").is_visible() and tab.locator(".st-key-st_forward").is_visible()
    assert tab.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
    assert tab.locator(".st-key-step [data-testid='stSliderThumbValue']").inner_text().strip() == "2 · was"
    # Chinese drawn with a CJK font
    cjk, boxes = tab.evaluate(GLYPHS_JS)
    assert abs(cjk - boxes) > 1, "Chinese is drawn as empty boxes: install fonts-noto-cjk"
    assert "Traceback" not in tab.inner_text("body")
    # every axis label and chart title readable against the page
    low = [(text, round(ratio, 2)) for text, ratio in tab.evaluate(CONTRAST_JS) if ratio < 4.5]
    assert not low, f"chart text hard to read on this background: {low[:5]}"


def test_lesson_link_in_chinese_light_and_dark(browser, streamlit_server, dark_server):
    view_link, charts, lesson_link = prepare_lesson(browser, streamlit_server)
    query = {k: v[0] for k, v in parse_qs(urlsplit(lesson_link).query).items()}
    assert urlsplit(lesson_link).path == "/step-through"
    assert query["lang"] == "zh" and query["lesson"] == "1" and query["sentence"] == SENTENCE
    assert query["step"] == "2" and query["unit"] == "3"
    assert {"model", "layer", "direction", "focus"} <= set(query)
    assert "lesson" not in parse_qs(urlsplit(view_link).query)

    tab, light = open_lesson(browser, lesson_link, "light", "lesson_zh_light.png")
    check_lesson_view(tab, charts)
    tab.context.close()

    dark_link = lesson_link.replace(streamlit_server, dark_server)
    tab, dark = open_lesson(browser, dark_link, "dark", "lesson_zh_dark.png")
    assert tab.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor") \
        != "rgb(255, 255, 255)"
    check_lesson_view(tab, charts)
    tab.context.close()


def test_lesson_mode_on_the_gate_explorer(browser, streamlit_server):
    """Its step and unit selectors sit in the page (not the sidebar): only the step one stays."""
    tab = new_tab(browser)
    warm_up(tab, streamlit_server)
    tab.goto(streamlit_server + "/?lang=zh&lesson=1&model=untrained&sentence=the%20film%20was%20not%20bad&step=3&unit=2")
    tab.get_by_role("heading", name="门控总览").wait_for()
    tab.wait_for_selector(".js-plotly-plot .gtitle", state="attached")
    expect(tab.locator(".st-key-step")).to_be_visible()
    # the lesson stylesheet can land after the first chart on a loaded server: wait for it to hide them
    for hidden in (".st-key-unit", ".st-key-sentence", "[data-testid='stSidebar']"):
        expect(tab.locator(hidden), hidden).to_be_hidden(timeout=30_000)
    low = [(text, round(ratio, 2)) for text, ratio in tab.evaluate(CONTRAST_JS) if ratio < 4.5]
    assert not low, low[:5]
    tab.locator(".st-key-lesson_exit button").click()  # 退出授课模式: the sidebar and controls return
    tab.locator(".st-key-unit").wait_for()
    assert "lesson" not in tab.url and tab.locator("[data-testid='stSidebar']").is_visible()
    tab.context.close()
