"""Make the lab's shipped runs (``assets/lab/``) so a class demo opens instantly.

    python -m rnnviz.lab.precompute            # everything (≈ 10 CPU-minutes on one thread)
    python -m rnnviz.lab.precompute race inits # only some groups

Groups (every run with the page's default options unless said otherwise, one torch thread):
- ``race``: delayed recall, lag 100, RNN / LSTM / GRU, seed 0 — the page's opening view;
- ``inits``: the same at lag 100 with the gate-bias options a learner may try instead of chrono
  (LSTM and GRU: PyTorch default, +2), seed 0 — what the page reports as found;
- ``tasks``: aⁿbⁿ (LSTM, GRU), Dyck-1 (RNN, LSTM, GRU), 3-bit flip-flop (LSTM, GRU), seed 0;
- ``sweep``: final held-out accuracy against lag (10, 20, 40, 70, 100) per cell, seeds 0–2 —
  results and curves only (``sweep.json``), no weights.
Runs are folders under ``assets/lab/runs/`` (see rnnviz.lab.runs); each records its options, seed,
wall and CPU seconds and this command.
"""

from __future__ import annotations

import json
import sys
import time

import torch

from rnnviz.lab.runs import RUNS, SWEEP, _shipped_rows, find_shipped, load_run, save_run
from rnnviz.lab.training import CELLS, resolve_options, train

LAG = 100
SWEEP_LAGS = (10, 20, 40, 70, 100)
SWEEP_SEEDS = (0, 1, 2)
COMMAND = "python -m rnnviz.lab.precompute"


def _save(run, tag: str = "") -> None:
    folder = RUNS / (run.name + tag)
    save_run(run, folder, command=COMMAND)
    _shipped_rows.cache_clear()
    print(f"{folder.name}: accuracy {run.final_accuracy:.3f}  wall {run.seconds:.1f} s  cpu {run.cpu_seconds:.1f} s",
          flush=True)


def race() -> None:
    for cell in CELLS:
        _save(train("delayed-recall", cell, 0, lag=LAG))


def inits() -> None:
    for cell in ("LSTM", "GRU"):
        for option in ("default", "plus2"):
            _save(train("delayed-recall", cell, 0, lag=LAG, gate_bias=option), tag=f"-{option}")


def tasks() -> None:
    for task, cells in (("anbn", ("LSTM", "GRU")), ("dyck1", CELLS), ("flipflop", ("LSTM", "GRU"))):
        for cell in cells:
            _save(train(task, cell, 0))


def sweep() -> None:
    """Resumable: rows already in sweep.json (same lags, seeds, options) are kept, and the file is
    rewritten after every run, so the sweep can be stopped and continued."""
    done = {(r["cell"], r["seed"], r["lag"]): r for r in (json.loads(SWEEP.read_text()) if SWEEP.exists() else {}).get("rows", [])}
    _, options = resolve_options("delayed-recall", "LSTM", 0)
    options = {k: v for k, v in options.items() if k not in ("lag", "gate_bias")}   # the same for every row
    rows = []
    for lag in SWEEP_LAGS:
        for cell in CELLS:
            for seed in SWEEP_SEEDS:
                if (cell, seed, lag) in done:
                    rows.append(done[cell, seed, lag])
                    continue
                shipped = find_shipped("delayed-recall", cell, seed, resolve_options("delayed-recall", cell, seed, lag=lag)[1])
                run = load_run(shipped) if shipped else train("delayed-recall", cell, seed, lag=lag)
                rows.append({"cell": cell, "seed": seed, "lag": lag, "final_accuracy": run.final_accuracy,
                             "seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2),
                             "history": [{k: row[k] for k in ("step", "loss", "accuracy")} for row in run.history]})
                print(f"sweep lag {lag} {cell} seed {seed}: {run.final_accuracy:.3f} "
                      f"wall {run.seconds:.1f} s cpu {run.cpu_seconds:.1f} s", flush=True)
                _write_sweep(rows, options)
    _write_sweep(rows, options)     # rows kept from before after the last new one are written too


def _write_sweep(rows: list[dict], options: dict) -> None:
    SWEEP.parent.mkdir(parents=True, exist_ok=True)
    SWEEP.write_text(json.dumps({
        "task": "delayed-recall", "lags": list(SWEEP_LAGS), "seeds": list(SWEEP_SEEDS),
        "cells": list(CELLS), "options": options, "gate_bias": "chrono (RNN: none)",
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "reproduce": COMMAND + " sweep", "rows": rows}, indent=0), encoding="utf-8")


GROUPS = {"race": race, "inits": inits, "tasks": tasks, "sweep": sweep}


def main(argv: list[str]) -> None:
    torch.set_num_threads(1)
    chosen = argv or list(GROUPS)
    unknown = set(chosen) - set(GROUPS)
    if unknown:
        raise SystemExit(f"unknown group(s) {sorted(unknown)}; choose from {list(GROUPS)}")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for name in chosen:
        GROUPS[name]()
    print(f"done in {time.perf_counter() - wall0:.0f} s wall, {time.process_time() - cpu0:.0f} s CPU")


if __name__ == "__main__":
    main(sys.argv[1:])
