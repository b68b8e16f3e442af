"""AppTest of The four I/O shapes: each live model's numbers are torch's (recomputed here from the
module, embedding and head), each diagram reads the right outputs, generation is reproducible from
the URL, a model that is not shipped degrades to its diagram and a note."""

from __future__ import annotations


import numpy as np
import pytest
import torch

from rnnviz import models
from tests.app.spec import charts, decode, open_page

PAGE = "views/io_shapes.py"
SHIPPED = set(models.available())
LM = next((n for n in ("shakespeare-lstm", "shakespeare-gru", "shakespeare-rnn") if n in SHIPPED), None)


def diagrams(at) -> list[dict]:
    return [s["layout"]["meta"] for s in charts(at) if isinstance(s["layout"].get("meta"), dict)]


def test_overview_shows_all_four_shapes(app_test):
    at = open_page(app_test, PAGE)
    metas = diagrams(at)[-4:]
    assert [m["shape"] for m in metas] == ["N→N", "N→1", "1→N", "N→M"]
    assert metas[0]["read_outputs"] == ["y0", "y1", "y2"] and metas[1]["read_outputs"] == ["y2"]


@pytest.mark.skipif(LM is None, reason="no character language model shipped")
def test_n_to_n_bars_are_next_character_probabilities(app_test):
    text = "To be, or not"
    at = open_page(app_test, PAGE, io_shape="N→N", io_lm=LM, sentence=text)
    live = diagrams(at)[0]
    steps = len(models.load(LM).tokens(text))
    assert live["shape"] == "N→N" and live["read_outputs"] == ["y0", "y1", "y2", f"y{steps - 3}", f"y{steps - 2}",
                                                               f"y{steps - 1}"]  # long: first and last steps drawn
    bars = next(s for s in charts(at) if s["data"] and s["data"][0]["type"] == "bar")["data"][0]
    m = models.load(LM)
    tokens = m.tokens(text)
    ids = torch.tensor(m.vocab.encode(tokens))
    with torch.no_grad():
        probs = torch.softmax(m.head(m.module(m.embedding(ids))[0]), dim=-1)   # (T, V)
    expected = probs[torch.arange(len(tokens) - 1), ids[1:]].numpy()
    np.testing.assert_allclose(decode(bars["y"]), expected, atol=1e-5)


@pytest.mark.skipif("sentiment-lstm" not in SHIPPED, reason="sentiment-lstm not shipped")
def test_n_to_1_reads_only_the_last_state(app_test):
    text = "a dull , lifeless film"
    at = open_page(app_test, PAGE, io_shape="N→1", io_cls="sentiment-lstm", sentence=text)
    m = models.load("sentiment-lstm")
    tokens = m.tokens(text)
    live = diagrams(at)[0]
    assert live["shape"] == "N→1" and live["read_outputs"] == [f"y{len(tokens) - 1}"]
    with torch.no_grad():
        h_n, _ = m.module(m.inputs(tokens))[1]                                  # LSTM: (h_n, c_n)
        p = torch.softmax(m.head(h_n[-1]), dim=-1)                              # head on h_T only
    shown = {bar.proto.text.split(":")[0]: bar.proto.text for bar in at.get("progress")}
    for label, q in zip(m.labels, p.tolist()):
        assert shown[label] == f"{label}: {q:.1%}"


@pytest.mark.skipif(LM is None, reason="no character language model shipped")
def test_one_to_n_is_reproducible_from_the_url(app_test):
    params = dict(io_shape="1→N", io_gen=LM, io_prompt="KING:", io_temp="0.5", io_seed="7", io_len="30")
    first = open_page(app_test, PAGE, **params).code[0].value
    again = open_page(app_test, PAGE, **params).code[0].value
    other = open_page(app_test, PAGE, **(params | {"io_seed": "8"})).code[0].value
    assert first == again and first.startswith("KING:") and len(first) == len("KING:") + 30
    assert other != first
    text, _ = models.load(LM).generate("KING:", n_chars=30, temperature=0.5, seed=7)
    assert first == "KING:" + text


def test_n_to_m(app_test):
    at = open_page(app_test, PAGE, io_shape="N→M", io_numbers="three hundred and twelve")
    live = diagrams(at)[0]
    assert live["shape"] == "N→M"
    if "numbers-seq2seq" not in SHIPPED:
        assert any("not shipped yet" in i.value for i in at.info)
        return
    m = models.load("numbers-seq2seq")
    d = m.translate("three hundred and twelve")
    assert at.metric[0].value == d.output and live["read_outputs"] == [f"y{k}" for k in range(len(d.output_tokens))]
    context = next(s for s in charts(at) if s["data"] and s["data"][0].get("hovertemplate", "").startswith("c["))
    np.testing.assert_allclose(decode(context["data"][0]["z"]).ravel(), d.context, atol=1e-6)


@pytest.mark.parametrize("params", [{"io_shape": "2→3"}, {"io_shape": "1→N", "io_temp": "99"},
                                    {"io_shape": "N→1", "io_cls": "nope"}, {"io_shape": "1→N", "io_len": "x"}])
def test_bad_url_values_fall_back(app_test, params):
    at = open_page(app_test, PAGE, **params)
    assert len(diagrams(at)) >= 5


def test_round_trip_of_the_shape(app_test):
    at = open_page(app_test, PAGE)
    at.segmented_control(key="io_shape").set_value("N→M").run()
    assert not at.exception and at.query_params["io_shape"] == "N→M"
    assert diagrams(at)[0]["shape"] == "N→M"
