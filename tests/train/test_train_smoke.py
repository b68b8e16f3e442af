"""Every training command runs end to end on a tiny subset (`--smoke`): seconds, no network
(sentiment trains on the shipped probe set, the language models on the shipped Tempest excerpt,
the synthetic tasks generate their data), writes a loadable asset folder, never touches assets/."""
from __future__ import annotations

import json

import pytest
import torch

from rnnviz import models
from rnnviz.train import TRAINERS
from rnnviz.train.__main__ import main
from rnnviz.train.common import ASSETS


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    # an empty data cache: any attempt to fetch would call pip; make that fail loudly instead
    monkeypatch.setenv("RNNVIZ_DATA", str(tmp_path / "empty-cache"))
    import subprocess

    def refuse(*a, **k):
        raise AssertionError(f"smoke run tried to run {a}")
    monkeypatch.setattr(subprocess, "run", refuse)


@pytest.mark.parametrize("name", list(TRAINERS))
def test_smoke_training_writes_a_loadable_model(name, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in ASSETS.rglob("*") if p.is_file()} if ASSETS.exists() else {}
    assert main([name, "--smoke", "--out", str(tmp_path)]) == 0
    folder = tmp_path / name
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["training"]["smoke"] is True and config["name"] == name and config["metrics"]
    model = models.load_dir(folder)
    text = {"seq2seq": "forty two", "counter": "aabb"}.get(model.task, "a good film")
    assert model.predict(text) is not None
    after = {p: p.stat().st_mtime_ns for p in ASSETS.rglob("*") if p.is_file()} if ASSETS.exists() else {}
    assert before == after


def test_smoke_refuses_assets_dir_and_unknown_names():
    with pytest.raises(SystemExit):
        main(["anbn-lstm", "--smoke", "--out", str(ASSETS.parent / "models")])
    with pytest.raises(SystemExit):
        main(["no-such-model", "--smoke"])


def test_sentiment_seeds_and_weight_averaging_choose_on_development_data_only(tmp_path):
    """recipe "seeds": one run per seed, the kept one chosen on validation accuracy and development
    pairs (never the test split); "swa_start": from that epoch the averaged weights are scored too."""
    from rnnviz.train import sentiment

    config = sentiment.train("GRU", False, tmp_path / "m", smoke=True, log=lambda *a: None,
                             recipe={"seeds": 3, "swa_start": 1, "distill": 0})
    tried, tr = config["training"]["seeds_tried"], config["training"]
    assert [c["seed"] for c in tried] == [17, 18, 19]
    assert sentiment.choose(tried) in tried
    best = sentiment.choose(tried)
    assert tr["seed"] == best["seed"] and config["metrics"]["valid_accuracy"] == best["valid_accuracy"]
    assert config["metrics"]["dev_pairs_wholly_right"] == best["dev_pairs"]
    assert all("averaged_valid_accuracy" in h for h in tr["history"])
    # the kept validation accuracy is the best of each epoch's raw and averaged weights
    assert best["valid_accuracy"] == max(max(h["valid_accuracy"], h["averaged_valid_accuracy"]) for h in tr["history"])
    # one seed, no student: nothing to choose, nothing recorded
    single = sentiment.train("GRU", False, tmp_path / "one", smoke=True, log=lambda *a: None,
                             recipe={"seeds": 1, "distill": 0})
    assert "seeds_tried" not in single["training"] and "dev_pairs_wholly_right" not in single["metrics"]


def test_sentiment_student_learns_from_the_seeds_mean_prediction(tmp_path, monkeypatch):
    """The shipped recipe: three seeds, then a student (seed 20) whose loss mixes the labels with
    the seeds' mean softmax on each training item; all four compete in the choice."""
    from rnnviz.train import sentiment

    seen = {}
    fit = sentiment.fit

    def spy(*args, soft=None, **kwargs):
        out = fit(*args, soft=soft, **kwargs)
        seen.setdefault("nets", []).append(out[0])
        if soft is not None:
            seen["soft"] = soft
        return out
    monkeypatch.setattr(sentiment, "fit", spy)
    config = sentiment.train("LSTM", False, tmp_path / "m", smoke=True, log=lambda *a: None)
    tried = config["training"]["seeds_tried"]
    assert [c["seed"] for c in tried] == [17, 18, 19, 20] and [bool(c.get("student")) for c in tried] == [0, 0, 0, 1]
    teachers, soft = seen["nets"][:3], seen["soft"]
    probe = sentiment.read_probe()
    assert soft.shape == (len(probe[::2]), 2) and torch.allclose(soft.sum(-1), torch.ones(len(soft)))
    vocab = sentiment.build_vocab(probe[::2], 1, sentiment.HYPER["max_vocab"])
    encoded = sentiment.encode(probe[::2], vocab)
    assert torch.allclose(soft, sentiment.teacher_probabilities(teachers, encoded), atol=1e-6)
    assert "the student learnt from the seeds' mean prediction" in (tmp_path / "m" / "card.md").read_text()


def test_choice_prefers_validation_accuracy_among_runs_that_clear_the_pairs_bar():
    from rnnviz.train.sentiment import DEV_PAIRS_BAR, choose

    run = lambda seed, valid, dev: {"seed": seed, "valid_accuracy": valid, "dev_pairs": dev}  # noqa: E731
    assert choose([run(1, 0.83, 0.70), run(2, 0.80, DEV_PAIRS_BAR), run(3, 0.81, 0.85)])["seed"] == 3
    assert choose([run(1, 0.83, 0.70), run(2, 0.80, 0.75)])["seed"] == 2      # none clears: the best sum
    assert choose([run(1, 0.80, 0.85), run(2, 0.80, 0.85)])["seed"] == 1      # a tie: the earlier seed


def test_rule_built_items_can_keep_their_hard_labels_in_distillation():
    from rnnviz.train.sentiment import labels_from

    soft = torch.tensor([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]])
    encoded = [([1], 1), ([2], 0), ([3], 0), ([4], 1)]
    got = labels_from(soft, encoded, 2)
    assert torch.equal(got[:2], soft[:2]) and torch.equal(got[2:], torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    assert torch.equal(soft[2], torch.tensor([0.2, 0.8]))   # the teachers' tensor is not changed


@pytest.mark.parametrize("name", ["sentiment-gru", "shakespeare-gru"])
def test_quiet_test_withholds_every_test_number(name, tmp_path, capsys):
    """--quiet-test (issue 11's firewall): the held-out test numbers the trainer reports without it
    (sentiment: official test and minimal pairs; language models: Tempest, Milton, the 5-gram)
    appear nowhere in the log with it, while validation still does."""
    assert main([name, "--smoke", "--out", str(tmp_path / "loud")]) == 0
    loud = capsys.readouterr().out
    assert main([name, "--smoke", "--out", str(tmp_path / "quiet"), "--quiet-test"]) == 0
    quiet = capsys.readouterr().out
    config = json.loads((tmp_path / "quiet" / name / "config.json").read_text(encoding="utf-8"))
    test_keys = [k for k in config["metrics"] if k.startswith(("test_", "pairs_", "ood_", "ngram_"))]
    assert test_keys and "[test] " in loud and "[test] " not in quiet
    for key in test_keys:
        assert f"'{key}'" in loud and f"'{key}'" not in quiet
    assert "valid" in quiet


def app_matches_torch(folder, text: str) -> float:
    """Largest gap between the app's next-character probabilities (its own step-by-step trace) and
    torch's fused float32 forward of a TokenLM loaded from the saved safetensors."""
    import torch.nn.functional as F
    from safetensors.torch import load_file

    from rnnviz.train import charlm

    model = models.load_dir(folder)
    ids = torch.tensor([model.vocab.encode(list(text))])
    c = model.config
    net = charlm.TokenLM(len(model.vocab.itos), c["embedding_dim"], c["hidden_size"], c["cell"],
                         num_layers=c["num_layers"])
    net.load_state_dict(load_file(folder / "model.safetensors"))
    net.eval()
    with torch.no_grad():
        want = F.softmax(net(ids)[0][0], -1).numpy()                          # (T, V)
    return float(abs(model.predict(text) - want).max())


def largest_weight_change(a, b) -> float:
    from safetensors.torch import load_file

    a, b = load_file(a / "model.safetensors"), load_file(b / "model.safetensors")
    return max((a[k] - b[k]).abs().max().item() for k in a)


def test_two_layer_character_model_runs_through_the_apps_path(tmp_path, monkeypatch):
    """charlm's ``num_layers``: the saved model rebuilds a 2-layer module, and the app's
    next-character probabilities (its own step-by-step trace) equal the torch net's forward."""
    from rnnviz.train import charlm

    monkeypatch.setitem(charlm.HYPER, "num_layers", 2)
    charlm.train("LSTM", tmp_path, smoke=True, log=lambda *a: None)
    model = models.load_dir(tmp_path)
    assert model.module.num_layers == 2 and model.config["num_layers"] == 2
    assert "2 stacked `nn.LSTM` layers" in model.card and "single-layer" not in model.card
    assert app_matches_torch(tmp_path, "To be, or not") < 1e-5


def test_bf16_training_changes_the_arithmetic_not_what_is_saved(tmp_path, monkeypatch):
    """charlm's ``bf16``: the training forward runs under bfloat16 autocast (so the weights differ
    from a float32 run of the same seed), the saved weights are float32, the card says so, and the
    app's next-character probabilities equal torch's float32 forward on them."""
    from safetensors.torch import load_file

    from rnnviz.train import charlm

    charlm.train("GRU", tmp_path / "fp32", smoke=True, log=lambda *a: None)
    monkeypatch.setitem(charlm.HYPER, "bf16", True)
    charlm.train("GRU", tmp_path / "bf16", smoke=True, log=lambda *a: None)
    assert all(t.dtype == torch.float32 for t in load_file(tmp_path / "bf16" / "model.safetensors").values())
    assert largest_weight_change(tmp_path / "fp32", tmp_path / "bf16") > 1e-4
    card = (tmp_path / "bf16" / "card.md").read_text()
    assert "bfloat16 autocast" in card and "bfloat16" not in (tmp_path / "fp32" / "card.md").read_text()
    assert app_matches_torch(tmp_path / "bf16", "Full fathom five") < 1e-5


def test_output_dropout_is_a_training_option_the_card_states(tmp_path, monkeypatch):
    from rnnviz.train import charlm

    charlm.train("LSTM", tmp_path / "plain", smoke=True, log=lambda *a: None)
    monkeypatch.setitem(charlm.HYPER, "dropout", 0.3)
    charlm.train("LSTM", tmp_path / "dropout", smoke=True, log=lambda *a: None)
    assert largest_weight_change(tmp_path / "plain", tmp_path / "dropout") > 1e-4
    assert "dropout 0.3 on the recurrent outputs" in (tmp_path / "dropout" / "card.md").read_text()
    assert "dropout" not in (tmp_path / "plain" / "card.md").read_text()
    assert models.load_dir(tmp_path / "dropout").config["hyper_parameters"]["dropout"] == 0.3


def test_weight_average_is_the_mean_of_the_weights_after_each_step_from_its_start(tmp_path, monkeypatch):
    """charlm's ``average_from``: with 6 smoke steps and 0.5 the running mean covers steps 4-6; when
    validation scores it best (forced here: the scores are scripted) the saved weights are exactly
    the mean of the weights after steps 4, 5 and 6, and the config and card say what was kept."""
    from safetensors.torch import load_file

    from rnnviz.train import charlm

    nets, after_step = [], []
    real_step = torch.optim.Adam.step

    class Recorded(charlm.TokenLM):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            nets.append(self)

    def step(self, *a, **k):
        out = real_step(self, *a, **k)
        after_step.append({n: t.detach().clone() for n, t in nets[0].state_dict().items()})
        return out

    scripted = iter([5.0, 5.0, 4.0])     # step 3: weights; step 6: weights, then the mean (kept)
    real_bpc = charlm.bits_per_char
    monkeypatch.setattr(charlm, "TokenLM", Recorded)
    monkeypatch.setattr(torch.optim.Adam, "step", step)
    monkeypatch.setattr(charlm, "bits_per_char", lambda net, ids, *a: next(scripted, None) or real_bpc(net, ids, *a))
    monkeypatch.setitem(charlm.HYPER, "average_from", 0.5)
    charlm.train("GRU", tmp_path, smoke=True, log=lambda *a: None)

    assert len(after_step) == 6
    saved = load_file(tmp_path / "model.safetensors")
    for name in saved:
        mean = torch.stack([s[name] for s in after_step[3:]]).mean(0)
        assert torch.allclose(saved[name], mean, atol=1e-6), name
    assert any(not torch.allclose(saved[n], after_step[-1][n], atol=1e-6) for n in saved)   # not just the last
    model = models.load_dir(tmp_path)
    config = model.config
    assert config["training"]["kept"] == "mean of steps 4-6" and config["metrics"]["valid_bits_per_char"] == 4.0
    assert [h.get("averaged_steps") for h in config["training"]["history"]] == [None, 3]
    assert "from step 4 a running mean of the weights" in model.card
    assert app_matches_torch(tmp_path, "Full fathom five") < 1e-5
