"""Chapter 1 — an RNN reads a sentence: h_t = tanh(W [x_t, h_{t−1}] + b), one token per step.

The lecture notes' example ("What time is it ?") through the shipped classic RNN. Because h_t is
computed from h_{t−1}, the last state carries every earlier token, and the first state knows
nothing of later ones. Measured, not asserted:

    change_last  = ‖h_{T−1}(sentence) − h_{T−1}(first token swapped)‖   > 0: the end remembers the start
    change_first = ‖h_0(sentence) − h_0(last token swapped)‖            = 0: no step sees the future

The unit drawn on the chain is the one whose final value moves most when the first token is swapped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models

MODEL = "sentiment-rnn"
SENTENCE = ("what", "time", "is", "it", "?")
SWAP_FIRST = "when"     # "what" -> "when"
SWAP_LAST = "!"         # "?" -> "!"
SAME = 1e-7             # below this a state did not change (float32 ties exactly; this is margin)


@dataclass(frozen=True)
class Reading:
    model: str
    tokens: tuple[str, ...]
    swapped_tokens: tuple[str, ...]    # the sentence with its first token swapped
    hidden: np.ndarray                 # (T, H) h_t of the sentence
    hidden_swapped: np.ndarray         # (T, H) h_t with the first token swapped
    unit: int                          # the unit drawn on the chain
    change_last: float                 # ‖Δh_{T−1}‖ when the first token is swapped
    change_first: float                # ‖Δh_0‖ when the last token is swapped

    @property
    def last_remembers_first(self) -> bool:
        return self.change_last > SAME


def _hidden(model, tokens) -> np.ndarray:
    with torch.inference_mode():
        return np.asarray(model.trace(list(tokens)).get("hidden_state"), dtype=np.float32)  # (T, H)


def reading(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE) -> Reading:
    model = models.load(model_name)
    swapped = (SWAP_FIRST,) + tuple(tokens[1:])
    late = tuple(tokens[:-1]) + (SWAP_LAST,)
    h, h_swapped, h_late = _hidden(model, tokens), _hidden(model, swapped), _hidden(model, late)
    delta = np.abs(h[-1] - h_swapped[-1])                     # (H,)
    return Reading(model=model_name, tokens=tuple(tokens), swapped_tokens=swapped, hidden=h,
                   hidden_swapped=h_swapped, unit=int(np.argmax(delta)),
                   change_last=float(np.linalg.norm(h[-1] - h_swapped[-1])),
                   change_first=float(np.linalg.norm(h[0] - h_late[0])))
