"""The teaching views' figure builders (finished dicts), read as validated figure objects: shared colour scales, log axes,
the saturation triangle, the outlined h_n slices, escaping of user text."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.analysis.saturation import saturation
from rnnviz.analysis.shapes import ShapeConfig, describe, run
from rnnviz.plots.view_figures import (compare_figure, context_figure, decoder_figure, gradient_figure,
                                 next_token_figure, saturation_figure, shapes_figure)
from tests.plots.figure import figure

RNG = np.random.default_rng(0)


def test_compare_shares_one_colour_axis_and_stacks_directions():
    uni = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)
    fwd, bwd = (RNG.uniform(-1, 1, (4, 2)).astype(np.float32) for _ in range(2))
    fig = figure(compare_figure([("RNN", [uni]), ("Bi-GRU", [fwd, bwd]), ("none", [])], list("abcd"), "hidden_state"))
    heatmaps = [d for d in fig.data if d.type == "heatmap"]
    assert [d.coloraxis for d in heatmaps] == ["coloraxis", "coloraxis"]
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (-1.0, 1.0)
    np.testing.assert_array_equal(heatmaps[1].z, np.concatenate([fwd.T, bwd.T]))  # forward rows, then backward
    assert any(a.text == "no such gate in this cell" for a in fig.layout.annotations)
    with pytest.raises(ValueError):
        compare_figure([("RNN", [uni[:2]])], list("abcd"), "hidden_state")


def test_compare_gate_scale_is_zero_to_one_and_tokens_are_escaped():
    gates = RNG.uniform(0, 1, (2, 3)).astype(np.float32)
    fig = figure(compare_figure([("LSTM", [gates])], ["<b>", "&"], "forget_gate"))
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0.0, 1.0)
    assert list(fig.layout.xaxis.ticktext) == ["&lt;b&gt;", "&amp;"]


def test_saturation_points_and_triangle():
    f = RNG.uniform(0, 1, (50, 4))
    sat = {("input_gate", 0, 0): saturation(f), ("forget_gate", 0, 0): saturation(f ** 0.1),
           ("output_gate", 0, 0): saturation(f ** 3)}
    fig = figure(saturation_figure([("LSTM", "LSTM", sat)]))
    points = [d for d in fig.data if d.mode == "markers"]
    assert len(points) == 3
    np.testing.assert_allclose(points[1].x, saturation(f ** 0.1).left)
    np.testing.assert_allclose(points[1].y, saturation(f ** 0.1).right)
    edges = [d for d in fig.data if d.mode == "lines"]
    assert len(edges) == 3 and list(edges[0].x) == [0, 1] and list(edges[0].y) == [1, 0]
    with pytest.raises(ValueError, match="no gates"):
        saturation_figure([("RNN", "RNN", {})])


def test_gradient_axes_are_logarithmic_and_zero_stays_drawable():
    hidden = np.array([0.0, 1e-8, 1e-4, 1.0])
    fig = figure(gradient_figure([("RNN", hidden, hidden * 2)], list("wxyz")))  # a finished dict, validated
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert fig.data[0].y[0] == 1e-30 and fig.data[0].y[-1] == 1.0  # underflow drawn at the floor
    assert fig.layout.yaxis.dtick == 1  # eight decades: label powers of ten only
    assert list(fig.data[0].customdata) == [3, 2, 1, 0]  # steps before the end


def test_shapes_figure_outlines_the_equal_slices():
    cfg = ShapeConfig("LSTM", 3, 4, 2, bidirectional=True, batch_size=2, seq_len=5)
    rep, r = describe(cfg), run(cfg)
    out, h_n = r.tensors["output"][:, 1].numpy(), r.tensors["h_n"][:, 1].numpy()
    fig = figure(shapes_figure(out, h_n, rep.equalities, hidden_out=4, num_layers=2, directions=2, batch_index=1,
                               batch_first=False))  # a finished dict, validated
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    # forward: output row 4 (last), columns 0..3  <->  h_n row 2; backward: output row 0, columns 4..7 <-> h_n row 3
    assert (rects[0].y0, rects[0].x0, rects[0].x1) == (3.5, -0.5, 3.5) and rects[1].y0 == 1.5
    assert (rects[2].y0, rects[2].x0, rects[2].x1) == (-0.5, 3.5, 7.5) and rects[3].y0 == 2.5
    np.testing.assert_array_equal(fig.data[0].z[0, 4:], fig.data[1].z[3])
    np.testing.assert_array_equal(fig.data[0].z[-1, :4], fig.data[1].z[2])


def test_io_figures():
    probs = RNG.dirichlet(np.ones(5), size=3).astype(np.float32)
    fig = figure(next_token_figure(["<", "a", "b"], probs[:2, 0], ["<i>", "x", "y"], probs.max(axis=1)))
    assert list(fig.data[0].text) == ["&lt;i&gt;", "x"]
    with pytest.raises(ValueError):
        next_token_figure(["a"], probs[:1, 0], ["x"], probs.max(axis=1))
    assert figure(context_figure(np.linspace(-1, 1, 8))).data[0].z.shape == (1, 8)
    dec = figure(decoder_figure(probs, list("abcde"), ["a", "b", "</s>"]))
    assert (dec.data[0].zmin, dec.data[0].zmax) == (0, 1) and "&lt;/s&gt;" in dec.layout.yaxis.ticktext[-1]


def test_log_ticks_within_two_decades_are_written_in_full():
    from rnnviz.plots.view_figures import one_two_five_ticks

    ticks = one_two_five_ticks(0.3, 4.0)
    assert ticks["tickmode"] == "array"
    pairs = dict(zip(ticks["tickvals"], ticks["ticktext"]))
    assert pairs[0.5] == "0.5" and pairs[1.0] == "1" and pairs[2.0] == "2"  # not a bare minor "5"
    assert min(ticks["tickvals"]) <= 0.3 * 2.5 and max(ticks["tickvals"]) >= 4.0 / 2.5
