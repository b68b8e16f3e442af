"""AppTest of app.py and the Gate Explorer page: no exception, and the figures checked from the
chart specs (heatmap count per cell, escaped tick labels, colour ranges, values equal to torch),
the URL round trip, and every input edge case (empty, too long, any Unicode, markup)."""

from __future__ import annotations

import base64
import html
import json

import numpy as np
import pytest
import torch

from rnnviz import models
from rnnviz.plots.tokens import display_token
from rnnviz.i18n import t
from rnnviz.models.text import MAX_TOKENS, tokenize

# heatmaps (one per quantity × layer × direction) for the untrained cell choices
PER_LAYER = {"RNN": 2, "LSTM": 6, "Bi-LSTM": 12, "GRU": 4, "Bi-GRU": 8}


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def heatmaps(at) -> list[dict]:
    return [trace for spec in charts(at) for trace in spec["data"] if trace["type"] == "heatmap"]


def z_of(trace: dict) -> np.ndarray:
    z = trace["z"]
    flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype="<f4")
    return flat.reshape([int(d) for d in str(z["shape"]).split(",")])


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def untrained(**params) -> dict:
    return {"model": "untrained", **{k: str(v) for k, v in params.items()}}


def test_default_view(app_test):
    at = app_test()
    assert_clean(at)
    assert at.text_input(key="sentence").value == "What time is it ?"
    specs = charts(at)
    assert specs, "no chart drawn"
    ticks = specs[0]["layout"]["xaxis"]["ticktext"]
    assert ticks == ["What", "time", "is", "it", "?"]
    assert at.query_params["sentence"] == "What time is it ?"
    expected_model = "sentiment-lstm" if "sentiment-lstm" in models.available() else "untrained"
    assert at.selectbox(key="model").value == expected_model


@pytest.mark.parametrize("cell", list(PER_LAYER))
def test_heatmap_count_and_colour_ranges_per_cell(app_test, cell):
    at = app_test(untrained(cell=cell, layers=2, hidden=8))
    assert_clean(at)
    maps = heatmaps(at)
    assert len(maps) == 2 * PER_LAYER[cell]
    titles = " ".join(spec["layout"]["title"]["text"] for spec in charts(at))
    if "GRU" in cell:
        assert "reset gate r" in titles and "update gate z" in titles
    for spec in charts(at):
        axis = spec["layout"]["coloraxis"]
        title = spec["layout"]["title"]["text"]
        if "gate" in title:
            assert (axis["cmin"], axis["cmax"]) == (0, 1), title
        elif "candidate" in title or ("hidden" in title and cell != "RNN"):
            assert (axis["cmin"], axis["cmax"]) == (-1, 1), title
        else:  # cell state, pre-activation: symmetric around 0
            assert axis["cmin"] == -axis["cmax"] and axis["cmax"] >= 1, title
        assert spec["layout"]["xaxis"]["tickvals"] == [0, 1, 2, 3, 4]
        if cell.startswith("Bi-"):
            assert "forward" in spec["layout"]["yaxis"]["title"]["text"]
            assert "backward" in spec["layout"]["yaxis2"]["title"]["text"]


def test_values_in_the_page_equal_torch(app_test):
    """Build the same seeded model here and run torch itself: the hidden-state heatmap is its output."""
    at = app_test(untrained(cell="Bi-GRU", layers=2, hidden=8, seed=3, sentence="the cat saw the dog"))
    assert_clean(at)
    model = models.random_model("GRU", bidirectional=True, num_layers=2, hidden_size=8, seed=3)
    tokens = tokenize("the cat saw the dog", "word")
    with torch.no_grad():
        out, _ = model.module(model.inputs(tokens))  # (T, 2H)
    top = [s for s in charts(at) if s["layout"]["title"]["text"].startswith("hidden state h · layer 2")]
    assert len(top) == 1
    forward, backward = top[0]["data"]
    np.testing.assert_allclose(z_of(forward).T, out[:, :8].numpy(), atol=1e-5)
    np.testing.assert_allclose(z_of(backward).T, out[:, 8:].numpy(), atol=1e-5)


def test_markup_is_shown_as_text(app_test):
    sentence = '<b>bold</b> <a href="http://x">x</a> <span style="color:red">red</span>'
    at = app_test(untrained(sentence=sentence))
    assert_clean(at)
    tokens = tokenize(sentence, "word")
    for spec in charts(at):
        assert spec["layout"]["xaxis"]["ticktext"] == [display_token(tok) for tok in tokens]
        assert all("<" not in tick for tick in spec["layout"]["xaxis"]["ticktext"])
    chips = [h.proto.body for h in at.get("html") if "rv-chips" in h.proto.body]
    assert len(chips) == 1
    body = chips[0]
    assert body.count('<span class="rv-chip') == len(tokens)
    assert "<a href" not in body and 'style="color' not in body
    position = 0
    for i, tok in enumerate(tokens):  # numbered, escaped, in order
        position = body.index(f"<small>{i}</small><b>{display_token(tok, 40)}</b>", position)


def test_chips_escape_whole_tokens():
    from ui.widgets import chips_html

    body = chips_html(["<b>x</b>", '"><img src=x onerror=alert(1)>', "&amp;"], unknown={1}, selected=2,
                      unknown_title='a "quoted" <title>')
    assert "<b>x</b>" not in body and "&lt;b&gt;x&lt;/b&gt;" in body
    assert "<img" not in body and "&amp;amp;" in body
    assert 'title="a &quot;quoted&quot; &lt;title&gt;"' in body
    assert 'class="rv-chip rv-unk"' in body and 'class="rv-chip rv-sel"' in body


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_input_prompts_and_draws_nothing(app_test, text):
    at = app_test()
    at.text_input(key="sentence").input(text).run()
    assert_clean(at)
    assert not at.get("plotly_chart")
    assert any(t("gate_explorer.empty_prompt") in i.value for i in at.info)


def test_long_input_is_truncated_with_a_note(app_test):
    at = app_test(untrained(cell="GRU", hidden=4))
    at.text_input(key="sentence").input("la " * (MAX_TOKENS + 37)).run()
    assert_clean(at)
    note = t("gate_explorer.truncated", total=MAX_TOKENS + 37, limit=MAX_TOKENS)
    assert any(note in w.value for w in at.warning)
    spec = charts(at)[0]
    assert len(spec["layout"]["xaxis"]["ticktext"]) == MAX_TOKENS
    assert z_of(spec["data"][0]).shape == (4, MAX_TOKENS)


@pytest.mark.parametrize("sentence", [
    "你好，世界！今天几点？", "😀 👩‍👩‍👧 🇫🇷 ok", "مرحبا بالعالم", "e\u0301te\u0301 naïve Ærø", "\u200b\u200dx\u0000y",
])
def test_any_unicode(app_test, sentence):
    at = app_test(untrained(sentence=sentence))
    assert_clean(at)
    tokens = tokenize(sentence, "word")
    if tokens:
        assert charts(at)[0]["layout"]["xaxis"]["ticktext"] == [display_token(tok) for tok in tokens]
    at.radio(key="level").set_value("char").run()
    assert_clean(at)
    assert charts(at)[0]["layout"]["xaxis"]["ticktext"] == [display_token(c) for c in tokenize(sentence, "char")]


def test_url_round_trip(app_test):
    params = untrained(cell="Bi-LSTM", layers=2, hidden=8, seed=42, level="char", sentence="abc de",
                       step=3, unit=5)
    at = app_test(params)
    assert_clean(at)
    assert at.selectbox(key="cell").value == "Bi-LSTM"
    assert at.slider(key="layers").value == 2
    assert at.select_slider(key="hidden").value == 8
    assert at.number_input(key="seed").value == 42
    assert at.radio(key="level").value == "char"
    assert at.text_input(key="sentence").value == "abc de"
    assert at.select_slider(key="step").value == 3 and at.slider(key="unit").value == 5
    assert {k: at.query_params[k] for k in params} == params  # the URL the page writes back
    spec = charts(at)[0]
    assert spec["layout"]["xaxis"]["ticktext"] == ["a", "b", "c", "␣", "d", "e"]
    outlines = [(s["x0"], s["x1"]) for s in spec["layout"]["shapes"] if s["xref"] in ("x", "x2")]
    assert outlines == [(2.5, 3.5), (2.5, 3.5)]
    rows = [(s["y0"], s["y1"]) for s in spec["layout"]["shapes"] if s["yref"] in ("y", "y2")]
    assert rows == [(4.5, 5.5), (4.5, 5.5)]
    # changing a control changes the URL
    at.selectbox(key="cell").select("GRU").run()
    assert at.query_params["cell"] == "GRU"
    assert len(heatmaps(at)) == 2 * PER_LAYER["GRU"]


def test_bad_url_values_fall_back_to_defaults(app_test):
    at = app_test({"model": "no-such-model", "cell": "Transformer", "layers": "9", "hidden": "x",
                   "seed": "-5", "level": "bytes", "step": "999", "unit": "-1"})
    assert_clean(at)
    assert at.selectbox(key="model").value in ("untrained", "sentiment-lstm")
    if at.selectbox(key="model").value == "untrained":
        assert at.selectbox(key="cell").value == "LSTM" and at.slider(key="layers").value == 1
    assert at.select_slider(key="step").value == 0 and at.slider(key="unit").value == 0


def test_step_beyond_a_shorter_sentence_is_reset(app_test):
    at = app_test(untrained(sentence="one two three four five six", step=5))
    assert at.select_slider(key="step").value == 5
    at.text_input(key="sentence").input("one two").run()
    assert_clean(at)
    assert at.select_slider(key="step").value == 0


def test_an_internal_error_becomes_a_friendly_message(app_test, monkeypatch):
    from rnnviz.plots import heatmaps as figures

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(figures, "layer_specs", broken)
    at = app_test(untrained(sentence="boom"))
    assert not at.exception
    assert [e.value for e in at.error] == [t("app.error")]
    assert all("Traceback" not in m.value for m in at.markdown)


@pytest.mark.parametrize("name", models.available())
def test_every_shipped_model_in_the_picker(app_test, name):
    at = app_test({"model": name, "sentence": "not bad at all , really"})
    assert_clean(at)
    assert at.selectbox(key="model").value == name
    assert heatmaps(at)
    # the prediction beside the heatmaps: probabilities, next-token table, or the output text
    assert any(m.value == f"**{t('gate_explorer.prediction')}**" for m in at.markdown)
    model = models.load(name)
    if model.task == "classify":  # one probability bar per label
        assert len(at.get("progress")) == len(model.labels)
    elif model.task == "seq2seq":  # the decoded output
        assert any(x.value == f"Output: {model.predict('not bad at all , really')}" for x in at.text)
    else:  # next-token probabilities: a top-5 table beside the "exact values" table
        assert len(at.dataframe) == 2 and len(at.dataframe[1].value) == min(5, len(model.vocab))


@pytest.mark.parametrize("cell, first_line, last_line", [
    ("RNN", "a_t = W_{ih}", r"h_t = \tanh(a_t)"),
    ("LSTM", r"i_t = \sigma(W_{ii}", r"h_t = o_t \odot \tanh(c_t)"),
    ("GRU", r"r_t = \sigma(W_{ir}", r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"),
])
def test_equations_in_pytorch_convention_and_one_line_per_quantity(app_test, cell, first_line, last_line):
    at = app_test(untrained(cell=cell))
    latex = [l.proto.body for l in at.get("latex")]
    assert first_line in latex[0] and last_line in latex[-1]
    meanings = [m.value for m in at.markdown if m.value.startswith("**") and " — " in m.value]
    assert len(meanings) == PER_LAYER[cell]
    gru_note = any("z near 1 keeps the old state" in i.value for i in at.info)
    assert gru_note == (cell == "GRU")


def test_no_full_garbage_collection_after_every_rerun():
    """Streamlit's default runner.postScriptGC runs gc.collect(2) after each script run: with torch,
    plotly and pandas loaded that is ~150 ms of server CPU per rerun (bench/bench_load.py), enough
    to make a class of 50 queue. The config must keep it off."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_a_finished_figure_dict_reaches_the_page_unchanged():
    """ui.charts.show sends a finished dict from rnnviz.plots.heatmaps as it is (no re-validation): the
    chart spec equals the one of the same figure passed as a go.Figure, z still base64 float32."""
    from streamlit.testing.v1 import AppTest

    script = '''
import numpy as np
from rnnviz.plots import heatmaps as figures
from ui import charts
values = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
get = lambda name, layer, d: values
kwargs = dict(num_layers=1, num_directions=1, step=1, unit=2)
charts.show(figures.layer_specs(get, ["hidden_state"], ["a", "<b>", "a", "c"], **kwargs)[0][0][1], key="ready")
charts.show(figures.layer_figures(get, ["hidden_state"], ["a", "<b>", "a", "c"], **kwargs)[0][0][1], key="figure")
'''
    at = AppTest.from_string(script, default_timeout=60).run()
    assert_clean(at)
    ready, figure = charts(at)
    assert ready == figure
    np.testing.assert_array_equal(z_of(ready["data"][0]), np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3).T)
    assert ready["layout"]["xaxis"]["ticktext"] == ["a", "&lt;b&gt;", "a", "c"]
