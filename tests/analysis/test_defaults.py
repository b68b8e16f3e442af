"""The first-screen defaults are computed from what the model does (rnnviz.analysis.defaults)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz import models
from rnnviz.analysis import defaults
from rnnviz.analysis.annotations import annotate
from rnnviz import Force
from rnnviz.quantities import FORCEABLE

SENTENCE = "the film was not good"


def test_striking_unit_is_the_one_that_jumps_at_the_negation():
    tokens = ["the", "film", "was", "not", "good"]
    rng = np.random.default_rng(0)
    gate = rng.uniform(0.45, 0.55, size=(5, 8)).astype(np.float32)  # (T, H) a quiet σ gate
    gate[3:, 5] = 0.95  # unit 5 opens at "not"
    gate[:3, 5] = 0.05
    state = np.zeros((5, 8), np.float32)  # (T, H)
    state[1, 2] = 0.9  # a bigger jump, but at "film", not at the negation
    assert defaults.striking_step_unit({"input_gate": gate, "hidden_state": state}, tokens) == (3, 5)


def test_without_negation_the_step_of_the_largest_change():
    state = np.zeros((4, 3), np.float32)  # (T, H)
    state[2:, 1] = 0.8
    assert defaults.striking_step_unit({"hidden_state": state}, ["a", "b", "c", "d"]) == (2, 1)


def test_a_gate_swing_counts_as_much_as_a_state_swing_of_the_same_share_of_its_range():
    gate = np.array([[0.1, 0.5], [0.9, 0.5]])  # unit 0: 80 % of [0, 1]
    state = np.array([[0.0, -0.3], [0.0, 0.3]])  # unit 1: 30 % of [−1, 1]
    scores = defaults.change_scores({"update_gate": gate, "hidden_state": state}, step=1)
    assert scores == pytest.approx([0.8, 0.3])


@pytest.mark.parametrize("name", ["sentiment-lstm", "sentiment-gru"])
def test_flipping_force_is_what_the_model_does(name):
    if name not in models.available():
        pytest.skip(f"{name} not shipped")
    model = models.load(name)
    tokens = model.tokens(SENTENCE)
    choice = defaults.flipping_force(model, tokens)
    before, after = model.predict(tokens), model.predict(
        tokens, force=[Force(choice.name, choice.value, steps=None if choice.step is None else (choice.step,))])
    assert choice.before == max(before, key=before.get)
    assert choice.after == max(after, key=after.get)
    assert choice.p_after == pytest.approx(after[choice.before], abs=1e-6)
    assert choice.flips == (choice.after != choice.before)
    # if any lesion of the search flips the decision, the chosen one does
    any_flip = any(
        max(p := model.predict(tokens, force=[Force(q, v, steps=s)]), key=p.get) != choice.before
        for q in FORCEABLE[model.cell] for v in defaults.lesion_values(q) for s in (None, (3,)))
    assert choice.flips == any_flip


def test_no_force_for_a_model_without_a_classifier():
    untrained = models.random_model("LSTM", hidden_size=4, seed=0)
    assert defaults.flipping_force(untrained, ["a", "b"]) is None


def test_best_annotation_finds_the_unit_that_tracks_brackets():
    tokens = list("ab [cd] ef [g] h")
    inside = annotate("inside_brackets", tokens, "char")  # (T,)
    rng = np.random.default_rng(1)
    values = rng.normal(size=(len(tokens), 6)) * 0.1  # (T, H)
    values[:, 4] = inside + rng.normal(size=len(tokens)) * 0.01
    name, top = defaults.best_annotation({(0, 0): values}, tokens, "char")
    assert name == "inside_brackets" and top.unit == 4 and top.r > 0.99


def test_best_annotation_skips_properties_that_never_change():
    tokens = list("plain words here")  # no quotes, no brackets
    values = np.random.default_rng(2).normal(size=(len(tokens), 3))
    name, _ = defaults.best_annotation({(0, 0): values}, tokens, "char")
    assert name not in ("inside_quotes", "inside_brackets", "bracket_depth")


def test_tempest_passage_has_brackets_and_fits_the_token_cap():
    from rnnviz.models.text import MAX_TOKENS, tokenize

    tokens = tokenize(defaults.TEMPEST_PASSAGE, "char")
    assert len(tokens) <= MAX_TOKENS
    assert annotate("inside_brackets", tokens, "char").sum() > 20
