"""Minimal pairs, patching and clamping against independent computations (rnnviz.trace from a
given hx, the model's own prediction with a Force)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import Force, models
from rnnviz.analysis import minimal_pairs as mp
from rnnviz.analysis.recurrence import layout
from rnnviz.models.model import Model

torch.set_num_threads(1)
A = "the film was good and the music was fine"
B = "the film was not good and the music was fine"


def test_alignment_pairs_equal_tokens_and_skips_the_insertion():
    a, b = A.split(), B.split()
    pairs = mp.align(a, b)
    assert (2, 2) in pairs and all(a[i] == b[j] for i, j in pairs)
    assert [j for _, j in pairs] == [0, 1, 2] + list(range(4, 10))  # "not" (B's 3) has no partner
    assert mp.common_ends(a, b) == (3, 6)
    assert mp.align(["a", "b"], ["a", "c"]) == [(0, 0), (1, 1)]      # same-length replacement pairs up


@pytest.mark.parametrize("cell, bidirectional", [("LSTM", False), ("GRU", True), ("RNN", False), ("LSTM", True)])
def test_patching_where_nothing_differs_changes_nothing(cell, bidirectional):
    model = models.random_model(cell, bidirectional=bidirectional, hidden_size=8, seed=4)
    pair = mp.minimal_pair(model, model.tokens(A), model.tokens(B))
    for d in range(2 if bidirectional else 1):
        # forward: the common prefix (steps 0-2) is identical; backward: the common suffix
        for k in ([0, 1, 2] if d == 0 else [len(pair.pairs) - 1, len(pair.pairs) - 3]):
            i, j = pair.pairs[k]
            assert np.array_equal(pair.states_a[d][i], pair.states_b[d][j])
            patched = mp.patched_states(model, pair, k, direction=d)
            for a, p in zip(pair.states_a, patched):
                assert np.allclose(a, p, atol=1e-6)


def test_patched_continuation_equals_trace_from_that_state():
    model = models.random_model("LSTM", hidden_size=8, seed=5)
    pair = mp.minimal_pair(model, model.tokens(A), model.tokens(B))
    k = 5  # aligned pair after the change: A's "the" (5) with B's "the" (6)
    i, j = pair.pairs[k]
    patched = mp.patched_states(model, pair, k)[0]
    sb = torch.from_numpy(pair.states_b[0][j])
    x = model.inputs(pair.tokens_a)
    tr = rnnviz.trace(model.module, x[i + 1:], hx=(sb[None, :8], sb[None, 8:]))
    assert np.allclose(patched[i + 1:, :8], tr.get("hidden_state"), atol=1e-6)
    assert np.allclose(patched[i + 1:, 8:], tr.get("cell_state"), atol=1e-6)
    assert np.array_equal(patched[:i], pair.states_a[0][:i])


@pytest.mark.parametrize("cell, bidirectional, layers", [("LSTM", False, 2), ("GRU", True, 1), ("RNN", False, 2),
                                                    ("LSTM", True, 1)])
def test_batched_patch_curve_equals_patching_each_step_alone(cell, bidirectional, layers):
    """patch_curve continues every patched run in one packed batch; each value must equal the readout
    of patched_states (one run_from per step) for that step."""
    module = models.random_model(cell, bidirectional=bidirectional, num_layers=layers, hidden_size=8, seed=7).module
    torch.manual_seed(7)
    model = Model("toy", module, task="classify", head=torch.nn.Linear(8 * (2 if bidirectional else 1), 2),
                  labels=["negative", "positive"])  # hashed embeddings, a random classifier head
    pair = mp.minimal_pair(model, model.tokens(A), model.tokens(B))
    for d in range(2 if bidirectional else 1):
        curve = mp.patch_curve(model, pair, direction=d)
        one_by_one = [mp.readout_scalar(model, mp.final_output(model, mp.finals_of(mp.patched_states(model, pair, k, d))))
                      for k in range(len(pair.pairs))]
        assert curve.shape == (len(pair.pairs),)
        assert np.allclose(curve, one_by_one, atol=1e-6)
        assert len(set(np.round(curve, 6))) > 1  # the patches do change the prediction: not a constant


@pytest.mark.skipif("sentiment-gru" not in models.available(), reason="sentiment model not shipped")
def test_patching_the_last_step_gives_bs_prediction_and_distance_fit():
    model = models.load("sentiment-gru")
    pair = mp.minimal_pair(model, model.tokens(A), model.tokens(B))
    curve = mp.patch_curve(model, pair)
    assert np.isclose(curve[-1], model.predict(pair.tokens_b)["positive"], atol=1e-5)
    assert np.isclose(curve[0], model.predict(pair.tokens_a)["positive"], atol=1e-5)
    assert np.isclose(mp.readout_scalar(model, pair.output_a), model.predict(pair.tokens_a)["positive"], atol=1e-5)
    fit = mp.half_life(pair)
    h = slice(0, layout(model.module).h_size)
    expected = np.linalg.norm(pair.states_a[0][3:, h] - pair.states_b[0][4:, h], axis=1)  # "good and … fine"
    assert np.allclose(fit.distance, expected, atol=1e-6) and list(fit.positions) == list(range(3, 9))
    slope = np.polyfit(fit.steps, np.log(fit.distance), 1)[0]
    assert np.isclose(fit.half_life, np.log(2) / -slope if slope < 0 else np.inf)
    # differences heatmaps: B − A at aligned pairs
    tr_a, tr_b = model.trace(pair.tokens_a), model.trace(pair.tokens_b)
    diff = pair.differences[("update_gate", 0, 0)]
    assert np.allclose(diff[5], tr_b.get("update_gate")[6] - tr_a.get("update_gate")[5])


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_clamping_a_unit_at_its_own_value_changes_nothing(cell):
    model = models.random_model(cell, hidden_size=8, seed=6)
    tokens = model.tokens(A)
    own = model.trace(tokens).get("hidden_state")[4, 3]
    held = mp.clamp(model, tokens, unit=3, value=float(own), steps=[4])
    original = mp.clamp(model, tokens, unit=3, value=float(own), steps=[])  # no step: nothing held
    for a, b in zip(held.states, original.states):
        assert np.allclose(a, b, atol=1e-6)


@pytest.mark.skipif("sentiment-lstm" not in models.available(), reason="sentiment model not shipped")
def test_clamped_prediction_is_the_forced_trace_readout():
    model = models.load("sentiment-lstm")
    tokens = model.tokens(B)
    result = mp.clamp(model, tokens, unit=7, value=0.9)
    forced = model.predict(tokens, force=[Force("hidden_state", 0.9, units=[7])])
    assert np.allclose(result.output, [forced["negative"], forced["positive"]], atol=1e-5)
    assert np.allclose(result.output_original[1], model.predict(tokens)["positive"], atol=1e-5)
    assert np.all(result.states[0][:, 7] == np.float32(0.9))
    # given the unforced states (a minimal pair's A), the same result without tracing them again
    pair = mp.minimal_pair(model, tokens, model.tokens(A))
    given = mp.clamp(model, tokens, unit=7, value=0.9, original_states=pair.states_a)
    assert np.array_equal(given.output_original, result.output_original)
    assert all(np.array_equal(a, b) for a, b in zip(given.original, result.original))
    assert np.array_equal(given.output, result.output)


@pytest.mark.parametrize("cell, bidirectional, layers, direction", [
    ("LSTM", False, 2, None), ("GRU", True, 1, None), ("LSTM", True, 1, 1), ("RNN", False, 2, None)])
def test_clamping_with_fused_kernels_equals_the_forced_trace(cell, bidirectional, layers, direction):
    """clamp() holds h[unit] at every step with torch's one-step kernels (recurrence.clamped_run);
    every state must equal rnnviz.trace with the same Force, layer by layer and direction by direction."""
    model = models.random_model(cell, bidirectional=bidirectional, num_layers=layers, hidden_size=8, seed=8)
    tokens = model.tokens(B)
    result = mp.clamp(model, tokens, unit=2, value=-0.7, direction=direction)
    forced = model.trace(tokens, force=[Force("hidden_state", -0.7, units=[2], direction=direction)])
    lay = layout(model.module)
    for d, states in enumerate(result.states):
        assert np.allclose(states, lay.from_trace(forced, d), atol=1e-6)
        held = direction in (None, d)
        assert np.all(states[:, lay.h_slice(layers - 1)][:, 2] == np.float32(-0.7)) == held


def test_clamping_a_projected_lstm_falls_back_to_the_forced_trace():
    module = torch.nn.LSTM(16, 8, proj_size=4)
    model = Model("toy", module, task="classify", head=torch.nn.Linear(4, 2), labels=["negative", "positive"])
    tokens = model.tokens(A)
    result = mp.clamp(model, tokens, unit=1, value=0.5)
    forced = model.trace(tokens, force=[Force("hidden_state", 0.5, units=[1])])
    assert np.allclose(result.states[0], layout(module).from_trace(forced, 0), atol=1e-6)


@pytest.mark.parametrize("cell, bidirectional", [("LSTM", False), ("GRU", True)])
def test_pair_from_given_traces_equals_pair_traced_itself(cell, bidirectional):
    """The page hands minimal_pair the traces it keeps (B's, while A is typed): the same pair."""
    model = models.random_model(cell, bidirectional=bidirectional, hidden_size=8, seed=6)
    a, b = model.tokens(A), model.tokens(B)
    own = mp.minimal_pair(model, a, b)
    given = mp.minimal_pair(model, a, b, traces=(model.trace(a), model.trace(b)))
    assert given.pairs == own.pairs and given.tokens_b == own.tokens_b
    for x, y in zip(own.states_a + own.states_b + own.distance, given.states_a + given.states_b + given.distance):
        assert np.array_equal(x, y)
    assert own.differences.keys() == given.differences.keys()
    assert all(np.array_equal(own.differences[k], given.differences[k]) for k in own.differences)
