"""AppTest of the State space page: the projected path equals an independent PCA (numpy SVD of the
traced reference states), the colours are the model's own predictions on each prefix, the patching
curve ends at B's prediction, clamping equals the forced trace, tokens are escaped, bad cases are
messages (never tracebacks)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import Force, models
from rnnviz.analysis import state_space
from tests.app.spec import charts, decode, open_page

PAGE = "views/state_space.py"
A = "the film was good and the music was fine"
B = "the film was not good and the music was fine"
needs_gru = pytest.mark.skipif("sentiment-gru" not in models.available(), reason="sentiment model not shipped")


def by_title(at, fragment: str) -> dict:
    found = [c for c in charts(at) if fragment in str(c["layout"].get("title", {}).get("text", ""))]
    assert found, [c["layout"].get("title") for c in charts(at)]
    return found[0]


def trace_named(fig: dict, name: str) -> dict:
    return next(d for d in fig["data"] if d.get("name") == name)


@needs_gru
def test_path_projection_colours_and_patching_match_independent_computations(app_test):
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B)
    model = models.load("sentiment-gru")
    main = by_title(at, "principal components")
    # independent PCA: numpy's SVD of every state of every reference sentence, traced directly
    states = np.concatenate([model.trace(model.tokens(text)).get("hidden_state")
                             for text in state_space.reference_texts(model)]).astype(np.float64)
    mean = states.mean(axis=0)
    vt = np.linalg.svd(states - mean, full_matrices=False)[2]
    tokens = model.tokens(A)
    expected = (model.trace(tokens).get("hidden_state") - mean) @ vt[:2].T          # (T, 2)
    path = trace_named(main, "A")
    got = np.column_stack([decode(path["x"]), decode(path["y"])])
    signs = np.sign(np.sum(got * expected, axis=0))
    assert np.allclose(got * signs, expected, atol=1e-4)
    # colour of point t = P(positive) had the sentence ended at token t
    colours = decode(path["marker"]["color"])
    assert np.allclose(colours, [model.predict(tokens[:t + 1])["positive"] for t in range(len(tokens))], atol=1e-5)
    assert main["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "P(positive)"
    assert trace_named(main, "fixed point")["marker"]["symbol"]  # fixed points drawn
    at.session_state["ss_pair"] = True  # the learner opens the minimal pair (closed: not built)
    at.run()
    assert not at.exception
    # patching: at the last aligned step A's state becomes B's final state -> B's prediction
    patch = trace_named(by_title(at, "state at that step"), "A, patched")
    curve = decode(patch["y"])
    assert np.isclose(curve[-1], model.predict(B)["positive"], atol=1e-5)
    assert np.isclose(curve[0], model.predict(A)["positive"], atol=1e-5)  # shared prefix: nothing changes


@needs_gru
def test_clamp_step_view_and_url_round_trip(app_test):
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B, clamp_unit="5",
                   clamp_value="-0.5", view="3d", step="4")
    model = models.load("sentiment-gru")
    forced = model.predict(A, force=[Force("hidden_state", -0.5, units=[5])])["positive"]
    assert any(f"{forced:.3f}" in m.value and "Unit 5" in m.value for m in at.markdown)
    main = by_title(at, "principal components")
    assert "scene" in main["layout"] and all(d["type"] == "scatter3d" for d in main["data"])
    at.radio(key="view").set_value("2d").run()
    at.select_slider(key="step").set_value(2).run()
    assert not at.exception and at.query_params["view"] == "2d" and at.query_params["step"] == "2"
    assert any("**was**" in m.value for m in at.markdown)  # the step's token beside the figure


def test_tokens_are_escaped_and_untrained_model_has_no_colour(app_test):
    at = open_page(app_test, PAGE, model="untrained", cell="GRU", hidden="8", sentence="a <b>bold</b> film",
                   sentence_b="a <i>bold</i> film")
    main = by_title(at, "principal components")
    labels = trace_named(main, "A")["text"]
    assert "&lt;" in "".join(labels) and not any("<" in s for s in labels)
    assert "coloraxis" not in main["layout"]
    assert any("no readout" in c.value for c in at.caption)


def test_bidirectional_stack_is_a_message_and_empty_sentence_a_prompt(app_test):
    at = open_page(app_test, PAGE, model="untrained", cell="Bi-LSTM", layers="2", hidden="4", sentence=A)
    assert at.info and "several bidirectional layers" in at.info[0].value and not charts(at)
    at = open_page(app_test, PAGE, model="untrained", cell="LSTM", hidden="4", sentence="")
    assert at.info and not charts(at)


@needs_gru
def test_chinese_page(app_test):
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B, lang="zh")
    assert at.title[0].value == "状态空间：一句话走过的路径"
    assert any("第 1 主成分" in c["layout"]["xaxis"]["title"]["text"] for c in charts(at) if "xaxis" in c["layout"]
               and "title" in c["layout"]["xaxis"])


def test_first_visit_from_the_default_sentence_starts_on_the_pair(app_test):
    at = open_page(app_test, PAGE, model="untrained", cell="GRU", hidden="8")  # app.py ran the default page first
    assert at.text_input(key="sentence").value == A and at.text_input(key="sentence_b").value == B
    at.session_state["ss_pair"] = True  # the learner opens the minimal pair's section
    at.run()
    assert any("How far apart" in str(c["layout"].get("title", {}).get("text")) for c in charts(at))
    at.text_input(key="sentence").set_value("What time is it ?").run()  # a later choice is kept
    assert at.text_input(key="sentence").value == "What time is it ?" and not at.exception


@needs_gru
@pytest.mark.skipif(not state_space.example_pairs(), reason="tests/data/sentiment_minimal_pairs.tsv not merged yet")
def test_picking_an_example_pair_fills_both_sentences(app_test):
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B)
    a, b = state_space.example_pairs()[1]
    at.selectbox(key="example_pair").set_value(f"{a}\t{b}").run()
    assert not at.exception
    assert at.text_input(key="sentence").value == a and at.text_input(key="sentence_b").value == b
    assert at.query_params["sentence"] == a and at.query_params["sentence_b"] == b


def lab_flipflop() -> str | None:
    from ui import state_space as cache

    return next((r for r in cache.lab_runs() if "flipflop" in r), None)


@pytest.mark.skipif(lab_flipflop() is None, reason="the live lab (rnnviz.lab) is not merged yet")
def test_lab_flipflop_run_shows_its_fixed_points(app_test):
    run = lab_flipflop()
    at = open_page(app_test, PAGE, lab_run=run, sentence="..A...b....C..a..", sentence_b="..A...B....C..a..")
    from rnnviz.analysis import dynamics
    from rnnviz.lab import load_run

    model = load_run(run).model
    fp = dynamics.fixed_points(model)
    main = by_title(at, "principal components")
    assert len(decode(trace_named(main, "fixed point")["x"])) == len(fp)
    table = at.dataframe[0].value
    assert str(int((abs(fp.eigenvalues[:, 0]) < 1).sum())) in table.iloc[-1].tolist()  # the flip-flop row


def titles(at) -> list[str]:
    return [str(c["layout"].get("title", {}).get("text", "")) for c in charts(at)]


@needs_gru
def test_sections_under_the_first_screen_are_built_only_when_opened(app_test):
    """Typing costs what the first screen costs (issue 14, bench/bench_app.py): the minimal pair
    (distance, patching, differences) and clamping are closed expanders with nothing in them, one
    click away; opened, or linked with ?open=, they are complete; the first screen still shows both
    paths, the fixed points and the readout colours."""
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B)
    main = by_title(at, "principal components")
    assert {"A", "B", "fixed point"} <= {d.get("name") for d in main["data"]} and "coloraxis" in main["layout"]
    assert [e.label for e in at.expander] == ["Minimal pair: what one word changes", "Clamping: hold one unit"]
    assert not any(k in titles(at) for k in ("How far apart", "state at that step", "B − A"))
    assert not at.slider and "clamp_unit" not in at.query_params and "open" not in at.query_params
    at.session_state["ss_clamp"] = True  # one click
    at.run()
    assert at.slider(key="clamp_value").value == 1.0 and at.query_params["open"] == "clamp"
    at = open_page(app_test, PAGE, model="sentiment-gru", sentence=A, sentence_b=B, open="pair,clamp")
    found = titles(at)
    assert all(any(k in title for title in found) for k in ("How far apart", "state at that step", "B − A"))
    assert at.select_slider(key="patch_step") and at.slider(key="clamp_value")
    at.session_state["ss_pair"] = False  # closed again: its controls leave the URL
    at.run()
    assert "patch_step" not in at.query_params and at.query_params["open"] == "clamp"
    assert not any("How far apart" in title for title in titles(at))
