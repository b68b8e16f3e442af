"""The raters' mean score as a training target (sentiment recipe key ``rating_targets``) and the
rated sentences the ±0.5 labelling drops (``neutral_snippets``): no data download needed."""
from __future__ import annotations

import math

import pytest
import torch

from rnnviz.train import common, data, sentiment


def test_rating_targets_soften_rated_sentences_and_keep_rule_built_labels():
    rows = [("a fine film", 1), ("dull", 0), ("meh", 1), ("not good", 0), ("good", 1)]
    scores = {"a fine film": 0.6, "dull": -3.1, "meh": 0.1}
    got = sentiment.rating_targets(rows, 3, scores, scale=2.0)                  # (5, 2)
    want_p = [1 / (1 + math.exp(-2.0 * r)) for r in (0.6, -3.1, 0.1)]
    assert torch.allclose(got[:3, 1], torch.tensor(want_p)) and torch.allclose(got.sum(-1), torch.ones(5))
    assert got[0, 1] < 1 / (1 + math.exp(-2.0 * 3.1))      # barely positive is a softer target than strongly
    assert torch.equal(got[3:], torch.tensor([[1.0, 0.0], [0.0, 1.0]]))          # rule-built: exact labels
    with pytest.raises(KeyError):                                               # a rated item needs a rating
        sentiment.rating_targets(rows, 4, scores, 2.0)


def test_one_hot_targets_train_exactly_like_the_labels():
    """The targets' loss −Σ t·log softmax is cross-entropy when t is one-hot: same seed, same weights."""
    probe = sentiment.read_probe()
    hp = {**sentiment.HYPER, **sentiment.SMOKE, "max_epochs": 1, "swa_start": 0}
    vocab = sentiment.build_vocab(probe, 1, hp["max_vocab"])
    enc = sentiment.encode(probe, vocab)
    one_hot = torch.nn.functional.one_hot(torch.tensor([y for _, y in enc]), 2).float()
    runs = [sentiment.fit(hp, "GRU", False, 17, vocab, enc, enc, log=lambda *a: None,
                          timer=common.Timer(), targets=t)[0] for t in (None, one_hot)]
    for (k, a), b in zip(runs[0].state_dict().items(), runs[1].state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), k
    soft = sentiment.fit(hp, "GRU", False, 17, vocab, enc, enc, log=lambda *a: None, timer=common.Timer(),
                         targets=one_hot * 0.8 + 0.1)[0]
    assert not torch.allclose(soft.head.weight, runs[0].head.weight)             # the targets do reach the loss


def test_neutral_rows_are_the_sentences_the_labelling_drops(tmp_path, monkeypatch):
    files = {"movie.txt": "1\t0.3\tit is a film\n2\t2.5\tgreat\n\n3\t-0.5\tsomewhat long\n",
             "tweets.txt": "7\t-0.2\tmonday again\n8\t-1.7\tawful\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(data, "ground_truth_paths", lambda download=True: {n: tmp_path / n for n in files})
    assert data.ratings(tmp_path / "movie.txt") == [("it is a film", 0.3), ("great", 2.5), ("somewhat long", -0.5)]
    assert sentiment.neutral_rows(threshold=0.5) == [("it is a film", 1), ("somewhat long", 0), ("monday again", 0)]
    assert data._rated(tmp_path / "movie.txt", 0.5) == [("great", 1)]
    monkeypatch.setattr(data, "ground_truth_paths", lambda download=True: None)
    assert sentiment.neutral_rows(download=False) is None


def test_neutral_sentences_sit_among_the_rated_ones_and_leave_the_rule_built_items_unchanged(monkeypatch):
    """Rule-built items come from the labelled sentences only, so adding the neutral ones changes
    nothing else; they come before the rule-built items (the student's soft targets cover them)."""
    polar = [("the acting in this old film is superb", 1), ("the score of the whole movie is superb", 1),
             ("the plot of this long story is awful", 0), ("the pacing of the second half is awful", 0),
             ("good fun", 1), ("bad writing", 0), ("i love it", 1), ("i hate it", 0)]
    monkeypatch.setattr(data, "other_snippets", lambda download=True, threshold=0.5: {"tweets_GroundTruth.txt": polar[4:]})
    monkeypatch.setattr(data, "lexicon", lambda download=True: {"wonderful": 2.7, "dull": -1.7, "superb": 3.1,
                                                                "awful": -2.0, "good": 1.9, "bad": -2.5,
                                                                "love": 3.2, "hate": -2.7, "enjoy": 2.2})
    # a neutral sentence the rules could use (were it a source) for "the ending is not superb"
    neutral = [("the ending is superb", 1), ("somewhat long", 0)]
    monkeypatch.setattr(sentiment, "neutral_rows", lambda download=True, threshold=0.5: neutral)
    hp = {**sentiment.HYPER, "negation": 20, "contrasts": 20, "verbs": 10, "double_negation": 10}
    without, counts = sentiment.training_rows(hp, polar[:4])
    with_neutral, counts_n = sentiment.training_rows({**hp, "neutral_snippets": True}, polar[:4])
    assert counts_n == {**counts, "neutral": 2} and list(counts_n).index("neutral") == 2
    n = len(polar)    # the movie training rows, then the other snippets
    assert with_neutral == without[:n] + neutral + without[n:]
    assert counts["negated_sentences"] > 0 and not any("ending" in text for text, _ in with_neutral[n + 2:])
