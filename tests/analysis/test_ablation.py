"""rnnviz.analysis.ablation: the force spec, the next-token probability, the forced translation."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.analysis import ablation
from rnnviz.models import random_model


def test_spec_checks_name_and_range_and_builds_forces():
    spec = ablation.ForceSpec("forget_gate", 1.0, units=(1, 2), steps=(0,), layer=0, direction=None)
    spec.check("LSTM")
    (f,) = spec.forces()
    assert (f.name, f.value, tuple(f.units), tuple(f.steps), f.layer, f.direction) == ("forget_gate", 1.0, (1, 2), (0,), 0, None)
    with pytest.raises(ValueError, match="cannot force"):
        ablation.ForceSpec("forget_gate", 1.0).check("GRU")
    with pytest.raises(ValueError, match="must be in"):
        ablation.ForceSpec("input_gate", 1.5).check("LSTM")
    assert ablation.value_bounds("cell_candidate") == (-1.0, 1.0)


def test_forcing_changes_only_what_it_should():
    model = random_model("LSTM", hidden_size=6, seed=4)
    tokens = ["a", "b", "c", "d"]
    base = model.trace(tokens)
    forced = model.trace(tokens, force=ablation.ForceSpec("input_gate", 0.0, units=(2,), steps=(1,)).forces())
    assert forced.get("input_gate")[1, 2] == 0.0
    assert np.allclose(forced.get("hidden_state")[0], base.get("hidden_state")[0], atol=1e-6)  # before the step
    assert not np.allclose(forced.get("cell_state")[1:, 2], base.get("cell_state")[1:, 2], atol=1e-4)  # after


def test_next_token_probability_and_log_likelihood():
    probs = np.array([[0.1, 0.9], [0.5, 0.5], [1.0, 0.0]])
    p = ablation.next_token_probability(probs, [1, 0])
    assert list(p) == [0.9, 0.5]
    assert ablation.mean_log_likelihood(p) == pytest.approx(np.mean(np.log([0.9, 0.5])))


@pytest.mark.skipif("numbers-seq2seq" not in __import__("rnnviz.models").models.available(),
                    reason="seq2seq model not shipped yet")
def test_forced_translation_without_force_is_the_models_own_decoding():
    from rnnviz import Force, models

    model = models.load("numbers-seq2seq")
    for text in ("forty two", "nine hundred and ninety nine", "seven"):
        tokens = model.tokens(text)
        assert ablation.forced_translation(model, tokens) == model.predict(tokens)
    changed = ablation.forced_translation(model, model.tokens("forty two"), [Force("hidden_state", 0.0)])
    assert isinstance(changed, str)
