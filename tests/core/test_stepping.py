"""rnnviz.core.stepping: the per-unit equations, recomputed from the weights, equal torch and the trace."""

from __future__ import annotations

import math

import pytest
import torch

import rnnviz
from rnnviz.core import stepping
from rnnviz.models import random_model

CONFIGS = [
    (torch.nn.RNN, dict(num_layers=2, bidirectional=True)),
    (torch.nn.RNN, dict(nonlinearity="relu")),
    (torch.nn.LSTM, dict(num_layers=2, bidirectional=True)),
    (torch.nn.LSTM, dict(proj_size=3)),
    (torch.nn.LSTM, dict(bias=False)),
    (torch.nn.GRU, dict(num_layers=2, bidirectional=True)),
]


@pytest.mark.parametrize("cls,kw", CONFIGS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_equation_matches_torch_and_trace(cls, kw):
    torch.manual_seed(0)
    module = cls(4, 5, **kw).eval()
    x = torch.randn(6, 4)
    tr = rnnviz.trace(module, x)
    with torch.no_grad():
        out, _ = module(x)
    D = 2 if module.bidirectional else 1
    P = out.shape[-1] // D
    for layer in range(module.num_layers):
        for d in range(D):
            for t in (0, 3, 5):
                for unit in (0, 4):
                    sv = stepping.step_values(module, x, tr, layer, d, t, unit)
                    assert sv.max_error() < 1e-5
                    names = {eq.name for eq in sv.equations}
                    assert names == set(tr.quantities) or (unit >= P and "hidden_state" not in names)
                    if layer == module.num_layers - 1 and unit < P:  # top layer h equals torch's output
                        torch_h = float(out[t, d * P + unit])
                        assert abs(sv.get("hidden_state").value - torch_h) < 1e-5


def test_forget_gate_terms_add_up_and_latex_shows_them():
    torch.manual_seed(1)
    m = torch.nn.LSTM(3, 4).eval()
    x = torch.randn(5, 3)
    sv = stepping.step_values(m, x, rnnviz.trace(m, x), 0, 0, 2, 1)
    f = sv.get("forget_gate")
    assert f.pre == pytest.approx(sum(f.terms.values()), abs=1e-12)
    assert f.value == pytest.approx(1 / (1 + math.exp(-f.pre)), abs=1e-12)
    assert stepping.num(f.value) in f.latex and stepping.num(f.pre) in f.latex
    assert r"h_{t-1}" in f.latex and r"\sigma" in f.latex
    # hand-check one term against the weight rows (forget block is rows H..2H-1)
    h_prev = rnnviz.trace(m, x).get("hidden_state")[1]
    w_hf = m.weight_hh_l0[4 + 1].detach().numpy()
    assert f.terms["W_hf h"] == pytest.approx(float(w_hf @ h_prev), abs=1e-6)


def test_backward_direction_reads_the_next_position():
    torch.manual_seed(2)
    m = torch.nn.GRU(3, 4, bidirectional=True).eval()
    x = torch.randn(5, 3)
    tr = rnnviz.trace(m, x)
    last = stepping.step_values(m, x, tr, 0, 1, 4, 0)  # backward starts at the last token: h_prev = 0
    assert last.get("hidden_state").terms["h_prev"] == 0.0
    mid = stepping.step_values(m, x, tr, 0, 1, 2, 0)
    assert mid.get("hidden_state").terms["h_prev"] == pytest.approx(float(tr.get("hidden_state", 0, 1)[3, 0]))
    assert r"h_{t+1}" in mid.get("hidden_state").latex
    assert mid.max_error() < 1e-5


def test_wire_values_and_models():
    model = random_model("LSTM", bidirectional=True, hidden_size=6, seed=3)
    tokens = ["not", "bad", "at", "all"]
    tr = model.trace(tokens)
    w = stepping.wire_values(tr, 0, 1, 3, 2)
    assert w["cell_state_prev"] == 0.0 and w["hidden_state_prev"] == 0.0  # backward, last token
    assert w["tanh_cell_state"] == pytest.approx(math.tanh(w["cell_state"]))
    sv = stepping.step_values(model.module, model.inputs(tokens), tr, 0, 0, 1, 2)
    assert sv.get("cell_state").value == pytest.approx(w_fwd := stepping.wire_values(tr, 0, 0, 1, 2)["cell_state"], abs=1e-5)
    assert w_fwd == sv.get("cell_state").traced


def test_bad_positions_raise_clear_errors():
    m = torch.nn.RNN(2, 3).eval()
    x = torch.randn(4, 2)
    tr = rnnviz.trace(m, x)
    with pytest.raises(ValueError, match="step 4 out of range"):
        stepping.step_values(m, x, tr, 0, 0, 4, 0)
    with pytest.raises(ValueError, match="unit 3 out of range"):
        stepping.step_values(m, x, tr, 0, 0, 0, 3)
