"""How much the last state still "hears" each earlier step: the vanishing-gradient picture.

For the top layer of a recurrent module and each input position t, per direction::

    wrt_hidden[t] = ‖ ∂h_final / ∂h_t ‖_F        (Jacobian (P, P), Frobenius norm)
    wrt_input[t]  = ‖ ∂h_final / ∂x_t ‖_F        (Jacobian (P, input_size), through every layer)

where h_final is the state the direction ends in (forward: position T-1; backward: position 0), h_t
the same layer's state at position t (the LSTM cell state c_t held fixed, so the number is what the
hidden path carries; c still carries it onward from t+1), and x_t the module's input at t. By the
chain rule ∂h_T/∂h_t = ∏_{k=t+1..T} ∂h_k/∂h_{k-1}: for a tanh RNN each factor is
diag(1 − h_k²) W_hh, whose repeated product shrinks (or blows up) geometrically in T − t — the
lecture notes' reason classic RNNs fail on long sequences. The LSTM's c_t = f_t ⊙ c_{t-1} + …
path multiplies by f_t instead, which a trained LSTM keeps near 1.

Computation: one differentiable pass of ``rnnviz.core.unroll`` in which a zero perturbation δ_t is added
to the top layer's h_t at every position, so ∂h_final/∂δ_t = ∂h_final/∂h_t. The pass runs on P·D
copies of the sequence stacked as a batch — copy k answers for output unit k — and a single backward
pass gives every row of both Jacobians for all t at once (vectorised; no per-unit backward loop).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.core.trace import cell_kind
from rnnviz.core.unroll import prepare_inputs, unroll


@dataclass
class GradientFlow:
    """Norms per input position t (rows) and direction (columns), float64."""

    cell: str
    wrt_hidden: np.ndarray  # (T, D)
    wrt_input: np.ndarray  # (T, D)


def _run(cell, module, x, h0, c0, delta):
    """Differentiable forward over N copies. x (N, T, In), delta (N, D, T, P) added to the top
    layer's h_t; h0 (L*D, P), c0 (L*D, H) shared. Returns the top layer's final states, (N, D, P).
    """
    D = 2 if module.bidirectional else 1
    N = x.shape[0]
    top = module.num_layers - 1
    deltas = [delta[:, d].unbind(1) for d in range(D)]  # D × T × (N, P)
    h0 = h0[:, None].expand(-1, N, -1)  # (L*D, N, P)
    c0 = None if c0 is None else c0[:, None].expand(-1, N, -1)  # (L*D, N, H)
    run = unroll(cell, module, x.transpose(0, 1), h0, c0,  # time first: (T, N, In)
                 after_step=lambda layer, d, t, h: h + deltas[d][t] if layer == top else h)
    return torch.stack(run.h_n[top * D:], dim=1)  # (N, D, P)


def gradient_flow(module, x, hx=None) -> GradientFlow:
    """‖∂h_final/∂h_t‖ and ‖∂h_final/∂x_t‖ for every position t of unbatched ``x`` (T, input_size)."""
    cell = cell_kind(module)
    if not isinstance(x, torch.Tensor) or x.dim() != 2:
        raise ValueError("gradient_flow takes one unbatched sequence x of shape (T, input_size).")
    x_tb, h0, c0, _ = prepare_inputs(cell, module, x, hx)
    x = x_tb[:, 0].detach()  # (T, In)
    h0 = h0[:, 0].detach()  # (L*D, P)
    c0 = None if c0 is None else c0[:, 0].detach()
    D = 2 if module.bidirectional else 1
    T, P = x.shape[0], h0.shape[-1]
    n_out = D * P
    # One copy of the sequence per output unit k of h_final: a single backward pass of
    # Σ_k h_final[k, k] gives row k of the Jacobian in copy k (the copies share no computation).
    with torch.enable_grad():
        xs = x.expand(n_out, T, x.shape[1]).clone().requires_grad_(True)  # (N, T, In)
        delta = x.new_zeros(n_out, D, T, P, requires_grad=True)  # (N, D, T, P)
        final = _run(cell, module, xs, h0, c0, delta).reshape(n_out, n_out)  # (N, D*P)
        final.diagonal().sum().backward(inputs=[xs, delta])
    j_x = xs.grad.view(D, P, T, -1)  # (D, P, T, In): ∂h_final[d, p]/∂x_t
    j_delta = delta.grad.view(D, P, D, T, P)  # (D, P, D', T, P)
    wrt_input = torch.linalg.vector_norm(j_x, dim=(1, 3)).T  # (T, D)
    own = torch.stack([j_delta[d, :, d] for d in range(D)])  # (D, P, T, P)
    wrt_hidden = torch.linalg.vector_norm(own, dim=(1, 3)).T  # (T, D)
    return GradientFlow(cell, wrt_hidden.double().numpy(), wrt_input.double().numpy())
