"""Every first screen on a classroom projector (issue 12), measured in a real browser at 1280×720.

Each page of app.py (every declared ``url_path``, the hidden /gates alias included) is opened twice —
light theme, English, normal mode; dark theme (a second server), Chinese, lesson mode: each theme,
language and mode once, to keep the run short on two cores — and measured (tests/browser/projector.py):

- the URL answers (no "Page not found" dialog);
- every chart text (ticks, colour bars, axis and chart titles, annotations, diagram labels) has a
  computed font size ≥ 12 px, ≥ 16 px in lesson mode;
- the first chart starts on the first screen (its top edge < 720 px);
- every colour bar has a title; axis text contrasts with the page (WCAG ≥ 4.5) in both themes;
- no two chart texts of one chart overlap (getBoundingClientRect, more than projector.SLACK px both
  ways; hover labels excluded) and none sticks out of its chart: diagram labels, ticks, titles,
  colour bars, legends, in both languages and lesson mode;
- no chart text containing Chinese is drawn rotated (y-axis titles, colour-bar titles: Plotly turns
  them 90°; rnnviz.plots.axis_titles lays them horizontally above their axis);
- every diagram label contrasts ≥ 4.5:1 with what is under it (its label box, the filled shape under
  it, else the page: the Learn chain's tokens were dark on the dark page), and so do the Neuron
  view's coloured text chips.

Second looks are measured the same way: Step through on the GRU, I/O shapes on N→M, State space with
its closed sections open, and Learn's chapters 2-10 (EXTRA_VISITS; chapter 1 is the page's own visit).

And on the Step-through page, Next and Play move neither the diagram nor the first chart (±2 px), in
normal and lesson mode. Screenshots of every visit: artifacts/projector_<theme>_<lang>[_lesson]_<page>.png;
all numbers: artifacts/projector.json.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, running_server
from tests.browser.projector import VIEWPORT, measure, open_page, settle, url_paths

COMBOS = [("light", "en", False), ("dark", "zh", True)]
NORMAL_PX, LESSON_PX = 12, 16
FOLD_PX = VIEWPORT["height"]
CHARTLESS = {"your-model"}  # the upload page draws charts only after an upload
MIN_CONTRAST = 4.5
# Pages whose chart text is measured but not asserted free of overlaps (none: State space prints a
# trajectory's token label only where it has room, rnnviz.plots.state_space.printed_labels).
OVERLAPS_NOT_ASSERTED: set[str] = set()
# Second looks at the busiest diagrams: the GRU cell and the encoder-decoder with its words; and the
# State space with its minimal-pair and clamping sections open (closed on its first screen: ui.lazy).
EXTRA_VISITS = [("step-through", "model=sentiment-gru"), ("io-shapes", "io_shape=N%E2%86%92M"),
                ("state-space", "open=pair%2Cclamp")]
EXTRA_VISITS += [("learn", f"chapter={n}") for n in range(2, 11)]  # every Learn chapter's live figure


def combo_name(theme: str, lang: str, lesson: bool) -> str:
    return f"{theme}_{lang}" + ("_lesson" if lesson else "")


@pytest.fixture(scope="module")
def measured(streamlit_server):
    """{(combo, path): measurement} for every page in every combination (each page visited once)."""
    from playwright.sync_api import sync_playwright

    results = {}
    with running_server("--theme.base", "dark", log_name="streamlit-server-projector-dark.log") as dark, \
            sync_playwright() as pw:
        servers = {"light": streamlit_server, "dark": dark}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for theme, lang, lesson in COMBOS:
                context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme=theme)
                tab = context.new_page()
                tab.set_default_timeout(90_000)
                name = combo_name(theme, lang, lesson)
                for path in url_paths():
                    open_page(tab, servers[theme], path, f"lang={lang}" + ("&lesson=1" if lesson else ""),
                              chart=path not in CHARTLESS)
                    results[name, path] = measure(tab)
                    tab.screenshot(path=str(ARTIFACTS / f"projector_{name}_{path or 'root'}.png"))
                for k, (path, extra) in enumerate(EXTRA_VISITS):
                    open_page(tab, servers[theme], path, f"lang={lang}&{extra}" + ("&lesson=1" if lesson else ""))
                    results[name, f"{path}?{extra}"] = measure(tab)
                    tab.screenshot(path=str(ARTIFACTS / f"projector_{name}_{path}_{k + 1}.png"))
                context.close()
        finally:
            browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "projector.json").write_text(json.dumps(
        {f"{c}/{p or '/'}": r for (c, p), r in results.items()}, indent=1, ensure_ascii=False))
    return results


def test_every_url_path_answers(measured):
    missing = sorted({path or "/" for (_, path), r in measured.items() if r["not_found"]})
    assert not missing, f"'Page not found' at {missing}"


def test_chart_text_is_large_enough(measured):
    small = {}
    for (combo, path), r in measured.items():
        floor = LESSON_PX if combo.endswith("_lesson") else NORMAL_PX
        too_small = sorted({(f["size"], f["text"]) for f in r["fonts"] if f["size"] < floor - 0.05})
        if too_small:
            small[combo, path or "/"] = too_small[:6]
    assert not small, small


def test_first_chart_starts_on_the_first_screen(measured):
    low = {(combo, path or "/"): r["top"] for (combo, path), r in measured.items()
           if r["top"] is not None and r["top"] >= FOLD_PX}
    assert not low, low
    chartless = {path for (_, path), r in measured.items() if not r["charts"]} - CHARTLESS
    assert not chartless, f"no chart drawn on {sorted(chartless)}"


def test_colour_bars_titled_and_axes_in_the_text_colour(measured):
    untitled = {(combo, path or "/"): r["untitled_colorbars"] for (combo, path), r in measured.items()
                if r["untitled_colorbars"]}
    assert not untitled, f"colour bars without a title: {untitled}"
    faint = {(combo, path or "/"): r["contrast"] for (combo, path), r in measured.items()
             if r["contrast"] and r["contrast"][0] < MIN_CONTRAST}
    assert not faint, faint


def test_chart_texts_neither_overlap_nor_stick_out(measured):
    overlapping = {(combo, path or "/"): r["overlaps"][:6] for (combo, path), r in measured.items()
                   if r["overlaps"] and path.split("?")[0] not in OVERLAPS_NOT_ASSERTED}
    assert not overlapping, overlapping
    clipped = {(combo, path or "/"): r["clipped"][:6] for (combo, path), r in measured.items()
               if r["clipped"] and path.split("?")[0] not in OVERLAPS_NOT_ASSERTED}
    assert not clipped, clipped


def test_no_chinese_text_is_drawn_on_its_side(measured):
    rotated = {(combo, path or "/"): r["rotated_cjk"][:6] for (combo, path), r in measured.items() if r["rotated_cjk"]}
    assert not rotated, rotated
    # the measurement sees Chinese chart text at all: the horizontal axis titles are there
    assert any(r["fonts"] and any("单元" in f["text"] for f in r["fonts"]) for (combo, _), r in measured.items()
               if combo.endswith("_zh_lesson")), "no Chinese chart text measured"


def test_diagram_labels_and_text_chips_contrast(measured):
    faint = {(combo, path or "/"): r["low_contrast"][:6] for (combo, path), r in measured.items() if r["low_contrast"]}
    assert not faint, faint
    chips = {combo: r["chips"] for (combo, path), r in measured.items() if path == "neuron-view"}
    assert chips and all(c is not None for c in chips.values()), f"no text chips on the Neuron view: {chips}"
    pale = {combo: c for combo, c in chips.items() if c[0] < MIN_CONTRAST}
    assert not pale, pale


# One atomic read once the live diagram shows ``s`` in its title: its box and the first chart's top
# (document coordinates). During a rerun Streamlit keeps the previous diagram, marked stale, beside
# the new one, and while playing a rerun starts every 1.2 s: separate reads could fall between.
LAYOUT_JS = """(s) => {
  const cell = document.querySelector('.st-key-st_cell:not([data-stale="true"])');
  if (!cell || !cell.querySelector('.gtitle')?.textContent.includes(s)) return null;
  const r = cell.getBoundingClientRect(), first = document.querySelector('.js-plotly-plot').getBoundingClientRect();
  return {y: r.top + window.scrollY, height: r.height, top: first.top + window.scrollY};
}"""
STEP_TITLE = {"en": "step {step},", "zh": "第 {step} 步"}
PAUSE = {"en": "Pause", "zh": "暂停"}


@pytest.mark.parametrize("lang, lesson", [("en", False), ("zh", True)])
def test_next_and_play_keep_the_layout(browser, streamlit_server, lang, lesson):
    """Step through: the diagram and the first chart stay where they are when Next and Play move
    the step (the page once shifted ~40 px on Play)."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    layout = lambda step: tab.wait_for_function(LAYOUT_JS, arg=STEP_TITLE[lang].format(step=step)).json_value()  # noqa: E731
    try:
        open_page(tab, streamlit_server, "step-through", f"lang={lang}" + ("&lesson=1" if lesson else ""))
        start = layout(0)
        tab.locator(".st-key-st_forward button").click()
        tab.wait_for_function(LAYOUT_JS, arg=STEP_TITLE[lang].format(step=1))
        settle(tab)
        after_next = layout(1)
        tab.locator(".st-key-st_play button").click()
        tab.locator(".st-key-st_play button", has_text=PAUSE[lang]).wait_for()  # Play became Pause
        playing = layout(2)  # one tick of Play drawn
        tab.screenshot(path=str(ARTIFACTS / f"projector_step_through_playing_{lang}{'_lesson' if lesson else ''}.png"))
        for moved in (after_next, playing):
            assert abs(moved["y"] - start["y"]) <= 1 and abs(moved["height"] - start["height"]) <= 1, (start, moved)
            assert abs(moved["top"] - start["top"]) <= 2, (start, after_next, playing)
    finally:
        context.close()
