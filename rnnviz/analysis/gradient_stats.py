"""Numbers for the vanishing-gradient lesson, from rnnviz.gradient_flow's norms.

For a sequence of T steps, ``wrt_input[t] = ‖∂h_T/∂x_t‖`` is how strongly the last state still
depends on token t. The two numbers a lesson needs:

    relative  = wrt[0] / wrt[T-1]          how much weaker the first token's pull is than the last's
    per_step  = relative ** (1 / (T-1))    the average factor lost (< 1) or gained (> 1) per step

If each step multiplied the gradient by the same Jacobian norm ρ, ‖∂h_T/∂h_t‖ ≈ ρ^(T−t): a straight
line on a log axis with slope log ρ (Pascanu, Mikolov & Bengio 2013, §2). ρ < 1 vanishes, ρ > 1
explodes; ``per_step`` is the geometric-mean ρ actually measured.

Also a CSV of the norms (formula-safe token text, as rnnviz.analysis.export does for activations).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Decay:
    relative: float  # wrt[0] / wrt[T-1]; 0.0 when the first step's gradient underflowed
    per_step: float  # geometric-mean factor per step; nan for a single step


def decay(norms: np.ndarray) -> Decay:
    """Summary of a (T,) curve of gradient norms over positions (last position = the reference)."""
    a = np.asarray(norms, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"expected a (T,) array of norms, got shape {a.shape}.")
    if a[-1] <= 0:
        raise ValueError("the last step's norm is 0: nothing to compare with.")
    relative = float(a[0] / a[-1])
    if a.size == 1:
        return Decay(relative, float("nan"))
    per_step = float(np.exp(np.log(relative) / (a.size - 1))) if relative > 0 else 0.0
    return Decay(relative, per_step)


def norms_csv(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], tokens: Sequence[str]) -> bytes:
    """UTF-8 CSV (BOM for spreadsheets): cell, position, token, steps_to_end, wrt_hidden, wrt_input."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["cell", "position", "token", "steps_to_end", "dhT_dht_norm", "dhT_dxt_norm"])
    T = len(tokens)
    for label, hidden, inp in curves:
        for t in range(T):
            tok = tokens[t]
            tok = "'" + tok if tok.startswith(_FORMULA_START) else tok
            w.writerow([label, t, tok, T - 1 - t, f"{hidden[t]:.9g}", f"{inp[t]:.9g}"])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
