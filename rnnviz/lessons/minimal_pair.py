"""Chapter 10 — the experiment: one word apart, does the model's verdict flip?

Two sentences that differ in one word ("the film was very bad" / "the film was not bad") through the
shipped sentiment LSTM: the hidden states of both, and both verdicts. Whether "not" flips the
verdict is the model's business, reported as found — earlier shipped models did not flip it. The
state-space view (minimal pairs, trajectories) and the lab (train a cell yourself) take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models
from rnnviz.lessons.verdict import verdict

MODEL = "sentiment-lstm"
FIRST = ("the", "film", "was", "very", "bad")
SECOND = ("the", "film", "was", "not", "bad")


@dataclass(frozen=True)
class MinimalPair:
    model: str
    first: tuple[str, ...]
    second: tuple[str, ...]
    hidden_first: np.ndarray    # (T, H)
    hidden_second: np.ndarray   # (T, H)
    verdict_first: tuple[str, float]
    verdict_second: tuple[str, float]

    @property
    def differs_at(self) -> int:
        return next(k for k, (a, b) in enumerate(zip(self.first, self.second)) if a != b)

    @property
    def flips(self) -> bool:
        return self.verdict_first[0] != self.verdict_second[0]


def minimal_pair(model_name: str = MODEL, first: tuple[str, ...] = FIRST,
                 second: tuple[str, ...] = SECOND) -> MinimalPair:
    if len(first) != len(second) or first == second:
        raise ValueError("a minimal pair is two different sentences of the same length")
    model = models.load(model_name)
    with torch.inference_mode():
        h1 = np.asarray(model.trace(list(first)).get("hidden_state"), dtype=np.float32)
        h2 = np.asarray(model.trace(list(second)).get("hidden_state"), dtype=np.float32)
    return MinimalPair(model=model_name, first=tuple(first), second=tuple(second), hidden_first=h1,
                       hidden_second=h2, verdict_first=verdict(model, first), verdict_second=verdict(model, second))
