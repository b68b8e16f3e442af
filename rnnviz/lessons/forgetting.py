"""Chapter 3 — why a classic RNN forgets: the gradient of the last state falls along a long sentence.

For the shipped sentiment RNN, LSTM and GRU on one long sentence, ``rnnviz.gradient_flow`` gives the
exact ‖∂h_T/∂x_t‖ (autograd). The first token's pull relative to the last token's,

    ratio = ‖∂h_T/∂x_0‖ / ‖∂h_T/∂x_{T−1}‖,

is what the lecture notes mean by "梯度消失" (vanishing gradient): if each step multiplies the gradient
by a Jacobian of norm ρ < 1, ratio ≈ ρ^(T−1) (Pascanu, Mikolov & Bengio 2013). The question asks
what happens to the RNN's ratio when the sentence is read twice in a row (twice the steps); the
answer is computed on that doubled sentence too, not inferred from the formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import rnnviz
from rnnviz import models

CELLS = ("RNN", "LSTM", "GRU")
MODELS = {cell: f"sentiment-{cell.lower()}" for cell in CELLS}
# A long review (105 steps): long enough that the retrained RNN's first word has visibly faded
# (49 words were not: the gated models then sit within a factor of 2-4 of it).
SENTENCE = tuple(
    "the first few minutes promised a clever and moving story , but then the film wandered through "
    "endless scenes of people talking in rooms , the music never stopped , the jokes never landed , "
    "and by the end i had forgotten why i cared about any of them . the actors do what they can with "
    "lines that sound like they were written on the way to the set , and the camera keeps drifting "
    "away from their faces to show us skies , roads and kitchens that mean nothing . two hours later "
    "i walked out into the rain and felt only relief".split())


@dataclass(frozen=True)
class Forgetting:
    tokens: tuple[str, ...]
    wrt_input: dict[str, np.ndarray]      # cell -> (T,) ‖∂h_T/∂x_t‖, forward direction
    wrt_hidden: dict[str, np.ndarray]     # cell -> (T,) ‖∂h_T/∂h_t‖
    doubled_rnn_ratio: float              # the RNN's ratio on the sentence read twice (2T steps)

    def ratio(self, cell: str) -> float:
        """First ÷ last of ‖∂h_T/∂x_t‖ (0.0 when the first gradient underflowed)."""
        norms = self.wrt_input[cell]
        return float(norms[0] / norms[-1])

    @property
    def doubled_is_lower(self) -> bool:
        return self.doubled_rnn_ratio < self.ratio("RNN")


def _flow(name: str, tokens) -> tuple[np.ndarray, np.ndarray]:
    model = models.load(name)
    flow = rnnviz.gradient_flow(model.module, model.inputs(list(tokens)))
    return np.asarray(flow.wrt_input[:, 0]), np.asarray(flow.wrt_hidden[:, 0])


def forgetting(tokens: tuple[str, ...] = SENTENCE) -> Forgetting:
    wrt_input, wrt_hidden = {}, {}
    for cell in CELLS:
        wrt_input[cell], wrt_hidden[cell] = _flow(MODELS[cell], tokens)
    doubled, _ = _flow(MODELS["RNN"], tuple(tokens) * 2)
    return Forgetting(tokens=tuple(tokens), wrt_input=wrt_input, wrt_hidden=wrt_hidden,
                      doubled_rnn_ratio=float(doubled[0] / doubled[-1]))
