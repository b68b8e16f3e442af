"""Runs saved as folders load back identical; the folder is a model folder in the assets' format;
the shipped runs are listed, load, and carry what the precompute recorded."""

import json

import numpy as np
import torch
from safetensors.torch import load_file

from rnnviz.lab import load_run, save_run, shipped_runs, train
from rnnviz.models import load_dir


def test_round_trip(tmp_path):
    run = train("flipflop", "LSTM", seed=2, steps=15, hidden_size=5)
    folder = save_run(run, tmp_path / "run")
    back = load_run(folder)
    assert (back.task, back.cell, back.seed, back.options) == (run.task, run.cell, run.seed, run.options)
    assert back.key == run.key and back.final_accuracy == run.final_accuracy
    assert back.history == json.loads(json.dumps(run.history))
    assert [s for s, _ in back.checkpoints] == [s for s, _ in run.checkpoints]
    for (_, a), (_, b) in zip(run.checkpoints, back.checkpoints):
        assert all(torch.equal(a[k], b[k]) for k in a)
    probe = run.model.lab_task.probe()
    assert np.array_equal(back.model.readout(back.model.trace(probe)), run.model.readout(run.model.trace(probe)))
    # the assets' model-folder format: keys and config that rnnviz.models.load_dir reads
    keys = set(load_file(folder / "model.safetensors"))
    assert {"embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "head.weight", "head.bias"} <= keys
    plain = load_dir(folder)
    assert plain.task == "lab" and plain.cell == "LSTM" and plain.hidden_size == 5
    assert np.allclose(plain.trace(list(probe)).get("cell_state"), back.model.trace(probe).get("cell_state"))
    assert back.model.config["lab"]["task"] == "flipflop"


def test_shipped_runs_load_and_match_their_listing():
    rows = shipped_runs()
    names = {row["name"] for row in rows}
    for cell in ("rnn", "lstm", "gru"):
        assert f"lab-delayed-recall-lag100-{cell}-seed0" in names
    for name in ("lab-flipflop-gru-seed0", "lab-anbn-lstm-seed0", "lab-anbn-gru-seed0", "lab-dyck1-lstm-seed0"):
        assert name in names
    row = next(r for r in rows if r["name"] == "lab-flipflop-gru-seed0")
    run = load_run(row["name"])
    assert run.final_accuracy == row["final_accuracy"] and len(run.checkpoints) >= 10
    assert run.model.readout(run.model.trace(run.model.lab_task.probe())).shape[1] == 3
    assert load_run(row["path"]).final_accuracy == row["final_accuracy"]
