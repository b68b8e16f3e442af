"""The lab's training loop against a bare torch loop of the same model and batches (issue 13 item 4).

    python bench/bench_lab.py [--task delayed-recall --lag 100 --cell LSTM --steps 100 200 400 3000 --repeats 3]

Bare loop: the same LabNet, initialisation, batches (``task.batch(seed, step)``), Adam and gradient
clipping — nothing else. Lab loop: ``rnnviz.lab.train`` with a progress callback, held-out
evaluation for the live curve (a point every 10 steps, at most 41), 12 checkpoints and the final
held-out accuracy. Both run in this process on one torch thread, alternating, best of ``repeats``
each, for every budget given (default: the page's step options); the ratio is CPU time
(``time.thread_time``) lab / bare, with wall time beside it. Budget: ≤ 1.2× at every budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz.lab.model import LabNet, initialise  # noqa: E402
from rnnviz.lab.training import resolve_options, train  # noqa: E402


def bare(task: str, cell: str, seed: int, **options) -> tuple[float, float]:
    spec, opts = resolve_options(task, cell, seed, **options)
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    net = LabNet(spec, cell, opts["hidden_size"])
    initialise(net, spec, cell, opts["gate_bias"], torch.Generator().manual_seed(seed))
    params = [p for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(params, lr=opts["lr"])
    for step in range(1, opts["steps"] + 1):
        batch = spec.batch(seed, step, opts["batch_size"])
        loss = spec.loss(net(batch.ids), batch)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, opts["clip"])
        optimiser.step()
        loss.item()
    return time.perf_counter() - wall0, time.thread_time() - cpu0


def lab(task: str, cell: str, seed: int, **options) -> tuple[float, float]:
    calls = []
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    run = train(task, cell, seed, progress=lambda r: calls.append(r.step), stop=lambda: False, **options)
    assert len(run.checkpoints) >= 10 and len(calls) >= 10
    return time.perf_counter() - wall0, time.thread_time() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="delayed-recall")
    parser.add_argument("--lag", type=int, default=100)
    parser.add_argument("--cell", default="LSTM")
    parser.add_argument("--steps", type=int, nargs="+", default=[100, 200, 400, 800, 1500, 3000])  # the page's
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for steps in args.steps:
        options = {"steps": steps}
        if args.task == "delayed-recall":
            options["lag"] = args.lag
        results = {"bare": [], "lab": []}
        for _ in range(args.repeats):
            results["bare"].append(bare(args.task, args.cell, 0, **options))
            results["lab"].append(lab(args.task, args.cell, 0, **options))
        best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in results.items()}
        print(f"{args.task} {args.cell} steps={steps} " + (f"lag={args.lag} " if "lag" in options else "")
              + f"best of {args.repeats}, one torch thread")
        for k, (w, c) in best.items():
            print(f"  {k:5s} wall {w:7.2f} s   cpu {c:7.2f} s")
        print(f"  ratio lab/bare: cpu {best['lab'][1] / best['bare'][1]:.3f}   wall {best['lab'][0] / best['bare'][0]:.3f}"
              "   (budget 1.2)", flush=True)


if __name__ == "__main__":
    main()
