"""Drawing Plotly figures the same way on every page."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

# Plotly options: PNG export at 2× for slides; no logo; no zoom tools that fight the fixed axes.
CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                               "autoScale2d", "resetScale2d"],
}


def show(fig: go.Figure, key: str | None = None) -> None:
    """One chart, full container width (``width="stretch"``; use_container_width is deprecated)."""
    st.plotly_chart(fig, width="stretch", config=CONFIG, theme="streamlit", key=key)
