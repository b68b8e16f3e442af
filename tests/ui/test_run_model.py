"""ui.models.run_model returns the one picklable rnnviz.Trace (with the typed prediction) for the
untrained cell and the shipped models alike, and tokens_for says what was kept and the total."""

from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz import models as registry
from rnnviz.models import ClassProbabilities
from rnnviz.models.text import MAX_TOKENS
from ui import models


def test_untrained_choice_gives_a_trace_equal_to_the_model_trace():
    choice = models.Choice(cell="Bi-GRU", layers=2, hidden=4, seed=3)
    tr = models.run_model(choice, ("the", "cat", "sat"))
    assert isinstance(tr, rnnviz.Trace) and tr.prediction is None and tr.units == 4
    direct = models.get_model(choice).trace(["the", "cat", "sat"])
    for name in tr.quantities:
        np.testing.assert_array_equal(tr.get(name, 1, 1), direct.get(name, 1, 1))
    kept, total = models.tokens_for(choice, "a " * (MAX_TOKENS + 3))
    assert len(kept) == MAX_TOKENS and total == MAX_TOKENS + 3


def test_shipped_classifier_choice_carries_its_prediction():
    if "sentiment-lstm" not in registry.available():
        pytest.skip("sentiment-lstm not shipped")
    choice = models.Choice(name="sentiment-lstm")
    tr = models.run_model(choice, ("not", "bad"))
    assert isinstance(tr.prediction, ClassProbabilities)
    assert tr.prediction.probabilities == pytest.approx(registry.load("sentiment-lstm").predict(["not", "bad"]))
