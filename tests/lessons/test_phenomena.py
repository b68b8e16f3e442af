"""Each chapter's phenomenon, recomputed here independently of rnnviz.trace / rnnviz.gradient_flow:
from the torch modules and the weights, with PyTorch's documented equations. Only the shipped
models are used, whatever their weights are today: the tests check that the computed answer is the
truth about them, and the chapter-defining facts (the RNN forgets, the counter counts, PyTorch's GRU
keeps the old state where z ≈ 1, the backward final state is at output[0])."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from rnnviz import models
from rnnviz.lessons import (both_ways, cell_write, counting, forget_gate, forgetting, gru_convention,
                            minimal_pair, outputs_read, reading, torch_call)

sigmoid = torch.sigmoid


def lstm_by_hand(module, x):
    """Every gate of a one-layer forward nn.LSTM, from its weights (torch docs' equations)."""
    H = module.hidden_size
    W_ih, W_hh = module.weight_ih_l0.double(), module.weight_hh_l0.double()
    b = (module.bias_ih_l0 + module.bias_hh_l0).double()
    h, c = torch.zeros(H, dtype=torch.float64), torch.zeros(H, dtype=torch.float64)
    out = {k: [] for k in ("i", "f", "g", "o", "c", "h")}
    for x_t in x.double():
        a = W_ih @ x_t + W_hh @ h + b                                   # (4H,)
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), torch.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip("ifgoch", (i, f, g, o, c, h)):
            out[k].append(v)
    return {k: torch.stack(v).numpy() for k, v in out.items()}          # (T, H) each


def test_reading_last_state_remembers_the_first_token_and_no_state_sees_the_future():
    r = reading.reading()
    model = models.load(r.model)
    with torch.no_grad():
        h = model.module(model.inputs(list(r.tokens)))[0]                # (T, H)
        h_swapped = model.module(model.inputs(list(r.swapped_tokens)))[0]
        h_late = model.module(model.inputs(list(r.tokens[:-1]) + [reading.SWAP_LAST]))[0]
    np.testing.assert_allclose(r.hidden, h.numpy(), atol=1e-5)
    assert r.change_last == pytest.approx(float(torch.linalg.norm(h[-1] - h_swapped[-1])), abs=1e-5)
    assert r.change_last > 1e-3 and r.last_remembers_first
    assert r.change_first == 0.0 == float(torch.linalg.norm(h[0] - h_late[0]))
    assert r.unit == int(torch.argmax(torch.abs(h[-1] - h_swapped[-1])))


def test_outputs_read_by_a_classifier_is_the_last_one():
    o = outputs_read.outputs_read()
    assert o.read == (len(o.tokens) - 1,)
    probs = models.load(o.model).predict(list(o.tokens))
    assert probs[o.label] == pytest.approx(o.probability) and probs[o.label] == max(probs.values())


def test_forgetting_ratios_are_autograd_jacobians():
    f = forgetting.forgetting()
    for cell in forgetting.CELLS:
        model = models.load(forgetting.MODELS[cell])
        x = model.inputs(list(f.tokens))                                                  # (T, E)
        jac = torch.autograd.functional.jacobian(lambda inp: model.module(inp)[0][-1], x)  # (H, T, E)
        norms = torch.linalg.vector_norm(jac.double(), dim=(0, 2)).numpy()               # (T,)
        assert f.ratio(cell) == pytest.approx(norms[0] / norms[-1], rel=1e-3)  # float32 autograd here
    assert f.ratio("RNN") < 1e-3                 # the chapter's claim, on the shipped classic RNN
    assert f.doubled_rnn_ratio < f.ratio("RNN") and f.doubled_is_lower


def test_forget_gate_unit_closes_where_the_lesson_says():
    g = forget_gate.forget_gate()
    model = models.load(g.model)
    by_hand = lstm_by_hand(model.module, model.inputs(list(g.tokens)))
    np.testing.assert_allclose(g.forget, by_hand["f"], atol=1e-5)
    column = by_hand["f"][:, g.unit]
    assert g.closes_at == int(np.argmin(column))
    assert g.pivot_value == pytest.approx(column[g.pivot], abs=1e-5)
    # the unit was chosen among those lowest at the pivot, as the one most open elsewhere
    lowest_at_pivot = np.flatnonzero(by_hand["f"].argmin(axis=0) == g.pivot)
    if lowest_at_pivot.size:
        assert g.closes_at == g.pivot
        drop = np.median(by_hand["f"], axis=0) - by_hand["f"][g.pivot]
        assert g.unit == int(lowest_at_pivot[np.argmax(drop[lowest_at_pivot])])
    assert column.min() < g.typical_value


def test_cell_write_terms_add_up_to_the_jump():
    c = cell_write.cell_write()
    model = models.load(c.model)
    by_hand = lstm_by_hand(model.module, model.inputs(list(c.tokens)))
    t, u = c.step, c.unit
    assert c.tokens[t] == cell_write.WORD
    c_prev = by_hand["c"][t - 1, u] if t else 0.0
    assert c.c == pytest.approx(by_hand["c"][t, u], abs=1e-5) and c.c_prev == pytest.approx(c_prev, abs=1e-5)
    assert c.written + c.erased == pytest.approx(c.c - c.c_prev, abs=1e-5)
    assert c.written == pytest.approx(by_hand["i"][t, u] * by_hand["g"][t, u], abs=1e-5)
    assert u == int(np.argmax(np.abs(by_hand["c"][t] - (by_hand["c"][t - 1] if t else 0))))
    assert c.gate == (cell_write.INPUT if abs(c.written) >= abs(c.erased) else cell_write.FORGET)
    assert c.wires["output_gate"] == pytest.approx(by_hand["o"][t, u], abs=1e-5)


def test_counting_unit_rises_with_the_as_and_falls_with_the_bs():
    c = counting.counting()
    model = models.load(c.model)
    cell = lstm_by_hand(model.module, model.inputs(list(c.tokens)))["c"][:, c.unit]
    np.testing.assert_allclose(c.cell, cell, atol=1e-4)
    steps = np.diff(cell)
    sign = np.sign(steps[: c.n - 1].mean())
    assert np.all(sign * steps[: c.n - 1] > 0)         # every a moves it the same way …
    assert np.all(sign * steps[c.n - 1:] < 0)          # … every b moves it back
    assert abs(c.r) > 0.99 and c.behaviour == counting.BACK


def test_gru_keeps_the_old_state_where_the_update_gate_is_near_one():
    g = gru_convention.gru_convention()
    model = models.load(g.model)
    gru = copy.deepcopy(model.module).double()  # a private copy: the loaded model is shared, read-only
    H = gru.hidden_size
    x = model.inputs(list(g.tokens)).double()
    with torch.no_grad():
        h_all = gru(x)[0]                                                                # (T, H)
    h_prev = h_all[g.step - 1]
    gi = gru.weight_ih_l0.double() @ x[g.step] + gru.bias_ih_l0.double()
    gh = gru.weight_hh_l0.double() @ h_prev + gru.bias_hh_l0.double()
    r, z = torch.sigmoid(gi[:H] + gh[:H]), torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
    u = g.unit
    assert (g.z, g.n, g.h_prev, g.h) == pytest.approx(
        (float(z[u]), float(n[u]), float(h_prev[u]), float(h_all[g.step, u])), abs=1e-5)
    assert g.h == pytest.approx(float((1 - z[u]) * n[u] + z[u] * h_prev[u]), abs=1e-5)  # PyTorch's mix
    assert g.z > 0.5 and g.closer_to == gru_convention.OLD


def test_backward_final_state_is_at_output_zero():
    b = both_ways.both_ways()
    model = models.load(b.model)
    with torch.no_grad():
        output, (h_n, _) = model.module(model.inputs(list(b.tokens)))
    H = b.hidden_size
    np.testing.assert_allclose(b.output, output.numpy(), atol=1e-5)
    assert torch.equal(output[0, H:], h_n[1]) and torch.equal(output[-1, :H], h_n[0])
    assert both_ways.SLICES[b.answer] == (0, 1) and min(b.gaps) == 0.0


def test_torch_call_is_the_lecture_notes_example():
    before = torch.random.get_rng_state()
    c = torch_call.torch_call()
    assert torch.equal(before, torch.random.get_rng_state())  # nobody else's random stream touched
    assert c.shapes == {"output": (1, 3, 6), "h_n": (2, 3, 6), "c_n": (2, 3, 6)}
    assert c.equal_row == 1 and np.array_equal(c.output[0], c.h_n[1])
    assert not np.array_equal(c.output[0], c.h_n[0])


def test_minimal_pair_verdicts_are_the_models():
    m = minimal_pair.minimal_pair()
    model = models.load(m.model)
    assert m.differs_at == 3 and m.first[3] == "very" and m.second[3] == "not"
    for tokens, (label, p) in ((m.first, m.verdict_first), (m.second, m.verdict_second)):
        probs = model.predict(list(tokens))
        assert probs[label] == pytest.approx(p) and p == max(probs.values())
    np.testing.assert_array_equal(m.hidden_first[:3], m.hidden_second[:3])  # same words, same states
    assert not np.allclose(m.hidden_first[3], m.hidden_second[3])
    with pytest.raises(ValueError):
        minimal_pair.minimal_pair(first=("a", "b"), second=("a",))
