"""The diagrams' labels keep apart on a 1280×720 projector, checked on the figure specs (issue 12).

A fast stand-in for the browser's measurement (tests/browser/test_projector_browser.py): every
label's box is estimated from its text (characters × an average glyph width, lines × line height)
at the pixel scale the page gives the figure — the Step-through diagram's column is ~400 px wide
beside the equations (normal mode, 13 px labels) and ~640 px in lesson mode (text × 4/3, the
taller ``LESSON_HEIGHT``) — and no two boxes may intersect, nor leave the drawing. Labels sitting
on a gate box or node are tested against each other as well, so a wire label moved onto a × node
fails here before a browser ever draws it. Colours: text on a fill is black or white, whichever
contrasts ≥ 4.5:1 (WCAG 2); text on the page carries no colour of its own (the theme's text colour).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnviz.plots import diagram, io_diagrams, palette
from tests.plots.figure import figure

# Measured in chromium with Source Sans (Streamlit's chart font): a wire label such as "g = −0.98"
# advances 0.37–0.44 em per character (spaces and subscripts are narrow), a bold word ≤ 0.54 em;
# a line is 1.31 em high. With room:
GLYPH_EM = 0.46  # wire labels
WORD_EM = 0.56   # bold tokens in the I/O boxes
LINE_EM = 1.4    # a line with the label's padding
MODES = {  # (chart width px, figure height px, text scale)
    "normal": (400, diagram.HEIGHT, 1.0),
    "lesson": (640, diagram.LESSON_HEIGHT, palette.LESSON_SCALE),
}
WIRES = {"cell_state_prev": -0.98, "cell_state": -0.98, "hidden_state_prev": -0.98, "hidden_state": -0.98,
         "forget_gate": 0.51, "input_gate": 0.54, "cell_candidate": -0.98, "output_gate": 0.17,
         "tanh_cell_state": -0.48, "update_gate": 0.5, "reset_gate": 0.5, "candidate": -0.98,
         "one_minus_update": 0.5, "pre_activation": -1.23}


def text_lines(text: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", line) for line in re.split(r"<br>", text)]


def boxes(fig, width: int, height: int, scale: float):
    """(text, x0, x1, y0, y1) in data units for every annotation with text."""
    layout = fig.to_dict()["layout"]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    margin = layout["margin"]
    px = min((width - margin["l"] - margin["r"]) / (x_hi - x_lo),
             (height - margin["t"] - margin["b"]) / (y_hi - y_lo))  # scaleanchor: one scale for x and y
    out = []
    for note in layout["annotations"]:
        if not note.get("text"):
            continue
        size = note["font"]["size"] * scale
        lines = text_lines(note["text"])
        w = max(len(line) for line in lines) * GLYPH_EM * size / px
        h = len(lines) * LINE_EM * size / px
        anchor = note.get("xanchor", "center")
        x0 = note["x"] - (0 if anchor == "left" else w if anchor == "right" else w / 2)
        out.append((note["text"], x0, x0 + w, note["y"] - h / 2, note["y"] + h / 2))
    return out, (x_lo, x_hi, y_lo, y_hi)


def overlaps(items, slack: float = 0.0):
    found = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            w = min(a[2], b[2]) - max(a[1], b[1])
            h = min(a[4], b[4]) - max(a[3], b[3])
            if w > slack and h > slack:
                found.append((a[0], b[0]))
    return found


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("direction", [0, 1])
@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_cell_diagram_labels_keep_apart_and_inside(cell, direction, mode):
    width, height, scale = MODES[mode]
    fig = figure(diagram.cell_figure(cell, WIRES, token="extraordinary", direction=direction, unit=80, step=12,
                                     height=height))
    items, (x_lo, x_hi, y_lo, y_hi) = boxes(fig, width, height, scale)
    assert not overlaps(items), overlaps(items)
    outside = [text for text, x0, x1, y0, y1 in items if x0 < x_lo or x1 > x_hi or y0 < y_lo or y1 > y_hi]
    assert not outside, outside


def test_wire_labels_of_neighbouring_gates_are_a_label_apart():
    """The gates' labels stand in one row above the boxes: their centres are further apart than the
    widest label ("g = −0.98" at 13 px on ~3.75 px per unit)."""
    fig = figure(diagram.cell_figure("LSTM", WIRES))
    gate_labels = sorted(a.x for a in fig.layout.annotations
                         if a.name in {f"wire:{g}" for g in ("forget_gate", "input_gate", "cell_candidate", "output_gate")})
    assert len(gate_labels) == 4
    widest = 4.0 * diagram.WIRE_FONT / 3.75  # "g = −0.98" measured 3.64 em in chromium, with 10 % room
    assert min(np.diff(gate_labels)) > widest


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_cell_diagram_text_contrasts_with_what_is_under_it(cell):
    """Gate symbols take ink(fill) of their box, ≥ 4.5:1; node symbols are black on the pale node;
    wire labels black on their own white label box."""
    fig = figure(diagram.cell_figure(cell, WIRES)).to_dict()["layout"]
    fills = {s["name"]: s["fillcolor"] for s in fig["shapes"] if s.get("name", "").startswith("gate:")}
    for note in fig["annotations"]:
        name = note.get("name") or ""
        if name.startswith("gate:"):
            assert palette.contrast(note["font"]["color"], fills[name.split(":focus")[0]]) >= 4.5
        elif name.startswith("wire:"):
            assert note["bgcolor"].startswith("rgba(255,255,255") and palette.contrast(note["font"]["color"], "#ffffff") >= 4.5


def test_chain_token_labels_take_the_page_text_colour():
    """Under the boxes, on the page: no colour of their own (dark on a dark page was invisible);
    the values inside the boxes are black or white on their fill, ≥ 4.5:1."""
    h = [np.linspace(-1, 1, 12), np.linspace(1, -1, 12)]
    fig = figure(diagram.chain_figure([f"w{i}" for i in range(12)], h, step=5, unit=0)).to_dict()["layout"]
    tokens = [a for a in fig["annotations"] if (a.get("name") or "").startswith("token:")]
    assert len(tokens) == 9 and all("color" not in a["font"] for a in tokens)
    fills = {(s["x0"] + s["x1"]) / 2: s["fillcolor"] for s in fig["shapes"] if s.get("name", "").startswith("cell:0:")}
    values = [a for a in fig["annotations"] if a.get("text") and re.fullmatch(r"−?\d\.\d\d", a["text"]) and a["y"] == 8]
    assert values and all(palette.contrast(a["font"]["color"], fills[a["x"]]) >= 4.5 for a in values)


def test_ink_always_reaches_wcag_contrast():
    """Black or white on every colour of both scales: the better one is ≥ 4.5:1 (the old
    brightness threshold gave white on mid red, 3.7:1)."""
    for scale in palette.SCALES.values():
        for v in np.linspace(0, 1, 101):
            fill = palette.value_colour("forget_gate" if scale is palette.GATE_SCALE else "cell_state",
                                        float(v), (0.0, 1.0))
            assert palette.contrast(palette.ink(fill), fill) >= 4.5, fill


@pytest.mark.parametrize("shape,n_in,n_out", [("N→M", 12, 9), ("N→M", 3, 3), ("N→1", 7, None), ("N→N", 20, None)])
def test_io_diagram_tokens_fit_their_boxes(shape, n_in, n_out):
    """A token is cut to what its box holds at ~800 px (full text on hover), so "hundred" no longer
    runs into its neighbours."""
    words = ["one", "hundred", "and", "twenty", "seven", "thousand", "nine", "hundred", "eleven", "x", "y", "z"]
    tokens = (words * 2)[:n_in]
    d = io_diagrams.diagram(shape, n_in, n_out)
    fig = figure(io_diagrams.figure(d, inputs=tokens, outputs=[w[::-1] for w in tokens])).to_dict()["layout"]
    x_lo, x_hi = fig["xaxis"]["range"]
    px = 800 / (x_hi - x_lo)
    box = 0.8 * px  # the box is 2 × half_w = 0.8 of a column
    for note in fig["annotations"]:
        if "<br>" not in (note.get("text") or ""):
            continue
        word = text_lines(note["text"])[1]
        assert len(word) * WORD_EM * palette.FONT_LABEL <= box, (word, box)
        if word.endswith("…"):
            assert note.get("hovertext"), word
