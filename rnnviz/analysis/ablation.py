"""Ablation: hold gates or states at a constant and compare with the untouched run (no streamlit).

    spec = ForceSpec("forget_gate", 1.0, units=(3,), steps=None, layer=0, direction=None)
    forced = model.trace(tokens, force=spec.forces())        # rnnviz.trace recomputes downstream
    model.readout(forced)                                     # the changed prediction

Classic lesions: ``forget_gate = 1`` (the LSTM never forgets: c_t = c_{t-1} + i ⊙ g), ``input_gate = 0``
(nothing new is written), ``output_gate = 1`` (h shows all of tanh c), GRU ``update_gate = 0``
(always take the candidate: h_t = n_t, no memory through z) or ``= 1`` (freeze the state), and
``hidden_state = 0`` for chosen units (cut a unit out of the network). Forcing happens where
the quantity is produced (``rnnviz.cells`` clamp hook), so every later step, layer and the head see
the forced value.

This module holds the numbers (what may be forced, to what, and how a prediction changed);
``rnnviz.plots.ablation`` draws the two runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnnviz import quantities
from rnnviz.core.trace import FORCEABLE, Force

# The value each forceable quantity is set to by default: the textbook lesion for it.
PRESET = quantities.PRESET


def value_bounds(name: str) -> tuple[float, float]:
    """The range a forced value may take: [0, 1] for σ gates, [−1, 1] for tanh ones, [−5, 5] for c."""
    return quantities.BOUNDS.get(name, (-5.0, 5.0))


@dataclass(frozen=True)
class ForceSpec:
    """One ablation as plain, hashable values (a cache key and a URL). None = all."""

    name: str
    value: float
    units: tuple[int, ...] | None = None
    steps: tuple[int, ...] | None = None
    layer: int | None = None
    direction: int | None = None

    def forces(self) -> list[Force]:
        return [Force(self.name, float(self.value), self.units, self.steps, self.layer, self.direction)]

    def check(self, cell: str) -> None:
        if self.name not in FORCEABLE[cell]:
            raise ValueError(f"{cell} cannot force {self.name!r}; it can force {', '.join(FORCEABLE[cell])}.")
        lo, hi = value_bounds(self.name)
        if not lo <= self.value <= hi:
            raise ValueError(f"{self.name} must be in [{lo}, {hi}], got {self.value}.")


def next_token_probability(probs: np.ndarray, next_ids: Sequence[int]) -> np.ndarray:
    """p(token t+1 | tokens 0..t) for t = 0..T-2, from (T, V) next-token probabilities and the ids
    of tokens 1..T-1 (``vocab.encode(tokens[1:])``). (T-1,) float64"""
    ids = np.asarray(next_ids, dtype=np.int64)
    return probs[np.arange(len(ids)), ids].astype(np.float64)


def mean_log_likelihood(p: np.ndarray) -> float:
    """Mean ln p over defined positions (higher is better; ln of perplexity with a minus sign)."""
    p = p[np.isfinite(p)]
    return float(np.mean(np.log(np.maximum(p, 1e-12)))) if p.size else float("nan")


def forced_translation(model, tokens: Sequence[str], forces=None) -> str:
    """The encoder–decoder's greedy output when the *encoder* runs with ``forces``: the forced
    encoder's final state becomes the context c and the decoder's start state
    (``Seq2SeqModel.decode_from``). With ``forces=None`` it equals ``model.predict(tokens)``."""
    return model.decode_from(model.trace(list(tokens), force=forces))
