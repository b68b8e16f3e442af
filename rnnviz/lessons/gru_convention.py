"""Chapter 7 — the GRU's reset gate (重置门) and update gate (更新门), and whose convention.

PyTorch (torch.nn.GRU documentation):   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
so an update gate near 1 *keeps the old state*. The lecture notes write the reverse ("当门值趋于1时,
输出就是新的h(t)"). The shipped sentiment GRU decides it: at the step and unit where z is high and
the candidate n_t differs most from the old state (argmax of z ⊙ |n_t − h_{t−1}|, t ≥ 1), is h_t
closer to h_{t−1} or to n_t? Computed from the trace, which equals torch.nn.GRU to 1e-5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models
from rnnviz.lessons.forget_gate import SENTENCE

MODEL = "sentiment-gru"
OLD, NEW = "old", "new"
OPTIONS = (NEW, OLD)


@dataclass(frozen=True)
class GruConvention:
    model: str
    tokens: tuple[str, ...]
    update: np.ndarray      # (T, H) z_t
    step: int
    unit: int
    z: float
    n: float                # candidate n_t
    h_prev: float           # h_{t−1}
    h: float                # h_t

    @property
    def closer_to(self) -> str:
        return OLD if abs(self.h - self.h_prev) <= abs(self.h - self.n) else NEW


def gru_convention(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE) -> GruConvention:
    model = models.load(model_name)
    with torch.inference_mode():
        tr = model.trace(list(tokens))
    z = np.asarray(tr.get("update_gate"), dtype=np.float64)          # (T, H)
    n = np.asarray(tr.get("candidate"), dtype=np.float64)
    h = np.asarray(tr.get("hidden_state"), dtype=np.float64)
    score = z[1:] * np.abs(n[1:] - h[:-1])                            # (T−1, H): step t = row + 1
    row, unit = (int(v) for v in np.unravel_index(np.argmax(score), score.shape))
    step = row + 1
    return GruConvention(model=model_name, tokens=tuple(tokens), update=z.astype(np.float32), step=step,
                         unit=unit, z=float(z[step, unit]), n=float(n[step, unit]),
                         h_prev=float(h[step - 1, unit]), h=float(h[step, unit]))
