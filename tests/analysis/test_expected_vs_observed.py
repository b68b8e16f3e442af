"""Expected vs observed is measured, not written down: each number recomputed independently."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz import models
from rnnviz.analysis import dynamics, expected_vs_observed, state_space

torch.set_num_threads(1)


@pytest.mark.skipif("sentiment-rnn" not in models.available(), reason="sentiment model not shipped")
def test_observed_numbers_recomputed_from_the_model():
    model = models.load("sentiment-rnn")
    ref = state_space.reference(model)
    fixed = [dynamics.fixed_points(model, reference_states=ref.states[0])]
    (row,) = expected_vs_observed.observe(model, ref, fixed)
    X = ref.states[0].astype(np.float64)
    sing = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    share = np.cumsum(sing ** 2) / np.sum(sing ** 2)
    assert np.isclose(row.variance_top2, share[1]) and np.isclose(row.variance_top3, share[2])
    fp = fixed[0]
    assert row.fixed_points == len(fp)
    stable = np.abs(fp.eigenvalues[:, 0]) < 1
    assert row.stable_points == int(stable.sum())
    assert np.isclose(row.slowest_tau, max(1 / abs(np.log(abs(lam))) for lam in fp.eigenvalues[stable].ravel()))
    if len(fp) >= 2:
        P = fp.points - fp.points.mean(axis=0)
        first = np.linalg.svd(P, full_matrices=False)[2][0]
        W = model.head.weight.detach().double().numpy()
        w = W[1] - W[0]
        assert np.isclose(row.alignment, abs(first @ w) / np.linalg.norm(first) / np.linalg.norm(w))
    assert row.sentence_length == np.median([len(model.tokens(t)) for t in ref.texts])
    assert isinstance(expected_vs_observed.sentence(row), str)
    table = expected_vs_observed.table([row])
    assert "sentiment-rnn" in table and f"{row.variance_top3:.2f}" in table
