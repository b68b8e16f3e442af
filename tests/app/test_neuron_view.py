"""AppTest of the Neuron view: the coloured text and the unit line are the chosen unit's traced
values, tokens are escaped, the unit finder's ranking equals an independent Pearson ranking, the
"use best" button moves the view to that unit, top-5 under a language model, and the URL round trip."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import models
from rnnviz.analysis import annotations
from rnnviz.plots.tokens import visible_token
from tests.app.spec import charts, decode

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "neuron_view.py")
SENTENCE = 'she said "it is <b>not</b> bad" ( really )'


def open_page(query: dict) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_bilstm_cell_state_from_url_text_line_and_ranking_equal_trace():
    q = {"sentence": SENTENCE, "model": "untrained", "cell": "Bi-LSTM", "layers": "2", "quantity": "cell_state",
         "layer": "1", "direction": "1", "unit": "7", "annotation": "inside_quotes", "source": "sentence"}
    at = open_page(q)
    assert at.session_state["unit"] == 7 and at.radio(key="direction").value == 1
    model = models.random_model("LSTM", bidirectional=True, num_layers=2, hidden_size=16, seed=0)
    tokens = model.tokens(SENTENCE)
    tr = model.trace(tokens)
    want = tr.get("cell_state", 1, 1)[:, 7]

    text = at.get("html")[0].proto.body
    titles = re.findall(r'title="([^"]*)"', text)
    shown = [float(s.rsplit("= ", 1)[1]) for s in titles]
    assert shown == pytest.approx(want, abs=1e-3)  # every token's tooltip: the unit's value
    assert "&lt;" in text and "<b>not" not in text

    line, ranking = charts(at)
    assert decode(line["data"][1]["y"]) == pytest.approx(want, abs=1e-6)
    quotes = annotations.annotate("inside_quotes", tokens, "word")
    assert np.array_equal(decode(line["data"][0]["y"]), quotes.astype(np.float32))
    # the finder's top 10 are the 10 best |r| over all layers and directions, computed here directly
    r = {(la, d, u): np.corrcoef(tr.get("cell_state", la, d)[:, u], quotes)[0, 1]
         for la in range(2) for d in range(2) for u in range(16)}
    best = sorted(r, key=lambda k: -abs(r[k]))[:10]
    assert decode(ranking["data"][0]["x"]) == pytest.approx([r[k] for k in best], abs=1e-5)
    table = at.dataframe[0].value
    assert list(table.iloc[0, 1:4]) == [best[0][0] + 1, "→←"[best[0][1]], best[0][2]]

    at.button(key="nv_use_best").click().run()
    assert (at.session_state["layer"], at.session_state["direction"], at.session_state["unit"]) == best[0]
    assert at.query_params["unit"] == str(best[0][2]) and at.query_params["layer"] == str(best[0][0])


def test_constant_annotation_and_bad_url_values_are_friendly():
    at = open_page({"sentence": "no quotes here", "model": "untrained", "annotation": "inside_quotes",
                    "unit": "999", "quantity": "<img>", "source": "nonsense"})
    # invalid values fall back to the page's defaults: an LSTM's cell state, the reference passage
    assert at.session_state["unit"] == 0 and at.selectbox(key="quantity").value == "cell_state"
    assert at.radio(key="source").value == "reference"
    at.radio(key="source").set_value("sentence").run()
    assert any("never changes" in i.value for i in at.info)
    at.text_input(key="sentence").set_value("   ").run()
    assert not at.exception and at.info and not at.get("plotly_chart")


def test_reference_passage_and_every_shipped_model():
    at = open_page({"model": "untrained", "source": "reference"})
    assert len(charts(at)) == 2
    for name in models.available():
        at.selectbox(key="model").set_value(name).run()
        assert not at.exception and not at.error, name
        assert at.get("html"), name


@pytest.mark.skipif("shakespeare-lstm" not in models.available(), reason="language model not shipped yet")
def test_language_model_shows_top5_next_tokens():
    at = open_page({"model": "shakespeare-lstm", "sentence": "To be, or not", "top": "True", "source": "sentence"})
    text = at.get("html")[0].proto.body
    model = models.load("shakespeare-lstm")
    tokens = model.tokens("To be, or not")
    assert text.count('class="nx"') == len(tokens)
    probs = model.predict(tokens)  # (T, V)
    best = [model.vocab.itos[j] for j in np.argsort(-probs[0])[:5]]
    first = re.search(r'class="nx">(.*?)</span></span>', text).group(1)
    assert [re.sub(r"<[^>]+>", "", s).rsplit(" ", 1)[0] for s in first.split("</span>")[:5]] == \
        [visible_token(b) for b in best]   # whitespace shown as ␣ ⏎
    at.toggle(key="top").set_value(False).run()
    assert 'class="nx"' not in at.get("html")[0].proto.body and at.query_params["top"] == "False"


def test_any_ranked_unit_can_colour_the_text():
    at = open_page({"sentence": SENTENCE, "model": "untrained", "annotation": "inside_quotes", "source": "sentence"})
    at.selectbox(key="nv_rank").set_value(3).run()
    table = at.dataframe[0].value
    layer, unit = int(table.iloc[2, 1]), int(table.iloc[2, 3])
    at.button(key="nv_use_best").click().run()
    assert not at.exception and at.session_state["unit"] == unit and at.session_state["layer"] == layer - 1
    assert at.query_params["unit"] == str(unit)


@pytest.mark.skipif(not {"shakespeare-lstm", "sentiment-lstm"} <= set(models.available()),
                    reason="models not shipped")
def test_first_screen_is_a_character_lstm_on_the_tempest_with_its_best_unit():
    """Issue 12: the Shakespeare LSTM on a Tempest passage, the property its units track best, the best
    unit selected; switching to a word model resets the property and the unit to that model's own."""
    from rnnviz.analysis.defaults import TEMPEST_PASSAGE, best_annotation

    at = open_page({})
    assert at.selectbox(key="model").value == "shakespeare-lstm"
    assert at.radio(key="source").value == "reference"
    model = models.load("shakespeare-lstm")
    tokens = model.tokens(TEMPEST_PASSAGE)
    tr = model.trace(tokens)
    cells = {(0, 0): tr.get("cell_state", 0, 0)}
    name, top = best_annotation(cells, tokens, "char")
    assert at.selectbox(key="annotation").value == name
    assert name in ("inside_quotes", "inside_brackets", "bracket_depth")  # a structural property
    assert (at.session_state["layer"], at.session_state["unit"]) == (top.layer, top.unit)

    at.selectbox(key="model").set_value("sentiment-lstm").run()
    assert not at.exception
    assert at.selectbox(key="annotation").value in annotations.names_for("word")
    word = models.load("sentiment-lstm")
    text = at.get("html")[0].proto.body
    assert "Exeunt" not in text  # the word model reads its own reference prose, not the play
    from rnnviz.i18n import t

    wtokens = word.tokens(t("neuron_view.reference_text", lang="en"))
    chosen = at.selectbox(key="annotation").value
    wtr = word.trace(wtokens)
    best = annotations.rank_units({(0, 0): wtr.get("cell_state", 0, 0)},
                                  annotations.annotate(chosen, wtokens, "word"), top=1)[0]
    assert at.session_state["unit"] == best.unit
