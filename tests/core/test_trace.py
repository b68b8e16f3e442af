"""rnnviz.trace against torch.nn itself and against an independent float64 reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnviz
from rnnviz import Force
from tests.reference import reference

TOL = 1e-5


def make(kind, input_size=5, hidden=6, layers=1, seed=0, **kw):
    torch.manual_seed(seed)
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    return cls(input_size, hidden, layers, **kw).eval()


def torch_run(module, x, hx):
    with torch.no_grad():
        out, hn = module(x, hx) if hx is not None else module(x)
    if isinstance(module, torch.nn.LSTM):
        return out, hn[0], hn[1]
    return out, hn, None


def random_hx(module, batch):
    D = 2 if module.bidirectional else 1
    P = getattr(module, "proj_size", 0) or module.hidden_size
    lead = (module.num_layers * D,) + ((batch,) if batch else ())
    h0 = torch.randn(*lead, P)
    if isinstance(module, torch.nn.LSTM):
        return h0, torch.randn(*lead, module.hidden_size)
    return h0


def assert_matches_torch(module, x, hx):
    tr = rnnviz.trace(module, x, hx)
    out, hn, cn = torch_run(module, x, hx)
    assert tr.output.shape == out.shape and tr.h_n.shape == hn.shape
    worst = max((tr.output - out).abs().max().item(), (tr.h_n - hn).abs().max().item())
    if cn is not None:
        assert tr.c_n.shape == cn.shape
        worst = max(worst, (tr.c_n - cn).abs().max().item())
    assert worst <= TOL, worst
    return tr


CONFIGS = [
    dict(kind=k, layers=L, bidirectional=bi, bias=b, batch_first=bf, extra=e)
    for k, L, bi, b, bf in itertools.product(["RNN", "LSTM", "GRU"], [1, 3], [False, True], [True, False], [False, True])
    for e in ({"RNN": [{}, {"nonlinearity": "relu"}], "LSTM": [{}, {"proj_size": 3}], "GRU": [{}]}[k])
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("batch", [0, 3])
@pytest.mark.parametrize("with_hx", [False, True])
def test_output_and_final_states_equal_torch(cfg, batch, with_hx):
    m = make(cfg["kind"], layers=cfg["layers"], bidirectional=cfg["bidirectional"], bias=cfg["bias"],
             batch_first=cfg["batch_first"], dropout=0.3 if cfg["layers"] > 1 else 0.0, **cfg["extra"])
    torch.manual_seed(1)
    T = 7
    if batch:
        x = torch.randn(batch, T, 5) if cfg["batch_first"] else torch.randn(T, batch, 5)
    else:
        x = torch.randn(T, 5)
    hx = random_hx(m, batch) if with_hx else None
    tr = assert_matches_torch(m, x, hx)
    H = m.hidden_size
    P = getattr(m, "proj_size", 0) or H
    for name in tr.quantities:
        a = tr.get(name, layer=cfg["layers"] - 1, direction=int(cfg["bidirectional"]))
        assert a.dtype == np.float32
        width = P if name == "hidden_state" else H
        assert a.shape == ((T, batch, width) if batch else (T, width))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_gate_equals_independent_reference(kind, bidirectional):
    extra = {"proj_size": 4} if kind == "LSTM" else {}
    m = make(kind, layers=2, hidden=7, bidirectional=bidirectional, **extra)
    x = torch.randn(9, 5)
    hx = random_hx(m, 0)
    tr = rnnviz.trace(m, x, hx)
    h0, c0 = (hx if kind == "LSTM" else (hx, None))
    rec, out, h_n, _ = reference(m, x.numpy(), h0.numpy(), None if c0 is None else c0.numpy())
    for (name, layer, d), want in rec.items():
        got = tr.get(name, layer, d)
        assert np.abs(got - want).max() <= TOL, (name, layer, d)
    assert np.abs(tr.output.numpy() - out).max() <= TOL


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["RNN", "LSTM", "GRU"]), input_size=st.integers(1, 6), hidden=st.integers(1, 9),
       layers=st.integers(1, 3), bidirectional=st.booleans(), bias=st.booleans(), steps=st.integers(1, 12),
       batch=st.integers(0, 3), batch_first=st.booleans(), proj=st.integers(0, 3), seed=st.integers(0, 10_000))
def test_property_any_configuration(kind, input_size, hidden, layers, bidirectional, bias, steps, batch,
                                    batch_first, proj, seed):
    extra = {"proj_size": proj} if kind == "LSTM" and 0 < proj < hidden else {}
    m = make(kind, input_size, hidden, layers, seed, bidirectional=bidirectional, bias=bias,
             batch_first=batch_first, **extra)
    g = torch.Generator().manual_seed(seed)
    if batch:
        shape = (batch, steps, input_size) if batch_first else (steps, batch, input_size)
    else:
        shape = (steps, input_size)
    x = torch.randn(*shape, generator=g) * 2
    tr = assert_matches_torch(m, x, None)
    if not batch:  # gates against the reference too
        rec, _, _, _ = reference(m, x.numpy())
        for (name, layer, d), want in rec.items():
            assert np.abs(tr.get(name, layer, d) - want).max() <= TOL


def test_lstm_identities_and_backward_alignment():
    m = make("LSTM", layers=2, hidden=8, bidirectional=True)
    x = torch.randn(11, 5)
    h0, c0 = random_hx(m, 0)
    tr = rnnviz.trace(m, x, (h0, c0))
    for layer, d in itertools.product(range(2), range(2)):
        i, f, g, o, c, h = (tr.get(n, layer, d) for n in
                            ("input_gate", "forget_gate", "cell_candidate", "output_gate", "cell_state", "hidden_state"))
        idx = layer * 2 + d
        c_prev = np.concatenate([c0[idx][None].numpy(), c[:-1]]) if d == 0 else np.concatenate([c[1:], c0[idx][None].numpy()])
        assert np.allclose(c, f * c_prev + i * g, atol=TOL)
        assert np.allclose(h, o * np.tanh(c), atol=TOL)
        # indexed by input position: the backward direction ends at position 0
        final = 0 if d == 1 else -1
        assert np.allclose(h[final], tr.h_n[idx].numpy(), atol=TOL)
        assert np.allclose(c[final], tr.c_n[idx].numpy(), atol=TOL)
    # output[0, H:] is the backward final state, not output[-1]
    assert np.allclose(tr.output[0, 8:].numpy(), tr.h_n[-1].numpy(), atol=TOL)


def test_gru_identity_pytorch_convention():
    m = make("GRU", layers=1, hidden=6, bidirectional=True)
    x = torch.randn(10, 5)
    h0 = random_hx(m, 0)
    tr = rnnviz.trace(m, x, h0)
    for d in range(2):
        z, n, h = tr.get("update_gate", 0, d), tr.get("candidate", 0, d), tr.get("hidden_state", 0, d)
        h_prev = np.concatenate([h0[d][None].numpy(), h[:-1]]) if d == 0 else np.concatenate([h[1:], h0[d][None].numpy()])
        assert np.allclose(h, (1 - z) * n + z * h_prev, atol=TOL)  # z -> 1 keeps the old state


def test_force_forget_one_input_zero_keeps_cell_state():
    m = make("LSTM", layers=2, hidden=6, bidirectional=True)
    x = torch.randn(8, 5)
    h0, c0 = random_hx(m, 0)
    tr = rnnviz.trace(m, x, (h0, c0), force={"forget_gate": 1.0, "input_gate": 0.0})
    for layer, d in itertools.product(range(2), range(2)):
        c = tr.get("cell_state", layer, d)
        assert np.allclose(c, np.broadcast_to(c0[layer * 2 + d].numpy(), c.shape), atol=1e-6)
        assert np.all(tr.get("forget_gate", layer, d) == 1.0)
    assert torch.allclose(tr.c_n, c0, atol=1e-6)


def test_gru_update_gate_one_freezes_state():
    m = make("GRU", layers=1, hidden=6)
    h0 = random_hx(m, 0)
    tr = rnnviz.trace(m, torch.randn(8, 5), h0, force={"update_gate": 1.0})
    assert np.allclose(tr.get("hidden_state"), np.broadcast_to(h0[0].numpy(), (8, 6)), atol=1e-6)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_forced_path_with_no_effect_equals_torch(kind, bidirectional):
    """The ablation path steps in Python; with a force that touches nothing it must equal torch."""
    extra = {"proj_size": 3} if kind == "LSTM" else {}
    m = make(kind, layers=2, bidirectional=bidirectional, **extra)
    x = torch.randn(2, 6, 5).transpose(0, 1)  # (T, B, In)
    name = rnnviz.FORCEABLE[kind][0]
    tr = rnnviz.trace(m, x, force=[Force(name, 0.5, steps=[])])
    out, hn, cn = torch_run(m, x, None)
    assert (tr.output - out).abs().max() <= TOL and (tr.h_n - hn).abs().max() <= TOL
    fast = rnnviz.trace(m, x)
    for q in tr.quantities:
        assert np.abs(tr.get(q, 1, 0) - fast.get(q, 1, 0)).max() <= TOL


def test_force_chosen_units_and_steps_only():
    m = make("LSTM", layers=1, hidden=6)
    x = torch.randn(10, 5)
    base = rnnviz.trace(m, x)
    tr = rnnviz.trace(m, x, force=[Force("output_gate", 0.0, units=[2, 4], steps=[5, 6], layer=0, direction=0)])
    o = tr.get("output_gate")
    assert np.all(o[5:7, [2, 4]] == 0.0)
    # before step 5 nothing changed (up to rounding: the two paths sum in different orders)
    assert np.allclose(tr.get("hidden_state")[:5], base.get("hidden_state")[:5], atol=TOL)
    # at step 5 the other units still see the original h_4
    assert np.allclose(np.delete(o[5], [2, 4]), np.delete(base.get("output_gate")[5], [2, 4]), atol=TOL)
    # the forced units' h is exactly zero while o = 0
    assert np.all(tr.get("hidden_state")[5:7, [2, 4]] == 0.0)
    # downstream of the ablation the state differs from the original run
    assert np.abs(tr.get("hidden_state")[7:] - base.get("hidden_state")[7:]).max() > 1e-4


def test_float64_module():
    m = make("GRU", layers=2, bidirectional=True).double()
    x = torch.randn(5, 5, dtype=torch.float64)
    tr = assert_matches_torch(m, x, None)
    assert tr.output.dtype == torch.float64 and tr.get("update_gate").dtype == np.float32


def test_quantities_per_cell():
    assert rnnviz.trace(make("RNN"), torch.randn(3, 5)).quantities == ("pre_activation", "hidden_state")
    assert rnnviz.trace(make("GRU"), torch.randn(3, 5)).quantities == (
        "reset_gate", "update_gate", "candidate", "hidden_state")
    assert rnnviz.trace(make("LSTM"), torch.randn(3, 5)).quantities == (
        "input_gate", "forget_gate", "cell_candidate", "output_gate", "cell_state", "hidden_state")


def test_clear_errors():
    with pytest.raises(ValueError, match="torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU"):
        rnnviz.trace(torch.nn.Linear(3, 4), torch.randn(2, 3))
    with pytest.raises(ValueError, match="input_size=5"):
        rnnviz.trace(make("LSTM"), torch.randn(4, 3))
    with pytest.raises(ValueError, match="2-D"):
        rnnviz.trace(make("LSTM"), torch.randn(5))
    with pytest.raises(ValueError, match="no time steps"):
        rnnviz.trace(make("GRU"), torch.randn(0, 5))
    with pytest.raises(ValueError, match="h0 has shape"):
        rnnviz.trace(make("GRU"), torch.randn(4, 5), torch.randn(2, 6))
    train = make("LSTM", layers=2, dropout=0.5).train()
    with pytest.raises(ValueError, match="eval"):
        rnnviz.trace(train, torch.randn(4, 5))
    with pytest.raises(ValueError, match="cannot force 'forget_gate'"):
        rnnviz.trace(make("GRU"), torch.randn(4, 5), force={"forget_gate": 1.0})
    with pytest.raises(ValueError, match="layer 3 out of range"):
        rnnviz.trace(make("GRU"), torch.randn(4, 5), force=[Force("update_gate", 1.0, layer=3)])
    tr = rnnviz.trace(make("GRU"), torch.randn(4, 5))
    with pytest.raises(KeyError, match="no 'forget_gate'"):
        tr.get("forget_gate")
    with pytest.raises(IndexError):
        tr.get("update_gate", direction=1)
