"""Gate saturation per unit: how often a gate is (nearly) shut and how often (nearly) wide open.

Karpathy, Johnson & Fei-Fei, "Visualizing and Understanding Recurrent Networks" (2015, §4.3,
Fig. 3): for each gate of each unit, over the time steps of a text,

    left  = fraction of steps with gate < 0.1      ("left-saturated": almost shut)
    right = fraction of steps with gate > 0.9      ("right-saturated": almost fully open)

and every unit is a point (left, right) in the triangle left + right ≤ 1. A unit near (0, 1) is a
gate that is practically always open — an LSTM forget gate there keeps its cell state across the
whole text (the long-memory units the paper finds); near (0, 0) it acts in the linear middle of the
sigmoid, weighing each step. Untrained cells sit near (0, 0): random weights rarely saturate.

For the classic RNN, which has no gates, ``tanh_saturation`` gives the same picture for h itself:
the fraction of steps with h < −0.9 and h > 0.9. A saturated tanh has derivative 1 − h² ≈ 0, one of
the reasons gradients vanish through it (see rnnviz.gradients).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz import quantities

LOW, HIGH = 0.1, 0.9   # the paper's thresholds for a sigmoid gate
TANH = 0.9             # |h| above this: tanh saturated


@dataclass(frozen=True)
class Saturation:
    """Per unit: ``left[u]`` fraction of steps below the low threshold, ``right[u]`` above the high one."""

    left: np.ndarray   # (H,) float64 in [0, 1]
    right: np.ndarray  # (H,) float64 in [0, 1]
    steps: int


def _check(values) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"expected a (T, H) array of one gate over time, got shape {a.shape}.")
    if a.shape[0] == 0:
        raise ValueError("saturation needs at least one time step.")
    return a


def saturation(values, low: float = LOW, high: float = HIGH) -> Saturation:
    """Fractions of time steps with value < ``low`` and > ``high``, per unit. values: (T, H)."""
    a = _check(values)
    return Saturation(left=(a < low).mean(axis=0), right=(a > high).mean(axis=0), steps=a.shape[0])


def tanh_saturation(values, threshold: float = TANH) -> Saturation:
    """The same for a tanh quantity: fractions of steps with value < −threshold and > threshold."""
    return saturation(values, low=-threshold, high=threshold)


def gate_saturation(get, gates, num_layers: int = 1, num_directions: int = 1,
                    low: float = LOW, high: float = HIGH) -> dict[tuple[str, int, int], Saturation]:
    """Every gate of every layer and direction: ``{(gate, layer, direction): Saturation}``.

    get(name, layer, direction) -> (T, H), e.g. ``Trace.get``. ``gates``: the sigmoid gates to
    measure (the paper shows i, f, o of the LSTM and r, z of the GRU; a tanh candidate is no gate).
    """
    return {(g, layer, d): saturation(get(g, layer, d), low, high)
            for g in gates for layer in range(num_layers) for d in range(num_directions)}


# The sigmoid gates of each cell, in the paper's order; the candidates g / n are tanh, not gates.
SIGMOID_GATES = quantities.SIGMOID_GATES
