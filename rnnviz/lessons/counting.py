"""Chapter 6 — a cell that counts: the shipped aⁿbⁿ LSTM keeps #a − #b in one cell state.

To predict where a string like ``aaaaaaaabbbbbbbb`` ends, a model must count. The cell state can do
it exactly: with f ≈ 1 (keep) and i ⊙ g ≈ +1 per a and −1 per b, c_t ≈ #a − #b (Weiss, Goldberg &
Yahav 2018; Karpathy, Johnson & Fei-Fei 2015 find such cells in trained models). Which unit counts
is found, not assumed: the cell-state unit whose values correlate most (|Pearson r|) with #a − #b.
Its mean step over the a's and over the b's answers the question "what does it do on the b's?":

    back    — it moves the other way (opposite sign, at least half the size per step)
    onward  — it keeps moving the same way
    flat    — it barely moves (less than a tenth of its step on the a's)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models

MODEL = "anbn-lstm"
N = 8
BACK, ONWARD, FLAT = "back", "onward", "flat"
OPTIONS = (ONWARD, BACK, FLAT)


@dataclass(frozen=True)
class Counting:
    model: str
    tokens: tuple[str, ...]
    cell: np.ndarray            # (T,) the counting unit's cell state
    count: np.ndarray           # (T,) #a − #b after each token
    unit: int
    r: float                    # Pearson r of the unit with #a − #b
    step_a: float               # mean change per a (from the second a on)
    step_b: float               # mean change per b
    n: int

    @property
    def behaviour(self) -> str:
        if abs(self.step_b) < 0.1 * abs(self.step_a):
            return FLAT
        if np.sign(self.step_b) == -np.sign(self.step_a) and abs(self.step_b) >= 0.5 * abs(self.step_a):
            return BACK
        return ONWARD if np.sign(self.step_b) == np.sign(self.step_a) else FLAT


def counting(model_name: str = MODEL, n: int = N) -> Counting:
    model = models.load(model_name)
    tokens = ("a",) * n + ("b",) * n
    with torch.inference_mode():
        c = np.asarray(model.trace(list(tokens)).get("cell_state"), dtype=np.float64)   # (T, H)
    count = np.cumsum([1 if tok == "a" else -1 for tok in tokens]).astype(np.float64)  # (T,)
    centred = c - c.mean(axis=0)
    norms = np.linalg.norm(centred, axis=0) * np.linalg.norm(count - count.mean())
    r = np.where(norms > 0, centred.T @ (count - count.mean()) / np.where(norms > 0, norms, 1.0), 0.0)  # (H,)
    unit = int(np.argmax(np.abs(r)))
    v = c[:, unit]
    steps = np.diff(v)                                   # (T−1,) change into position t+1
    return Counting(model=model_name, tokens=tokens, cell=v.astype(np.float32), count=count.astype(np.float32),
                    unit=unit, r=float(r[unit]), step_a=float(steps[: n - 1].mean()),
                    step_b=float(steps[n - 1:].mean()), n=n)
