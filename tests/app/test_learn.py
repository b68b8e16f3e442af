"""AppTest of the Learn page: every chapter in English and Chinese, its phenomenon read back from the
figure Streamlit sends (before and after the learner's guess), the guess scored and kept in the URL,
Back / Next, and every "open this in the full view" link opening its page with the same state."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
import torch

from rnnviz.plots.diagram import fmt
from rnnviz.lessons import chapters, forgetting, score
from tests.app.spec import charts, decode, open_page

PAGE = "views/learn.py"
NUMBERS = [c.number for c in chapters.CHAPTERS]
PAGE_FILES = {"gates": "views/gate_explorer.py", "step-through": "views/step_through.py",
              "io-shapes": "views/io_shapes.py", "gradients": "views/gradients.py",
              "neuron-view": "views/neuron_view.py", "pytorch-shapes": "views/pytorch_shapes.py",
              "compare-cells": "views/compare_cells.py"}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # as app.py does; two spinning threads on a shared machine cost minutes
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def lessons():
    return {n: chapters.chapter(n).lesson() for n in NUMBERS}


def figure(at) -> dict:
    specs = charts(at)
    assert len(specs) == 1, "one live figure per chapter"
    return specs[0]


def option_buttons(at, number: int) -> list:
    return [b for b in at.button if b.key and b.key.startswith(f"learn_option_{number}_")]


def names(spec, prefix: str) -> list[str]:
    return [s.get("name", "") for s in spec["layout"].get("shapes", []) if s.get("name", "").startswith(prefix)]


# ---------------------------------------------------------------------------------- per chapter

def check_figure(number: int, lesson, spec: dict, revealed: bool) -> None:
    """The chapter's phenomenon, read from the chart spec."""
    r = lesson.result
    layout = spec["layout"]
    notes = layout.get("annotations", [])
    if number == 1:  # the chain: the unit's h_t in every cell, the last cell in focus
        assert names(spec, "cell:0:")[-1] == f"cell:0:{len(r.tokens) - 1}:here"
        deltas = [a["text"] for a in notes if a.get("name", "").startswith("delta:")]
        if revealed:  # the change when the first token is swapped reaches the last step
            expected = r.hidden_swapped[:, r.unit] - r.hidden[:, r.unit]
            assert deltas == [f"Δ {d:+.3f}" for d in expected]
            assert abs(expected[-1]) > 0 and abs(expected[0]) > 0
        else:
            assert not deltas
    elif number == 2:  # N→1: before the guess nothing is marked read; after it only the last output
        read = layout["meta"]["read_outputs"]
        T = len(r.tokens)
        assert read == ([f"y{T - 1}"] if revealed else [f"y{k}" for k in range(T)])
    elif number == 3:  # the trained RNN's first ÷ last gradient ratio, on the default sentence
        curves = {(d["name"], d.get("xaxis", "x")): decode(d["y"]) for d in spec["data"]}
        rnn = curves["RNN", "x2"]
        assert len(rnn) == len(forgetting.SENTENCE)
        assert rnn[0] / rnn[-1] < 1e-3
        assert rnn[0] / rnn[-1] == pytest.approx(r.ratio("RNN"), rel=1e-5)
        doubled = [a for a in notes if "÷" in a["text"] and re.search(r"\d", a["text"]) and a.get("xref") == "x2 domain"]
        assert bool(doubled) == revealed
        if revealed:
            assert f"{r.doubled_rnn_ratio:.1e}" in doubled[0]["text"]
    elif number == 4:  # the outlined unit's forget gate is lowest at the answer token, well below its median
        z = decode(spec["data"][0]["z"])                     # (H, T)
        row = z[r.unit]
        assert int(np.argmin(row)) == r.closes_at == lesson.question.correct
        assert row.min() < np.median(row) - 0.2              # it visibly closes
        rects = layout["shapes"]
        assert [s["yref"] for s in rects].count("y") == 1    # the unit's row outlined
        assert [s["xref"] for s in rects].count("x") == (1 if revealed else 0)  # the column: after the guess
        if revealed:
            column = next(s for s in rects if s["xref"] == "x")
            assert column["x0"] == r.closes_at - 0.5
    elif number == 5:  # the LSTM cell at "great": the answer gate outlined only after the guess
        focus = names(spec, "gate:")
        focused = [n for n in focus if n.endswith(":focus")]
        assert focused == ([f"gate:{r.gate}:focus"] if revealed else [])
        wires = {a["name"]: a["text"] for a in notes if a.get("name", "").startswith("wire:")}
        assert wires["wire:cell_state"].endswith(fmt(r.c)) and wires["wire:input_gate"].endswith(fmt(r.wires["input_gate"]))
        assert r.written + r.erased == pytest.approx(r.c - r.c_prev, abs=1e-5)
    elif number == 6:  # the counting unit: up with every a, back down with every b (after the guess)
        line = next(d for d in spec["data"] if d.get("yaxis", "y") == "y")
        y = decode(line["y"])
        n = r.n
        steps_a = np.diff(y[:n])
        sign = np.sign(steps_a.mean())
        assert np.all(sign * steps_a > 0)
        if revealed:
            assert np.all(sign * np.diff(y[n - 1:]) < 0)
            count = next(d for d in spec["data"] if d.get("yaxis") == "y2")
            np.testing.assert_array_equal(decode(count["y"]), r.count)
        else:
            assert np.all(np.isnan(y[n:])) or all(v is None for v in line["y"][n:])
    elif number == 7:  # PyTorch's GRU: where z is high, h_t stays near h_{t-1}
        z = decode(spec["data"][0]["z"])
        assert z[r.unit, r.step] == pytest.approx(r.z, abs=1e-6) and r.z > 0.5
        shown = [a["text"] for a in notes if "hₜ =" in a.get("text", "")]
        assert bool(shown) == revealed
        assert abs(r.h - r.h_prev) < abs(r.h - r.n)
    elif number == 8:  # output[0]'s backward half equals h_n's backward state
        output, h_n = (decode(d["z"]) for d in spec["data"][:2])
        H = r.hidden_size
        np.testing.assert_array_equal(output[0, H:], h_n[1])
        np.testing.assert_array_equal(output[-1, :H], h_n[0])
        assert not np.allclose(output[-1, H:], h_n[1])
        rects = [s for s in layout.get("shapes", []) if s.get("type") == "rect"]
        assert len(rects) == (4 if revealed else 0)           # two equal pairs, outlined after the guess
    elif number == 9:  # nn.LSTM(5, 6, 2) with one step: output[0] is h_n[1], the top layer
        output, h_n = (decode(d["z"]) for d in spec["data"][:2])
        assert output.shape == (1, 6) and h_n.shape == (2, 6)
        np.testing.assert_array_equal(output[0], h_n[1])
        assert not np.array_equal(output[0], h_n[0])
    elif number == 10:  # the minimal pair: same states up to the differing word
        a, b = (decode(d["z"]) for d in spec["data"][:2])    # (H, T) each
        k = r.differs_at
        np.testing.assert_array_equal(a[:, :k], b[:, :k])
        assert not np.allclose(a[:, k], b[:, k])
        titles = " ".join(x["text"] for x in notes)
        assert ("→" in titles) == revealed


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("number", NUMBERS)
def test_chapter(app_test, lessons, number, lang):
    lesson = lessons[number]
    at = open_page(app_test, PAGE, chapter=str(number), lang=lang)
    spec = figure(at)
    check_figure(number, lesson, spec, revealed=False)
    buttons = option_buttons(at, number)
    assert len(buttons) == len(lesson.question.options)
    assert not at.success and not at.warning                 # no answer before the guess

    # English: the right answer; Chinese: a wrong one (both paths scored)
    q = lesson.question
    guess = q.correct if lang == "en" else (q.correct + 1) % len(q.options)
    buttons[guess].click().run()
    assert not at.exception
    assert not option_buttons(at, number)                    # the first guess counts: no more options
    if guess == q.correct:
        assert len(at.success) == 1 and not at.warning
    else:
        assert len(at.warning) == 1 and not at.success
    assert score.parse(at.query_params["answers"][0] if isinstance(at.query_params["answers"], list)
                       else at.query_params["answers"], chapters.option_counts())[number - 1] == guess
    check_figure(number, lesson, figure(at), revealed=True)
    status = at.markdown[0].value
    assert ("1" in status) and (str(chapters.COUNT) in status)


def query(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_score_lives_in_the_url(app_test, lessons):
    right = {n: lessons[n].question.correct for n in NUMBERS}
    # chapters 1 and 2 right, 3 wrong: the score says 2 of 3 and the page opens on chapter 4
    wrong3 = (right[3] + 1) % 3
    answers = score.encode([right[1], right[2], wrong3])
    at = open_page(app_test, PAGE, chapter="4", answers=answers, lang="en")
    assert "2 of 3 answered right" in at.markdown[0].value
    assert query(at)["answers"] == answers and query(at)["chapter"] == "4"
    # an answered chapter opens revealed: no options, the verdict shown
    at = open_page(app_test, PAGE, chapter="3", answers=answers, lang="en")
    assert not option_buttons(at, 3) and len(at.warning) == 1
    check_figure(3, lessons[3], figure(at), revealed=True)
    # Start over clears the answers and goes back to chapter 1
    at.button(key="learn_start_over").click().run()
    assert "answers" not in query(at) and query(at)["chapter"] == "1"
    assert option_buttons(at, 1)


def test_back_and_next(app_test):
    at = open_page(app_test, PAGE, chapter="1")
    assert at.button(key="learn_back").disabled and not at.button(key="learn_next").disabled
    at.button(key="learn_next").click().run()
    assert query(at)["chapter"] == "2" and option_buttons(at, 2)
    at.button(key="learn_back").click().run()
    assert query(at)["chapter"] == "1"
    at = open_page(app_test, PAGE, chapter=str(chapters.COUNT))
    assert at.button(key="learn_next").disabled


def test_bad_url_values_fall_back(app_test):
    at = open_page(app_test, PAGE, chapter="99", answers="<b>zz</b>")
    assert query(at)["chapter"] == "1" and "answers" not in query(at)
    assert option_buttons(at, 1)


def test_lesson_mode_keeps_the_lesson_usable(app_test):
    """Lesson mode hides input widgets (CSS, ui.language) but never buttons: every control here is
    a button or a link. (The browser test checks they are visible.)"""
    at = open_page(app_test, PAGE, chapter="4", lesson="1")
    assert option_buttons(at, 4) and at.button(key="learn_next")
    link = at.get("link_button")[0].proto.url
    assert "lesson=1" in link
    spec = figure(at)
    fonts = re.findall(r'"size":\s*(\d+(?:\.\d+)?)', __import__("json").dumps(spec))
    assert fonts and min(float(s) for s in fonts) >= 16  # projector: chart text ≥ 16 px


@pytest.mark.parametrize("number", NUMBERS)
def test_full_view_link_opens_the_same_state(app_test, lessons, number):
    lesson = lessons[number]
    at = open_page(app_test, PAGE, chapter=str(number), lang="zh")
    url = at.get("link_button")[0].proto.url
    parts = urlsplit(url)
    page = parts.path.rsplit("/", 1)[-1]
    params = dict(parse_qsl(parts.query))
    assert page == lesson.page and params.pop("lang") == "zh"
    assert params == lesson.params
    target = open_page(app_test, PAGE_FILES[page], **params, lang="zh")
    seen = query(target)
    for key, value in lesson.params.items():  # the page kept every value (an invalid one would be reset)
        assert seen.get(key) == value, (key, seen.get(key), value)


@pytest.mark.parametrize("index", [0, 1])
def test_experiment_links_to_the_lab_and_the_state_space(app_test, lessons, index):
    """Chapter 10 also links the state-space view (the same minimal pair) and the lab (the race at
    lag 100), once this app has those pages; each opens with its state intact."""
    from ui.learn import page_exists

    key, page, params = lessons[10].also[index]
    if not page_exists(page):
        pytest.skip(f"views/{page.replace('-', '_')}.py is not in this branch yet")
    at = open_page(app_test, PAGE, chapter="10", lang="en")
    urls = [b.proto.url for b in at.get("link_button")]
    url = next(u for u in urls if urlsplit(u).path.rsplit("/", 1)[-1] == page)
    assert dict(parse_qsl(urlsplit(url).query)) == {**params, "lang": "en"}
    target = open_page(app_test, f"views/{page.replace('-', '_')}.py", **params, lang="en")
    seen = query(target)
    for name, value in params.items():
        assert seen.get(name) == value, (name, seen.get(name), value)
