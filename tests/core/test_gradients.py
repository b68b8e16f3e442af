"""rnnviz.gradient_flow against torch.autograd.functional.jacobian on the torch modules themselves."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.autograd.functional import jacobian

import rnnviz


def make(kind, layers=1, bidirectional=False, hidden=5, input_size=3, seed=0, **kw):
    torch.manual_seed(seed)
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    return cls(input_size, hidden, layers, bidirectional=bidirectional, **kw).eval()


def final_states(module, x):
    out = module(x)[1]
    h_n = out[0] if isinstance(module, torch.nn.LSTM) else out
    D = 2 if module.bidirectional else 1
    return h_n[-D:]  # (D, P): the top layer's final states


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, False), (2, True)])
def test_wrt_input_equals_autograd_jacobian(kind, layers, bidirectional):
    m = make(kind, layers, bidirectional)
    x = torch.randn(6, 3)
    flow = rnnviz.gradient_flow(m, x)
    J = jacobian(lambda x_: final_states(m, x_), x)  # (D, P, T, In)
    want = torch.linalg.vector_norm(J, dim=(1, 3)).T.numpy()  # (T, D)
    assert flow.wrt_input.shape == want.shape
    assert np.allclose(flow.wrt_input, want, rtol=1e-4, atol=1e-6)


def _unidirectional_copy(module, reverse: bool):
    """A one-direction, one-layer module holding the forward or the backward weights of ``module``."""
    kw = {"proj_size": module.proj_size} if getattr(module, "proj_size", 0) else {}
    one = type(module)(module.input_size, module.hidden_size, 1, **kw).eval()
    sfx = "_reverse" if reverse else ""
    with torch.no_grad():
        for name, p in one.named_parameters():
            p.copy_(getattr(module, name + sfx))
    return one


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("direction", [0, 1])
def test_wrt_hidden_equals_jacobian_of_restarted_run(kind, direction):
    """∂h_T/∂h_t is the Jacobian of a run started at t+1 from h_t (c_t held) with respect to h_t."""
    extra = {"proj_size": 3} if kind == "LSTM" else {}
    m = make(kind, 1, True, hidden=5, **extra)
    x = torch.randn(7, 3)
    flow = rnnviz.gradient_flow(m, x)
    tr = rnnviz.trace(m, x)
    one = _unidirectional_copy(m, reverse=direction == 1)
    seq = x if direction == 0 else x.flip(0)  # the backward direction reads the sequence reversed
    T = x.shape[0]
    for t in range(T):
        k = t if direction == 0 else T - 1 - t  # processing index of position t
        h_t = torch.from_numpy(tr.get("hidden_state", 0, direction)[t]).double()
        rest = seq[k + 1:].double()
        one_d = one.double()
        if len(rest) == 0:
            want = np.sqrt(h_t.numel())  # ∂h_T/∂h_T = I
        else:
            if kind == "LSTM":
                c_t = torch.from_numpy(tr.get("cell_state", 0, direction)[t]).double()
                J = jacobian(lambda h: one_d(rest, (h[None], c_t[None]))[1][0][0], h_t)
            else:
                J = jacobian(lambda h: one_d(rest, h[None])[1][0], h_t)
            want = torch.linalg.matrix_norm(J).item()
        assert flow.wrt_hidden[t, direction] == pytest.approx(want, rel=1e-3, abs=1e-7), (t, direction)


def test_classic_rnn_gradient_vanishes_with_distance():
    torch.manual_seed(3)
    m = torch.nn.RNN(4, 16).eval()
    with torch.no_grad():
        m.weight_hh_l0.mul_(0.5)  # contracting recurrence: each step shrinks the Jacobian
    flow = rnnviz.gradient_flow(m, torch.randn(40, 4))
    g = flow.wrt_hidden[:, 0]
    assert g[-1] == pytest.approx(4.0)  # ‖I_16‖_F
    assert g[0] < 1e-6 * g[-1]
    assert np.all(np.diff(np.log(g[-30:])) > 0)  # grows toward the end, step after step


def test_gradient_flow_rejects_batched_input():
    with pytest.raises(ValueError, match="unbatched"):
        rnnviz.gradient_flow(make("GRU"), torch.randn(4, 2, 3))
    with pytest.raises(ValueError, match="torch.nn.RNN"):
        rnnviz.gradient_flow(torch.nn.Linear(3, 3), torch.randn(4, 3))
