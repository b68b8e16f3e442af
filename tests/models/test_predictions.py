"""Model.run / Model.prediction / Model.steps: the typed prediction equals the raw readout, and
steps say what was kept and the total."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from rnnviz import models
from rnnviz.models import ClassProbabilities, NextTokens, Translation
from rnnviz.models.text import MAX_TOKENS


def shipped(task):
    names = [row["name"] for row in models.catalog() if row["task"] == task]
    if not names:
        pytest.skip(f"no shipped {task} model")
    return models.load(names[0])


def test_classifier_prediction_is_its_readout():
    m = shipped("classify")
    tokens = m.tokens("not bad at all")
    tr = m.run(tokens)
    assert isinstance(tr.prediction, ClassProbabilities)
    assert tr.prediction.probabilities == pytest.approx(m.predict(tokens))
    assert pickle.loads(pickle.dumps(tr)).prediction == tr.prediction


def test_language_model_prediction_and_top_k():
    m = shipped("language-model")
    tokens = m.tokens("ROMEO. ")
    tr = m.run(tokens)
    assert isinstance(tr.prediction, NextTokens)
    np.testing.assert_array_equal(tr.prediction.probabilities, m.predict(tokens))
    top = tr.prediction.top(5)
    assert len(top) == len(tokens) and all(len(row) == 5 for row in top)
    t, (tok, p) = 2, top[2][0]
    assert p == pytest.approx(float(tr.prediction.probabilities[t].max()))
    assert tok == m.vocab.itos[int(tr.prediction.probabilities[t].argmax())]


def test_seq2seq_prediction_is_its_translation_also_when_forced():
    from rnnviz import Force
    from rnnviz.analysis.ablation import forced_translation

    m = shipped("seq2seq")
    tokens = m.tokens("three hundred and twelve")
    assert m.run(tokens).prediction == Translation(m.predict(tokens))
    forces = [Force("hidden_state", 0.0)]
    assert m.run(tokens, force=forces).prediction == Translation(forced_translation(m, tokens, forces))


def test_untrained_model_has_no_prediction_and_steps_count_the_total():
    m = models.random_model("GRU", hidden_size=4)
    assert m.run(["a", "b"]).prediction is None
    steps = m.steps("a " * (MAX_TOKENS + 5))
    assert len(steps.tokens) == MAX_TOKENS and steps.total == MAX_TOKENS + 5 and steps.clipped
    assert m.tokens("a b") == m.steps("a b").tokens == ["a", "b"]
