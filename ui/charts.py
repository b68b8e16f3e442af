"""Drawing Plotly figures the same way on every page.

``show`` takes a ``go.Figure`` or a finished figure dict from ``rnnviz.figures`` (``layer_specs``).
Why the dict path: ``st.plotly_chart`` re-validates a *dict* property by property
(``plotly.tools.return_figure_from_figure_or_data(..., validate_figure=True)`` ->
``go.Figure(**dict)``, ~1-2 ms per heatmap) but trusts a ``BaseFigure`` and only calls its
``to_dict()`` (a deep copy plus a walk that base64-encodes numpy arrays), then
``plotly.io.to_json(..., validate=False)``. A finished dict goes in as :class:`ReadyFigure`, whose
``to_dict()`` returns it unchanged: the only per-chart work left is the JSON dump.
(streamlit/elements/plotly_chart.py, Streamlit 1.67.)
"""

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


def outline_colour() -> str:
    """Step / unit outline that stands out on this session's theme (black on light, white on dark)."""
    try:
        dark = st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no theme
        dark = False
    return "#ffffff" if dark else "#000000"


class ReadyFigure(go.Figure):
    """A finished figure dict (keys checked by tests/test_figures.py, arrays already typed-array
    JSON) dressed as a Figure, so Streamlit neither re-validates nor copies it."""

    def __init__(self, spec: dict):
        # No go.Figure.__init__: even an empty figure deep-copies the default template (~1 ms, a
        # quarter of a first visit's server time, bench/profile_page.py). st.plotly_chart only asks
        # a BaseFigure for to_dict(), then serialises that dict.
        self._ready_spec = spec

    def to_dict(self) -> dict:
        return self._ready_spec

    def to_plotly_json(self) -> dict:
        return self._ready_spec


def show(fig: go.Figure | dict, key: str | None = None) -> None:
    """One chart, full container width (``width="stretch"``; use_container_width is deprecated).

    fig: a ``go.Figure``, or a finished dict from ``rnnviz.figures.layer_specs`` (sent as it is)."""
    if isinstance(fig, dict):
        fig = ReadyFigure(fig)
    st.plotly_chart(fig, width="stretch", config=CONFIG, theme="streamlit", key=key)
