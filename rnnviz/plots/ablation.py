"""Ablation figures: the untouched run (grey) beside the forced one (orange).

The classifier's probabilities side by side, for language models the probability given to the
token that actually comes next at each position, forced − original of one quantity, and the
encoder–decoder's two output strings. The numbers come from ``rnnviz.analysis.ablation``. Every
builder returns a finished figure dict (``rnnviz.plots.finished``: no Plotly validation per rerun).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
from rnnviz import quantities
from rnnviz.i18n import t
from rnnviz.plots import axis_titles, finished, heatmaps, palette
from rnnviz.plots.tokens import plot_text


def classify_figure(original: Mapping[str, float], forced: Mapping[str, float], *, lang: str | None = None) -> dict:
    """Grouped bars: each label's probability, untouched (grey) and forced (orange)."""
    labels = list(original)
    shown = [html.escape(str(label), quote=False) for label in labels]
    data = [
        dict(type="bar", x=shown, y=[original[k] for k in labels], name=t("ablation.original", lang=lang),
             marker=dict(color=palette.ORIGINAL), text=[f"{original[k]:.2f}" for k in labels], textposition="outside"),
        dict(type="bar", x=shown, y=[forced[k] for k in labels], name=t("ablation.forced", lang=lang),
             marker=dict(color=palette.FORCED), text=[f"{forced[k]:.2f}" for k in labels], textposition="outside"),
    ]
    layout = dict(barmode="group", yaxis=dict(range=[0, 1.15], fixedrange=True, title=dict(text=t("ablation.probability", lang=lang))),
                  xaxis=dict(fixedrange=True, tickfont=dict(size=palette.FONT_LABEL)), height=300, template=finished.TEMPLATE_NONE,
                  margin=dict(l=55, r=10, t=30, b=40), legend=dict(orientation="h", y=1.15, font=dict(size=palette.FONT_LEGEND)))
    return finished.finished(data, axis_titles.horizontal(layout))


def next_token_figure(tokens: Sequence[str], p_original: np.ndarray, p_forced: np.ndarray, *,
                      lang: str | None = None) -> dict:
    """p(actual next token) at each position, both runs; x = the token being predicted."""
    n = len(p_original)
    ticks = [plot_text(tok) for tok in tokens[1:]]
    x = np.arange(n)
    data = [
        dict(type="scatter", x=x, y=np.asarray(p_original, dtype=np.float32), name=t("ablation.original", lang=lang),
             mode="lines+markers", line=dict(color=palette.ORIGINAL, width=2)),
        dict(type="scatter", x=x, y=np.asarray(p_forced, dtype=np.float32), name=t("ablation.forced", lang=lang),
             mode="lines+markers", line=dict(color=palette.FORCED, width=2.5)),
    ]
    step = max(1, n // 60)
    layout = dict(
        xaxis=dict(tickmode="array", tickvals=list(range(0, n, step)), ticktext=ticks[::step], fixedrange=True,
                   range=[-0.5, n - 0.5], title=dict(text=t("ablation.next_token_axis", lang=lang), font=dict(size=palette.FONT_AXIS))),
        yaxis=dict(range=[0, 1], fixedrange=True, title=dict(text=t("ablation.probability", lang=lang), font=dict(size=palette.FONT_AXIS))),
        height=280, template=finished.TEMPLATE_NONE, margin=dict(l=55, r=10, t=30, b=60),
        legend=dict(orientation="h", y=1.15, font=dict(size=palette.FONT_LEGEND)),
    )
    return finished.finished(data, axis_titles.horizontal(layout))


def difference_figure(name: str, original: Sequence[np.ndarray], forced: Sequence[np.ndarray],
                      tokens: Sequence[str], *, layer: int, lang: str | None = None) -> dict:
    """forced − original for one quantity of one layer (directions stacked), diverging around 0."""
    diff = [np.ascontiguousarray(f - o, dtype=np.float32) for o, f in zip(original, forced)]
    peak = max((float(np.abs(d).max()) for d in diff), default=0.0)
    bound = max(peak, 1e-3)
    spec = heatmaps.heatmap_spec("difference", diff, tokens, layer=layer, zrange=(-bound, bound), lang=lang)
    label = t(quantities.LABEL_KEY[name], lang=lang)
    spec["layout"]["title"]["text"] = t("ablation.difference_title", lang=lang, quantity=label, layer=layer + 1)
    return finished.finished(spec["data"], spec["layout"])


def translation_figure(original: str, forced: str, *, lang: str | None = None) -> dict:
    """The two output strings as a two-row table-like figure (escaped text)."""
    data = [dict(
        type="table",
        header=dict(values=[t("ablation.original", lang=lang), t("ablation.forced", lang=lang)],
                    fill=dict(color=[palette.ORIGINAL, palette.FORCED]), font=dict(color="white", size=palette.FONT_LABEL), align="center"),
        cells=dict(values=[[html.escape(original, quote=False) or "∅"], [html.escape(forced, quote=False) or "∅"]],
                   font=dict(size=palette.FONT_BIG), height=44, align="center"))]
    return finished.finished(data, dict(height=130, margin=dict(l=0, r=0, t=5, b=5), template=finished.TEMPLATE_NONE))
