"""Lab runs as folders, and the precomputed runs shipped in ``assets/lab/``.

A run folder holds
- ``model.safetensors``: the final weights under the assets' key names (``embedding.weight``,
  ``rnn.<torch key>``, ``head.weight``, ``head.bias``), so it is a model folder like
  ``assets/models/<name>`` (``config.json`` has ``architecture``, ``vocab``, ``task = "lab"``);
- ``checkpoints.safetensors``: checkpoint k's weights as ``ckpt<k>.<key>`` (steps in config.json);
- ``config.json``: the model config plus ``lab`` (task and every option), ``seed``, ``cell``,
  ``history``, ``final_accuracy``, wall and CPU seconds, the torch version and thread count.

``shipped_runs()`` lists ``assets/lab/runs/*``; ``load_run(name_or_path)`` loads one (a shipped
run by name, or any folder). ``find_shipped(task, cell, seed, options)`` is how pressing Train on a
configuration that ships returns it at once. ``assets/lab/sweep.json`` holds the lag sweep's
results (accuracy and curves, no weights: 45 runs of weights would not fit the asset budget).
"""

from __future__ import annotations

import functools
import json
import platform
from pathlib import Path

import torch

from rnnviz.lab.model import LabModel
from rnnviz.lab.tasks import make_task
from rnnviz.lab.training import LabRun, config_key

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "lab"
RUNS = ASSETS / "runs"
SWEEP = ASSETS / "sweep.json"


def save_run(run: LabRun, folder, *, command: str | None = None) -> Path:
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in run.model.weights().items()}, folder / "model.safetensors")
    ckpt = {}
    for k, (_, weights) in enumerate(run.checkpoints):
        ckpt.update({f"ckpt{k}.{key}": v.contiguous() for key, v in weights.items()})
    save_file(ckpt, folder / "checkpoints.safetensors")
    config = dict(run.model.config)
    config.update({"cell": run.cell, "seed": run.seed, "final_accuracy": run.final_accuracy,
                   "history": run.history, "checkpoint_steps": [s for s, _ in run.checkpoints],
                   "seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2),
                   "stopped": run.stopped, "torch": torch.__version__,
                   "threads": torch.get_num_threads(), "machine": platform.machine()})
    if command:
        config["reproduce"] = command
    (folder / "config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False), encoding="utf-8")
    return folder


def load_run(name_or_path) -> LabRun:
    """A saved run: a shipped run's name (see :func:`shipped_runs`) or a run folder."""
    folder = Path(name_or_path)
    if not (folder / "config.json").exists():
        if (RUNS / str(name_or_path) / "config.json").exists():
            return _load_shipped(str(name_or_path))
        raise ValueError(f"No lab run at {name_or_path!r}.")
    return _read(folder)


@functools.lru_cache(maxsize=32)
def _load_shipped(name: str) -> LabRun:
    return _read(RUNS / name)


def _read(folder: Path) -> LabRun:
    from safetensors.torch import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    options = dict(config["lab"])
    task = make_task(options.pop("task"), options.get("lag"))
    weights = load_file(folder / "model.safetensors")
    ckpt = load_file(folder / "checkpoints.safetensors")
    checkpoints = []
    for k, step in enumerate(config["checkpoint_steps"]):
        prefix = f"ckpt{k}."
        checkpoints.append((step, {key[len(prefix):]: v for key, v in ckpt.items() if key.startswith(prefix)}))
    run = LabRun(task.name, config["cell"], config["seed"], options, history=config["history"],
                 checkpoints=checkpoints, final_accuracy=config["final_accuracy"],
                 seconds=config["seconds"], cpu_seconds=config["cpu_seconds"], stopped=config["stopped"],
                 metrics=config.get("metrics", {}))
    run.model = LabModel(config["name"], task, config["cell"], weights, options=options,
                         metrics=config.get("metrics"), title=config.get("title"))
    return run


def shipped_runs() -> list[dict]:
    """One row per shipped run (no weights loaded): name, path, task, cell, seed, options,
    final_accuracy."""
    return [dict(row, options=dict(row["options"])) for row in _shipped_rows()]


@functools.lru_cache(maxsize=1)
def _shipped_rows() -> tuple[dict, ...]:
    rows = []
    for path in sorted(RUNS.glob("*/config.json")):
        c = json.loads(path.read_text(encoding="utf-8"))
        options = {k: v for k, v in c["lab"].items() if k != "task"}
        rows.append({"name": path.parent.name, "path": str(path.parent), "task": c["lab"]["task"],
                     "cell": c["cell"], "seed": c["seed"], "options": options,
                     "final_accuracy": c["final_accuracy"]})
    return tuple(rows)


def find_shipped(task: str, cell: str, seed: int, options: dict) -> str | None:
    """The name of the shipped run with exactly this configuration, if there is one."""
    key = config_key(task, cell, seed, options)
    for row in _shipped_rows():
        if config_key(row["task"], row["cell"], row["seed"], row["options"]) == key:
            return row["name"]
    return None


def sweep() -> dict:
    """The shipped lag sweep: {"lags", "seeds", "cells", "options", "rows": [{cell, seed, lag,
    final_accuracy, seconds, cpu_seconds, history}]} (empty dict when not shipped)."""
    return json.loads(SWEEP.read_text(encoding="utf-8")) if SWEEP.exists() else {}


def findings() -> dict | None:
    """The shipped lag-100 runs' held-out accuracies (seed 0, default options unless named):
    rnn, lstm, gru, lstm_default, lstm_plus2, gru_default, gru_plus2, and their steps — or None."""
    by_name = {row["name"]: row for row in shipped_runs()}
    names = {"rnn": "rnn", "lstm": "lstm", "gru": "gru", "lstm_default": "lstm-seed0-default",
             "lstm_plus2": "lstm-seed0-plus2", "gru_default": "gru-seed0-default", "gru_plus2": "gru-seed0-plus2"}
    out = {}
    for key, suffix in names.items():
        name = f"lab-delayed-recall-lag100-{suffix}" + ("-seed0" if "seed0" not in suffix else "")
        row = by_name.get(name)
        if row is None:
            return None
        out[key] = row["final_accuracy"]
        out["steps"] = row["options"]["steps"]
    return out
