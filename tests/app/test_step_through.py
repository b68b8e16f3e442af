"""AppTest of the Step-through page: diagram numbers equal the trace, the equations are checked,
buttons and bounded play move the step along the reading order, the URL carries the whole view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import models
from rnnviz.plots import diagram
from rnnviz.i18n import t
from ui.models import CELL_CHOICES
from tests.app.spec import charts

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "views/step_through.py"
SENTENCE = "the movie was not <b>bad</b>"


def open_page(query: dict | None = None, sentence: str = SENTENCE) -> AppTest:
    """The page as a copied URL opens it: every control from the query string (``?sentence=...``)."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    for k, v in ({"sentence": sentence} | (query or {})).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def wires(spec: dict) -> dict[str, str]:
    return {a["name"].split(":", 1)[1]: a["text"] for a in spec["layout"]["annotations"]
            if a.get("name", "").startswith("wire:")}


def untrained(cell="LSTM", hidden=16):
    torch_cell, bi = models.CELL_CHOICES[cell]
    return models.random_model(torch_cell, bidirectional=bi, hidden_size=hidden, seed=0)


def test_untrained_bigru_backward_view_from_url_matches_trace():
    at = open_page({"model": "untrained", "cell": "Bi-GRU", "direction": "1", "unit": "5", "step": "2",
                    "focus": "reset_gate"})
    assert at.session_state["step"] == 2 and at.session_state["unit"] == 5
    assert at.radio(key="direction").value == 1 and at.selectbox(key="focus").value == "reset_gate"
    cell, chain, bars = charts(at)
    tokens = models.random_model("GRU").tokens(SENTENCE)
    tr = untrained("Bi-GRU").trace(tokens)
    w = wires(cell)
    assert w["hidden_state"].endswith(diagram.fmt(float(tr.get("hidden_state", 0, 1)[2, 5])))
    assert w["hidden_state_prev"].endswith(diagram.fmt(float(tr.get("hidden_state", 0, 1)[3, 5])))
    chain_text = " ".join(a["text"] for a in chain["layout"]["annotations"])
    assert "&lt;" in chain_text and "<" not in chain_text  # the token "<" is escaped, never markup
    focus = [s["name"] for s in cell["layout"]["shapes"] if s.get("name", "").endswith(":focus")]
    assert focus == ["gate:reset_gate:focus"]
    assert len(bars["data"]) == 4  # r, z, n, h vectors
    latex = " ".join(e.value for e in at.latex)
    assert r"h_{t+1}" in latex and diagram.FOCUS in latex
    # the page says the equations were recomputed from the weights and agree with the trace
    check = [c.value for c in at.caption if c.value.startswith(t("step_through.equations_check", error=0)[:30])]
    assert check and float(re.search(r"(\d\.\de[-+]\d+)", check[0]).group(1)) <= 1e-5


def test_buttons_and_bounded_play_follow_the_reading_order():
    at = open_page({"model": "untrained", "cell": "LSTM"})
    steps = len(models.random_model("LSTM").tokens(SENTENCE))
    at.button(key="st_forward").click().run()
    assert at.session_state["step"] == 1 and at.query_params["step"] == "1"
    at.button(key="st_back").click().run()
    assert at.session_state["step"] == 0
    at.button(key="st_play").click().run()  # play: one step per timer tick (here: per run)
    assert at.session_state["step"] == 1
    for _ in range(steps + 2):  # more ticks than steps: it must stop by itself at the last token
        at.run()
    assert at.session_state["step"] == steps - 1
    assert not at.session_state["_step_through_playing"]
    assert not at.exception


def test_trained_models_and_every_untrained_cell_render(monkeypatch):
    at = open_page({"model": "untrained"})
    for cell in CELL_CHOICES:
        at.selectbox(key="cell").set_value(cell).run()
        assert not at.exception and not at.error, cell
        spec = charts(at)[0]
        assert spec["layout"]["title"]["text"].startswith(models.CELL_CHOICES[cell][0])
    for name in models.available():
        at.selectbox(key="model").set_value(name).run()
        assert not at.exception and not at.error, name
        assert len(charts(at)) == 3, name


def test_registered_in_app_navigation():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    at.text_input(key="sentence").set_value("one two three").run()
    assert not at.exception and len(charts(at)) == 3


def test_bad_input_is_friendly():
    at = open_page({"model": "untrained", "step": "999", "unit": "-4", "focus": "<script>"}, sentence="   ")
    assert at.info and not at.get("plotly_chart")  # empty sentence: a prompt, no charts
    at.text_input(key="sentence").set_value("ok").run()  # one token: no slider, still a diagram
    assert not at.exception and at.session_state["unit"] == 0 and at.selectbox(key="focus").value == "forget_gate"
    assert len(charts(at)) == 3
