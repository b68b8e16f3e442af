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
