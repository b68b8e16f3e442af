"""AppTest of Compare cells: five strips on ONE colour scale whose numbers are torch's own outputs,
the saturation scatter equals fractions computed here from torch's gates, URL round trip, escaping."""

from __future__ import annotations


import numpy as np
import pytest
import torch

from rnnviz import models
from tests.app.spec import charts, decode, open_page

PAGE = "views/compare_cells.py"
SENTIMENT = ["sentiment-rnn", "sentiment-lstm", "sentiment-bilstm", "sentiment-gru", "sentiment-bigru"]
ALL_TRAINED = all(name in models.available() for name in SENTIMENT)


def torch_output(module, x) -> np.ndarray:
    with torch.no_grad():
        return module(x)[0].numpy()  # (T, D*H): forward units, then backward units


@pytest.mark.skipif(not ALL_TRAINED, reason="the five trained sentiment models are not all shipped")
def test_trained_strips_are_torch_outputs_on_one_scale(app_test):
    at = open_page(app_test, PAGE, sentence="not a good film , not at all")
    compare, saturation = charts(at)[:2]
    heatmaps = [d for d in compare["data"] if d["type"] == "heatmap"]
    assert len(heatmaps) == 5 and {d["coloraxis"] for d in heatmaps} == {"coloraxis"}
    axis = compare["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == (-1.0, 1.0)
    for name, data in zip(SENTIMENT, heatmaps):
        m = models.load(name)
        tokens = m.tokens("not a good film , not at all")
        expected = torch_output(m.module, m.inputs(tokens)).T  # (D*H, T)
        np.testing.assert_allclose(decode(data["z"]), expected, atol=1e-5)
    assert len(at.get("progress")) == 5  # one prediction per trained model
    # Saturation over the reference text: LSTM (i, f, o) and GRU (r, z), forward and backward.
    names = {d.get("name") for d in saturation["data"] if d.get("mode") == "markers"}
    assert {"LSTM", "Bi-LSTM →", "Bi-LSTM ←", "GRU", "Bi-GRU →", "Bi-GRU ←"} <= names


def test_untrained_keep_gate_and_url_round_trip(app_test):
    at = open_page(app_test, PAGE, cmp_source="untrained", cmp_hidden="8", cmp_seed="3", cmp_q="keep_gate",
                   cmp_over="sentence", sentence="a b a c")
    compare, saturation = charts(at)[:2]
    heatmaps = [d for d in compare["data"] if d["type"] == "heatmap"]
    assert len(heatmaps) == 4  # the RNN strip has no gate: an empty strip with a note
    texts = [a.get("text", "") for a in compare["layout"]["annotations"]]
    assert "no such gate in this cell" in texts
    axis = compare["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == (0.0, 1.0)
    # The LSTM strip is the forget gate, recomputed here from torch's weights: f = σ(W_if x + b_if + W_hf h + b_hf).
    m = models.random_model("LSTM", hidden_size=8, seed=3)
    x = m.inputs(["a", "b", "a", "c"])
    with torch.no_grad():
        h = m.module(x)[0]                                        # (T, H)
        h_prev = torch.cat([torch.zeros(1, 8), h[:-1]])
        w_ih, w_hh = m.module.weight_ih_l0[8:16], m.module.weight_hh_l0[8:16]
        f = torch.sigmoid(x @ w_ih.T + m.module.bias_ih_l0[8:16] + h_prev @ w_hh.T + m.module.bias_hh_l0[8:16])
    np.testing.assert_allclose(decode(heatmaps[0]["z"]), f.numpy().T, atol=1e-5)
    # Saturation over the sentence: the LSTM forget-gate panel's points are these fractions.
    lstm_f = [d for d in saturation["data"] if d.get("name") == "LSTM" and d["xaxis"] == "x2"][0]
    np.testing.assert_allclose(decode(lstm_f["x"]), (f.numpy() < 0.1).mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(decode(lstm_f["y"]), (f.numpy() > 0.9).mean(axis=0), atol=1e-6)
    # State stays in the URL, and a change goes back into it.
    for key, value in {"cmp_source": "untrained", "cmp_hidden": "8", "cmp_seed": "3", "cmp_q": "keep_gate"}.items():
        assert at.query_params[key] == value
    at.sidebar.number_input(key="cmp_seed").set_value(4).run()
    assert not at.exception and at.query_params["cmp_seed"] == "4"


def test_tokens_are_escaped_and_empty_input_is_friendly(app_test):
    at = open_page(app_test, PAGE, cmp_source="untrained", sentence="<b>bold</b> & <a href='x'>")
    ticks = " ".join(" ".join(map(str, ax.get("ticktext", []))) for key, ax in charts(at)[0]["layout"].items()
                     if key.startswith("xaxis"))
    assert "<" not in ticks and ">" not in ticks and "&lt;" in ticks and "&amp;" in ticks
    at.text_input(key="sentence").set_value("   ").run()
    assert not at.exception and not at.get("plotly_chart") and at.info


def test_bad_url_values_fall_back(app_test):
    at = open_page(app_test, PAGE, cmp_source="both", cmp_hidden="1e9", cmp_q="<script>", cmp_over="?", cmp_seed="-1")
    assert len(charts(at)) >= 2
