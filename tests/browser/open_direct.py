"""Helpers of the PyTorch shapes, Compare cells, Vanishing gradients and I/O shapes browser tests:
open the page directly in a fresh projector-size tab (the ``tab`` fixture, tests/browser/conftest.py).
Each test drives the page's main flow with real clicks and keys, checks what is drawn, that the URL
carries the state, and that no traceback appears. Screenshots: artifacts/views_b_*.png."""

from __future__ import annotations


def open_view(tab, url: str, charts: int = 1) -> None:
    tab.goto(url)
    tab.wait_for_selector('[data-testid="stApp"]')
    tab.wait_for_function("n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=charts)
    close = tab.get_by_role("button", name="Close")  # Streamlit's first-visit "page not found" dialog
    if close.count():
        close.first.click()


def settle(tab) -> None:
    """Wait until the script run triggered by the last interaction has finished."""
    tab.wait_for_timeout(300)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def no_traceback(tab) -> None:
    body = tab.inner_text("body")
    assert "Traceback" not in body and "Something went wrong" not in body
