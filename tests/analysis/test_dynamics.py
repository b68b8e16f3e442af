"""Fixed points against independent computations: the torch module itself stepped once with zero
input, and eigenvalues of torch.autograd.functional.jacobian of that torch step."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from rnnviz import models
from rnnviz.analysis import dynamics, state_space
from rnnviz.analysis.recurrence import StepMap, layout

torch.set_num_threads(1)


def torch_step(module: torch.nn.RNNBase, state: torch.Tensor) -> torch.Tensor:
    """One step of the torch module itself from ``state`` with x = 0 -> the next state (S,)."""
    lay = layout(module)
    x = torch.zeros(1, module.input_size, dtype=state.dtype)
    _, hx = module(x, lay.to_hx(state))
    h, c = hx if lay.cell == "LSTM" else (hx, None)
    return torch.cat(list(h) + (list(c) if c is not None else []))


MODULES = {
    "rnn-tanh": lambda: torch.nn.RNN(3, 6),
    "rnn-relu": lambda: torch.nn.RNN(3, 6, nonlinearity="relu"),
    "lstm": lambda: torch.nn.LSTM(3, 6),
    "gru": lambda: torch.nn.GRU(3, 6),
    "lstm-2-layers": lambda: torch.nn.LSTM(3, 5, num_layers=2),
    "lstm-proj": lambda: torch.nn.LSTM(3, 6, proj_size=4),
    "gru-no-bias": lambda: torch.nn.GRU(3, 6, bias=False),
}


@pytest.mark.parametrize("name", MODULES)
def test_jacobian_equals_autograd_of_the_torch_module(name):
    torch.manual_seed(1)
    module = MODULES[name]().double().eval()
    F = StepMap(module, 0, torch.float64)
    states = torch.randn(4, F.layout.size, dtype=torch.float64) * 0.7
    J = dynamics.jacobian(F, states)
    for k in range(4):
        reference = torch.autograd.functional.jacobian(lambda s: torch_step(module, s), states[k])
        assert torch.allclose(J[k], reference, atol=1e-10), name
        assert torch.allclose(F(states[k:k + 1])[0], torch_step(module, states[k]), atol=1e-12)


def small_model(cell: str) -> models.Model:
    return models.random_model(cell, hidden_size=8, seed=3)


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_fixed_points_stay_put_and_eigenvalues_match_autograd(cell):
    model = small_model(cell)
    fp = dynamics.fixed_points(model, starts=64, adam_steps=100)
    assert len(fp) >= 1 and fp.points.shape[1] == layout(model.module).size
    assert np.all(fp.q < fp.q_threshold)
    module = copy.deepcopy(model.module).double()  # a float64 copy; the model itself is shared
    for point, eig in zip(fp.points, fp.eigenvalues):
        s = torch.as_tensor(point)
        moved = torch_step(module, s)
        assert float((moved - s).abs().max()) <= 1e-4
        J = torch.autograd.functional.jacobian(lambda v: torch_step(module, v), s).numpy()
        expected = np.linalg.eigvals(J)
        # same multiset of eigenvalues: match each to the nearest
        for lam in expected:
            assert np.min(np.abs(eig - lam)) < 1e-8
        assert np.all(np.diff(np.abs(eig)) <= 1e-12)  # sorted by |λ|, slowest first


def test_points_are_distinct_and_time_constants_follow_eigenvalues():
    fp = dynamics.fixed_points(small_model("GRU"), starts=64, adam_steps=100)
    for a in range(len(fp)):
        for b in range(a + 1, len(fp)):
            assert np.linalg.norm(fp.points[a] - fp.points[b]) > 1e-3
    tau = fp.time_constants
    assert np.allclose(tau, 1 / np.abs(np.log(np.abs(fp.eigenvalues))))
    assert np.allclose(fp.slowest, tau.max(axis=1))


@pytest.mark.skipif("sentiment-gru" not in models.available(), reason="sentiment model not shipped")
def test_shipped_sentiment_model_fixed_points_and_readout():
    model = models.load("sentiment-gru")
    ref = state_space.reference(model)
    fp = dynamics.fixed_points(model, reference_states=ref.states[0])
    assert len(fp) >= 1 and fp.starts >= 200
    module = copy.deepcopy(model.module).double()
    for point in fp.points:
        s = torch.as_tensor(point)
        assert float((torch_step(module, s) - s).abs().max()) <= 1e-4
    # readout at each point = the model's own head on that h (softmax, positive class)
    with torch.no_grad():
        p = torch.softmax(model.head(torch.as_tensor(fp.points, dtype=torch.float32)), dim=-1)[:, 1]
    assert np.allclose(fp.readout, p.numpy(), atol=1e-5)
    assert np.isclose(fp.pca_variance.sum(), 1.0) and np.all(np.diff(fp.pca_variance) <= 1e-12)


def test_bidirectional_directions_are_separate_systems():
    model = models.random_model("LSTM", bidirectional=True, hidden_size=6, seed=2)
    for d in (0, 1):
        fp = dynamics.fixed_points(model, direction=d, starts=32, adam_steps=80)
        F = StepMap(model.module, d, torch.float64)
        for point in fp.points:
            s = torch.as_tensor(point)[None]
            assert float((F(s) - s).abs().max()) <= 1e-4
