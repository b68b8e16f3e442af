"""Gate saturation fractions (Karpathy, Johnson & Fei-Fei 2015) and the built-in reference texts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.analysis.reference_text import GETTYSBURG, REFERENCES, SONNET_18, for_level
from rnnviz.analysis.saturation import SIGMOID_GATES, gate_saturation, saturation, tanh_saturation
from rnnviz.models.text import tokenize


def test_fractions_by_hand():
    # 4 steps, 3 units. Thresholds are strict: exactly 0.1 or 0.9 is not saturated.
    v = np.array([[0.05, 0.5, 0.95],
                  [0.10, 0.5, 0.90],
                  [0.00, 0.95, 1.00],
                  [0.95, 0.5, 0.99]], dtype=np.float32)
    s = saturation(v)
    np.testing.assert_allclose(s.left, [0.5, 0.0, 0.0])
    np.testing.assert_allclose(s.right, [0.25, 0.25, 0.75])
    assert s.steps == 4
    assert np.all(s.left + s.right <= 1.0)


def test_tanh_saturation_counts_both_tails():
    h = np.array([[-0.95, 0.0], [0.2, 0.99], [-0.91, -0.5]])
    s = tanh_saturation(h)
    np.testing.assert_allclose(s.left, [2 / 3, 0.0])
    np.testing.assert_allclose(s.right, [0.0, 1 / 3])


@pytest.mark.parametrize("bad", [np.zeros((0, 3)), np.zeros(5), np.zeros((2, 3, 4))])
def test_refuses_what_is_not_one_gate_over_time(bad):
    with pytest.raises(ValueError):
        saturation(bad)


def test_forced_open_forget_gate_is_right_saturated_everywhere():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 6, bidirectional=True).eval()
    x = torch.randn(30, 4)
    forced = rnnviz.trace(lstm, x, force={"forget_gate": 1.0})
    sat = gate_saturation(forced.get, SIGMOID_GATES["LSTM"], 1, 2)
    assert set(sat) == {(g, 0, d) for g in ("input_gate", "forget_gate", "output_gate") for d in (0, 1)}
    for d in (0, 1):
        np.testing.assert_array_equal(sat["forget_gate", 0, d].right, np.ones(6))
        np.testing.assert_array_equal(sat["forget_gate", 0, d].left, np.zeros(6))
    # Without forcing, the fractions are those of the traced gate values, unit by unit.
    free = rnnviz.trace(lstm, x)
    i_gate = free.get("input_gate")  # (T, H)
    s = saturation(i_gate)
    assert s.left[2] == np.mean(i_gate[:, 2] < 0.1) and s.right[2] == np.mean(i_gate[:, 2] > 0.9)


def test_a_large_update_bias_saturates_the_gru_update_gate():
    torch.manual_seed(1)
    gru = torch.nn.GRU(3, 4).eval()
    with torch.no_grad():
        gru.bias_ih_l0[4:8] = 20.0  # z block of (r, z, n): σ(≈20) ≈ 1 at every step
    tr = rnnviz.trace(gru, torch.randn(25, 3))
    sat = gate_saturation(tr.get, SIGMOID_GATES["GRU"])
    np.testing.assert_array_equal(sat["update_gate", 0, 0].right, np.ones(4))
    assert np.all(sat["reset_gate", 0, 0].right < 1.0)


def test_reference_texts_are_long_enough_and_plain():
    words = tokenize(GETTYSBURG.text, "word")
    assert 250 <= len(words) <= 400  # enough steps for stable fractions; within the app's token cap
    assert words[:4] == ["Four", "score", "and", "seven"] and words[-2:] == ["earth", "."]
    assert 550 <= len(tokenize(SONNET_18.text, "char")) <= 700
    assert SONNET_18.text.startswith("Shall I compare thee to a summer's day?")
    for ref in REFERENCES.values():
        assert ref.text.isascii() and ref.year < 1900
    assert for_level("char") is SONNET_18 and for_level("word") is GETTYSBURG
