"""rnnviz.plots.diagram: the cell drawing carries the traced numbers, highlights the focus, mirrors the
backward direction and never lets token text become markup; chain and vector bars."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.plots import diagram
from rnnviz.core import stepping
from rnnviz.models import random_model
from rnnviz.plots.tokens import plot_text
from tests.plots.figure import figure as validated

TOKENS = ["the", "<b>movie</b>", "was", "not", "bad"]


def wire_texts(fig) -> dict[str, str]:
    return {a.name.split(":", 1)[1]: a.text for a in fig.layout.annotations if a.name and a.name.startswith("wire:")}


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("direction", [0, 1])
def test_wires_show_traced_values_for_every_cell_and_direction(cell, direction):
    model = random_model(cell, bidirectional=True, hidden_size=6, seed=1)
    tr = model.trace(TOKENS)
    w = stepping.wire_values(tr, 0, direction, 2, 3)
    focus = tr.quantities[0]
    fig = validated(diagram.cell_figure(cell, w, token=TOKENS[1], direction=direction, focus=focus, unit=3, step=2))
    texts = wire_texts(fig)
    h = float(tr.get("hidden_state", 0, direction)[2, 3])
    assert texts["hidden_state"].endswith(diagram.fmt(h))
    prev = 1 if direction == 0 else 3
    assert texts["hidden_state_prev"].endswith(diagram.fmt(float(tr.get("hidden_state", 0, direction)[prev, 3])))
    assert texts["hidden_state_prev"].startswith("h" + diagram.PREV[direction])
    for gate in tr.gates:
        assert texts[gate].endswith(diagram.fmt(float(tr.get(gate, 0, direction)[2, 3])))
    assert "&lt;b&gt;movie&lt;/b&gt;" in texts["x"] and "<b>movie" not in texts["x"]
    # exactly one focused element, in orange
    hot = [s for s in fig.layout.shapes if s.line.color == diagram.FOCUS]
    assert hot, "the focused quantity is outlined"
    if cell != "RNN":
        boxes = [s for s in fig.layout.shapes if s.name and s.name.endswith(":focus")]
        assert [b.name for b in boxes] == [f"gate:{focus}:focus"]


def test_backward_direction_is_mirrored():
    model = random_model("LSTM", bidirectional=True, hidden_size=4)
    tr = model.trace(TOKENS)
    xs = {}
    for d in (0, 1):
        fig = validated(diagram.cell_figure("LSTM", stepping.wire_values(tr, 0, d, 2, 0), direction=d))
        xs[d] = {s.name: (s.x0 + s.x1) / 2 for s in fig.layout.shapes if s.name and s.name.startswith("gate:")}
    for name, x in xs[0].items():
        assert xs[1][name] == pytest.approx(100 - x)


def test_gate_box_colour_follows_value():
    closed = validated(diagram.cell_figure("LSTM", {"forget_gate": 0.0, "input_gate": 1.0}))
    box = {s.name: s.fillcolor for s in closed.layout.shapes if s.name and s.name.startswith("gate:")}
    assert box["gate:forget_gate"] != box["gate:input_gate"]
    assert box["gate:forget_gate"] == diagram._colour("forget_gate", 0.0)


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError):
        diagram.cell_figure("Transformer", {})


def test_chain_highlights_current_cell_and_fades_unread():
    h = [np.linspace(-1, 1, 12), np.linspace(1, -1, 12)]
    tokens = [f"w{i}" for i in range(12)]
    fig = validated(diagram.chain_figure(tokens, h, step=6, unit=0, window=9))
    cells = {s.name: s for s in fig.layout.shapes if s.name and s.name.startswith("cell:")}
    assert len(cells) == 18  # 9 positions × 2 directions
    assert "cell:0:6:here" in cells and "cell:1:6:here" in cells
    assert cells["cell:0:7"].opacity < 1 and cells["cell:0:5"].opacity == 1  # forward read 0..6
    assert cells["cell:1:5"].opacity < 1 and cells["cell:1:7"].opacity == 1  # backward read 11..6
    with pytest.raises(ValueError):
        diagram.chain_figure(tokens, h, step=12)


def test_vector_bars_colour_the_chosen_unit_and_use_fixed_ranges():
    fig = validated(diagram.vector_bars_figure({"forget_gate": np.array([0.1, 0.9, 0.5]),
                                      "cell_state": np.array([-3.0, 0.5, 2.0])}, unit=1))
    assert [list(bar.marker.color).index(diagram.FOCUS) for bar in fig.data] == [1, 1]
    assert tuple(fig.layout.yaxis.range) == (0.0, 1.0)
    assert tuple(fig.layout.yaxis2.range) == (-3.0, 3.0)


def test_plot_text_escapes_markup_but_not_quotes():
    # Plotly prints "&quot;" literally (it decodes only a few entities), so quotes stay as they are
    assert plot_text('<b>"hi"</b>') == '&lt;b&gt;"hi"&lt;/b&gt;'
    assert plot_text("a b") == "a␣b" and plot_text("&") == "&amp;"
    fig = validated(diagram.chain_figure(['"', "<i>"], [np.zeros(2)], step=0))
    texts = [a.text for a in fig.layout.annotations]
    assert '"' in texts and "&lt;i&gt;" in texts


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])  # the RNN cell has no pointwise nodes
def test_pointwise_node_labels_have_their_own_ink(cell):
    """× + tanh 1− sit on pale circles: their text colour must not follow a dark theme's light text."""
    from rnnviz.plots import diagram

    wires = {}
    fig = validated(diagram.cell_figure(cell, wires, token="x"))
    ops = [a for a in fig.to_dict()["layout"]["annotations"] if a.get("text") in ("×", "+", "tanh", "1−")]
    assert ops and all(a["font"].get("color") == "#111111" for a in ops)
