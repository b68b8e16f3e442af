"""The four I/O shapes: which outputs each task reads, the context vector's wiring, and safe labels."""

from __future__ import annotations

import pytest

from rnnviz.plots.io_diagrams import SHAPES, columns, diagram, figure
from tests.plots.figure import figure as validated


def edges(d, kind):
    return {(e.src, e.dst) for e in d.edges if e.kind == kind}


def test_n_to_n_reads_every_output():
    d = diagram("N→N", 4)
    assert d.read_outputs() == ["y0", "y1", "y2", "y3"]
    assert edges(d, "input") == {(f"x{t}", f"h{t}") for t in range(4)}
    assert edges(d, "recurrent") == {("h0", "h1"), ("h1", "h2"), ("h2", "h3")}


def test_n_to_1_reads_only_the_last_output():
    d = diagram("N→1", 5)
    assert d.read_outputs() == ["y4"]
    assert [n.id for n in d.outputs() if not n.read] == ["y0", "y1", "y2", "y3"]
    assert len([n for n in d.nodes if n.kind == "input"]) == 5


def test_one_to_n_has_one_input_and_feeds_outputs_back():
    d = diagram("1→N", n_out=4)
    assert [n.id for n in d.nodes if n.kind == "input"] == ["x0"]
    assert d.read_outputs() == ["y0", "y1", "y2", "y3"]
    assert edges(d, "feedback") == {("y0", "h1"), ("y1", "h2"), ("y2", "h3")}


def test_n_to_m_context_reaches_every_decoder_step():
    d = diagram("N→M", n_in=5, n_out=3)
    assert d.read_outputs() == ["y0", "y1", "y2"]           # only the decoder's outputs
    assert not [n for n in d.outputs() if n.id.startswith("o")]  # encoder outputs are not even drawn
    assert ("e4", "c") in edges(d, "state") and ("c", "d0") in edges(d, "state")
    assert edges(d, "context") == {("c", "d0"), ("c", "d1"), ("c", "d2")}
    c, last_encoder, first_decoder = d.node("c"), d.node("e4"), d.node("d0")
    assert last_encoder.x < c.x < first_decoder.x


def test_long_sequences_collapse_the_middle():
    assert columns(3) == [0, 1, 2]
    assert columns(20, cap=7) == [0, 1, 2, None, 17, 18, 19]
    d = diagram("N→1", 20)
    assert d.read_outputs() == ["y19"] and len(d.gaps) == 1
    assert len([n for n in d.nodes if n.kind == "cell"]) == 6
    # No recurrent arrow jumps over the gap.
    assert ("h2", "h17") not in edges(d, "recurrent") and ("h17", "h18") in edges(d, "recurrent")


@pytest.mark.parametrize("shape", SHAPES)
def test_figure_has_a_box_per_node_an_arrow_per_edge(shape):
    d = diagram(shape, 3, 2)
    fig = validated(figure(d, title="t"))  # a finished dict, validated
    assert len(fig.layout.shapes) == len(d.nodes)
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(d.edges)
    assert fig.layout.meta["read_outputs"] == d.read_outputs()
    unread = [s for s in fig.layout.shapes if s.line.dash == "dot"]
    assert len(unread) == len(d.outputs()) - len(d.read_outputs())


def test_user_tokens_are_escaped():
    d = diagram("N→N", 2)
    fig = validated(figure(d, inputs=["<b>x</b>", "<a href='e'>"], outputs=["&", "ok"]))
    texts = " ".join(a.text for a in fig.layout.annotations if a.text)
    assert "<b>x</b>" not in texts and "&lt;b&gt;" in texts and "<a href" not in texts
    assert "&amp;" in texts


def test_bad_shape_is_refused():
    with pytest.raises(ValueError, match="shape must be"):
        diagram("2→3")
    with pytest.raises(ValueError):
        diagram("N→N", 0)
