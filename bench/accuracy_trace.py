"""Worst disagreement of rnnviz.trace with torch.nn (outputs, final states) and with the float64
reference in tests/reference.py (every gate and state), over a grid of configurations.

    python bench/accuracy_trace.py

Not a timing: it prints the largest absolute errors seen, for the closing notes and DESIGN's 1e-5.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rnnviz  # noqa: E402
from tests.reference import reference  # noqa: E402


def main() -> None:
    worst_torch, worst_ref, n = 0.0, 0.0, 0
    kinds = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}
    for (kind, cls), layers, bi, bias, hidden, seed in itertools.product(
            kinds.items(), [1, 2, 3], [False, True], [True, False], [8, 64], range(3)):
        torch.manual_seed(seed)
        extra = {"proj_size": hidden // 2} if kind == "LSTM" and seed == 2 else {}
        m = cls(16, hidden, layers, bidirectional=bi, bias=bias, **extra).eval()
        x = torch.randn(40, 16) * 2
        tr = rnnviz.trace(m, x)
        with torch.no_grad():
            out, hn = m(x)
        if kind == "LSTM":
            hn, cn = hn
            worst_torch = max(worst_torch, (tr.c_n - cn).abs().max().item())
        worst_torch = max(worst_torch, (tr.output - out).abs().max().item(), (tr.h_n - hn).abs().max().item())
        rec, _, _, _ = reference(m, x.numpy())
        for (name, layer, d), want in rec.items():
            worst_ref = max(worst_ref, float(np.abs(tr.get(name, layer, d) - want).max()))
        n += 1
    print(f"{n} configurations (RNN/LSTM/GRU × 1–3 layers × uni/bi × bias × H 8/64 × 3 seeds, T=40)")
    print(f"worst |trace − torch.nn| over output, h_n, c_n: {worst_torch:.2e}")
    print(f"worst |trace − float64 reference| over every gate and state: {worst_ref:.2e}")


if __name__ == "__main__":
    main()
