"""The lecture's claim, by experiment, on a short lag and budget (the page's lag-100 runs are in
assets/lab and re-checked by tests/lab/test_runs.py and the AppTest): with the default options
(H = 32, Adam 1e-2, gradient clipping, chrono keep-gate bias) LSTM and GRU learn to recall a symbol
across 40 distractors in 150 steps, seeds 0 and 1; the classic RNN stays near chance (0.25)."""

import pytest

from rnnviz.lab import train

LAG, STEPS = 40, 150


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_gated_cells_remember_across_the_lag(cell, seed):
    run = train("delayed-recall", cell, seed=seed, lag=LAG, steps=STEPS)
    assert run.final_accuracy >= 0.9


@pytest.mark.parametrize("seed", [0, 1])
def test_classic_rnn_does_not(seed):
    run = train("delayed-recall", "RNN", seed=seed, lag=LAG, steps=STEPS)
    assert run.final_accuracy <= 0.6


def test_lstm_with_pytorch_default_bias_does_not_at_this_budget():
    run = train("delayed-recall", "LSTM", seed=0, lag=LAG, steps=STEPS, gate_bias="default")
    assert run.final_accuracy <= 0.6
