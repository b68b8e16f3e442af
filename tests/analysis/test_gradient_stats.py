"""Decay summary of gradient norms, and their CSV."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.analysis.gradient_stats import decay, norms_csv


def test_geometric_curve_gives_its_ratio_back():
    rho = 0.5
    norms = rho ** np.arange(9, -1, -1.0)  # position t has rho^(T-1-t)
    d = decay(norms)
    assert math.isclose(d.relative, rho ** 9) and math.isclose(d.per_step, rho)
    assert decay(np.array([2.0])).relative == 1.0 and math.isnan(decay(np.array([2.0])).per_step)
    assert decay(np.array([0.0, 1.0])).per_step == 0.0  # underflow is "vanished", not an error


def test_tanh_rnn_with_small_recurrent_weights_vanishes_and_large_ones_explode():
    torch.manual_seed(0)
    rnn = torch.nn.RNN(4, 16).eval()
    x = torch.randn(30, 4)
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(0.5)
    small = decay(rnnviz.gradient_flow(rnn, x).wrt_hidden[:, 0])
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(16.0)  # 8× the default scale
    large = decay(rnnviz.gradient_flow(rnn, x).wrt_hidden[:, 0])
    assert small.per_step < 0.5 and large.relative > small.relative * 1e6


def test_bad_input():
    with pytest.raises(ValueError):
        decay(np.zeros((2, 2)))
    with pytest.raises(ValueError):
        decay(np.array([1.0, 0.0]))


def test_csv_has_a_row_per_cell_and_position_and_defuses_formulas():
    data = norms_csv([("RNN", np.array([1e-9, 1.0]), np.array([2e-9, 0.5]))], ["=SUM(A1)", "ok"])
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "cell" and len(rows) == 3
    assert rows[1][:4] == ["RNN", "0", "'=SUM(A1)", "1"] and float(rows[1][4]) == 1e-9
