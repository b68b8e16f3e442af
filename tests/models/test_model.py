"""The Model wrapper and the untrained (random) cells the app offers next to trained models."""

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.models import CELL_CHOICES, Model, hashed_embedding, random_model


@pytest.mark.parametrize("choice", list(CELL_CHOICES))
def test_random_model_every_cell_choice_traces_exactly(choice):
    cell, bi = CELL_CHOICES[choice]
    m = random_model(cell, bi, num_layers=2, hidden_size=8, seed=3)
    assert m.cell == cell and m.bidirectional == bi and not m.trained
    toks = m.tokens("What time is it ?")
    tr = m.trace(toks)
    out = m.module(m.inputs(toks))[0]
    assert torch.allclose(tr.output, out, atol=1e-5)
    assert tr.get("hidden_state", 1, int(bi)).shape == (5, 8)


def test_random_model_is_seeded_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = random_model("GRU", seed=7)
    after = torch.rand(1)
    b = random_model("GRU", seed=7)
    c = random_model("GRU", seed=8)
    assert torch.equal(before, after)
    assert torch.equal(a.module.weight_hh_l0, b.module.weight_hh_l0)
    assert not torch.equal(a.module.weight_hh_l0, c.module.weight_hh_l0)


def test_hashed_embedding_same_token_same_vector():
    e = hashed_embedding(["it", "is", "it"], 6)
    assert e.shape == (3, 6) and e.dtype == torch.float32
    assert torch.equal(e[0], e[2]) and not torch.equal(e[0], e[1])
    assert hashed_embedding([], 4).shape == (0, 4)


def test_classifier_readout_uses_both_final_states_and_reacts_to_force():
    torch.manual_seed(0)
    module = torch.nn.GRU(4, 3, bidirectional=True)
    head = torch.nn.Linear(6, 2)
    vocab = rnnviz.models.text.Vocab(["good", "bad"], lowercase=True)
    emb = torch.nn.Embedding(len(vocab), 4)
    m = Model("toy", module, task="classify", vocab=vocab, embedding=emb, head=head,
              labels=["negative", "positive"])
    p = m.predict("Good, not bad")
    assert set(p) == {"negative", "positive"} and sum(p.values()) == pytest.approx(1.0)
    x = emb(torch.tensor(vocab.encode(m.tokens("Good, not bad"))))
    h_n = module(x)[1]
    want = torch.softmax(head(torch.cat([h_n[0], h_n[1]])), -1)
    assert p["positive"] == pytest.approx(want[1].item(), abs=1e-6)
    assert m.unknown(m.tokens("Good, not bad")) == [",", "not"]
    forced = m.predict("Good, not bad", force={"update_gate": 1.0})  # state frozen at h0 = 0
    assert forced["positive"] == pytest.approx(torch.softmax(head.bias, -1)[1].item(), abs=1e-6)


def test_empty_text_is_a_clear_error():
    with pytest.raises(ValueError, match="no tokens"):
        random_model().trace("   ")


def test_language_model_readout_shape():
    torch.manual_seed(0)
    vocab = rnnviz.models.text.Vocab(list("abc "), unk=None)
    m = Model("lm", torch.nn.LSTM(3, 5), task="language-model", level="char", vocab=vocab,
              embedding=torch.nn.Embedding(4, 3), head=torch.nn.Linear(5, 4))
    probs = m.predict("ab c")
    assert probs.shape == (4, 4) and probs.dtype == np.float32
    assert np.allclose(probs.sum(1), 1.0, atol=1e-6)
