"""Every training command runs end to end on a tiny subset (`--smoke`): seconds, no network
(sentiment trains on the shipped probe set, the language models on the shipped Tempest excerpt,
the synthetic tasks generate their data), writes a loadable asset folder, never touches assets/."""
from __future__ import annotations

import json

import pytest

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
    """recipe "seeds": one run per seed, the kept one maximises validation accuracy + development
    pairs (never the test split); "swa_start": from that epoch the averaged weights are scored too."""
    from rnnviz.train import sentiment

    config = sentiment.train("GRU", False, tmp_path / "m", smoke=True, log=lambda *a: None,
                             recipe={"seeds": 3, "swa_start": 1})
    tried, tr = config["training"]["seeds_tried"], config["training"]
    assert [c["seed"] for c in tried] == [17, 18, 19]
    best = max(tried, key=lambda c: (c["valid_accuracy"] + c["dev_pairs"], -c["seed"]))
    assert tr["seed"] == best["seed"] and config["metrics"]["valid_accuracy"] == best["valid_accuracy"]
    assert config["metrics"]["dev_pairs_wholly_right"] == best["dev_pairs"]
    assert all("averaged_valid_accuracy" in h for h in tr["history"])
    # the kept validation accuracy is the best of each epoch's raw and averaged weights
    assert best["valid_accuracy"] == max(max(h["valid_accuracy"], h["averaged_valid_accuracy"]) for h in tr["history"])
    # the shipped recipe trains one seed and records no choice
    single = sentiment.train("GRU", False, tmp_path / "one", smoke=True, log=lambda *a: None)
    assert "seeds_tried" not in single["training"] and "dev_pairs_wholly_right" not in single["metrics"]
