"""One unit read like a highlighter over the text, and the figures of the unit finder.

Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks"
(arXiv:1506.02078), show a character model's text with each character's background set by one
cell's value, and the model's top-5 guesses for the next character beneath. These pure builders do
the same for any gate or state of any model here:

- :func:`text_html` — the tokens as coloured chips (HTML); every token goes through
  ``rnnviz.plots.tokens.display_token`` (whitespace made visible, then ``html.escape``), so typed text never
  becomes markup; the only tags are our own. Optional top-5 next tokens under each chip.
- :func:`unit_figure` — the unit over time as a line on the quantity's fixed range, with the chosen
  annotation as a step line on a second axis (the evidence behind a correlation).
- :func:`ranking_figure` — the best units' Pearson r as bars.

The two figures are finished dicts (``rnnviz.plots.finished``): no Plotly validation per rerun.

Colours are the heatmaps' (``rnnviz.plots.palette``): Viridis for σ gates in [0, 1], RdBu for tanh
quantities in [−1, 1], symmetric RdBu for unbounded ones.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from rnnviz import quantities
from rnnviz.i18n import t
from rnnviz.plots import axis_titles, finished, palette
from rnnviz.plots.tokens import display_token, plot_text, visible_token

FOCUS = palette.FOCUS
# The heatmaps' colour of a value, and readable text on it (rnnviz.plots.palette).
value_colour = palette.value_colour


CSS = """
<style>
.rv-nt{display:flex;flex-wrap:wrap;gap:3px 2px;align-items:flex-start;font-size:1.15rem;line-height:1.25}
.rv-nt .tk{display:inline-flex;flex-direction:column;align-items:stretch;min-width:1.1em}
.rv-nt .tv{padding:2px 4px;border-radius:4px;white-space:pre;text-align:center;font-weight:500}
.rv-nt .tv.sel{outline:3px solid #d95f02;outline-offset:1px}
.rv-nt.compact{gap:2px 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.2rem}
.rv-nt.compact .tv{padding:1px 0;border-radius:0;min-width:.62em}
.rv-nt .nx{font-size:.75rem;line-height:1.15;opacity:.85;white-space:pre;text-align:left;padding:1px 2px;
  font-variant-numeric:tabular-nums;border-left:2px solid rgba(128,128,128,.35);margin-top:2px}
.rv-nt .nx span{display:block}
.rv-nt .nx .hit{font-weight:700;text-decoration:underline 2px #d95f02;text-underline-offset:2px}
</style>
"""


def text_html(tokens: Sequence[str], values: np.ndarray, name: str, zrange: tuple[float, float], *,
              top: Sequence[Sequence[tuple[str, float]]] | None = None, selected: int | None = None,
              compact: bool = False, lang: str | None = None) -> str:
    """Each token on its unit's colour, the value in the tooltip; with ``top`` (T lists of
    (token, p)) the model's top next tokens under each one — bold where the guess is the token that
    actually comes next. ``compact``: characters set like running text (a space stays a space)."""
    if len(values) != len(tokens):
        raise ValueError(f"{len(tokens)} tokens but {len(values)} values")
    label = html.escape(t(quantities.LABEL_KEY.get(name, "quantities.pre_activation"), lang=lang))
    parts = []
    inked = palette.value_colours_inked(name, values, zrange)  # one numpy pass, not T lookups
    for i, token in enumerate(tokens):
        v = float(values[i])
        fill, fill_ink = inked[i]
        tip = html.escape(f"{i} · {visible_token(token, 40)} · ", quote=True) + f"{label} = {v:.3f}"
        sel = " sel" if i == selected else ""
        shown = html.escape(token) if compact and token == " " else display_token(token, 24)
        chip = (f'<span class="tv{sel}" style="background:{fill};color:{fill_ink}" title="{tip}">'
                f"{shown}</span>")
        below = ""
        if top is not None and i < len(top):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            rows = [f'<span class="{"hit" if tok == nxt else ""}">{display_token(tok, 8)} {p:.2f}</span>'
                    for tok, p in top[i]]
            below = f'<span class="nx">{"".join(rows)}</span>'
        parts.append(f'<span class="tk">{chip}{below}</span>')
    kind = "rv-nt compact" if compact and top is None else "rv-nt"
    return CSS + f'<div class="{kind}" data-testid="rv-neuron-text">' + "".join(parts) + "</div>"


def _padded(values: np.ndarray | None) -> list[float] | None:
    """An axis range around the finite values with 8% room, so the step line never sits on the frame."""
    if values is None:
        return None
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    pad = 0.08 * (hi - lo) if hi > lo else 0.5
    return [lo - pad, hi + pad]


def unit_figure(tokens: Sequence[str], values: np.ndarray, name: str, zrange: tuple[float, float], *,
                unit: int, annotation: np.ndarray | None = None, annotation_label: str = "",
                step: int | None = None, lang: str | None = None) -> dict:
    """The unit's value at every position (integer x, tokens as tick text), with the annotation
    as a grey step line on the right axis. A finished figure dict (``rnnviz.plots.finished``)."""
    T = len(tokens)
    x = np.arange(T)
    label = t(quantities.LABEL_KEY.get(name, "quantities.pre_activation"), lang=lang)
    data = []
    if annotation is not None:
        data.append(dict(type="scatter", x=x, y=np.asarray(annotation, dtype=np.float32), yaxis="y2", mode="lines",
                         line=dict(shape="hv", color="rgba(90,90,90,0.55)", width=2),
                         name=annotation_label, hovertemplate="%{y:.2f}<extra></extra>"))
    data.append(dict(type="scatter", x=x, y=np.asarray(values, dtype=np.float32), mode="lines+markers",
                     line=dict(color=FOCUS, width=2.5), marker=dict(size=6),
                     name=t("neuron_view.unit_trace", lang=lang, quantity=label, unit=unit),
                     hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    ticks = [plot_text(tok) for tok in tokens]
    layout = dict(
        xaxis=dict(tickmode="array", tickvals=list(range(T)) if T <= 80 else list(range(0, T, max(1, T // 40))),
                   ticktext=ticks if T <= 80 else [ticks[i] for i in range(0, T, max(1, T // 40))],
                   range=[-0.5, T - 0.5], fixedrange=True, tickfont=dict(size=palette.FONT_AXIS if T <= 40 else palette.FONT_DENSE_TICK)),
        yaxis=dict(range=list(zrange), title=dict(text=label, font=dict(size=palette.FONT_AXIS)), fixedrange=True,
                   zeroline=True, zerolinecolor="#999999"),
        height=260, margin=dict(l=55, r=55, t=10, b=40), template=finished.TEMPLATE_NONE,
        legend=dict(orientation="h", y=1.12, x=0, font=dict(size=palette.FONT_AXIS)),
    )
    if annotation is not None:
        layout["yaxis2"] = dict(overlaying="y", side="right", showgrid=False, fixedrange=True, range=_padded(annotation),
                                title=dict(text=annotation_label, font=dict(size=palette.FONT_AXIS)))
    if step is not None and 0 <= step < T:  # what fig.add_vline(x=step) adds
        layout["shapes"] = [dict(type="line", x0=step, x1=step, xref="x", y0=0, y1=1, yref="y domain",
                                 line=dict(color="#000000", width=1, dash="dot"))]
    return finished.finished(data, axis_titles.horizontal(layout))


def ranking_figure(labels: Sequence[str], r: Sequence[float], *, lang: str | None = None) -> dict:
    """Horizontal bars of Pearson r, best first (top of the chart). A finished figure dict."""
    r = np.asarray(r, dtype=np.float32)
    colours = ["#b2182b" if v > 0 else "#2166ac" for v in r]
    data = [dict(type="bar", x=r, y=list(range(len(r))), orientation="h", marker=dict(color=colours),
                 hovertemplate="%{text}: r = %{x:.3f}<extra></extra>",
                 text=[html.escape(s, quote=False) for s in labels], textposition="none")]
    layout = dict(
        xaxis=dict(range=[-1, 1], title=dict(text=t("neuron_view.correlation_axis", lang=lang), font=dict(size=palette.FONT_AXIS)),
                   fixedrange=True, zeroline=True, zerolinecolor="#555555"),
        yaxis=dict(tickmode="array", tickvals=list(range(len(r))), ticktext=[html.escape(s, quote=False) for s in labels],
                   autorange="reversed", fixedrange=True, tickfont=dict(size=palette.FONT_AXIS)),
        height=60 + 26 * len(r), margin=dict(l=130, r=10, t=10, b=45), template=finished.TEMPLATE_NONE, showlegend=False,
    )
    return finished.finished(data, layout)
