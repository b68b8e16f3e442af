"""Figures of the live lab: learning curves, the race, the lag sweep (capacity curve).

Pure: histories / result rows in, a figure out (the live curves as a finished dict, the sweep as a
``plotly.graph_objects.Figure``). One colour per cell kind,
the same as every other page (Okabe–Ito, ``rnnviz.plots.palette.CELL_COLOURS``); chance level as a
dashed line, so "stays at chance" is visible, not inferred. Text ≥ 12 px (projector).
The checkpoint heatmaps reuse the Gate Explorer's builder (``rnnviz.plots.heatmaps.layer_specs``).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.i18n import get_language, t
from rnnviz.plots import axis_titles
from rnnviz.plots.heatmaps import typed_array
from rnnviz.plots.palette import CELL_COLOURS, FONT_AXIS, FONT_LEGEND, FONT_TICK, HOVER

FONT = dict(size=FONT_AXIS)
LAYOUT = dict(template="none", font=FONT, margin=dict(l=60, r=20, t=36, b=44),
              hoverlabel=dict(**HOVER, font=dict(size=FONT_LEGEND, color="#111111")),
              legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=FONT_LEGEND)))


def _f32(values) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64), dtype=np.float32)


def curves_figure(curves: Sequence[tuple[str, Sequence[dict]]], *, chance: float | None = None,
                  total_steps: int | None = None, lang: str | None = None, height: int = 360) -> dict:
    """Held-out accuracy (top) and training loss (bottom, log scale) against the training step, as a
    finished figure dict (``ui.charts.show`` sends it as it is).

    curves: (cell, history) per run; history rows have ``step``, ``loss`` (None at step 0),
    ``accuracy``. ``total_steps`` fixes the x range, so a live curve grows into its frame.
    Why a dict: the live page redraws this every second for every learner; ``make_subplots`` and
    Plotly's validation cost ~60 ms a drawing, the frame is built once (cached) and the traces are
    plain dicts with float32 typed arrays (~1 ms)."""
    lang = lang or get_language()
    traces = []
    for cell, history in curves:
        colour = CELL_COLOURS.get(cell, "#444444")
        lossy = [row for row in history if row.get("loss") is not None]
        for axis, rows, y, width, key, fmt in (
                ("", history, [row["accuracy"] for row in history], 3, "lab.accuracy", ".2f"),
                ("2", lossy, [max(row["loss"], 1e-6) for row in lossy], 2, "lab.loss", ".3g")):
            traces.append({"type": "scatter", "x": typed_array(_f32([row["step"] for row in rows])),
                           "y": typed_array(_f32(y)), "name": cell, "mode": "lines",
                           "line": {"color": colour, "width": width}, "legendgroup": cell,
                           "showlegend": not axis, "xaxis": f"x{axis}", "yaxis": f"y{axis}",
                           "hovertemplate": f"{cell}<br>{t('lab.step', lang=lang)} %{{x:.0f}}<br>"
                                            f"{t(key, lang=lang)} %{{y:{fmt}}}<extra></extra>"})
    return {"data": traces, "layout": copy.deepcopy(_curves_layout(chance, total_steps, lang, height))}


@functools.lru_cache(maxsize=64)
def _curves_layout(chance: float | None, total_steps: int | None, lang: str, height: int) -> dict:
    """The two panels' frame: axes, titles, the chance line (Plotly builds it once per setting)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.58, 0.42])
    if chance is not None:
        fig.add_hline(y=chance, line=dict(color="#555555", dash="dash", width=1.5), row=1, col=1,
                      annotation_text=t("lab.chance", lang=lang), annotation_position="top left",
                      annotation_font=dict(size=FONT_TICK), exclude_empty_subplots=False)   # no traces yet
    xrange = [0, total_steps] if total_steps else None
    fig.update_xaxes(range=xrange, tickfont=FONT, showgrid=True, gridcolor="#e5e5e5", zeroline=False)
    fig.update_xaxes(title=dict(text=t("lab.step", lang=lang), font=FONT), row=2, col=1)
    fig.update_yaxes(range=[-0.02, 1.02], title=dict(text=t("lab.accuracy", lang=lang), font=FONT),
                     tickfont=FONT, gridcolor="#e5e5e5", row=1, col=1)
    fig.update_yaxes(type="log", title=dict(text=t("lab.loss", lang=lang), font=FONT), tickfont=FONT,
                     gridcolor="#e5e5e5", row=2, col=1, nticks=3)  # a short panel: 3 labels never touch
    fig.update_layout(height=height, **LAYOUT)
    return axis_titles.horizontal(fig.to_dict()["layout"])


def sweep_figure(rows: Sequence[dict], cells: Sequence[str], lags: Sequence[int], *, chance: float,
                 lang: str | None = None, height: int = 340) -> go.Figure:
    """Final held-out accuracy against lag, per cell: one marker per seed, a line through the mean."""
    fig = go.Figure()
    for cell in cells:
        colour = CELL_COLOURS.get(cell, "#444444")
        mine = [r for r in rows if r["cell"] == cell]
        means = [np.mean([r["final_accuracy"] for r in mine if r["lag"] == lag]) if any(r["lag"] == lag for r in mine)
                 else np.nan for lag in lags]
        fig.add_trace(go.Scatter(x=_f32(lags), y=_f32(means), name=cell, mode="lines", legendgroup=cell,
                                 line=dict(color=colour, width=3),
                                 hovertemplate=f"{cell}<br>{t('lab.lag', lang=lang)} %{{x:.0f}}<br>"
                                               f"{t('lab.mean_accuracy', lang=lang)} %{{y:.2f}}<extra></extra>"))
        fig.add_trace(go.Scatter(x=_f32([r["lag"] for r in mine]), y=_f32([r["final_accuracy"] for r in mine]),
                                 name=cell, mode="markers", legendgroup=cell, showlegend=False,
                                 marker=dict(color=colour, size=9, opacity=0.7, line=dict(color="white", width=1)),
                                 customdata=np.array([r["seed"] for r in mine], dtype=np.int32),
                                 hovertemplate=f"{cell}<br>{t('lab.lag', lang=lang)} %{{x:.0f}}, "
                                               f"{t('lab.seed', lang=lang)} %{{customdata}}<br>"
                                               f"{t('lab.accuracy', lang=lang)} %{{y:.2f}}<extra></extra>"))
    fig.add_hline(y=chance, line=dict(color="#555555", dash="dash", width=1.5),
                  annotation_text=t("lab.chance", lang=lang), annotation_position="bottom right",
                  annotation_font=dict(size=FONT_TICK))
    fig.update_xaxes(title=dict(text=t("lab.lag", lang=lang), font=FONT), tickfont=FONT, tickmode="array",
                     tickvals=list(lags), gridcolor="#e5e5e5", zeroline=False)
    fig.update_yaxes(range=[-0.02, 1.02], title=dict(text=t("lab.final_accuracy", lang=lang), font=FONT),
                     tickfont=FONT, gridcolor="#e5e5e5")
    fig.update_layout(height=height, **LAYOUT)
    return axis_titles.horizontal_figure(fig)
