"""Chapter 4 — the LSTM's forget gate (遗忘门) at work: a unit whose gate closes at a meaningful word.

c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: where f_t[u] drops towards 0, unit u throws away what it carried.
For the shipped sentiment LSTM on a contrast sentence ("… great but … a mess") we look for the unit
whose forget gate closes most at the pivot word "but":

    candidates = units whose forget gate is lowest, over the whole sentence, at the pivot
    unit       = argmax over candidates of  median_t f[t, u] − f[pivot, u]   (open elsewhere, shut here)

If no unit has its lowest value at the pivot (a retrained model may not), the unit with the largest
drop at the pivot is shown. Either way the question's answer is computed from that unit's row: the
token where its forget gate is lowest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models

MODEL = "sentiment-lstm"
SENTENCE = ("the", "acting", "was", "great", "but", "the", "plot", "was", "a", "mess")
PIVOT = "but"


@dataclass(frozen=True)
class ForgetGate:
    model: str
    tokens: tuple[str, ...]
    forget: np.ndarray          # (T, H) f_t of the sentence (layer 0, forward)
    pivot: int                  # position of the pivot word
    unit: int                   # the unit shown
    closes_at: int              # the position where that unit's forget gate is lowest (the answer)
    pivot_value: float          # f[pivot, unit]
    typical_value: float        # median over the sentence of f[:, unit]


def forget_gate(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE, pivot_word: str = PIVOT) -> ForgetGate:
    model = models.load(model_name)
    with torch.inference_mode():
        f = np.asarray(model.trace(list(tokens)).get("forget_gate"), dtype=np.float32)  # (T, H)
    pivot = tokens.index(pivot_word)
    drop = np.median(f, axis=0) - f[pivot]                         # (H,) how much more closed at the pivot
    lowest_at_pivot = np.flatnonzero(f.argmin(axis=0) == pivot)
    pool = lowest_at_pivot if lowest_at_pivot.size else np.arange(f.shape[1])
    unit = int(pool[np.argmax(drop[pool])])
    return ForgetGate(model=model_name, tokens=tuple(tokens), forget=f, pivot=pivot, unit=unit,
                      closes_at=int(np.argmin(f[:, unit])), pivot_value=float(f[pivot, unit]),
                      typical_value=float(np.median(f[:, unit])))
