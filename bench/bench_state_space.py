"""The State space page's interaction against the Gate Explorer's, in one process (AppTest): CPU and
wall time of a rerun after moving the time step, median of several moves, after a warm-up (the
model's fixed points are computed once and cached before timing).

    python bench/bench_state_space.py [model]       # default sentiment-lstm

Issue 14: "the page's interaction as fast as the Gate Explorer's". AppTest reruns the whole script
(it does not run fragments alone), so this is an upper bound for the browser, where moving the step
reruns only the fragment around the main figure.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from streamlit.testing.v1 import AppTest  # noqa: E402

torch.set_num_threads(1)
SENTENCE = "the film was good and the music was fine"
MOVES = 7


def step_moves(page: str, model: str, slider: str) -> tuple[float, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"model": model, "sentence": SENTENCE})
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    cpu, wall = [], []
    for k in range(MOVES + 1):
        c, w = time.process_time(), time.perf_counter()
        getattr(at, slider)(key="step").set_value(k % 8 + 1).run()
        if k:  # the first move warms the caches
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
    assert not at.exception, at.exception
    return statistics.median(cpu), statistics.median(wall)


def main(model: str = "sentiment-lstm") -> None:
    gate_cpu, gate_wall = step_moves("views/gate_explorer.py", model, "select_slider")
    space_cpu, space_wall = step_moves("views/state_space.py", model, "select_slider")
    print(f"{'page':14} {'cpu/rerun':>10} {'wall/rerun':>11}")
    print(f"{'Gate Explorer':14} {gate_cpu * 1e3:>8.1f}ms {gate_wall * 1e3:>9.1f}ms")
    print(f"{'State space':14} {space_cpu * 1e3:>8.1f}ms {space_wall * 1e3:>9.1f}ms")
    print(f"ratio (CPU) State space / Gate Explorer: {space_cpu / gate_cpu:.2f}×")


if __name__ == "__main__":
    main(*sys.argv[1:])
