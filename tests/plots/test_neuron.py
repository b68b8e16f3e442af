"""rnnviz.plots.neuron: the Neuron view's builders (escaped HTML text, unit and ranking figures)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.plots.figure import figure


def test_text_html_escapes_tokens_and_colours_by_value():
    from rnnviz.plots import neuron

    tokens = ["<script>", "a&b", '"q"', " "]
    out = neuron.text_html(tokens, np.array([1.0, -1.0, 0.0, 0.5]), "hidden_state", (-1.0, 1.0),
                           top=[[("<i>", 0.5)], [("x", 0.2)], [(" ", 0.1)], [("z", 0.9)]])
    assert "<script>" not in out and "&lt;script&gt;" in out and "a&amp;b" in out and "<i>" not in out
    assert neuron.value_colour("hidden_state", 1.0, (-1, 1)) in out
    assert neuron.value_colour("hidden_state", -1.0, (-1, 1)) in out
    assert out.count('class="nx"') == 4 and '<span class="hit">␣ 0.10</span>' in out  # guess = next token
    with pytest.raises(ValueError):
        neuron.text_html(tokens, np.zeros(3), "hidden_state", (-1, 1))


def test_unit_figure_and_ranking_figure():
    from rnnviz.plots import neuron

    fig = figure(neuron.unit_figure(["a", "<b>", "a"], np.array([0.1, 0.5, 0.9]), "forget_gate", (0.0, 1.0), unit=3,
                                    annotation=np.array([0.0, 1.0, np.nan]), annotation_label="quotes",
                                    step=1))  # a finished dict, validated
    assert list(fig.data[1].y) == pytest.approx([0.1, 0.5, 0.9]) and list(fig.data[0].y[:2]) == [0.0, 1.0]
    assert list(fig.layout.xaxis.ticktext) == ["a", "&lt;b&gt;", "a"] and tuple(fig.layout.yaxis.range) == (0, 1)
    bars = figure(neuron.ranking_figure(["u1", "u2"], [0.8, -0.3]))
    assert list(bars.data[0].x) == pytest.approx([0.8, -0.3]) and tuple(bars.layout.xaxis.range) == (-1, 1)
