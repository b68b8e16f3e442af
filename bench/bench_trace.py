"""Benchmark: rnnviz.trace against the bare fused torch forward, measured side by side.

    python bench/bench_trace.py [--steps 512] [--embed 64] [--hidden 256] [--layers 2] [--repeats 15]
                                [--threads N]

Prints, per cell, the best-of-N wall time of ``module(x)`` (the baseline: PyTorch's fused kernel)
and of ``rnnviz.trace(module, x)``, their ratio (budget: ≤ 1.5× for the 2-layer bi-LSTM, DESIGN.md §8),
the forced (ablation) path's ratio, and the trace's memory against its float32 arrays.
Runs are interleaved so machine load affects both sides alike.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rnnviz  # noqa: E402


def held_bytes(tr) -> int:
    """Bytes of the distinct buffers behind a Trace's arrays (views share their base)."""
    roots = {}
    for a in tr._arrays.values():
        while isinstance(a.base, np.ndarray):
            a = a.base
        roots[id(a)] = a.nbytes
    return sum(roots.values())


def best_of(fns: dict, repeats: int) -> dict:
    times = {k: [] for k in fns}
    for fn in fns.values():
        fn()  # warm up
    for _ in range(repeats):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: min(v) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=512)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--threads", type=int, default=0,
                    help="torch intra-op threads (0 = torch's default; the app runs with 1)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    T, E, H, L = args.steps, args.embed, args.hidden, args.layers
    x = torch.randn(T, E)
    print(f"T={T} E={E} H={H} layers={L} bidirectional, CPU threads={torch.get_num_threads()}")
    print(f"{'cell':6} {'fused ms':>9} {'trace ms':>9} {'ratio':>6} {'forced':>7}  memory")
    for cls in (torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN):
        m = cls(E, H, L, bidirectional=True).eval()
        gate = rnnviz.FORCEABLE[rnnviz.cell_kind(m)][0]
        with torch.no_grad():
            t = best_of({"fused": lambda: m(x), "trace": lambda: rnnviz.trace(m, x)}, args.repeats)
            t_forced = best_of({"forced": lambda: rnnviz.trace(m, x, force={gate: 0.5})}, 3)["forced"]
        tr = rnnviz.trace(m, x)
        arrays = sum(tr.get(q, l, d).nbytes for q in tr.quantities for l in range(L) for d in range(2))
        held = held_bytes(tr)
        print(f"{cls.__name__:6} {t['fused'] * 1e3:9.2f} {t['trace'] * 1e3:9.2f} "
              f"{t['trace'] / t['fused']:5.2f}x {t_forced / t['fused']:6.1f}x  "
              f"holds {held / 1e6:.1f} MB for {arrays / 1e6:.1f} MB of arrays ({held / arrays:.2f}x)")


if __name__ == "__main__":
    main()
