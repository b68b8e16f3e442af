"""rnnviz.plots.ablation: the figures escape labels and show both runs."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.plots import ablation as ablation_plots
from tests.plots.figure import figure


def test_figures_escape_labels_and_show_both_runs():
    fig = figure(ablation_plots.classify_figure({"<b>neg</b>": 0.8, "pos": 0.2}, {"<b>neg</b>": 0.3, "pos": 0.7}))
    assert list(fig.data[0].x) == ["&lt;b&gt;neg&lt;/b&gt;", "pos"] and list(fig.data[1].y) == [0.3, 0.7]
    line = figure(ablation_plots.next_token_figure(["a", "<", "c"], np.array([0.2, 0.4]), np.array([0.3, 0.1])))
    assert list(line.layout.xaxis.ticktext) == ["&lt;", "c"] and list(line.data[1].y) == pytest.approx([0.3, 0.1])
    diff = figure(ablation_plots.difference_figure("hidden_state", [np.zeros((3, 2))], [np.ones((3, 2))], ["a", "b", "c"],
                                                   layer=0))
    assert np.allclose(np.asarray(diff.data[0].z), 1.0) and tuple(diff.layout.coloraxis.cmin for _ in [0]) == (-1.0,)
