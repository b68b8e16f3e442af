"""Fixed points of the 64-unit sentiment models: CPU and wall time of ``fixed_points`` (≥ 200
starts), against a baseline in the same process — one forward pass of the whole reference set
(every probe sentence traced once, the states the starts are drawn from).

    python bench/bench_dynamics.py [model ...]      # default: every shipped sentiment-* model

Budget (DESIGN.md §8): ≤ 3 s on one thread for a 64-unit model, computed once per model and cached
by the page. CPU time (``time.process_time``) is the number to trust on the shared machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import models  # noqa: E402
from rnnviz.analysis import dynamics, state_space  # noqa: E402

torch.set_num_threads(1)


def timed(fn, *args, **kw):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args, **kw)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main(names: list[str]) -> None:
    names = names or [n for n in models.available() if n.startswith("sentiment-")]
    dynamics.fixed_points(models.random_model("LSTM", hidden_size=8), starts=16, adam_steps=5)  # warm-up
    print(f"{'model':18} {'dir':>3} {'starts':>6} {'points':>6} {'baseline cpu':>12} "
          f"{'fixed pts cpu':>13} {'wall':>6} {'ratio':>6}")
    for name in names:
        model = models.load(name)
        ref, base_cpu, _ = timed(state_space.reference, model)  # one forward pass of the reference set
        for d in range(len(ref.states)):
            fp, cpu, wall = timed(dynamics.fixed_points, model, direction=d, reference_states=ref.states[d])
            print(f"{name:18} {d:>3} {fp.starts:>6} {len(fp):>6} {base_cpu:>11.3f}s {cpu:>12.3f}s "
                  f"{wall:>5.2f}s {cpu / base_cpu:>5.1f}×")


if __name__ == "__main__":
    main(sys.argv[1:])
