"""The Gate Explorer in a real browser: type a sentence, press Enter, see its tokens on the heatmaps
(as text, never markup), switch to GRU and see the reset / update panels, hover a cell, and reopen
the copied URL to the same view. Screenshots: artifacts/gate_explorer_*.png."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

SENTENCE = "the cat <b>sat</b> on the mat"
TOKENS = ["the", "cat", "<", "b", ">", "sat", "<", "/", "b", ">", "on", "the", "mat"]


def wait_for_app(page):
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector(".js-plotly-plot .xtick", state="attached")


def first_chart_ticks(page) -> list[str]:
    return page.locator(".js-plotly-plot").first.locator(".xtick text").all_text_contents()


def chart_titles(page) -> list[str]:
    return page.locator(".js-plotly-plot .gtitle").all_text_contents()


def test_type_switch_hover_and_reopen(page, streamlit_server):
    page.goto(streamlit_server + "/?model=untrained")
    wait_for_app(page)
    assert first_chart_ticks(page) == ["the", "film", "was", "not", "good"]  # the default sentence

    box = page.get_by_label("Sentence", exact=True).and_(page.locator("input"))
    box.fill(SENTENCE)
    box.press("Enter")
    page.wait_for_function(
        "n => { const c = document.querySelector('.js-plotly-plot');"
        " return c && c.querySelectorAll('.xtick text').length === n; }", arg=len(TOKENS))
    assert first_chart_ticks(page) == TOKENS  # "<b>" arrives as three visible tokens, not bold text
    assert page.locator(".js-plotly-plot .xtick text tspan[style*='bold']").count() == 0

    page.locator("[data-testid=\"stSidebar\"] [data-testid=\"stSelectbox\"]").filter(has_text="Cell").click()  # open it
    page.get_by_role("option", name="GRU", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent.startsWith('update gate z'))")
    titles = chart_titles(page)
    assert any(t.startswith("reset gate r") for t in titles) and any(t.startswith("update gate z") for t in titles)
    assert not any(t.startswith("forget gate") for t in titles)
    assert "z near 1 keeps the old state" in page.inner_text("body")

    # hover the middle of the first heatmap: token, position, unit and value
    area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.5, area["y"] + area["height"] * 0.5)
    page.wait_for_selector(".hoverlayer .hovertext", state="attached")
    hover = page.locator(".hoverlayer").first.text_content()
    assert re.search(r"position \d+", hover) and "unit" in hover and "reset gate r =" in hover
    position = int(re.search(r"position (\d+)", hover).group(1))
    assert hover.startswith(TOKENS[position])

    page.screenshot(path=str(ARTIFACTS / "gate_explorer_gru.png"))
    assert "Traceback" not in page.inner_text("body")

    url = page.url  # every control is in the URL: a copied link reopens this view
    assert "cell=GRU" in url and "sentence=" in url
    copy = page.context.new_page()
    copy.goto(url)
    wait_for_app(copy)
    # a loaded server may draw the box before its value arrives: wait for the value, then the ticks
    expect(copy.get_by_label("Sentence", exact=True).and_(copy.locator("input"))).to_have_value(
        SENTENCE, timeout=60_000)
    copy.wait_for_function(
        "n => { const c = document.querySelector('.js-plotly-plot');"
        " return c && c.querySelectorAll('.xtick text').length === n; }", arg=len(TOKENS))
    assert first_chart_ticks(copy) == TOKENS
    copy.wait_for_function(  # the GRU's panels (a loaded server may still be drawing the last of them)
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
        ".some(t => t.textContent.startsWith('update gate z'))")
    assert any(t.startswith("update gate z") for t in chart_titles(copy))
    copy.close()


def test_empty_sentence_shows_a_prompt_not_a_chart(page, streamlit_server):
    page.goto(streamlit_server + "/?model=untrained&sentence=%20%20")
    page.wait_for_selector('[data-testid="stApp"]')
    page.get_by_text("Type a sentence above").wait_for()
    assert page.locator(".js-plotly-plot").count() == 0
    page.screenshot(path=str(ARTIFACTS / "gate_explorer_empty.png"))
