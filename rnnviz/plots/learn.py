"""The Learn page's one figure per chapter, built with the full views' own builders (no new drawing).

    fig = chapter_figure(lesson, revealed=False)     # before the learner has answered
    fig = chapter_figure(lesson, revealed=True)      # after: the answer's highlight is drawn

Each chapter reuses the builder of the page its "open in the full view" link goes to, so the lesson
and the full view look the same: the step-through's chain and cell diagrams (``rnnviz.plots.diagram``),
the I/O-shape diagrams (``rnnviz.plots.io_diagrams``), the gradient curves, PyTorch-shape slices and the
cell comparison (``rnnviz.plots.view_figures``), the Gate Explorer's heatmaps (``rnnviz.plots.heatmaps``) and
the neuron view's unit line (``rnnviz.plots.neuron``). What the reveal adds is a highlight of the computed
answer (an outline, the hidden half of a line, the equal slices, a note), never a different number.

``legible(fig, minimum)`` raises every font of a figure to at least ``minimum`` px (12 px), which
several builders' small tick fonts would miss; lesson mode then draws every chart 4/3 larger (16 px).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from rnnviz.analysis import shapes
from rnnviz.i18n import catalogue, t
from rnnviz.lessons import (both_ways, cell_write, chapters, counting, forget_gate, forgetting,
                            gru_convention, minimal_pair, outputs_read, reading, torch_call)
from rnnviz.plots import axis_titles, diagram, heatmaps, io_diagrams, neuron, palette, view_figures

SCREEN_PX = 12  # lesson mode's 16 px comes from ui.charts.show (every chart × 4/3), not from here
HIGHLIGHT = palette.FOCUS       # the app's one orange for "the thing in focus"
# Text in that orange: the darker ink on a white box, >= 4.5:1 on either theme (FOCUS on white is 3.7:1)
NOTE = dict(font=dict(size=14, color=palette.FOCUS_INK), bgcolor="#ffffff")
FONT_KEYS = ("font", "tickfont", "textfont", "titlefont", "insidetextfont", "outsidetextfont")


def _escape(text: str) -> str:
    return html.escape(str(text), quote=False)


# ---------------------------------------------------------------------------------- chapter figures

def _reading(r: reading.Reading, revealed: bool, lang: str | None) -> go.Figure:
    T = len(r.tokens)
    fig = go.Figure(diagram.chain_figure(r.tokens, [r.hidden[:, r.unit]], step=T - 1, unit=r.unit, lang=lang))
    if revealed:  # the change of this unit's h_t at every step when the first token is swapped
        delta = r.hidden_swapped[:, r.unit] - r.hidden[:, r.unit]          # (T,)
        notes = []
        for shape in fig.layout.shapes:
            parts = (shape.name or "").split(":")
            if len(parts) >= 3 and parts[0] == "cell":
                pos = int(parts[2])
                notes.append(dict(x=(shape.x0 + shape.x1) / 2, y=shape.y1 + 2.2, text=f"Δ {delta[pos]:+.3f}",
                                  showarrow=False, name=f"delta:{pos}", **NOTE))
        fig.update_layout(annotations=list(fig.layout.annotations) + notes)
        fig.update_yaxes(range=[-1, 16])
        fig.update_layout(title_text=_escape(t("learn.fig_change", lang=lang, first=r.tokens[0],
                                                 swap=r.swapped_tokens[0])))
    return fig


def _outputs(o: outputs_read.OutputsRead, revealed: bool, lang: str | None) -> go.Figure:
    d = io_diagrams.diagram(outputs_read.SHAPE, len(o.tokens))
    outputs = None
    if revealed:
        # the verdict alone fits the box (8 characters); its probability is in the reveal text
        outputs = [""] * (len(o.tokens) - 1) + [label_text(o.label, lang)]
    else:  # before the answer nothing is marked as read: every output drawn alike
        d.nodes = [io_diagrams.Node(n.id, n.kind, n.x, n.y, n.step, read=True) if n.kind == "output" else n
                   for n in d.nodes]
    return go.Figure(io_diagrams.figure(d, inputs=o.tokens, outputs=outputs, height=300))


def _forgetting(f: forgetting.Forgetting, revealed: bool, lang: str | None) -> go.Figure:
    curves = [(cell, f.wrt_hidden[cell], f.wrt_input[cell]) for cell in forgetting.CELLS]
    fig = go.Figure(view_figures.gradient_figure(curves, f.tokens, lang=lang))  # a finished dict, edited below
    fig.update_xaxes(title_text=_escape(t("figures.position", lang=lang)))  # two long titles overlap in a column
    # half a page wide: a wider gap, so the right panel's lowest decade label (10⁻¹⁴ in lesson
    # mode) keeps clear of the left panel's last position label
    fig.update_layout(xaxis_domain=[0, 0.42], xaxis2_domain=[0.58, 1])
    # half a page wide: the panel titles are their formulas alone (the text beside names them)
    for note, title, centre in zip(fig.layout.annotations[:2], ("‖∂h_T / ∂h_t‖", "‖∂h_T / ∂x_t‖"), (0.21, 0.79)):
        note.text, note.x = title, centre
    steps = len(f.tokens)
    # the note starts right of its arrow, clear of the right panel's tick labels
    fig.add_annotation(x=0, y=np.log10(max(f.wrt_input["RNN"][0], 1e-30)), xref="x2", yref="y2", ax=25, ay=-55,
                       xanchor="left", text=_escape(t("learn.fig_ratio", lang=lang, ratio=f.ratio("RNN"))),
                       showarrow=True, arrowcolor=HIGHLIGHT, **NOTE)
    if revealed:
        fig.add_annotation(x=0.99, y=0.02, xref="x2 domain", yref="y2 domain", xanchor="right", yanchor="bottom",
                           showarrow=False, bordercolor=HIGHLIGHT,
                           text=_escape(t("learn.fig_doubled", lang=lang, steps=2 * steps, ratio=f.doubled_rnn_ratio)),
                           **NOTE)
    return fig


def _colour_bar(fig: go.Figure, text: str) -> go.Figure:
    """Title the shared colour bar (the builders leave it untitled; a projector needs the unit)."""
    fig.update_layout(coloraxis_colorbar_title=dict(text=_escape(text), side=axis_titles.colour_bar_side(text)))
    return fig


def _forget_gate(g: forget_gate.ForgetGate, revealed: bool, lang: str | None) -> go.Figure:
    fig = heatmaps.heatmap_figure("forget_gate", [g.forget], g.tokens, unit=g.unit,
                                 step=g.closes_at if revealed else None, lang=lang, outline=HIGHLIGHT)
    return _colour_bar(_upright_tokens(fig), t("quantities.forget_gate", lang=lang))


def _upright_tokens(fig: go.Figure) -> go.Figure:
    """Ten words under half a page of heatmap: Plotly would tilt them 30° so that their boxes
    overlap; straight up they stand apart, as Plotly draws them itself at the lesson mode's size."""
    fig.update_xaxes(tickangle=-90)
    return fig


def _cell_write(c: cell_write.CellWrite, revealed: bool, lang: str | None) -> go.Figure:
    fig = go.Figure(diagram.cell_figure("LSTM", c.wires, token=c.tokens[c.step], focus=c.gate if revealed else None,
                                        unit=c.unit, step=c.step, lang=lang))
    # Half a page leaves four gate values side by side no room (they overlapped at lesson size):
    # i and o go under their boxes (y 20.5-27.5), f and g stay above, so neighbours in a row are
    # two gates apart.
    # At lesson size f and g sit one unit lower (clear of the ⊗ above g) and "tanh cₜ" one unit
    # lower (clear of the tanh circle).
    # "cₜ₋₁ = −0.98" reaches the ⊗ of f at lesson size: it rides higher above the c line.
    moves = {"wire:input_gate": 13.5, "wire:output_gate": 13.5, "wire:forget_gate": 30.5,
             "wire:cell_candidate": 30.5, "wire:tanh_cell_state": 27, "wire:cell_state_prev": 55}
    for note in fig.layout.annotations:
        if note.name in moves:
            note.y = moves[note.name]
    return fig


def _counting(c: counting.Counting, revealed: bool, lang: str | None) -> go.Figure:
    values = c.cell.astype(np.float32).copy()
    if not revealed:  # the b's are the question: drawn only after the guess
        values[c.n:] = np.nan
    lo, hi = heatmaps.value_range("cell_state", [c.cell[None]])
    zrange = (1.1 * lo, 1.1 * hi)  # room above the last a and below the last b
    fig = go.Figure(neuron.unit_figure(c.tokens, values, "cell_state", zrange, unit=c.unit,
                                       annotation=c.count if revealed else None,
                                       annotation_label=t("learn.fig_count", lang=lang), lang=lang))  # edited below
    if not revealed:
        fig.add_vrect(x0=c.n - 0.5, x1=len(c.tokens) - 0.5, fillcolor="rgba(128,128,128,0.12)", line_width=0,
                      annotation_text=_escape(t("learn.fig_hidden_only", lang=lang)),
                      annotation_position="top", annotation_font=dict(size=14))
    # the legend sits above the plot (added to the builder's height and top margin, which hold the
    # horizontal Chinese axis titles: rnnviz.plots.axis_titles)
    fig.update_layout(height=fig.layout.height + 100, margin=dict(t=fig.layout.margin.t + 50))
    return fig


def _gru(g: gru_convention.GruConvention, revealed: bool, lang: str | None) -> go.Figure:
    fig = _upright_tokens(heatmaps.heatmap_figure("update_gate", [g.update], g.tokens, unit=g.unit, step=g.step,
                                                  lang=lang, outline=HIGHLIGHT))
    _colour_bar(fig, t("quantities.update_gate", lang=lang))
    if revealed:
        fig.add_annotation(x=g.step, y=g.unit, text=f"hₜ = {g.h:.2f} · hₜ₋₁ = {g.h_prev:.2f} · nₜ = {g.n:.2f}",
                           showarrow=True, ax=0, ay=-46, arrowcolor=HIGHLIGHT, bgcolor="rgba(255,255,255,0.92)",
                           bordercolor=HIGHLIGHT, font=dict(size=14, color="#111111"))
    return fig


def _both_ways(b: both_ways.BothWays, revealed: bool, lang: str | None) -> go.Figure:
    T, H = len(b.tokens), b.hidden_size
    cfg = shapes.ShapeConfig(cell="LSTM", input_size=1, hidden_size=H, num_layers=1, bidirectional=True,
                             batch_size=1, seq_len=T)
    equalities = shapes.describe(cfg).equalities if revealed else ()
    fig = go.Figure(view_figures.shapes_figure(b.output, b.h_n, equalities, hidden_out=H, num_layers=1, directions=2,
                                     batch_index=0, batch_first=False, lang=lang))  # edited below
    fig.update_traces(xgap=0, ygap=0)  # 2·64 columns in half a page: cell gaps would hide the colours
    # one layer: h_n's rows are told apart by their direction alone ("0 · layer 1 →" ran over output)
    fig.update_layout(yaxis2=dict(ticktext=["0 →", "1 ←"]))
    return _half_width(fig, lang)


def _torch_call(c: torch_call.TorchCall, revealed: bool, lang: str | None) -> go.Figure:
    cfg = shapes.ShapeConfig(cell="LSTM", input_size=torch_call.INPUT_SIZE, hidden_size=torch_call.HIDDEN_SIZE,
                             num_layers=torch_call.NUM_LAYERS, batch_size=torch_call.BATCH, seq_len=torch_call.SEQ_LEN)
    equalities = shapes.describe(cfg).equalities if revealed else ()
    fig = go.Figure(view_figures.shapes_figure(c.output[:, 0], c.h_n[:, 0], equalities, hidden_out=torch_call.HIDDEN_SIZE,
                                     num_layers=torch_call.NUM_LAYERS, directions=1, batch_index=0,
                                     batch_first=False, lang=lang))  # edited below
    return _half_width(fig, lang)


def _half_width(fig: go.Figure, lang: str | None) -> go.Figure:
    """A PyTorch-shapes figure in half a page: short panel titles (the full ones collide there),
    no numbers printed in the cells (they overlap; hover shows them), a titled colour bar."""
    for note, text in zip(fig.layout.annotations[:2], ("output", "h_n")):
        note.text = text
    fig.update_traces(texttemplate=None, text=None)
    return _colour_bar(fig, t("quantities.hidden_state", lang=lang))


def _minimal_pair(m: minimal_pair.MinimalPair, revealed: bool, lang: str | None) -> go.Figure:
    def title(key: str, tokens, result) -> str:
        text = t(key, lang=lang, sentence=" ".join(tokens))
        if revealed:
            label, p = result
            text += f" → {label_text(label, lang)} {100 * p:.0f}%"
        return text

    strips = [(title("learn.fig_sentence_a", m.first, m.verdict_first), [m.hidden_first]),
              (title("learn.fig_sentence_b", m.second, m.verdict_second), [m.hidden_second])]
    fig = go.Figure(view_figures.compare_figure(strips, m.second, "hidden_state", lang=lang))  # edited below
    _colour_bar(fig, t("quantities.hidden_state", lang=lang))
    if revealed:  # where the two sentences differ, in both strips
        fig.add_vrect(x0=m.differs_at - 0.5, x1=m.differs_at + 0.5, line=dict(color=HIGHLIGHT, width=3),
                      fillcolor="rgba(0,0,0,0)", row="all", col=1)
    return fig


BUILDERS: dict[int, Callable[[object, bool, str | None], go.Figure]] = {
    1: _reading, 2: _outputs, 3: _forgetting, 4: _forget_gate, 5: _cell_write,
    6: _counting, 7: _gru, 8: _both_ways, 9: _torch_call, 10: _minimal_pair,
}
assert set(BUILDERS) == {c.number for c in chapters.CHAPTERS}


def label_text(label: str, lang: str | None = None) -> str:
    """A classifier's label in the page's language (known labels translated, others as they are)."""
    key = f"learn.label_{label}"
    return t(key, lang=lang) if key in catalogue("en") else str(label)


def chapter_figure(lesson: chapters.Lesson, revealed: bool, lang: str | None = None,
                   minimum_px: int = SCREEN_PX) -> go.Figure:
    """The chapter's live figure; ``revealed`` adds the answer's highlight."""
    return legible(BUILDERS[lesson.number](lesson.result, revealed, lang), minimum_px)


# ---------------------------------------------------------------------------------- legibility

def _raise_fonts(node, minimum: int) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FONT_KEYS and isinstance(value, dict):
                if value.get("size") is not None and value["size"] < minimum:
                    value["size"] = minimum
            _raise_fonts(value, minimum)
    elif isinstance(node, list):
        for item in node:
            _raise_fonts(item, minimum)


def _at_least(holder: dict, key: str, minimum: int) -> None:
    font = holder.setdefault(key, {})
    font["size"] = max(minimum, font.get("size") or 0)


def legible(fig: go.Figure, minimum: int = SCREEN_PX) -> go.Figure:
    """Every font of ``fig`` at least ``minimum`` px. Fonts a builder left unset are set too: the
    Streamlit theme's template gives axis ticks its own (smaller) size, which the default font
    (``layout.font``) does not override."""
    spec = fig.to_plotly_json()
    layout = spec.setdefault("layout", {})
    _at_least(layout, "font", minimum)
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            _at_least(value, "tickfont", minimum)
    bars = [layout[k].setdefault("colorbar", {}) for k in layout if k.startswith("coloraxis")]
    bars += [trace.setdefault("colorbar", {}) for trace in spec.get("data", []) if trace.get("type") == "heatmap"]
    for bar in bars:
        _at_least(bar, "tickfont", minimum)
    _raise_fonts(spec, minimum)
    return go.Figure(spec, skip_invalid=False, _validate=False)
