"""Reading charts back from an AppTest run: the figure JSON Streamlit sends, and Plotly's typed arrays."""

from __future__ import annotations

import base64
import json

import numpy as np


def charts(at) -> list[dict]:
    """Every st.plotly_chart of the run, as the figure dict the browser receives."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def decode(z) -> np.ndarray:
    """A Plotly data array: base64 typed array (``{"dtype", "bdata", "shape"?}``) or a plain list."""
    if isinstance(z, dict):
        flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        return flat.reshape(tuple(int(s) for s in str(z["shape"]).split(","))) if "shape" in z else flat
    return np.asarray(z, dtype=np.float64)


def open_page(app_test, page: str, **params):
    """``page`` reached through app.py with ``params`` in the URL; it ran without an exception or error."""
    at = app_test(params or None)
    at.switch_page(page)
    at.run()
    assert not at.exception and not at.error
    return at
