"""Pure Plotly builders for the teaching views: compare cells, vanishing gradients, I/O shapes,
PyTorch shapes. numpy in, a finished figure dict out (``rnnviz.plots.finished``: the JSON a
``go.Figure`` would send, without Plotly's validation on every rerun); no streamlit (tests read the
figure, validated, through ``go.Figure(spec)``).

Conventions shared with ``rnnviz.plots.heatmaps`` (DESIGN.md §5): time is the integer position t with the
tokens as tick text (repeated tokens stay distinct); every token is ``html.escape``d through
``display_token`` before it reaches a label; arrays are float32 and C-contiguous (Plotly ships them
base64); colour ranges are fixed by meaning — sigmoid gates [0, 1] Viridis, tanh quantities
[−1, 1] RdBu with white at 0 — and, where figures are compared, one ``coloraxis`` is shared so the
same colour is the same number everywhere. Lines and markers use the Okabe–Ito colour-blind-safe
palette, one fixed colour per cell kind across all views.

References: Karpathy, Johnson & Fei-Fei, "Visualizing and Understanding Recurrent Networks" (2015)
— the saturation scatter (their Fig. 3); Pascanu, Mikolov & Bengio, "On the difficulty of training
recurrent neural networks" (2013) — the gradient-norm picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from rnnviz import quantities
from rnnviz.analysis.saturation import HIGH, LOW, SIGMOID_GATES, Saturation
from rnnviz.i18n import t
from rnnviz.plots import axis_titles, finished, palette
from rnnviz.plots.heatmaps import value_range
from rnnviz.plots.palette import CELL_COLOURS, DIVERGING_SCALE, GATE_SCALE, SLICE_COLOURS
from rnnviz.plots.tokens import display_token

# The symbol of each sigmoid gate (rnnviz.quantities): i, f, o, r, z.
GATE_SYMBOL = {name: quantities.SYMBOL[name] for name, kind in quantities.KIND.items() if kind == quantities.SIGMOID}
TICK_LIMIT = 40  # above this many tokens the axis shows numbers, not tokens
LAYOUT = dict(template="none", hoverlabel=dict(**palette.HOVER,
                                                font=dict(size=palette.FONT_LEGEND, color="#111111")))
FINISHED_LAYOUT = dict(LAYOUT, template=finished.TEMPLATE_NONE)  # the same, for a finished dict


def _f32(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


def _token_axis(tokens: Sequence[str]) -> dict:
    """x axis over positions 0..T-1 with the (escaped) tokens as tick text when they fit."""
    steps = len(tokens)
    axis = dict(range=[-0.5, steps - 0.5], showgrid=False, zeroline=False, fixedrange=True)
    if steps <= TICK_LIMIT:
        axis |= dict(tickmode="array", tickvals=list(range(steps)),
                     ticktext=[display_token(tok) for tok in tokens], tickfont=dict(size=palette.FONT_AXIS if steps <= 20 else palette.FONT_SMALL))
    return axis


# --------------------------------------------------------------------------- compare cells

def compare_figure(strips: Sequence[tuple[str, Sequence[np.ndarray]]], tokens: Sequence[str],
                   name: str, lang: str | None = None) -> dict:
    """One strip per cell (units × time), stacked on one time axis, on ONE shared colour scale.
    A finished figure dict (``rnnviz.plots.finished``: make_subplots' own grid, no validation per rerun).

    strips: (label, panels) per cell; panels = one (T, H) array per direction (forward first), or
    empty when that cell has no such quantity (a classic RNN has no gate). Bidirectional panels
    are stacked inside their strip (forward units above backward units, a line between).
    name: the quantity (decides the colour range, the same for every strip).
    """
    steps = len(tokens)
    for label, panels in strips:
        for a in panels:
            if a.ndim != 2 or a.shape[0] != steps:
                raise ValueError(f"{label}: expected (T={steps}, H) arrays, got {a.shape}")
    all_panels = [a for _, panels in strips for a in panels]
    zmin, zmax = value_range(name, all_panels) if all_panels else (0.0, 1.0)
    # Pixels per strip: ~1.2 px per unit within [60, 105] (an empty strip gets room for its note).
    units = [sum(a.shape[1] for a in panels) for _, panels in strips]
    pixels = [min(105.0, max(60.0, 1.2 * u)) for u in units]
    layout = finished.subplot_layout(len(strips), 1, shared_xaxes=True, vertical_spacing=0.05,
                                     row_heights=[p / sum(pixels) for p in pixels],
                                     subplot_titles=[html_label(label) for label, _ in strips])
    notes = layout.setdefault("annotations", [])
    for note in notes:  # the strip titles (theme text colour: light or dark page)
        finished.merge(note, dict(font=dict(size=palette.FONT_TITLE)))
    hover = (f"<b>%{{x}}</b> · {t('compare_cells.position', lang=lang)} %{{x:d}}<br>"
             f"{t('compare_cells.unit', lang=lang)} %{{y}}<br>%{{z:.3f}}")
    data, shapes = [], []
    for row, (label, panels) in enumerate(strips, start=1):
        x_id, y_id = finished.axes(row, 1, 1)
        y_axis = layout[finished.axis_key(y_id)]
        if not panels:  # the note sits in the middle of this strip's band (paper coordinates)
            low, high = y_axis["domain"]
            notes.append(dict(text=t("compare_cells.no_such_quantity", lang=lang), showarrow=False,
                              xref="paper", yref="paper", x=0.45, y=(low + high) / 2,
                              font=dict(size=palette.FONT_LABEL, color="#666666")))
            y_axis["visible"] = False
            continue
        z = np.concatenate([a.T for a in panels], axis=0)  # (D*H, T): forward units, then backward
        data.append(dict(type="heatmap", z=_f32(z), coloraxis="coloraxis", hovertemplate=hover + "<extra>"
                         + html_label(label) + "</extra>", xaxis=x_id, yaxis=y_id))
        H = panels[0].shape[1]
        if len(panels) == 2:  # a line between the forward and the backward units (fig.add_hline's shape)
            shapes.append(dict(type="line", x0=0, x1=1, xref=f"{x_id} domain", y0=H - 0.5, y1=H - 0.5, yref=y_id,
                               line=dict(color="#000000", width=2)))
            finished.merge(y_axis, dict(tickmode="array", tickvals=[(H - 1) / 2, H + (H - 1) / 2],
                                        ticktext=["→", "←"], tickfont=dict(size=palette.FONT_TITLE)))
        else:
            y_axis["nticks"] = 4
        finished.merge(y_axis, dict(autorange="reversed", showgrid=False, zeroline=False, fixedrange=True))
    if shapes:
        layout["shapes"] = shapes
    if not notes:
        del layout["annotations"]
    for row in range(1, len(strips) + 1):
        finished.merge(layout[finished.axis_key(finished.axes(row, 1, 1)[0])],
                       dict(**_token_axis(tokens), showticklabels=row == len(strips)))
    finished.merge(layout[finished.axis_key(finished.axes(len(strips), 1, 1)[0])],
                   dict(title=dict(text=t("compare_cells.position", lang=lang), font=dict(size=palette.FONT_TICK))))
    scale = GATE_SCALE if zmin == 0.0 and zmax == 1.0 else DIVERGING_SCALE
    finished.merge(layout, dict(coloraxis=dict(colorscale=scale, cmin=zmin, cmax=zmax,
                                               colorbar=palette.colorbar(scale is GATE_SCALE, lang, len=0.9)),
                                height=int(110 + sum(pixels) * (1 + 0.05 * len(strips))),
                                margin=dict(l=50, r=10, t=40, b=60), **FINISHED_LAYOUT))
    return finished.finished(data, layout)


def html_label(text: str) -> str:
    """A label that may come from the catalogue or a model title: never markup."""
    import html

    return html.escape(str(text), quote=True)


def saturation_figure(entries: Sequence[tuple[str, str, dict[tuple[str, int, int], Saturation]]],
                      lang: str | None = None) -> dict:
    """The Karpathy et al. (2015) scatter: one point per unit, x = fraction of steps with the gate
    < 0.1, y = fraction > 0.9; one panel per gate, a row per cell family (LSTM: i f o; GRU: r z).
    A finished figure dict (``rnnviz.plots.finished``).

    entries: (label, cell, {(gate, layer, direction): Saturation}) per model; labels pick the colour.
    """
    families = [c for c in ("LSTM", "GRU") if any(cell == c for _, cell, _ in entries)]
    if not families:
        raise ValueError("gate saturation needs an LSTM or a GRU: the classic RNN has no gates")
    cols = max(len(SIGMOID_GATES[c]) for c in families)
    titles = []
    for c in families:
        gates = SIGMOID_GATES[c]
        titles += [f"{c} · {t(f'compare_cells.gate_{g}', lang=lang)}" for g in gates] + [""] * (cols - len(gates))
    layout = finished.subplot_layout(len(families), cols, subplot_titles=titles, horizontal_spacing=0.07,
                                     vertical_spacing=0.16)
    for note in layout.get("annotations", []):  # the panel titles (theme text colour: light or dark page)
        finished.merge(note, dict(font=dict(size=palette.FONT_LABEL)))
    data, seen = [], set()
    for label, cell, sats in entries:
        row = families.index(cell) + 1
        colour = CELL_COLOURS.get(label, "#444444")
        for (gate, layer, d), s in sats.items():
            col = SIGMOID_GATES[cell].index(gate) + 1
            arrow = (" →", " ←")[d] if any(k[2] == 1 for k in sats) else ""
            name = html_label(label) + arrow
            x_id, y_id = finished.axes(row, col, cols)
            data.append(dict(
                type="scatter", x=_f32(s.left), y=_f32(s.right), mode="markers", name=name, legendgroup=name,
                showlegend=name not in seen,
                marker=dict(color=colour, size=9, symbol="circle" if d == 0 else "triangle-up",
                            line=dict(color="#222222", width=0.6), opacity=0.85),
                customdata=np.arange(len(s.left)),
                hovertemplate=(f"{name}<br>{t('compare_cells.unit', lang=lang)} %{{customdata}}<br>"
                               f"&lt; {LOW}: %{{x:.2f}}<br>&gt; {HIGH}: %{{y:.2f}}<extra></extra>"),
                xaxis=x_id, yaxis=y_id))
            seen.add(name)
    for row, c in enumerate(families, start=1):
        for col in range(1, cols + 1):
            x_id, y_id = finished.axes(row, col, cols)
            x_axis, y_axis = layout[finished.axis_key(x_id)], layout[finished.axis_key(y_id)]
            if col > len(SIGMOID_GATES[c]):
                x_axis["visible"] = y_axis["visible"] = False
                continue
            # Every point lies in the triangle left + right ≤ 1: draw its edge.
            data.append(dict(type="scatter", x=[0, 1], y=[1, 0], mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color="#AAAAAA", width=1, dash="dot"), xaxis=x_id, yaxis=y_id))
            finished.merge(x_axis, dict(range=[-0.03, 1.03], fixedrange=True, dtick=0.5,
                                        title=dict(text=t("compare_cells.left_axis", low=LOW, lang=lang), font=dict(size=palette.FONT_TICK))))
            finished.merge(y_axis, dict(range=[-0.03, 1.03], fixedrange=True, dtick=0.5,
                                        title=dict(text=t("compare_cells.right_axis", high=HIGH, lang=lang), font=dict(size=palette.FONT_TICK))))
    # the legend under the x-axis titles (their height grows 4/3 in lesson mode), never over them
    finished.merge(layout, dict(height=330 * len(families) + 70, margin=dict(l=60, r=10, t=40, b=80),
                                legend=dict(orientation="h", y=-0.2 if len(families) == 1 else -0.1, yanchor="top", x=0),
                                **FINISHED_LAYOUT))
    return finished.finished(data, axis_titles.horizontal(layout))


# --------------------------------------------------------------------------- vanishing gradients

def one_two_five_ticks(lo: float, hi: float) -> dict:
    """tickvals / ticktext at 1, 2, 5 × 10^k covering [lo, hi], written as plain numbers."""
    vals = [m * 10.0 ** k for k in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
            for m in (1, 2, 5)]
    vals = [v for v in vals if lo / 2.5 <= v <= hi * 2.5]
    return {"tickmode": "array", "tickvals": vals, "ticktext": [f"{v:.3g}" for v in vals]}


def gradient_figure(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], tokens: Sequence[str],
                    lang: str | None = None) -> dict:
    """Two panels over position t, log scale: ‖∂h_T/∂h_t‖ (left) and ‖∂h_T/∂x_t‖ (right). A finished
    figure dict (``rnnviz.plots.finished``: make_subplots' own grid, no per-rerun validation).

    curves: (label, wrt_hidden (T,), wrt_input (T,)) per cell, forward direction.
    """
    steps = len(tokens)
    layout = finished.subplot_layout(1, 2, horizontal_spacing=0.08,
                                     subplot_titles=[t("gradients.panel_hidden", lang=lang),
                                                     t("gradients.panel_input", lang=lang)])
    data = []
    positions = np.arange(steps)
    for label, hidden, inp in curves:
        if hidden.shape != (steps,) or inp.shape != (steps,):
            raise ValueError(f"{label}: expected ({steps},) norms, got {hidden.shape} and {inp.shape}")
        colour = CELL_COLOURS.get(label, "#444444")
        for col, values in ((1, hidden), (2, inp)):
            # log axes cannot show 0: an exact zero (underflow) is drawn at the floor instead of vanishing
            shown = np.maximum(np.asarray(values, dtype=np.float64), 1e-30)
            x_id, y_id = finished.axes(1, col, 2)
            data.append(dict(
                type="scatter", x=positions, y=shown, mode="lines+markers", name=html_label(label), legendgroup=label,
                showlegend=col == 1, line=dict(color=colour, width=3), marker=dict(size=6),
                hovertemplate=(f"<b>{html_label(label)}</b> · %{{x}}<br>"
                               f"{t('gradients.steps_to_end', lang=lang)} %{{customdata}}<br>%{{y:.3g}}<extra></extra>"),
                customdata=steps - 1 - positions, xaxis=x_id, yaxis=y_id))
    for col in (1, 2):
        values = np.concatenate([np.asarray(c[col], dtype=np.float64) for c in curves]) if curves else np.ones(1)
        positive = values[values > 0]
        decades = np.log10(positive.max() / positive.min()) if positive.size else 0.0
        x_id, y_id = finished.axes(1, col, 2)
        finished.merge(layout[finished.axis_key(x_id)], dict(
            **_token_axis(tokens), title=dict(text=t("gradients.position_axis", lang=lang), font=dict(size=palette.FONT_TICK))))
        # Label whole decades when the curves span several (no crowd of 2, 3, 4 … labels); else 1-2-5
        # steps written out in full ("0.5", not Plotly's bare minor digit "5" that reads as five).
        ticks = {}
        if positive.size and decades < 2:
            ticks = one_two_five_ticks(positive.min(), positive.max())
        # at most ~9 decade labels: 16 px superscripts (lesson mode) need ~32 px each on a 310 px axis
        every = max(1, math.ceil(decades / 9))
        finished.merge(layout[finished.axis_key(y_id)], dict(type="log", exponentformat="power", showgrid=True,
                                                            gridcolor="#E5E5E5", fixedrange=True, **(ticks or {"dtick": every})))
    finished.merge(layout["yaxis"], dict(title=dict(text=t("gradients.norm_axis", lang=lang), font=dict(size=palette.FONT_TICK))))
    # the legend's bottom edge well above the panel titles (both 4/3 taller in lesson mode)
    finished.merge(layout, dict(height=475, margin=dict(l=60, r=10, t=95, b=70),
                                legend=dict(orientation="h", y=1.2, yanchor="bottom", x=0.5, xanchor="center",
                                            font=dict(size=palette.FONT_LABEL)),
                                **FINISHED_LAYOUT))
    for note in layout["annotations"]:  # the panel titles (theme text colour: light or dark page)
        finished.merge(note, dict(font=dict(size=palette.FONT_LABEL)))
    return finished.finished(data, axis_titles.horizontal(layout))


# --------------------------------------------------------------------------- PyTorch shapes



BAND = 0.8  # rows of free space above and below output's heatmap, for the h_n labels


def shapes_figure(output: np.ndarray, h_n: np.ndarray, equalities, *, hidden_out: int,
                  num_layers: int, directions: int, batch_index: int, batch_first: bool,
                  lang: str | None = None) -> dict:
    """output[:, n, :] (positions × D·H_out) beside h_n[:, n, :] (D·num_layers × H_out), same
    colours, with the equal slices outlined in the same colour (black forward, pink backward).
    A finished figure dict (``rnnviz.plots.finished``).

    output: (L, D·H_out) for batch element n; h_n: (D·num_layers, H_out) for the same n.
    equalities: rnnviz.analysis.shapes.Equality list (the top layer's final states).
    """
    L, width = output.shape
    rows_h = h_n.shape[0]
    zmin, zmax = value_range("hidden_state", [output, h_n])
    n = batch_index
    out_title = f"output[{n}, :, :]" if batch_first else f"output[:, {n}, :]"
    layout = finished.subplot_layout(1, 2, column_widths=[0.55, 0.45], horizontal_spacing=0.16,
                                     subplot_titles=[t("pytorch_shapes.fig_output", lang=lang, expr=out_title),
                                                     t("pytorch_shapes.fig_h_n", lang=lang, expr=f"h_n[:, {n}, :]")])
    for note in layout["annotations"]:  # the panel titles (theme text colour: light or dark page)
        finished.merge(note, dict(font=dict(size=palette.FONT_LABEL)))
    small = output.size + h_n.size <= 260
    text = dict(texttemplate="%{z:.2f}", textfont=dict(size=palette.FONT_TICK)) if small else {}
    data = [dict(type="heatmap", z=_f32(output), coloraxis="coloraxis", xgap=1, ygap=1,
                 hovertemplate="output t=%{y}, feature %{x}: %{z:.4f}<extra></extra>", xaxis="x", yaxis="y", **text),
            dict(type="heatmap", z=_f32(h_n), coloraxis="coloraxis", xgap=1, ygap=1,
                 hovertemplate="h_n[%{y}], unit %{x}: %{z:.4f}<extra></extra>", xaxis="x2", yaxis="y2", **text)]
    arrows = ("→", "←")
    ticktext = [f"{k} · {t('pytorch_shapes.layer_short', lang=lang, layer=k // directions + 1)}"
                + (f" {arrows[k % directions]}" if directions == 2 else "") for k in range(rows_h)]
    # a free band of BAND rows above and below output's rows holds the "= h_n[k]" labels, so they
    # never cover a value (y grows downwards, as autorange="reversed" would draw it)
    finished.merge(layout["yaxis"], dict(tickmode="array", tickvals=list(range(L)), ticktext=[f"t={i}" for i in range(L)],
                                         range=[L - 0.5 + BAND, -0.5 - BAND], fixedrange=True,
                                         title=dict(text=t("pytorch_shapes.axis_position", lang=lang), font=dict(size=palette.FONT_TICK))))
    finished.merge(layout["yaxis2"], dict(tickmode="array", tickvals=list(range(rows_h)), ticktext=ticktext,
                                          autorange="reversed", fixedrange=True))
    finished.merge(layout["xaxis"], dict(title=dict(text=t("pytorch_shapes.axis_feature", lang=lang), font=dict(size=palette.FONT_TICK)),
                                         fixedrange=True, dtick=1 if width <= 16 else None))
    finished.merge(layout["xaxis2"], dict(title=dict(text=t("pytorch_shapes.axis_unit", lang=lang), font=dict(size=palette.FONT_TICK)),
                                          fixedrange=True, dtick=1 if hidden_out <= 16 else None))
    shapes, notes = [], layout["annotations"]
    if directions == 2:  # the seam between the forward and the backward halves of output (fig.add_vline's shape)
        shapes.append(dict(type="line", x0=hidden_out - 0.5, x1=hidden_out - 0.5, xref="x", y0=0, y1=1, yref="y domain",
                           line=dict(color="#555555", width=2, dash="dash")))
    for e in equalities:
        colour = SLICE_COLOURS[e.direction]
        position = L - 1 if e.direction == 0 else 0
        lo = e.direction * hidden_out
        line = dict(color=colour, width=4, dash="solid" if e.direction == 0 else "dash")
        shapes.append(dict(type="rect", x0=lo - 0.5, x1=lo + hidden_out - 0.5, y0=position - 0.5, y1=position + 0.5,
                           line=dict(line), xref="x", yref="y"))
        shapes.append(dict(type="rect", x0=-0.5, x1=hidden_out - 0.5, y0=e.h_n_index - 0.5, y1=e.h_n_index + 0.5,
                           line=dict(line), xref="x2", yref="y2"))
        below = e.direction == 0 and L > 1  # the last row's label under it, the first row's above it
        notes.append(dict(x=lo + (hidden_out - 1) / 2, y=position + (0.5 + BAND / 2) * (1 if below else -1),
                          xref="x", yref="y", showarrow=False,
                          text=f"<b>= {e.h_n_text}</b>", font=dict(size=palette.FONT_LEGEND, color="#111111"),
                          bgcolor="rgba(255,255,255,0.85)", bordercolor=colour, borderwidth=2))  # pink text read 3:1
    if shapes:
        layout["shapes"] = shapes
    finished.merge(layout, dict(coloraxis=dict(colorscale=DIVERGING_SCALE, cmin=zmin, cmax=zmax,
                                               colorbar=palette.colorbar(False, lang, nticks=3)),  # 3 ticks: a short bar
                                height=int(min(580, 170 + 34 * (max(L, rows_h) + 2 * BAND))), margin=dict(l=70, r=10, t=50, b=60),
                                **FINISHED_LAYOUT))
    return finished.finished(data, axis_titles.horizontal(layout))


# --------------------------------------------------------------------------- I/O shapes

def next_token_figure(tokens: Sequence[str], p_actual: np.ndarray, best: Sequence[str],
                      p_best: np.ndarray, lang: str | None = None) -> dict:
    """N→N: at every position t the model's output is a distribution over token t+1. Bars: the
    probability it gave the token that actually came next; text above: its own top guess.
    A finished figure dict (``rnnviz.plots.finished``), as the two below."""
    steps = len(tokens)
    if len(best) != steps or p_best.shape != (steps,) or p_actual.shape != (steps - 1,):
        raise ValueError("expected T top guesses and T-1 probabilities of the actual next token")
    data = [dict(
        type="bar", x=np.arange(steps - 1), y=_f32(p_actual), marker=dict(color="#009E73"),
        text=[display_token(b, 6) for b in best[:-1]], textposition="outside", textfont=dict(size=palette.FONT_LEGEND),
        customdata=np.stack([[display_token(tok, 12) for tok in tokens[1:]],
                             [f"{p:.2f}" for p in p_best[:-1]]], axis=-1),
        hovertemplate=(f"{t('io_shapes.lm_after', lang=lang)} <b>%{{x}}</b><br>"
                       f"{t('io_shapes.lm_actual', lang=lang)} %{{customdata[0]}}: %{{y:.3f}}<br>"
                       f"{t('io_shapes.lm_guess', lang=lang)} %{{text}} (%{{customdata[1]}})<extra></extra>"),
        name=t("io_shapes.lm_actual", lang=lang))]
    axis = _token_axis(tokens)
    axis["range"] = [-0.5, steps - 1.5]
    layout = dict(xaxis=dict(**axis, title=dict(text=t("io_shapes.lm_x_axis", lang=lang), font=dict(size=palette.FONT_TICK))),
                  yaxis=dict(range=[0, 1.18], title=dict(text=t("io_shapes.lm_y_axis", lang=lang), font=dict(size=palette.FONT_TICK)),
                             fixedrange=True, gridcolor="#E5E5E5"),
                  height=300, margin=dict(l=60, r=10, t=20, b=60), **FINISHED_LAYOUT)
    return finished.finished(data, axis_titles.horizontal(layout))


def context_figure(c: np.ndarray, lang: str | None = None) -> dict:
    """N→M: the context vector c (the encoder's final state), one coloured cell per unit, [−1, 1]."""
    c = np.asarray(c, dtype=np.float32).reshape(1, -1)
    zmin, zmax = value_range("hidden_state", [c])
    data = [dict(type="heatmap", z=_f32(c), colorscale=DIVERGING_SCALE, zmin=zmin, zmax=zmax, xgap=1,
                 # a one-row strip: a short bar, so its two ends only (labels stacked up)
                 colorbar=palette.colorbar(False, lang, len=1.2, tickvals=[zmin, zmax]),
                 hovertemplate="c[%{x}] = %{z:.4f}<extra></extra>")]
    layout = dict(yaxis=dict(visible=False, fixedrange=True),
                  xaxis=dict(title=dict(text=t("io_shapes.c_axis", lang=lang, size=c.shape[1]), font=dict(size=palette.FONT_TICK)),
                             fixedrange=True, showgrid=False),
                  height=200, margin=dict(l=20, r=10, t=10, b=60), **FINISHED_LAYOUT)  # ticks and title apart at 4/3
    return finished.finished(data, layout)


def decoder_figure(probabilities: np.ndarray, vocabulary: Sequence[str], outputs: Sequence[str],
                   lang: str | None = None) -> dict:
    """N→M: p(y_t | y_<t, c) at every decoder step (rows: steps, columns: output tokens), [0, 1]."""
    steps, V = probabilities.shape
    if len(vocabulary) != V or len(outputs) != steps:
        raise ValueError("vocabulary / outputs do not match the probability table")
    data = [dict(
        type="heatmap", z=_f32(probabilities), colorscale=GATE_SCALE, zmin=0, zmax=1, xgap=1, ygap=1,
        colorbar=palette.colorbar(True, lang),
        hovertemplate=f"{t('io_shapes.dec_step', lang=lang)} %{{y}} · %{{x}}: %{{z:.3f}}<extra></extra>")]
    layout = dict(xaxis=dict(tickmode="array", tickvals=list(range(V)), ticktext=[display_token(v) for v in vocabulary],
                             fixedrange=True, title=dict(text=t("io_shapes.dec_x_axis", lang=lang), font=dict(size=palette.FONT_TICK))),
                  yaxis=dict(tickmode="array", tickvals=list(range(steps)),
                             ticktext=[f"y{k + 1} = {display_token(o)}" for k, o in enumerate(outputs)],
                             autorange="reversed", fixedrange=True),
                  height=int(90 + 34 * steps), margin=dict(l=90, r=10, t=10, b=50), **FINISHED_LAYOUT)
    return finished.finished(data, layout)
