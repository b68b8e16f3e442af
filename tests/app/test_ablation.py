"""AppTest of the Ablation page: the forced run shown equals rnnviz.trace with the same Force, the
changed prediction equals the model's readout of it, presets, URL round trip, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import Force, models
from tests.app.spec import charts, decode

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "ablation.py")
SENTENCE = "it is not <i>bad</i> at all"


def open_page(query: dict) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in ({"sentence": SENTENCE} | query).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_untrained_bigru_lesion_of_one_unit_in_one_direction():
    q = {"model": "untrained", "cell": "Bi-GRU", "layers": "2", "force": "hidden_state", "force_units": "3",
         "force_layer": "1", "force_direction": "1", "show_layer": "1"}
    at = open_page(q)
    assert at.multiselect(key="force_units").value == [3] and at.selectbox(key="force_layer").value == 1
    model = models.random_model("GRU", bidirectional=True, num_layers=2, hidden_size=16, seed=0)
    tokens = model.tokens(SENTENCE)
    original = model.trace(tokens)
    forced = model.trace(tokens, force=[Force("hidden_state", 0.0, units=[3], layer=1, direction=1)])
    before, after, diff = charts(at)
    # heatmaps are (H, T) per direction: forward panel then backward panel
    assert np.allclose(decode(after["data"][1]["z"]), forced.get("hidden_state", 1, 1).T, atol=1e-6)
    assert np.all(decode(after["data"][1]["z"])[3] == 0.0)  # the lesioned unit
    assert np.allclose(decode(before["data"][1]["z"]), original.get("hidden_state", 1, 1).T, atol=1e-6)
    # the forward direction is untouched (the forced path steps in Python: float32 rounding ~1e-7)
    assert np.allclose(decode(diff["data"][0]["z"]), 0.0, atol=1e-6)
    assert np.abs(decode(diff["data"][1]["z"])).max() > 0
    delta = float(np.linalg.norm(forced.h_n.numpy() - original.h_n.numpy()))
    assert any(f"{delta:.3f}" in i.value for i in at.info)  # no head: the final state's change is reported
    ticks = before["layout"]["xaxis"]["ticktext"]
    assert "&lt;" in ticks and not any("<" in tick for tick in ticks)  # tokens escaped, never markup


def test_preset_value_follows_the_gate_and_url_round_trip():
    at = open_page({"model": "untrained", "cell": "LSTM", "force_units": "1,2", "force_steps": "0,3"})
    assert at.slider(key="force_value").value == 1.0  # forget gate: the textbook lesion is f = 1
    at.selectbox(key="force").set_value("input_gate").run()
    assert at.slider(key="force_value").value == 0.0 and at.query_params["force_value"] == "0.0"
    at.multiselect(key="force_units").set_value([1, 2, 5]).run()
    assert at.query_params["force_units"] == "1,2,5" and at.query_params["force_steps"] == "0,3"
    assert not at.exception
    # the same URL in a new session reproduces the view
    again = open_page({k: at.query_params[k] for k in at.query_params})
    assert again.selectbox(key="force").value == "input_gate" and again.multiselect(key="force_units").value == [1, 2, 5]
    assert charts(again)[1]["data"][0]["z"] == charts(at)[1]["data"][0]["z"]


def test_bad_url_values_fall_back():
    at = open_page({"model": "untrained", "force": "<script>", "force_value": "7", "force_units": "a,b",
                    "force_steps": "99", "force_layer": "5"})
    assert at.selectbox(key="force").value == "forget_gate" and at.slider(key="force_value").value == 1.0
    assert at.multiselect(key="force_units").value == [] and at.multiselect(key="force_steps").value == []
    at.text_input(key="sentence").set_value("").run()
    assert not at.exception and at.info and not at.get("plotly_chart")


@pytest.mark.skipif("sentiment-lstm" not in models.available(), reason="sentiment model not shipped yet")
def test_classifier_prediction_changes_exactly_as_readout_of_forced_trace():
    at = open_page({"model": "sentiment-lstm", "force": "forget_gate", "force_value": "0.0", "force_steps": "2,3"})
    model = models.load("sentiment-lstm")
    tokens = model.tokens(SENTENCE)
    want = model.predict(tokens, force=[Force("forget_gate", 0.0, steps=[2, 3])])
    before = model.predict(tokens)
    bars = charts(at)[0]["data"]
    assert [d["name"] for d in bars] == ["original", "forced"]
    assert decode(bars[0]["y"]) == pytest.approx([before[k] for k in model.labels], abs=1e-6)
    assert decode(bars[1]["y"]) == pytest.approx([want[k] for k in model.labels], abs=1e-6)


@pytest.mark.skipif("shakespeare-lstm" not in models.available(), reason="language model not shipped yet")
def test_language_model_next_token_probability_original_and_forced():
    at = open_page({"model": "shakespeare-lstm", "sentence": "To be, or not to be", "force": "output_gate",
                    "force_units": "0,1,2,3,4,5,6,7"})
    model = models.load("shakespeare-lstm")
    tokens = model.tokens("To be, or not to be")
    ids = model.vocab.encode(tokens[1:])
    p_forced = model.predict(tokens, force=[Force("output_gate", 1.0, units=list(range(8)))])
    line = charts(at)[0]["data"]
    assert decode(line[1]["y"]) == pytest.approx(p_forced[np.arange(len(ids)), ids], abs=1e-6)


def test_every_shipped_model_and_untrained_cell_renders():
    at = open_page({"model": "untrained"})
    for cell in ("RNN", "LSTM", "Bi-LSTM", "GRU", "Bi-GRU"):
        at.selectbox(key="cell").set_value(cell).run()
        assert not at.exception and not at.error and len(charts(at)) == 3, cell
    for name in models.available():
        at.selectbox(key="model").set_value(name).run()
        assert not at.exception and not at.error, name
        assert len(charts(at)) >= 3, name


@pytest.mark.skipif("numbers-seq2seq" not in models.available(), reason="seq2seq model not shipped yet")
def test_seq2seq_output_changes_with_the_forced_encoder():
    at = open_page({"model": "numbers-seq2seq", "sentence": "three hundred and twelve", "force": "update_gate",
                    "force_value": "0.0"})
    model = models.load("numbers-seq2seq")
    table = charts(at)[0]["data"][0]
    assert table["type"] == "table"
    original, forced = (column[0] for column in table["cells"]["values"])
    assert original == model.predict("three hundred and twelve") == "312"
    from rnnviz.analysis.ablation import forced_translation
    assert forced == forced_translation(model, model.tokens("three hundred and twelve"), [Force("update_gate", 0.0)])
    assert forced != original
