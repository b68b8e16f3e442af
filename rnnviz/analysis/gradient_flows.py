"""The Vanishing-gradients page's experiments: ‖∂h_T/∂h_t‖ and ‖∂h_T/∂x_t‖ per cell.

    flows = untrained_flows(tokens, cells=("RNN", "LSTM", "GRU"), hidden=16, seed=0, scale=1.0, bias=0.0)
    flows["RNN"]      # (wrt_hidden (T,), wrt_input (T,)), forward direction, float64

Untrained cells share one seeded random init and one input (hashed embeddings, the same vector for
all cells). ``scale`` multiplies W_hh and ``bias`` shifts the bias of the keep gate (the LSTM's
forget gate f, the GRU's update gate z: the second block of rows in both), so a learner can make
the gradients vanish or explode — the lecture notes' claim, made touchable. The numbers are
``rnnviz.gradient_flow`` (exact, autograd; see rnnviz/core/gradients.py).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import torch

from rnnviz import quantities
from rnnviz.core.gradients import gradient_flow
from rnnviz.models import Model, hashed_embedding, random_model


def scaled_cell(cell: str, hidden: int, seed: int, scale: float, bias: float, embedding_dim: int = 16):
    """A private copy of the seeded random ``cell`` with W_hh scaled and the keep-gate bias shifted."""
    base = random_model(cell, hidden_size=hidden, seed=seed, embedding_dim=embedding_dim)
    module = copy.deepcopy(base.module)
    H = module.hidden_size
    keep = quantities.KEEP_GATE[cell]
    with torch.no_grad():
        module.weight_hh_l0.mul_(scale)
        if keep is not None:  # LSTM rows (i, f, g, o) and GRU rows (r, z, n): f and z are the 2nd block
            block = quantities.get(cell, keep).block
            module.bias_hh_l0[block * H:(block + 1) * H] += bias
    return module.eval()


def untrained_flows(tokens: Sequence[str], cells: Sequence[str], hidden: int, seed: int, scale: float,
                    bias: float, embedding_dim: int = 16) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """cell -> (‖∂h_T/∂h_t‖, ‖∂h_T/∂x_t‖) of the forward direction, one input for every cell."""
    x = hashed_embedding(list(tokens), embedding_dim)  # (T, E): the same vector for all cells
    out = {}
    for cell in cells:
        flow = gradient_flow(scaled_cell(cell, hidden, seed, scale, bias, embedding_dim), x)
        out[cell] = (flow.wrt_hidden[:, 0], flow.wrt_input[:, 0])
    return out


def model_flow(model: Model, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(‖∂h_T/∂h_t‖, ‖∂h_T/∂x_t‖) of a model's recurrent layer on ``tokens``, forward direction."""
    flow = gradient_flow(model.module, model.inputs(list(tokens)))
    return flow.wrt_hidden[:, 0], flow.wrt_input[:, 0]
