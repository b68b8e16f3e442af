"""The four input→output shapes of the lecture notes, as unrolled diagrams: which outputs are read.

    d = diagram("N→1", n_in=5)            # nodes and edges, plain data (tests read them)
    d.read_outputs()                      # ['y4']: a sentiment classifier reads only the last output
    fig = figure(d, inputs=tokens)        # Plotly figure dict; tokens are escaped before they are drawn

The same recurrent cell is unrolled over time in every shape; what differs is what goes in and
which outputs anyone reads (lecture notes, "RNN模型的分类"):

    N→N  one output per input, all read             (character language model: next char at each step)
    N→1  a sequence in, one output: only y_T read   (sentence sentiment)
    1→N  one input, a sequence out; each sampled    (generation from a prompt)
         output is fed back as the next input
    N→M  encoder reads N inputs, its outputs are    (seq2seq: number words -> digits)
         unread; its final state is the context c;
         the decoder starts from c, sees c at every
         step (the notes' "c acts on every decoding step") and writes M outputs

Layout: time runs left to right; row 0 inputs x_t (bottom), row 1 cells h_t, row 2 outputs y_t
(top), as in the classic unrolled drawings. Long sequences show their first and last steps with an
ellipsis column between, so the picture stays readable on a projector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rnnviz.plots import finished, palette
from rnnviz.plots.tokens import display_token

SHAPES = ("N→N", "N→1", "1→N", "N→M")
MAX_COLUMNS = 7  # steps drawn per sequence before the middle collapses into "…"

# Colour-blind-safe (Okabe–Ito) roles.
COLOURS = {"input": "#56B4E9", "cell": "#E69F00", "encoder": "#E69F00", "decoder": "#D55E00",
           "read": "#009E73", "unread": "#D9D9D9", "context": "#CC79A7"}


@dataclass(frozen=True)
class Node:
    id: str           # "x0", "h0", "y0", "c", "e0" (encoder), "d0" (decoder)
    kind: str         # "input" | "cell" | "encoder" | "decoder" | "output" | "context"
    x: float          # column (time)
    y: float          # row: 0 inputs, 1 cells, 2 outputs
    step: int | None  # time step this node belongs to (None for c)
    read: bool = True  # outputs only: does the task read this output?


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    kind: str  # "input" | "recurrent" | "output" | "feedback" | "context" | "state"


@dataclass
class Diagram:
    shape: str
    n_in: int
    n_out: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)  # x positions of "…" columns

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def outputs(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == "output"]

    def read_outputs(self) -> list[str]:
        return [n.id for n in self.outputs() if n.read]


def columns(n: int, cap: int = MAX_COLUMNS) -> list[int | None]:
    """Which steps of an n-step sequence get a column; None marks the "…" column."""
    if n <= cap:
        return list(range(n))
    head = (cap - 1) // 2
    tail = cap - 1 - head
    return list(range(head)) + [None] + list(range(n - tail, n))


def _chain(d: Diagram, prefix: str, kind: str, steps: list[int | None], x0: float,
           inputs: bool, read: str, feedback: bool) -> list[str]:
    """One unrolled recurrent cell: inputs (optional), cells, outputs. read: "all" | "last" | "none"."""
    cells, prev = [], None
    for k, s in enumerate(steps):
        x = x0 + k
        if s is None:
            d.gaps.append(x)
            prev = None
            continue
        cell = f"{prefix}{s}"
        d.nodes.append(Node(cell, kind, x, 1, s))
        cells.append(cell)
        if inputs:
            d.nodes.append(Node(f"x{s}", "input", x, 0, s))
            d.edges.append(Edge(f"x{s}", cell, "input"))
        if prev is not None:
            d.edges.append(Edge(prev, cell, "recurrent"))
        if read != "none":
            last = s == max(v for v in steps if v is not None)
            is_read = read == "all" or last
            out = f"y{s}" if prefix != "e" else f"o{s}"
            d.nodes.append(Node(out, "output", x, 2, s, read=is_read))
            d.edges.append(Edge(cell, out, "output"))
            if feedback and prev_out(d, s, steps) is not None:
                d.edges.append(Edge(prev_out(d, s, steps), cell, "feedback"))
        prev = cell
    return cells


def prev_out(d: Diagram, s: int, steps) -> str | None:
    """The output of the step before ``s`` if it is drawn (the sampled token fed back in)."""
    k = steps.index(s)
    if k == 0 or steps[k - 1] is None:
        return None
    return f"y{steps[k - 1]}"


def diagram(shape: str, n_in: int = 4, n_out: int | None = None, cap: int = MAX_COLUMNS) -> Diagram:
    """The unrolled network for ``shape`` with ``n_in`` input steps and ``n_out`` output steps.

    N→N and N→1: n_out = n_in. 1→N: one input, n_out outputs (n_in is ignored). N→M: n_in source
    steps, n_out target steps (default n_in).
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}; got {shape!r}.")
    if n_in < 1 or (n_out is not None and n_out < 1):
        raise ValueError("a diagram needs at least one step in and one out.")
    if shape in ("N→N", "N→1"):
        d = Diagram(shape, n_in, n_in)
        _chain(d, "h", "cell", columns(n_in, cap), 0, inputs=True,
               read="all" if shape == "N→N" else "last", feedback=False)
    elif shape == "1→N":
        n_out = n_out or n_in
        d = Diagram(shape, 1, n_out)
        steps = columns(n_out, cap)
        _chain(d, "h", "cell", steps, 0, inputs=False, read="all", feedback=True)
        d.nodes.append(Node("x0", "input", 0, 0, 0))  # the single input (the prompt) at step 0
        d.edges.append(Edge("x0", "h0", "input"))
    else:  # N→M
        n_out = n_out or n_in
        d = Diagram(shape, n_in, n_out)
        enc_steps = columns(n_in, cap)
        enc = _chain(d, "e", "encoder", enc_steps, 0, inputs=True, read="none", feedback=False)
        cx = len(enc_steps) + 0.5
        d.nodes.append(Node("c", "context", cx, 1, None))
        d.edges.append(Edge(enc[-1], "c", "state"))
        dec_steps = columns(n_out, cap)
        dec = _chain(d, "d", "decoder", dec_steps, len(enc_steps) + 2, inputs=False, read="all",
                     feedback=True)
        d.edges.append(Edge("c", dec[0], "state"))                    # s_0 = c
        d.edges += [Edge("c", cell, "context") for cell in dec]       # and c at every step
    return d


# --------------------------------------------------------------------------- drawing

_SYMBOL = {"input": "x", "cell": "h", "encoder": "h", "decoder": "s", "output": "y", "context": "c"}


def _token(node: Node, inputs: Sequence[str] | None, outputs: Sequence[str] | None) -> str | None:
    """The real token drawn in this node's box (raw), if any."""
    tokens = inputs if node.kind == "input" else outputs if node.kind == "output" else None
    return tokens[node.step] if tokens is not None and node.step < len(tokens) else None


def _label(node: Node, inputs: Sequence[str] | None, outputs: Sequence[str] | None, chars: int = 8) -> str:
    """Inside the box: the symbol with its step; the real token, escaped and cut to ``chars``
    characters (the box's width), when one is given."""
    sym = _SYMBOL[node.kind]
    if node.kind == "context":
        return f"<b>{sym}</b>"
    sub = f"<sub>{node.step + 1}</sub>"
    token = _token(node, inputs, outputs)
    return f"{sym}{sub}" if token is None else f"{sym}{sub}<br><b>{display_token(token, chars)}</b>"


def box_chars(columns: float) -> int:
    """How many characters of a token fit a box when ``columns`` columns share the chart's width.
    A box is 0.8 of a column; at 1280×720 the page gives the chart ≥ ~800 px, a bold 15 px character
    (20 px in lesson mode, on ~1080 px) takes ~9 px: about 70 / columns characters, 3 to 8."""
    return max(3, min(8, int(70 / max(columns, 1.0))))


def figure(d: Diagram, inputs: Sequence[str] | None = None, outputs: Sequence[str] | None = None,
           title: str | None = None, height: int = 260) -> dict:
    """Boxes and arrows for ``d``; read outputs green, unread grey, the context c purple. A finished
    figure dict (``rnnviz.plots.finished``: no Plotly validation per rerun).

    inputs / outputs: the real tokens of a live run, drawn in the boxes (escaped: user text never
    becomes markup). The figure's ``meta`` holds the ids of the read outputs, for tests and readers.
    """
    shapes, notes = [], []  # collected, then written once: add_shape / add_annotation per item is ~10× slower
    half_w, half_h = 0.4, 0.28
    xs = [n.x for n in d.nodes] + d.gaps
    chars = box_chars(max(xs) - min(xs) + 1.2)
    for n in d.nodes:
        colour = COLOURS["read" if n.read else "unread"] if n.kind == "output" else COLOURS[n.kind]
        dash = "solid" if (n.kind != "output" or n.read) else "dot"
        shapes.append(dict(type="rect", x0=n.x - half_w, x1=n.x + half_w, y0=n.y - half_h, y1=n.y + half_h,
                           line=dict(color="#333333" if n.read else "#999999", width=2, dash=dash),
                           fillcolor=colour, layer="below"))  # opaque: its text reads on a dark page too
        token = _token(n, inputs, outputs)
        whole = dict(hovertext=display_token(token, 40)) if token is not None and len(token) > chars else {}
        notes.append(dict(x=n.x, y=n.y, text=_label(n, inputs, outputs, chars), showarrow=False, **whole,
                          font=dict(size=palette.FONT_LABEL, color="#111111" if n.read else "#555555")))
    pos = {n.id: (n.x, n.y) for n in d.nodes}
    for e in d.edges:
        (x0, y0), (x1, y1) = pos[e.src], pos[e.dst]
        if e.kind in ("input", "output"):
            y0, y1 = y0 + half_h, y1 - half_h
        elif e.kind in ("recurrent", "state"):
            x0, x1 = x0 + half_w, x1 - half_w
        elif e.kind == "feedback":   # from y_{t-1} (top) down to cell t (middle): a diagonal
            x0, y0, x1, y1 = x0 + half_w * 0.6, y0 - half_h, x1 - half_w * 0.6, y1 + half_h
        else:                        # context: c to every decoder cell, from below the boxes
            x0, y0, x1, y1 = x0, y0 - half_h, x1 - half_w * 0.5, y1 - half_h
        colour = {"context": COLOURS["context"], "feedback": "#0072B2"}.get(e.kind, "#7f7f7f")  # ≥ 3:1 on both themes
        notes.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                          showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2 if e.kind != "context" else 1.5,
                          arrowcolor=colour, text="", opacity=0.9 if e.kind != "feedback" else 0.7))
    for gx in d.gaps:
        notes.append(dict(x=gx, y=1, text="…", showarrow=False, font=dict(size=palette.FONT_BIG)))  # theme text colour
    layout = dict(
        shapes=shapes, annotations=notes,
        xaxis=dict(visible=False, range=[min(xs) - 0.6, max(xs) + 0.6], fixedrange=True),
        yaxis=dict(visible=False, range=[-0.5, 2.5], fixedrange=True, scaleanchor=None),
        title=dict(text=title, font=dict(size=palette.FONT_TITLE), x=0, xanchor="left") if title else None,
        height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10), template=finished.TEMPLATE_NONE,
        showlegend=False, meta={"shape": d.shape, "read_outputs": d.read_outputs()},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )
    return finished.finished([], finished.merge({}, layout))  # merge: drops the title when there is none

