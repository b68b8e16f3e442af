"""AppTest of the Vanishing gradients page: the curves are exact gradients (checked here with torch's
autograd and the chain rule by hand), log axes, vanishing vs exploding by the W_hh scale, URL state."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch

from rnnviz import models
from tests.app.spec import decode, open_page

PAGE = "views/gradients.py"


def curves(at) -> dict[tuple[str, int], np.ndarray]:
    """(cell, panel) -> y values; panel 1 = ‖∂h_T/∂h_t‖, panel 2 = ‖∂h_T/∂x_t‖."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["type"] == "log" and spec["layout"]["yaxis2"]["type"] == "log"
    return {(d["name"], 2 if d.get("xaxis") == "x2" else 1): decode(d["y"]) for d in spec["data"]}


def rnn_by_hand(tokens, hidden, seed, scale):
    """The untrained RNN's norms, computed independently of rnnviz.gradient_flow."""
    m = models.random_model("RNN", hidden_size=hidden, seed=seed, embedding_dim=16)
    rnn = copy.deepcopy(m.module)
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(scale)
    x = models.hashed_embedding(tokens, 16).double()
    rnn = rnn.double()
    # ∂h_T/∂x_t with autograd on the fused module.
    jac = torch.autograd.functional.jacobian(lambda inp: rnn(inp)[0][-1], x)  # (H, T, E)
    wrt_input = torch.linalg.vector_norm(jac, dim=(0, 2)).numpy()
    # ∂h_T/∂h_t = ∏_{k=t+1..T} diag(1 − h_k²) W_hh (chain rule by hand).
    with torch.no_grad():
        h = rnn(x)[0]                                                           # (T, H)
    T = len(tokens)
    J = torch.eye(hidden, dtype=torch.float64)
    wrt_hidden = np.zeros(T)
    wrt_hidden[T - 1] = torch.linalg.matrix_norm(J).item()
    for t in range(T - 2, -1, -1):
        J = J @ (torch.diag(1 - h[t + 1] ** 2) @ rnn.weight_hh_l0)
        wrt_hidden[t] = torch.linalg.matrix_norm(J).item()
    return wrt_hidden, wrt_input


def test_untrained_curves_are_exact_gradients(app_test):
    at = open_page(app_test, PAGE, gr_source="untrained", gr_hidden="8", gr_seed="2", gr_scale="1.5",
                   sentence="the cat sat on the mat", gr_repeat="2")
    c = curves(at)
    assert {name for name, _ in c} == {"RNN", "LSTM", "GRU"}
    tokens = "the cat sat on the mat".split() * 2
    hidden, inp = rnn_by_hand(tokens, 8, 2, 1.5)
    np.testing.assert_allclose(c["RNN", 1], hidden, rtol=1e-4, atol=1e-30)
    np.testing.assert_allclose(c["RNN", 2], inp, rtol=1e-4, atol=1e-30)
    assert c["RNN", 2][0] < 1e-2 * c["RNN", 2][-1]  # vanished over 12 steps
    assert len(at.metric) == 3 and all("e" in m.value for m in at.metric)
    for key, value in {"gr_source": "untrained", "gr_hidden": "8", "gr_scale": "1.5", "gr_repeat": "2"}.items():
        assert at.query_params[key] == value
    at.sidebar.select_slider(key="gr_scale").set_value(8.0).run()
    assert not at.exception and at.query_params["gr_scale"] == "8.0"


def test_large_recurrent_weights_explode_the_rnn(app_test):
    sentence = "the cat sat on the mat and then it slept well ."
    small = curves(open_page(app_test, PAGE, gr_source="untrained", sentence=sentence, gr_repeat="3"))
    large = curves(open_page(app_test, PAGE, gr_source="untrained", sentence=sentence, gr_repeat="3", gr_scale="8.0"))
    assert small["RNN", 1][0] < 1e-6 * small["RNN", 1][-1]   # W_hh as initialised: vanishes
    assert large["RNN", 1][0] > 1e3 * large["RNN", 1][-1]    # 8 × W_hh: explodes


def test_keep_gate_bias_lets_the_lstm_remember(app_test):
    base = curves(open_page(app_test, PAGE, gr_source="untrained", sentence="a b c d e f g h i j k l"))
    held = curves(open_page(app_test, PAGE, gr_source="untrained", sentence="a b c d e f g h i j k l", gr_bias="4.0"))
    assert held["LSTM", 2][0] > 100 * base["LSTM", 2][0]
    np.testing.assert_allclose(held["RNN", 2], base["RNN", 2])  # the RNN has no gate to push


def test_long_input_is_capped_and_empty_input_is_friendly(app_test):
    at = open_page(app_test, PAGE, gr_source="untrained", sentence="one two three four five six seven", gr_repeat="10")
    assert at.warning and len(curves(at)["GRU", 1]) == 60
    at.text_input(key="sentence").set_value("").run()
    assert not at.exception and not at.get("plotly_chart") and at.info


@pytest.mark.skipif(not all(f"sentiment-{c}" in models.available() for c in ("rnn", "lstm", "gru")),
                    reason="trained sentiment RNN/LSTM/GRU not all shipped")
def test_trained_models(app_test):
    at = open_page(app_test, PAGE, gr_source="trained", sentence="the plot is thin but the acting is great")
    c = curves(at)
    assert {name for name, _ in c} == {"RNN", "LSTM", "GRU"}
    m = models.load("sentiment-gru")
    x = m.inputs(m.tokens("the plot is thin but the acting is great")).double()
    gru = copy.deepcopy(m.module).double()
    jac = torch.autograd.functional.jacobian(lambda inp: gru(inp)[0][-1], x)
    np.testing.assert_allclose(c["GRU", 2], torch.linalg.vector_norm(jac, dim=(0, 2)).numpy(), rtol=1e-3)
