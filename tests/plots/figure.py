"""Reading a finished figure dict (``rnnviz.plots.finished``) back as a validated ``go.Figure``.

Builders that return a dict skip Plotly's validation on every rerun; the tests validate instead:
``figure(spec)`` decodes every typed array (base64) back to numpy and builds ``go.Figure`` with
validation on, so a wrong key or value fails here and the assertions read ``fig.data[0].y`` as before.
"""

from __future__ import annotations

import plotly.graph_objects as go

from tests.app.spec import decode


def decoded(node):
    """The dict / list with every ``{"dtype", "bdata"}`` typed array replaced by its numpy array."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            return decode(node)
        return {key: decoded(value) for key, value in node.items()}
    if isinstance(node, list):
        return [decoded(value) for value in node]
    return node


def figure(spec) -> go.Figure:
    """A validated ``go.Figure`` of a finished dict (a ``go.Figure`` is returned as it is)."""
    return spec if isinstance(spec, go.Figure) else go.Figure(decoded(spec))
