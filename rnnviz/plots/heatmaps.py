"""Pure Plotly builders: numpy arrays (from a Trace) -> plotly Figure. No streamlit here.

The tests inspect ``fig.data`` / ``fig.layout`` directly, so every choice below is visible in the
figure object. Facts these builders rely on (see DESIGN.md §5):

- Repeated tokens break a text x axis (Plotly merges equal categories), so the time axis is the
  integer position t = 0..T-1 and the tokens are only *tick text* (``tickmode="array"``). Plotly
  also uses that tick text for ``%{x}`` in hover labels, so hovering shows the token for free,
  without a per-cell text array; ``%{x:d}`` gives the raw position.
- Plotly renders ``<b> <i> <br> <a> <span style>`` in tick and hover text: every token goes through
  ``html.escape`` (after making whitespace visible) before it enters a figure.
- ``z`` is a C-contiguous float32 array, which Plotly >= 6 ships base64-encoded (~5.4 bytes per
  value in the JSON) instead of a list of decimals (~20 bytes per value).
- Colour ranges are fixed by what a quantity *means*, never by the data, so two sentences or two
  cells can be compared by eye: sigmoid gates are in [0, 1] (sequential Viridis); tanh quantities in
  [-1, 1] (diverging ColorBrewer RdBu, white at 0); cell state and pre-activations are unbounded and
  get a symmetric diverging range around 0. Viridis and RdBu are both colour-blind safe.

Layout of one figure: one quantity of one layer, units (rows) × time steps (columns); for a
bidirectional cell the forward direction sits above the backward one on the *same* x axis, so
column t is token t in both (the trace indexes the backward direction by input position too).

References: Karpathy, Johnson, Fei-Fei, "Visualizing and Understanding Recurrent Networks" (2015);
PyTorch torch.nn.LSTM / GRU / RNN documentation for the gate names and equations.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz import quantities
from rnnviz.i18n import t
from rnnviz.plots import axis_titles, palette
from rnnviz.plots.tokens import display_token

# Scale, range and label of each quantity come from rnnviz.quantities; colours from rnnviz.plots.palette.
MAX_TICK_LABELS = 60  # more tokens than this: label every k-th one (hover still names each)


def value_range(name: str, arrays: Sequence[np.ndarray]) -> tuple[float, float]:
    """(zmin, zmax) for a quantity, fixed by its meaning; symmetric for unbounded ones."""
    kind = quantities.KIND.get(name, quantities.STATE)
    if kind == quantities.SIGMOID:
        return 0.0, 1.0
    peak = max((float(np.nanmax(np.abs(a))) for a in arrays if a.size), default=1.0)
    if kind == quantities.TANH and peak <= 1.0 + 1e-6:
        return -1.0, 1.0
    # Unbounded (cell state, pre-activation; h of a relu RNN or a projected LSTM): symmetric about
    # 0, at least [-1, 1], rounded up to one decimal so the colour bar gets round numbers.
    bound = max(1.0, math.ceil(round(peak * 10.0, 4)) / 10.0) if math.isfinite(peak) else 1.0
    return -bound, bound


def _coloraxis(name: str, zmin: float, zmax: float, lang: str | None = None) -> dict:
    sequential = palette.scale_for(name) is palette.GATE_SCALE
    return dict(colorscale=palette.scale_for(name), cmin=zmin, cmax=zmax,
                colorbar=palette.colorbar(sequential, lang, len=1.0))


def _drop_none(mapping: dict) -> dict:
    """A layout dict without its unset (None) keys: Plotly's validator drops them; JSON would say null."""
    return {key: value for key, value in mapping.items() if value is not None}


def highlight_shapes(
    units: Sequence[int], steps: int, step: int | None, unit: int | None, outline: str = palette.OUTLINE,
) -> list[dict]:
    """The step (column) and unit (row) outlines of every panel, as plain Plotly shape dicts.

    units: the number of units (rows) of each panel, forward first. Cheap: this is the only part of
    a heatmap that changes when the learner moves the step or unit selector.
    """
    line = dict(color=outline, width=3)
    shapes = []
    for d, panel_units in enumerate(units):
        suffix = "" if d == 0 else str(d + 1)
        if step is not None and 0 <= step < steps:
            shapes.append(dict(type="rect", xref=f"x{suffix}", yref=f"y{suffix} domain", x0=step - 0.5,
                               x1=step + 0.5, y0=0, y1=1, line=line, fillcolor="rgba(0,0,0,0)"))
        if unit is not None and 0 <= unit < panel_units:
            shapes.append(dict(type="rect", xref=f"x{suffix} domain", yref=f"y{suffix}", x0=0, x1=1,
                               y0=unit - 0.5, y1=unit + 0.5, line=line, fillcolor="rgba(0,0,0,0)"))
    return shapes


def heatmap_spec(
    name: str,
    panels: Sequence[np.ndarray],
    tokens: Sequence[str],
    *,
    layer: int = 0,
    step: int | None = None,
    unit: int | None = None,
    zrange: tuple[float, float] | None = None,
    lang: str | None = None,
    outline: str = palette.OUTLINE,
    max_labels: int = MAX_TICK_LABELS,
) -> dict:
    """One quantity of one layer as a plain Plotly figure dict (``{"data": [...], "layout": {...}}``).

    Same arguments as :func:`heatmap_figure`, and ``max_labels``: at most this many token labels
    on the axis (every k-th beyond it; a heatmap in a narrow column passes fewer). Why a dict: building a ``go.Figure`` property by
    property runs Plotly's validator on every key (~9 ms per heatmap, 75 % of a Gate Explorer rerun
    in bench/bench_load.py); writing the dict takes ~0.1 ms. Every key here is checked once by the
    tests (``go.Figure(spec)`` with validation on), not on every rerun. ``z`` stays a float32
    numpy array: ``Figure.to_dict()`` turns it into base64 (see the module docstring).
    """
    steps = len(tokens)
    if not panels:
        raise ValueError("heatmap_figure needs at least one direction")
    for values in panels:
        if values.ndim != 2 or values.shape[0] != steps:
            raise ValueError(f"expected a (T={steps}, H) array per direction, got {values.shape}")
    zmin, zmax = zrange or value_range(name, panels)
    ticktext = [display_token(tok) for tok in tokens]
    label = t(quantities.LABEL_KEY.get(name, "quantities.pre_activation"), lang=lang)
    n = len(panels)
    direction_names = (
        [""] if n == 1 else [t("figures.forward", lang=lang), t("figures.backward", lang=lang)]
    )
    # %{x} shows the tick text (the token), %{x:d} the raw position; the words come from the catalogue.
    hover = (f"<b>%{{x}}</b> · {t('figures.position', lang=lang)} %{{x:d}}<br>"
             f"{t('figures.unit', lang=lang)} %{{y}}<br>{label} = %{{z:.3f}}")
    axis_title = dict(text=t("figures.position", lang=lang), font=dict(size=palette.FONT_TICK))

    data: list[dict] = []
    overlays: list[dict] = []  # the thinned tick-label traces go after the heatmaps
    layout: dict = {}
    gap = 0.12 if n > 1 else 0.0
    height_each = (1.0 - gap * (n - 1)) / n
    thin = steps > max_labels  # a chart in a narrow column passes a smaller budget
    for d, values in enumerate(panels):
        suffix = "" if d == 0 else str(d + 1)  # Plotly names axes x, x2, y, y2, ...
        units = values.shape[1]
        # (T, H) -> (H, T): rows are units, columns are time steps. float32 + contiguous = base64.
        z = np.ascontiguousarray(values.T, dtype=np.float32)
        data.append(dict(
            type="heatmap", z=z, coloraxis="coloraxis", xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            hovertemplate=hover + (f" · {direction_names[d]}" if n > 1 else "") + "<extra></extra>",
            xgap=0, ygap=0,
        ))
        top = 1.0 - d * (height_each + gap)
        layout[f"yaxis{suffix}"] = dict(
            domain=[max(0.0, round(top - height_each, 6)), min(1.0, round(top, 6))], autorange="reversed",
            title=dict(text=(direction_names[d] + "<br>" if n > 1 else "") + t("figures.unit", lang=lang),
                       font=dict(size=palette.FONT_TICK)),
            tickmode="auto", nticks=min(units, 8), zeroline=False, showgrid=False, fixedrange=True,
        )
        layout[f"xaxis{suffix}"] = _drop_none(dict(
            anchor=f"y{suffix}", tickmode="array", tickvals=list(range(steps)), ticktext=ticktext,
            showticklabels=not thin, ticks="" if thin else None, tickfont=dict(size=palette.FONT_AXIS),
            range=[-0.5, steps - 0.5], showgrid=False, zeroline=False, fixedrange=True,
            matches=None if d == 0 else "x",
            title=axis_title if d == n - 1 and not thin else None,
        ))
        if thin:
            # Plotly draws every label of an "array" axis (ticklabelstep is ignored there), so a long
            # sentence would print 400 overlapping words. The heatmap's own axis keeps the full tick
            # text (the hover label reads it) with labels hidden; an overlaid axis shows every k-th
            # token. An axis without a trace is not drawn: one invisible point carries it.
            every = math.ceil(steps / max_labels)
            overlay = f"x{n + d + 1}"
            overlays.append(dict(type="scatter", x=[0], y=[0], xaxis=overlay, yaxis=f"y{suffix}",
                                 mode="markers", marker=dict(opacity=0), hoverinfo="skip", showlegend=False))
            layout[f"xaxis{n + d + 1}"] = _drop_none(dict(
                overlaying=f"x{suffix}", matches=f"x{suffix}", anchor=f"y{suffix}", side="bottom",
                tickmode="array", tickvals=list(range(0, steps, every)), ticktext=ticktext[::every],
                tickfont=dict(size=palette.FONT_TICK), showgrid=False, zeroline=False, fixedrange=True,
                title=axis_title if d == n - 1 else None,
            ))

    max_units = max(p.shape[1] for p in panels)
    panel_px = int(min(270, max(120, 6 * max_units)))  # short enough that the token axis stays on screen
    layout.update(
        title=dict(text=t("figures.title", lang=lang, quantity=label, layer=layer + 1),
                   font=dict(size=palette.FONT_TITLE), x=0, xanchor="left"),
        coloraxis=_coloraxis(name, zmin, zmax, lang),
        height=panel_px * n + int(gap * panel_px * n) + 150,
        margin=dict(l=60, r=10, t=40, b=70),
        # Plotly's built-in "none" template, written out (what go.Figure expands template="none" to):
        # Streamlit's theme styles the chart; Plotly's default template is ~6 kB per chart.
        template=dict(data=dict(scatter=[dict(type="scatter")])),
        hoverlabel=dict(bgcolor="white", bordercolor="#555555", font=dict(size=palette.FONT_LEGEND, color="#111111")),
    )
    shapes = highlight_shapes([p.shape[1] for p in panels], steps, step, unit, outline)
    if shapes:
        layout["shapes"] = shapes
    # Trace order as before: the overlay scatter of a direction was added right after its heatmap.
    if overlays:
        data = [trace for pair in zip(data, overlays) for trace in pair]
    return dict(data=data, layout=axis_titles.horizontal(layout))


def typed_array(values: np.ndarray) -> dict:
    """A float32 array as plotly.js's typed-array JSON, exactly what ``Figure.to_dict()`` writes:
    ``{"dtype": "f4", "bdata": base64 of the little-endian bytes, "shape": "rows, cols"}``
    (4 bytes -> 5.33 base64 characters per value)."""
    values = np.ascontiguousarray(values, dtype="<f4")
    spec = {"dtype": "f4", "bdata": base64.b64encode(values.tobytes()).decode("ascii")}
    if values.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in values.shape)
    return spec


def as_figure(spec: dict) -> go.Figure:
    """A figure dict as a ``go.Figure`` without re-validating every property (``_validate=False``:
    0.2 ms instead of ~2 ms per heatmap). Only for dicts built by this module, whose keys the tests
    validate; ``st.plotly_chart`` then only calls ``to_dict()`` (which base64-encodes ``z``)."""
    return go.Figure(spec, _validate=False)


def heatmap_figure(
    name: str,
    panels: Sequence[np.ndarray],
    tokens: Sequence[str],
    *,
    layer: int = 0,
    step: int | None = None,
    unit: int | None = None,
    zrange: tuple[float, float] | None = None,
    lang: str | None = None,
    outline: str = palette.OUTLINE,
) -> go.Figure:
    """One quantity of one layer: a heatmap (units × time) per direction, stacked, shared x axis.

    panels: one float array (T, H) per direction, row t = input position t (forward first).
    tokens: the T input tokens (raw user text; escaped here).
    step / unit: the column / row to outline in every panel (None: no outline).
    zrange: colour range; default ``value_range(name, panels)``.
    outline: colour of the step / unit outline (contrast with the page background).
    """
    return as_figure(heatmap_spec(name, panels, tokens, layer=layer, step=step, unit=unit, zrange=zrange,
                                  lang=lang, outline=outline))


def layer_specs(
    get,
    quantities: Sequence[str],
    tokens: Sequence[str],
    *,
    num_layers: int,
    num_directions: int,
    step: int | None = None,
    unit: int | None = None,
    lang: str | None = None,
    outline: str = palette.OUTLINE,
    encode: bool = True,
    max_labels: int = MAX_TICK_LABELS,
) -> list[list[tuple[str, dict]]]:
    """:func:`layer_figures` as finished figure dicts. encode: ``z`` already a base64 typed array
    (:func:`typed_array`), so nothing is left for Plotly to convert and ``ui.charts.show`` can hand
    the dict to Streamlit as it is; False keeps float32 numpy ``z`` (for ``go.Figure``)."""
    arrays = {
        (name, layer, d): np.asarray(get(name, layer, d), dtype=np.float32)
        for name in quantities for layer in range(num_layers) for d in range(num_directions)
    }
    ranges = {
        name: value_range(name, [a for (q, _, _), a in arrays.items() if q == name]) for name in quantities
    }
    grid = []
    for layer in range(num_layers):
        row = []
        for name in quantities:
            spec = heatmap_spec(name, [arrays[name, layer, d] for d in range(num_directions)], tokens,
                                layer=layer, step=step, unit=unit, zrange=ranges[name], lang=lang,
                                outline=outline, max_labels=max_labels)
            for trace in spec["data"] if encode else ():
                if trace["type"] == "heatmap":
                    trace["z"] = typed_array(trace["z"])
            row.append((name, spec))
        grid.append(row)
    return grid


def layer_figures(
    get,
    quantities: Sequence[str],
    tokens: Sequence[str],
    *,
    num_layers: int,
    num_directions: int,
    step: int | None = None,
    unit: int | None = None,
    lang: str | None = None,
    outline: str = palette.OUTLINE,
) -> list[list[tuple[str, go.Figure]]]:
    """Every quantity of every layer: ``[layer][i] -> (quantity, figure)``.

    get(name, layer, direction) -> float32 (T, H), e.g. ``Trace.get``. The colour range of an
    unbounded quantity is shared by all its layers and directions, so they compare by eye.
    """
    grid = layer_specs(get, quantities, tokens, num_layers=num_layers, num_directions=num_directions,
                       step=step, unit=unit, lang=lang, outline=outline, encode=False)
    return [[(name, as_figure(spec)) for name, spec in row] for row in grid]
