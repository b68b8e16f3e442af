"""State space against independent computations: numpy's SVD, the traces, the model's own head."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz import models
from rnnviz.analysis import state_space
from rnnviz.analysis.recurrence import layout

torch.set_num_threads(1)


def test_projection_equals_numpy_svd():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 12)) @ rng.standard_normal((12, 12))
    pca = state_space.PCA.fit(X, k=3)
    centred = X - X.mean(axis=0)
    u, sing, vt = np.linalg.svd(centred, full_matrices=False)
    expected = u[:, :3] * sing[:3]                      # coordinates on the top three components
    got = pca.transform(X)
    signs = np.sign(np.sum(got * expected, axis=0))     # a principal direction's sign is arbitrary
    assert np.allclose(got * signs, expected, atol=1e-9)
    assert np.allclose(pca.variance_ratio, sing ** 2 / np.sum(sing ** 2))
    assert pca.dimension(0.9) == int(np.argmax(np.cumsum(sing ** 2) / np.sum(sing ** 2) >= 0.9)) + 1


@pytest.mark.parametrize("cell, bidirectional", [("LSTM", False), ("GRU", True), ("RNN", False)])
def test_reference_states_are_the_traced_states(cell, bidirectional):
    model = models.random_model(cell, bidirectional=bidirectional, hidden_size=6, seed=1)
    texts = ["a good film", "not a good film at all"]
    ref = state_space.reference(model, texts)
    tr = model.trace(model.tokens(texts[1]))
    T0 = len(model.tokens(texts[0]))
    for d in range(2 if bidirectional else 1):
        h = tr.get("hidden_state", 0, d)
        assert np.array_equal(ref.states[d][T0:, :6], h)
        if cell == "LSTM":
            assert np.array_equal(ref.states[d][T0:, 6:], tr.get("cell_state", 0, d))
        # the final state is the one the head reads: forward after the last token, backward after the first
        assert np.array_equal(ref.finals[d][1, :6], h[-1] if d == 0 else h[0])
    assert list(ref.lengths) == [len(model.tokens(t)) for t in texts]


def test_reference_sets_per_kind_of_model():
    word = models.random_model("GRU", hidden_size=4)
    char = models.random_model("GRU", hidden_size=4, level="char")
    assert len(state_space.reference_texts(word)) >= 100           # the sentiment probe set
    chunks = state_space.reference_texts(char)
    assert len(chunks) == state_space.N_CHUNKS and all(len(c) == state_space.CHUNK_CHARS for c in chunks)


@pytest.mark.skipif("sentiment-lstm" not in models.available(), reason="sentiment model not shipped")
def test_readout_of_final_state_is_the_models_prediction():
    model = models.load("sentiment-lstm")
    tokens = model.tokens("not bad at all , a fine film")
    states = state_space.trajectory(model, tokens)[0]
    values = state_space.readout_values(model, states)
    assert np.isclose(values[-1], model.predict(tokens)["positive"], atol=1e-5)
    # every prefix: the prediction had the sentence ended there
    for t in (0, 3):
        assert np.isclose(values[t], model.predict(tokens[:t + 1])["positive"], atol=1e-5)
    w = state_space.readout_direction(model)
    lay = layout(model.module)
    W = model.head.weight.detach().double().numpy()
    expected = W[1] - W[0]
    assert np.allclose(w[lay.top_h()], expected / np.linalg.norm(expected)) and np.all(w[lay.h_size:] == 0)


@pytest.mark.skipif("shakespeare-gru" not in models.available(), reason="language model not shipped")
def test_language_model_readout_is_next_character_entropy():
    model = models.load("shakespeare-gru")
    tokens = model.tokens("To be, or not")
    states = state_space.trajectory(model, tokens)[0]
    p = model.predict(tokens).astype(np.float64)                     # (T, V)
    expected = -(p * np.log2(np.clip(p, 1e-30, None))).sum(axis=1)
    assert np.allclose(state_space.readout_values(model, states), expected, atol=1e-4)


def test_example_pairs_read_two_sentences_per_pair(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("pair\tkind\tlabel\tsentence\np1\tnegation\tpositive\tthe film is good\n"
                    "p1\tnegation\tnegative\tthe film is not good\np2\tx\tpositive\tlonely\n", encoding="utf-8")
    assert state_space.example_pairs(path) == [("the film is good", "the film is not good")]
    assert state_space.example_pairs(tmp_path / "absent.tsv") == []
