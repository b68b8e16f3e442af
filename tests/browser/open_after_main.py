"""Helpers of the Step-through, Neuron view and Ablation browser tests: open ``/`` first, then the
page, at projector size (1280×720). Screenshots: artifacts/views_a_*.png.

A fresh server may answer a deep link (``/step-through`` before ``/`` was loaded) with Streamlit's
"Page not found" dialog over the right page (streamlit issues 8860 / 9992), so each test opens
``/`` first and closes that notice if it still appears.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

SENTENCE = "the film was <b>not</b> bad"


def open_view(page, base: str, path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(base + "/?model=untrained")
    page.wait_for_selector(".js-plotly-plot", state="attached")  # the main page has run once
    page.goto(base + path)
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector(".js-plotly-plot", state="attached")
    dialog = page.get_by_role("dialog").filter(has_text="Page not found")
    if dialog.count():  # the Streamlit bug above: the right page is underneath; close the notice
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}


def titles(page) -> list[str]:
    return page.locator(".js-plotly-plot .gtitle").all_text_contents()


def settle(page) -> None:
    """Wait until the script run is over (Streamlit's "Running…" status widget is gone)."""
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=30_000)
    page.wait_for_timeout(500)


def no_traceback(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body and "Something went wrong" not in body
