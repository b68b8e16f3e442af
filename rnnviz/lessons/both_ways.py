"""Chapter 8 — reading both ways: a bidirectional LSTM (Bi-LSTM) and where its final states are.

A Bi-LSTM runs one LSTM left to right and a second one right to left and concatenates their states
at every position: output[t] = [h→_t ; h←_t] (lecture notes: "将两次得到的LSTM结果进行拼接").
The backward LSTM reads the last token first and *ends at position 0*, so its final state h_n[1]
is output[0, H:], not output[−1, H:] — the classic slip. The answer is found by comparing h_n[1]
with each candidate slice of the shipped Bi-LSTM's real output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models

MODEL = "sentiment-bilstm"
SENTENCE = ("the", "acting", "was", "great")
# The candidate slices, as (position, half): half 0 = forward units [:H], 1 = backward units [H:].
SLICES = ((-1, 1), (0, 1), (-1, 0))
EQUAL = 1e-6


@dataclass(frozen=True)
class BothWays:
    model: str
    tokens: tuple[str, ...]
    output: np.ndarray          # (T, 2H) the top layer's states, [forward ; backward]
    h_n: np.ndarray             # (2, H) final states: row 0 forward, row 1 backward
    hidden_size: int
    gaps: tuple[float, ...]     # max |slice − h_n[1]| for each of SLICES

    @property
    def answer(self) -> int:
        """Index into SLICES of the slice that equals h_n[1] (the smallest gap)."""
        return int(np.argmin(self.gaps))


def both_ways(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE) -> BothWays:
    model = models.load(model_name)
    with torch.inference_mode():
        tr = model.trace(list(tokens))
    output = tr.output.detach().numpy().astype(np.float32)           # (T, 2H) unbatched
    h_n = tr.h_n.detach().numpy().astype(np.float32)                 # (2, H)
    H = h_n.shape[1]
    gaps = tuple(float(np.abs(output[t, half * H:(half + 1) * H] - h_n[1]).max()) for t, half in SLICES)
    return BothWays(model=model_name, tokens=tuple(tokens), output=output, h_n=h_n, hidden_size=H, gaps=gaps)
