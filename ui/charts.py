"""Drawing Plotly figures the same way on every page.

``show`` takes a ``go.Figure`` or a finished figure dict from ``rnnviz.plots.heatmaps``
(``layer_specs``). A finished dict goes in as ``ui.streamlit_internals.ReadyFigure``, whose
``to_dict()`` returns it unchanged, so Streamlit neither re-validates nor copies it: the only
per-chart work left is the JSON dump (why, and on which Streamlit version: ui/streamlit_internals.py).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui.streamlit_internals import ReadyFigure

# Plotly options: PNG export at 2× for slides; no logo; no zoom tools that fight the fixed axes.
CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                               "autoScale2d", "resetScale2d"],
}


def outline_colour() -> str:
    """Step / unit outline that stands out on this session's theme (black on light, white on dark)."""
    try:
        dark = st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no theme
        dark = False
    return "#ffffff" if dark else "#000000"


def show(fig: go.Figure | dict, key: str | None = None) -> None:
    """One chart, full container width (``width="stretch"``; use_container_width is deprecated).

    fig: a ``go.Figure``, or a finished dict from ``rnnviz.plots.heatmaps.layer_specs`` (sent as it is)."""
    if isinstance(fig, dict):
        fig = ReadyFigure(fig)
    st.plotly_chart(fig, width="stretch", config=CONFIG, theme="streamlit", key=key)
