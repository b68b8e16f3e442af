"""Cell diagrams with the current step's numbers on the wires, as finished Plotly figure dicts
(``rnnviz.plots.finished``: no validation per rerun; no streamlit).

Three pure builders for the step-through page:

- :func:`cell_figure` — one RNN / LSTM / GRU cell drawn in the spirit of the classic chain diagrams
  (C. Olah, "Understanding LSTM Networks", 2015): the state lines running through the cell, the
  gate boxes (σ, tanh) fed by ``[h_{t-1}, x_t]``, the pointwise × and + nodes, and on every wire
  the value it carries for the chosen unit at this step. Gate boxes are filled with their value's
  colour (the heatmaps' scales: Viridis for σ gates in [0, 1], RdBu for tanh in [−1, 1]); the gate
  in focus gets a thick orange outline. The wiring is PyTorch's: the GRU's reset gate multiplies
  ``W_hn h + b_hn`` inside the candidate, and ``h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}``. For the
  backward direction of a bidirectional cell the drawing is mirrored, so the state enters from the
  right (from position t + 1), as it does in the chain.
- :func:`chain_figure` — the unrolled chain around step t (both rows for a bidirectional cell,
  arrows in each direction's reading order); cells already read are solid, later ones faded.
- :func:`vector_bars_figure` — every quantity's whole vector at step t as small bars, the chosen
  unit in orange, on the fixed ranges of ``rnnviz.plots.heatmaps.value_range``.

Everything is drawn in data coordinates on hidden axes (x 0..100, y 0..60), so the tests can read
the positions and labels from ``go.Figure(spec).layout.shapes`` / ``.annotations``. Token text is
HTML-escaped (:func:`plot_text`) before it enters a figure.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from plotly.subplots import make_subplots

from rnnviz import quantities
from rnnviz.i18n import t
from rnnviz.plots import finished, heatmaps, palette
from rnnviz.plots.tokens import plot_text

FOCUS = palette.FOCUS
WIRE = "#7f7f7f"  # wires and arrows: ≥ 3:1 (WCAG, graphics) on a white and on a dark page alike
BOX_LINE = "#333333"
CELL_FILL = "rgba(120,120,120,0.08)"
FONT = palette.FONT_LABEL  # gate and node symbols: legible on a 1280×720 projector
WIRE_FONT = palette.FONT_AXIS  # the numbers on the wires: 13 px (17 px in lesson mode), side by side
HEIGHT, LESSON_HEIGHT = 320, 470  # lesson mode: the wider column keeps x and y on the same scale
MIRROR = {"left": "right", "right": "left", "center": "center"}  # label anchors of the backward cell
# Unicode subscripts: Plotly does not typeset LaTeX inside Streamlit, and these read the same.
SUB = {"t": "ₜ", "-": "₋", "+": "₊", "1": "₁"}
PREV = {0: "ₜ₋₁", 1: "ₜ₊₁"}  # the previous step of the forward / backward direction


def _colour(name: str, value: float) -> str:
    """The heatmaps' colour for ``value`` of quantity ``name`` on its fixed range (gates [0, 1], else [−1, 1])."""
    return palette.value_colour(name, value, (0.0, 1.0) if quantities.KIND.get(name) == quantities.SIGMOID else (-1.0, 1.0))


def fmt(v: float | None) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.2f}".replace("-", "−")


# --------------------------------------------------------------------------- the cell drawing

@dataclass(frozen=True)
class Box:
    """A gate: σ or tanh layer fed by [h_prev, x_t]. ``name`` is the traced quantity it produces."""

    name: str
    x: float
    y: float
    label: str  # "σ" or "tanh"
    symbol: str  # "f", "i", ...


@dataclass(frozen=True)
class Op:
    """A pointwise node: "×", "+", "tanh", "1−"."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Wire:
    """A polyline; ``key`` names the value it carries (a key of ``stepping.wire_values``) and
    ``at`` where its label goes. ``arrow``: draw an arrowhead at the last point."""

    points: tuple[tuple[float, float], ...]
    key: str | None = None
    symbol: str = ""
    at: tuple[float, float] | None = None
    arrow: bool = True
    anchor: str = "left"


BOX_W, BOX_H = 9.0, 7.0
OP_R = {"tanh": 4.2}  # node radius (x units); "tanh" needs a wider circle than × + 1−
# Wire labels are ~12 x units wide and ~5.5 high at 13 px on the narrowest column (a 1280-pixel
# screen with the sidebar: ~3.75 px per unit), so neighbouring gates sit 14 units apart and their
# labels never touch; the tests/plots layout check measures that on every cell and direction.


def _layout_lstm():
    boxes = [Box("forget_gate", 22, 24, "σ", "f"), Box("input_gate", 36, 24, "σ", "i"),
             Box("cell_candidate", 50, 24, "tanh", "g"), Box("output_gate", 64, 24, "σ", "o")]
    ops = [Op(22, 48, "×"), Op(50, 48, "+"), Op(50, 37, "×"), Op(78, 36, "tanh"), Op(78, 24, "×")]
    top, bus, up = 48, 10, 95  # the c line, the h line, where h_t leaves the cell upwards
    wires = [
        Wire(((0, top), (19.5, top)), "cell_state_prev", "c{prev}", (1, top + 3.5)),
        Wire(((24.5, top), (47.5, top)), arrow=False),
        Wire(((52.5, top), (100, top)), "cell_state", "cₜ", (81, top + 3.5)),
        Wire(((0, bus), (66, bus)), "hidden_state_prev", "h{prev}", (1, bus - 4), arrow=False),
        Wire(((12, -4), (12, bus)), "x", "xₜ", (13, -2), arrow=False),
        Wire(((22, bus), (22, 24 - BOX_H / 2)), arrow=True),
        Wire(((36, bus), (36, 24 - BOX_H / 2)), arrow=True),
        Wire(((50, bus), (50, 24 - BOX_H / 2)), arrow=True),
        Wire(((64, bus), (64, 24 - BOX_H / 2)), arrow=True),
        Wire(((22, 24 + BOX_H / 2), (22, top - 2.5)), "forget_gate", "f", (22, 31.5), anchor="center"),
        Wire(((36, 24 + BOX_H / 2), (36, 37), (47.5, 37)), "input_gate", "i", (36, 31.5), anchor="center"),
        Wire(((50, 24 + BOX_H / 2), (50, 34.5)), "cell_candidate", "g", (50, 31.5), anchor="center"),
        Wire(((50, 39.5), (50, top - 2.5)), arrow=True),
        Wire(((78, top), (78, 36 + OP_R["tanh"])), arrow=True),
        Wire(((78, 36 - OP_R["tanh"]), (78, 24 + 2.5)), "tanh_cell_state", "tanh cₜ<br>", (81, 28)),
        Wire(((64 + BOX_W / 2, 24), (75.5, 24)), "output_gate", "o", (64, 31.5), anchor="center"),
        Wire(((78, 24 - 2.5), (78, bus), (100, bus)), "hidden_state", "hₜ", (81, bus - 4)),
        Wire(((up, bus), (up, 60)), arrow=True),
    ]
    return boxes, ops, wires


def _layout_gru():
    boxes = [Box("update_gate", 22, 24, "σ", "z"), Box("reset_gate", 36, 24, "σ", "r"),
             Box("candidate", 62, 24, "tanh", "n")]
    ops = [Op(50, 24, "×"), Op(56, 48, "×"), Op(72, 40, "1−"), Op(84, 32, "×"), Op(84, 48, "+")]
    top, bus, up = 48, 10, 95
    wires = [
        Wire(((0, top), (53.5, top)), "hidden_state_prev", "h{prev}", (1, top + 3.5)),
        Wire(((58.5, top), (81.5, top)), arrow=True),
        Wire(((86.5, top), (100, top)), "hidden_state", "hₜ", (101, top - 4.5), anchor="right"),
        Wire(((up, top), (up, 60)), arrow=True),
        Wire(((8, top), (8, bus), (62, bus)), arrow=False),
        Wire(((14, -4), (14, bus)), "x", "xₜ", (15, -2), arrow=False),
        Wire(((22, bus), (22, 24 - BOX_H / 2)), arrow=True),
        Wire(((36, bus), (36, 24 - BOX_H / 2)), arrow=True),
        Wire(((50, bus), (50, 24 - 2.5)), arrow=True),
        Wire(((62, bus), (62, 24 - BOX_H / 2)), arrow=True),
        Wire(((36, 24 + BOX_H / 2), (36, 32), (50, 32), (50, 24 + 2.5)), "reset_gate", "r", (43, 32), anchor="center"),
        Wire(((50 + 2.5, 24), (62 - BOX_W / 2, 24)), arrow=True),
        Wire(((22, 24 + BOX_H / 2), (22, 40), (56, 40), (56, top - 2.5)), "update_gate", "z", (29, 40), anchor="center"),
        Wire(((56, 40), (72 - 2.5, 40)), arrow=True),
        Wire(((72, 40 - 2.5), (72, 32), (84 - 2.5, 32)), "one_minus_update", "1−z", (70.5, 34), anchor="right"),
        Wire(((62 + BOX_W / 2, 24), (84, 24), (84, 32 - 2.5)), "candidate", "n", (75.5, 24), anchor="center"),
        Wire(((84, 32 + 2.5), (84, top - 2.5)), arrow=True),
    ]
    return boxes, ops, wires


def _layout_rnn():
    boxes = [Box("hidden_state", 50, 28, "tanh", "h")]
    top, bus = 48, 10
    wires = [
        Wire(((0, bus), (50, bus)), "hidden_state_prev", "h{prev}", (1, bus - 4), arrow=False),
        Wire(((50, bus), (50, 28 - BOX_H / 2)), "pre_activation", "a", (51, 18)),
        Wire(((30, -4), (30, bus)), "x", "xₜ", (31, -2), arrow=False),
        Wire(((50, 28 + BOX_H / 2), (50, top), (100, top)), "hidden_state", "hₜ", (70, top + 3.5)),
        Wire(((88, top), (88, 60)), arrow=True),
    ]
    return boxes, [], wires


LAYOUTS = {"LSTM": _layout_lstm, "GRU": _layout_gru, "RNN": _layout_rnn}


def cell_figure(cell: str, wires: Mapping[str, float], *, token: str = "", direction: int = 0,
                focus: str | None = None, nonlinearity: str = "tanh", unit: int = 0,
                step: int = 0, lang: str | None = None, height: int = HEIGHT) -> dict:
    """One cell at one step, with ``wires`` (``stepping.wire_values``) written on its wires.

    cell: "RNN" | "LSTM" | "GRU"; token: the raw token at this step (escaped here);
    direction: 1 mirrors the drawing (the backward state enters from the right);
    focus: the quantity to outline (a gate, "cell_state" or "hidden_state");
    height: px, ``LESSON_HEIGHT`` for lesson mode's wider column and 4/3 larger text.
    """
    if cell not in LAYOUTS:
        raise ValueError(f"cell must be one of {', '.join(LAYOUTS)}, got {cell!r}")
    boxes, ops, lines = LAYOUTS[cell]()
    mx = (lambda x: 100 - x) if direction == 1 else (lambda x: x)  # noqa: E731
    prev = PREV[direction]
    values = dict(wires)
    values.setdefault("x", float("nan"))
    shapes, notes = [], []

    # the cell body
    shapes.append(dict(type="rect", x0=4, x1=96, y0=3, y1=56, line=dict(color="#999999", width=1.5),
                       fillcolor=CELL_FILL, layer="below"))
    # the focused quantity's wires (a state also lights up where it enters as the previous state)
    focus_wire_keys = {focus, focus + "_prev"} if focus in ("cell_state", "hidden_state") else {focus}
    for w in lines:
        pts = [(mx(x), y) for x, y in w.points]
        hot = w.key in focus_wire_keys
        path = "M " + " L ".join(f"{x:.2f},{y:.2f}" for x, y in pts)
        shapes.append(dict(type="path", path=path, line=dict(color=FOCUS if hot else WIRE, width=4 if hot else 2)))
        if w.arrow:
            (x0, y0), (x1, y1) = pts[-2], pts[-1]
            notes.append(dict(x=x1, y=y1, ax=x0 + 0.7 * (x1 - x0), ay=y0 + 0.7 * (y1 - y0), xref="x", yref="y",
                              axref="x", ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2,
                              arrowwidth=2, arrowcolor=FOCUS if hot else WIRE))
        if w.key is not None and w.at is not None:
            symbol = w.symbol.replace("{prev}", prev)
            if w.key == "x":
                text = f"{symbol} = <b>{plot_text(token, 16)}</b>"
            else:
                text = f"{symbol} = {fmt(values.get(w.key))}"
            x = mx(w.at[0])
            notes.append(dict(x=x, y=w.at[1], text=text, showarrow=False, xref="x", yref="y",
                              xanchor=MIRROR[w.anchor] if direction == 1 else w.anchor,
                              font=dict(size=WIRE_FONT, color=palette.FOCUS_INK if hot else "#111111"),
                              bgcolor="rgba(255,255,255,0.95)", name=f"wire:{w.key}"))  # ≥ 4.5:1 on a dark page too
    for op in ops:
        x = mx(op.x)
        r = OP_R.get(op.label, 2.5)
        shapes.append(dict(type="circle", x0=x - r, x1=x + r, y0=op.y - r, y1=op.y + r,
                           line=dict(color=BOX_LINE, width=1.5), fillcolor="#fff4cc"))
        # explicit ink: the theme's text colour is light in dark mode, invisible on the pale node
        notes.append(dict(x=x, y=op.y, text=op.label, showarrow=False,
                          font=dict(size=palette.FONT_AXIS if len(op.label) > 2 else palette.FONT_TITLE, color="#111111")))
    for b in boxes:
        x = mx(b.x)
        v = values.get(b.name, float("nan"))
        fill = _colour(b.name, v)
        hot = b.name == focus
        label = ("relu" if cell == "RNN" and nonlinearity == "relu" else b.label)
        shapes.append(dict(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2, y0=b.y - BOX_H / 2, y1=b.y + BOX_H / 2,
                           line=dict(color=FOCUS if hot else BOX_LINE, width=5 if hot else 1.5), fillcolor=fill,
                           name=f"gate:{b.name}" + (":focus" if hot else "")))
        notes.append(dict(x=x, y=b.y, text=f"<b>{label}</b>", showarrow=False,  # the wire above names it
                          font=dict(size=FONT if len(label) == 1 else FONT - 2, color=palette.ink(fill)),
                          name=f"gate:{b.name}"))
    arrow = "→" if direction == 0 else "←"
    layout = dict(
        shapes=shapes, annotations=notes,  # one update: add_annotation per item is ~10× slower
        title=dict(text=t("step_through.diagram_title", lang=lang, cell=cell, step=step, unit=unit, arrow=arrow),
                   font=dict(size=palette.FONT_HEADING), x=0, xanchor="left"),
        xaxis=dict(range=[-2, 102], visible=False, fixedrange=True),
        # x and y on one scale; the drawing hangs from the top of its box (no empty band under the title)
        yaxis=dict(range=[-7, 61], visible=False, fixedrange=True, scaleanchor="x", scaleratio=1,
                   constrain="domain", constraintoward="top"),
        height=height, margin=dict(l=5, r=5, t=50, b=5), template=finished.TEMPLATE_NONE, showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
    )
    return finished.finished([], layout)


# --------------------------------------------------------------------------- the unrolled chain

def chain_figure(tokens: Sequence[str], h: Sequence[np.ndarray], *, step: int, unit: int = 0,
                 window: int = 9, lang: str | None = None) -> dict:
    """The unrolled cell around ``step``: one row per direction (forward at the bottom, as in the
    classic bidirectional diagram), each cell showing h_t[unit]; arrows follow the reading order.

    h: per direction, the chosen unit's hidden state over positions, (T,) each.
    """
    T = len(tokens)
    if not 0 <= step < T:
        raise ValueError(f"step {step} out of range 0..{T - 1}")
    half = window // 2
    lo = max(0, min(step - half, T - window))
    hi = min(T, lo + window)
    shapes, notes = [], []
    W, Hc, gap = 8.0, 5.0, 11.0  # cell width, height, spacing (x units)
    rows = len(h)
    for d in range(rows):
        y = 8 + d * 11
        vals = np.asarray(h[d], dtype=np.float64)
        for k, pos in enumerate(range(lo, hi)):
            x = 6 + k * gap
            read = pos <= step if d == 0 else pos >= step  # already read in this direction's order
            here = pos == step
            fill = _colour("hidden_state", float(vals[pos]))
            shapes.append(dict(type="rect", x0=x - W / 2, x1=x + W / 2, y0=y - Hc / 2, y1=y + Hc / 2,
                               fillcolor=fill, opacity=1.0 if read else 0.3,
                               line=dict(color=FOCUS if here else BOX_LINE, width=5 if here else 1),
                               name=f"cell:{d}:{pos}" + (":here" if here else "")))
            notes.append(dict(x=x, y=y, text=fmt(float(vals[pos])) if read else "", showarrow=False,
                              font=dict(size=palette.FONT_AXIS, color=palette.ink(fill))))
            if k + 1 < hi - lo:  # the state passed to the next cell in reading order
                a, b = (x + W / 2, x + gap - W / 2) if d == 0 else (x + gap - W / 2, x + W / 2)
                notes.append(dict(x=b, y=y, ax=a, ay=y, xref="x", yref="y", axref="x", ayref="y", text="",
                                  showarrow=True, arrowhead=2, arrowwidth=2, arrowcolor=WIRE))
            if d == 0:  # under the boxes, on the page: in the theme's text colour (dark or light page)
                notes.append(dict(x=x, y=y - Hc / 2 - 3.2, text=plot_text(tokens[pos], 8), showarrow=False,
                                  font=dict(size=palette.FONT_LEGEND, weight="bold" if here else "normal"),
                                  name=f"token:{pos}"))
        label = (t("figures.forward", lang=lang) if d == 0 else t("figures.backward", lang=lang)) if rows > 1 else ""
        if label:  # left of the row, inside the plot: the range below starts far enough left for it
            notes.append(dict(x=-3, y=y, text=label, showarrow=False, xanchor="right", font=dict(size=palette.FONT_TICK)))
    width = 6 + (hi - lo - 1) * gap + W
    layout = dict(
        shapes=shapes, annotations=notes,
        title=dict(text=t("step_through.chain_title", lang=lang, unit=unit), font=dict(size=palette.FONT_LABEL), x=0, xanchor="left"),
        xaxis=dict(range=[-25 if rows > 1 else -1, max(width + 1, 60)], visible=False, fixedrange=True),
        yaxis=dict(range=[-1, 8 + (rows - 1) * 11 + 4], visible=False, fixedrange=True),
        height=140 + 70 * rows, margin=dict(l=5, r=5, t=60, b=5),  # t=60: a two-line title
        template=finished.TEMPLATE_NONE, showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
    )
    return finished.finished([], layout)


# --------------------------------------------------------------------------- whole vectors

def vector_bars_figure(vectors: Mapping[str, np.ndarray], *, unit: int, ranges: Mapping[str, tuple[float, float]] | None = None,
                       columns: int = 3, lang: str | None = None) -> dict:
    """Each quantity's whole vector at one step as bars over units; the chosen unit in orange.

    vectors: quantity -> (H,) values; ranges: quantity -> (lo, hi), default
    ``heatmaps.value_range`` (fixed by meaning, so steps compare by eye).
    The subplot grid is made once per (rows, columns, titles) (:func:`_bars_grid`); each call only
    fills in bars and ranges and builds the figure in one go: ``make_subplots`` plus one
    ``update_yaxes`` / ``update_xaxes`` per subplot cost ~120 ms, a step of Play on the server.
    """
    names = list(vectors)
    rows = math.ceil(len(names) / columns)
    cols = min(columns, len(names))
    titles = tuple(t(quantities.LABEL_KEY.get(n, "quantities.pre_activation"), lang=lang) for n in names)
    layout = copy.deepcopy(_bars_grid(rows, cols, titles))
    data = []
    for k, name in enumerate(names):
        v = np.ascontiguousarray(vectors[name], dtype=np.float32)
        colours = np.full(v.shape[0], "#8aa4c8", dtype=object)
        if 0 <= unit < v.shape[0]:
            colours[unit] = FOCUS
        suffix = "" if k == 0 else str(k + 1)  # make_subplots numbers the axes row by row from 1
        data.append(dict(type="bar", x=np.arange(v.shape[0]), y=v, marker=dict(color=list(colours), line=dict(width=0)),
                         name=name, hovertemplate=f"{t('figures.unit', lang=lang)} %{{x}}: %{{y:.3f}}<extra></extra>",
                         xaxis="x" + suffix, yaxis="y" + suffix))
        lo, hi = (ranges or {}).get(name) or heatmaps.value_range(name, [v[None]])
        layout["yaxis" + suffix].update(range=[lo, hi], fixedrange=True, zeroline=True, zerolinecolor="#888888",
                                        tickfont=dict(size=palette.FONT_COLORBAR))
        layout["xaxis" + suffix].update(fixedrange=True, showticklabels=v.shape[0] <= 32,
                                        tickfont=dict(size=palette.FONT_SMALL))
    return finished.finished(data, layout)


@functools.lru_cache(maxsize=16)
def _bars_grid(rows: int, cols: int, titles: tuple[str, ...]) -> dict:
    """The empty subplot grid of :func:`vector_bars_figure` as a layout dict (copied before use)."""
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(titles), horizontal_spacing=0.06,
                        vertical_spacing=0.22 if rows > 1 else 0.1)
    for a in fig.layout.annotations:
        a.font = dict(size=palette.FONT_LEGEND)
    fig.update_layout(height=170 * rows + 60, margin=dict(l=40, r=10, t=40, b=20), showlegend=False,
                      bargap=0.1, template="none")
    return fig.layout.to_plotly_json()
